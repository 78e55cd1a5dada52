import Foundation
import Testing
@testable import InstallerCore

/// bzip2 decoded block by block on several threads (issue 20) gives bzip2's own output:
/// many blocks, concatenated and empty streams, long runs, a block cut by a magic found by
/// chance; damaged or truncated data is an error, bytes after the last stream are ignored.
@Suite(.serialized) struct ParallelBzip2Tests {
    /// A mix of text, random and repeated bytes, made by python3 (deterministic).
    static func sample(_ dir: String, _ name: String, mb: Int, seed: Int) -> String {
        let path = dir + "/" + name
        let (rc, out) = Shell.run("""
            python3 -c 'import random,sys; r=random.Random(\(seed)); f=open(sys.argv[1],"wb")
            for i in range(\(mb) * 16):
                k=i%4
                if k==0: f.write(bytes(r.getrandbits(8) for _ in range(65536)))
                elif k==1: f.write((" ".join(str(r.random()) for _ in range(3500))).encode()[:65536])
                elif k==2: f.write(bytes([i%256])*65536)
                else: f.write(bytes(r.choice(b"abcd") for _ in range(65536)))
            ' \(path)
            """)
        #expect(rc == 0, "\(out)")
        return path
    }

    static func decode(_ compressed: [UInt8], workers: Int, split: Bool = false) throws(InstallerError) -> [UInt8] {
        let base = BytesStream(compressed)
        let first = Array(compressed.prefix(10))
        base.pos = first.count
        let d = ParallelBzip2(base, initial: first, name: "test", workers: workers, splitBlocks: split)
        defer { d.close() }
        var out = [UInt8]()
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 100_000, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = try d.read(into: buf)
            if n == 0 { break }
            out += UnsafeRawBufferPointer(rebasing: buf[0..<n])
        }
        return out
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    @Test(arguments: [(2, false), (3, false), (2, true), (4, true)])
    func matchesBzip2(_ workers: Int, _ split: Bool) throws {
        let dir = Shell.tempDir("pbz")
        defer { Shell.run("rm -rf \(dir)") }
        let f = Self.sample(dir, "a", mb: 2, seed: 1)
        #expect(Shell.run("bzip2 -1 -k \(f)").0 == 0)        // 100 kB blocks: many of them
        let got = try Self.decode(Self.bytes(f + ".bz2"), workers: workers, split: split)
        #expect(got == Self.bytes(f))
        #expect(ParallelBzip2.recognises(UnsafeRawBufferPointer(start: Self.bytes(f + ".bz2"), count: 10)))
    }

    @Test func concatenatedAndEmptyStreamsLongRunsAndTrailingBytes() throws {
        let dir = Shell.tempDir("pbz")
        defer { Shell.run("rm -rf \(dir)") }
        let a = Self.sample(dir, "a", mb: 1, seed: 2), b = Self.sample(dir, "b", mb: 1, seed: 3)
        #expect(Shell.run("head -c 30000000 /dev/zero > \(dir)/z && bzip2 -9 -k \(a) && bzip2 -3 -k \(b) && bzip2 -k \(dir)/z"
                          + " && bzip2 < /dev/null > \(dir)/e.bz2").0 == 0)
        let joined = Self.bytes(a + ".bz2") + Self.bytes(dir + "/e.bz2") + Self.bytes(dir + "/z.bz2") + Self.bytes(b + ".bz2")
        let want = Self.bytes(a) + Self.bytes(dir + "/z") + Self.bytes(b)
        #expect(try Self.decode(joined, workers: 2) == want)
        #expect(try Self.decode(joined + Array("not bzip2 at all".utf8), workers: 2) == want)
    }

    @Test func damagedOrTruncatedDataIsAnError() throws {
        let dir = Shell.tempDir("pbz")
        defer { Shell.run("rm -rf \(dir)") }
        let f = Self.sample(dir, "a", mb: 1, seed: 4)
        #expect(Shell.run("bzip2 -1 -k \(f)").0 == 0)
        var c = Self.bytes(f + ".bz2")
        #expect(throws: InstallerError.self) { _ = try Self.decode(Array(c.prefix(c.count - 100)), workers: 2) }
        #expect(throws: InstallerError.self) { _ = try Self.decode(Array(c.prefix(c.count / 2)), workers: 2) }
        c[c.count / 3] ^= 0x10
        #expect(throws: InstallerError.self) { _ = try Self.decode(c, workers: 2) }
    }

    /// Through ArchiveExtractor: a tar.bz2 of several blocks extracts as it does with one thread.
    @Test func extractsATarBz2() throws {
        let dir = Shell.tempDir("pbz")
        defer { Shell.run("rm -rf \(dir)") }
        _ = Self.sample(dir, "a", mb: 1, seed: 5)
        #expect(Shell.run("mkdir -p \(dir)/t/sub && mv \(dir)/a \(dir)/t/sub/a && tar -C \(dir)/t -cjf \(dir)/p.tar.bz2 . && mkdir \(dir)/o").0 == 0)
        for workers in [1, 2] {
            #expect(Shell.run("rm -rf \(dir)/o && mkdir \(dir)/o").0 == 0)
            let n = try ArchiveExtractor.extract(from: BytesStream(Self.bytes(dir + "/p.tar.bz2")), into: dir + "/o", name: "p", workers: workers)
            #expect(n == 3)
            #expect(Shell.run("cmp \(dir)/t/sub/a \(dir)/o/sub/a").0 == 0)
        }
    }
}
