import Foundation
import Testing
@testable import InstallerCore

/// Archives are made with python3's tarfile (it writes any member name, including the
/// hostile ones GNU tar refuses to create) and compressed with the system tools.
@Suite(.serialized) struct ArchiveExtractorTests {
    static func makeTar(_ dir: String, _ name: String, _ members: String) -> String {
        let path = dir + "/" + name
        let script = """
        import tarfile, io, sys
        t = tarfile.open(sys.argv[1], 'w', format=tarfile.GNU_FORMAT)
        def add(name, type=tarfile.REGTYPE, data=b'', link='', mode=0o644, uid=0, gid=0, major=0, minor=0):
            i = tarfile.TarInfo(name); i.type = type; i.mode = mode; i.uid = uid; i.gid = gid; i.linkname = link
            i.devmajor = major; i.devminor = minor; i.size = len(data) if type == tarfile.REGTYPE else 0; i.mtime = 1700000000
            t.addfile(i, io.BytesIO(data) if type == tarfile.REGTYPE else None)
        \(members)
        t.close()
        """
        try? script.write(toFile: dir + "/mk.py", atomically: true, encoding: .utf8)
        let (rc, out) = Shell.run("python3 \(dir)/mk.py \(path)")
        #expect(rc == 0, "\(out)")
        return path
    }

    static func extract(_ archive: String, into dest: String) throws(InstallerError) -> Int {
        let d = FileManager.default.contents(atPath: archive)!
        return try ArchiveExtractor.extract(from: BytesStream([UInt8](d)), into: dest, name: archive)
    }

    @Test(arguments: ["gzip", "bzip2", "xz", "zstd"])
    func extractsATreeWithAnyCompression(_ compressor: String) throws {
        let dir = Shell.tempDir("arc")
        defer { Shell.run("rm -rf \(dir)") }
        let tar = Self.makeTar(dir, "p.tar", """
        add('./', tarfile.DIRTYPE, mode=0o755)
        add('./bin/', tarfile.DIRTYPE, mode=0o755)
        add('./bin/tool', data=b'#!/bin/sh\\necho hi\\n', mode=0o4755, uid=1234, gid=5678)
        add('./bin/tool2', tarfile.LNKTYPE, link='./bin/tool')
        add('./bin/sh', tarfile.SYMTYPE, link='/bin/busybox')
        add('./etc/', tarfile.DIRTYPE, mode=0o700)
        add('./etc/motd', data=b'hello\\n')
        add('./dev/', tarfile.DIRTYPE, mode=0o755)
        add('./dev/null', tarfile.CHRTYPE, mode=0o666, major=1, minor=3)
        """)
        let (rc, out) = Shell.run("\(compressor) -k -f \(tar)")
        #expect(rc == 0, "\(out)")
        let ext = ["gzip": "gz", "bzip2": "bz2", "xz": "xz", "zstd": "zst"][compressor]!
        let dest = dir + "/out"
        mkdir(dest, 0o755)
        let n = try Self.extract(tar + "." + ext, into: dest)
        #expect(n == 9)
        var st = stat()
        #expect(lstat(dest + "/bin/tool", &st) == 0)
        #expect(st.st_mode & 0o7777 == (getuid() == 0 ? 0o4755 : 0o755))
        if getuid() == 0 { #expect(st.st_uid == 1234 && st.st_gid == 5678) }
        #expect(st.st_nlink == 2)
        #expect(st.st_mtim.tv_sec == 1700000000)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dest + "/bin/sh")) == "/bin/busybox")
        #expect(lstat(dest + "/etc", &st) == 0 && st.st_mode & 0o777 == 0o700)
        if getuid() == 0 {
            #expect(lstat(dest + "/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        }
        #expect(String(decoding: FileManager.default.contents(atPath: dest + "/etc/motd")!, as: UTF8.self) == "hello\n")
    }

    @Test(arguments: [
        ("add('../x', data=b'evil')", "contains .."),
        ("add('a/../../x', data=b'evil')", "contains .."),
        ("add('/abs', data=b'evil')", "absolute path"),
        ("add('ok', data=b'ok')\nadd('h', tarfile.LNKTYPE, link='../outside')", "contains .."),
        ("add('h', tarfile.LNKTYPE, link='/etc/passwd')", "absolute path"),
        ("add('evil', tarfile.SYMTYPE, link='OUTSIDE')\nadd('evil/pwned', data=b'evil')", "through the symlink"),
        ("add('d/', tarfile.DIRTYPE)\nadd('d/up', tarfile.SYMTYPE, link='../..')\nadd('d/up/pwned2', data=b'x')", "through the symlink"),
    ])
    func refusesEntriesThatLeaveTheTarget(_ members: String, _ reason: String) throws {
        let dir = Shell.tempDir("arc")
        defer { Shell.run("rm -rf \(dir)") }
        let outside = dir + "/outside"
        mkdir(outside, 0o755)
        let tar = Self.makeTar(dir, "bad.tar", members.replacingOccurrences(of: "OUTSIDE", with: outside))
        let dest = dir + "/a/b/out"
        Shell.run("mkdir -p \(dest)")
        do {
            _ = try Self.extract(tar, into: dest)
            Issue.record("extraction of \(members) succeeded")
        } catch {
            #expect(error.message.contains(reason), "\(error)")
        }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: outside)) == [])
        #expect(!FileManager.default.fileExists(atPath: dir + "/a/b/x"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/a/x"))
        #expect(!FileManager.default.fileExists(atPath: "/abs"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/a/pwned2"))
    }

    @Test func aTruncatedArchiveIsAnError() throws {
        let dir = Shell.tempDir("arc")
        defer { Shell.run("rm -rf \(dir)") }
        let tar = Self.makeTar(dir, "t.tar", "add('big', data=__import__('os').urandom(100000))")
        Shell.run("gzip -f \(tar) && head -c 2000 \(tar).gz > \(dir)/cut.tar.gz")
        let dest = dir + "/out"
        mkdir(dest, 0o755)
        #expect(throws: InstallerError.self) { try Self.extract(dir + "/cut.tar.gz", into: dest) }
    }
}

@Suite struct ExtractorDigestTests {
    @Test func knownDigests() {
        #expect(Digest.md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Digest.md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hashingStreamPassesBytesThrough() throws {
        let data = (0..<100_000).map { UInt8($0 % 251) }
        let h = HashingStream(base: BytesStream(data))
        var got = [UInt8]()
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buf.deallocate() }
        while true {
            let n = try h.read(into: buf)
            if n == 0 { break }
            got += buf[0..<n]
        }
        #expect(got == data)
        #expect(h.md5Hex == Digest.md5Hex(data) && h.sha256Hex == Digest.sha256Hex(data))
        #expect(h.bytesRead == 100_000)
        #expect(try Digest.md5Hex(of: BytesStream(data)) == Digest.md5Hex(data))
    }
}

@Suite(.serialized) struct PackageInstallerTests {
    static func repo(_ dir: String, md5: String? = nil, sha256: String? = nil) -> (Repository, DirectoryAccessor) {
        let tar = ArchiveExtractorTests.makeTar(dir, "root.tar", """
        add('./', tarfile.DIRTYPE, mode=0o755)
        add('./boot/', tarfile.DIRTYPE, mode=0o755)
        add('./boot/vmlinuz-1.0', data=b'kernel')
        add('./lib', tarfile.SYMTYPE, link='usr/lib')
        add('./usr/lib/', tarfile.DIRTYPE, mode=0o755)
        add('./usr/lib/libx.so', data=b'lib')
        """)
        Shell.run("bzip2 -f \(tar)")
        let bytes = [UInt8](FileManager.default.contents(atPath: tar + ".bz2")!)
        let pkg = Package(label: "dom0-root", kind: .tbz2, size: UInt64(bytes.count), md5: md5 ?? Digest.md5Hex(bytes),
                          sha256: sha256, root: "/", file: "root.tar.bz2")
        let r = Repository(id: .main, product: "XCP", version: "0.1.0", build: "1", description: "", requires: [], packages: [pkg], directory: "")
        return (r, DirectoryAccessor(dir))
    }

    @Test func installsAVerifiedPackageAndMergesThroughInTreeSymlinks() throws {
        let dir = Shell.tempDir("pkg"), root = Shell.tempDir("root")
        defer { Shell.run("rm -rf \(dir) \(root)") }
        let (r, acc) = Self.repo(dir)
        let bytes = [UInt8](FileManager.default.contents(atPath: dir + "/root.tar.bz2")!)
        var p = r.packages[0]
        p.sha256 = Digest.sha256Hex(bytes)
        try PackageInstaller(root: root, log: EventLog()).install(p, of: r, from: acc)
        #expect(FileManager.default.fileExists(atPath: root + "/boot/vmlinuz-1.0"))
        #expect(FileManager.default.fileExists(atPath: root + "/usr/lib/libx.so"))
        // A second package writing into /lib goes through the in-target symlink lib -> usr/lib.
        let tar2 = ArchiveExtractorTests.makeTar(dir, "more.tar", "add('lib/', tarfile.DIRTYPE)\nadd('lib/liby.so', data=b'y')")
        let b2 = [UInt8](FileManager.default.contents(atPath: tar2)!)
        let p2 = Package(label: "more", kind: .tbz2, size: UInt64(b2.count), md5: Digest.md5Hex(b2), file: "more.tar")
        try PackageInstaller(root: root, log: EventLog()).install(p2, of: r, from: acc)
        #expect(FileManager.default.fileExists(atPath: root + "/usr/lib/liby.so"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/lib")) == "usr/lib")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".host-installer") } == [])
    }

    @Test(arguments: ["md5", "sha256"])
    func aDigestMismatchLeavesNothingBehind(_ which: String) throws {
        let dir = Shell.tempDir("pkg"), root = Shell.tempDir("root")
        defer { Shell.run("rm -rf \(dir) \(root)") }
        let (r, acc) = which == "md5" ? Self.repo(dir, md5: String(repeating: "0", count: 32))
                                      : Self.repo(dir, sha256: String(repeating: "f", count: 64))
        do {
            try PackageInstaller(root: root, log: EventLog()).install(r.packages[0], of: r, from: acc)
            Issue.record("no error")
        } catch {
            #expect(error.message.contains(which == "md5" ? "MD5 mismatch" : "SHA-256 mismatch"))
            #expect(error.message.contains("nothing of this package was installed"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == [])
    }

    @Test func targetPathsResolveLikeAChroot() throws {
        let root = Shell.tempDir("root")
        defer { Shell.run("rm -rf \(root)") }
        symlink("/etc", root + "/abs")
        symlink("../../../..", root + "/up")
        #expect(try TargetPath.resolve(root: root, "/abs/passwd") == root + "/etc/passwd")
        #expect(try TargetPath.resolve(root: root, "/up/etc/shadow") == root + "/etc/shadow")
        #expect(try TargetPath.resolve(root: root, "/../../x") == root + "/x")
        try TargetPath.write(root: root, "/abs/hostname", "h\n")
        #expect(FileManager.default.fileExists(atPath: root + "/etc/hostname"))
    }
}
