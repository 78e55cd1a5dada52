import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// Not a test: `scripts/bench-verify` runs it (HI_BENCH_VERIFY=1). It prints the time of the
/// verifier against `md5sum` (and `md5sum` + `sha256sum`) over the same packages (4 files,
/// HI_BENCH_VERIFY_MB in all, default 200; `make bench` uses 1024 when there is room), read
/// from a directory and from an ISO image (warm page cache). Never fails on timing.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["HI_BENCH_VERIFY"] != nil))
struct VerifyBench {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = Date(); try body(); return Date().timeIntervalSince(t)
    }
    func best(_ n: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        var b = Double.infinity
        for _ in 0..<n { b = min(b, try seconds(body)) }
        return b
    }
    func line(_ s: String) { print("bench-verify: " + s) }

    @Test func verifierAgainstMd5sum() throws {
        let s = ScratchDirectory("bench")
        let dir = s.path + "/media/packages.main"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let totalMB = max(4, Int(ProcessInfo.processInfo.environment["HI_BENCH_VERIFY_MB"] ?? "") ?? 200)
        let files = (0..<4).map { "\(dir)/pkg\($0).tar.xz" }
        for f in files { try runTool(["dd", "if=/dev/urandom", "of=\(f)", "bs=1M", "count=\(totalMB / 4)", "status=none"]) }
        let t0 = Date()
        var repo = try MakeRepo.run(directory: dir).repository
        repo.directory = "packages.main"
        line(String(format: "make-repo (MD5 + SHA-256 of %d MiB) %.2f s", totalMB, Date().timeIntervalSince(t0)))
        var md5Only = repo
        for i in md5Only.packages.indices { md5Only.packages[i].sha256 = nil }
        let acc = DirectoryAccessor(s.path + "/media")
        try runTool(["sh", "-c", "cat \"$@\" > /dev/null", "sh"] + files)   // warm the cache

        let md5sum = try best { try runTool(["md5sum"] + files) }
        let both = try best { try runTool(["md5sum"] + files); try runTool(["sha256sum"] + files) }
        let v1 = best { #expect(Verifier.verify([md5Only], accessor: acc, threads: 1).ok) }
        let v2 = best { #expect(Verifier.verify([md5Only], accessor: acc, threads: 2).ok) }
        let v2sha = best { #expect(Verifier.verify([repo], accessor: acc, threads: 2).ok) }
        line("\(totalMB) MiB in 4 files, directory, warm cache, best of 3")
        line(String(format: "md5sum %.2f s; md5sum+sha256sum %.2f s", md5sum, both))
        line(String(format: "Verifier MD5, 1 thread %.2f s (%.2fx md5sum); 2 threads %.2f s (%.2fx md5sum)", v1, v1 / md5sum, v2, v2 / md5sum))
        line(String(format: "Verifier MD5+SHA-256, 2 threads %.2f s (%.2fx md5sum+sha256sum)", v2sha, v2sha / both))

        // The same files on an ISO image read with libarchive.
        let iso = s.path + "/media.iso"
        try runTool(["xorriso", "-as", "mkisofs", "-R", "-o", iso, s.path + "/media"])
        try runTool(["sh", "-c", "cat \"$1\" > /dev/null", "sh", iso])
        var index = 0.0
        var accISO: ISOAccessor!
        index = try best { accISO = try ISOAccessor(iso) }
        let isoRepos = try RepositoryScanner.scan(accISO)
        var md5ISO = isoRepos
        for i in md5ISO[0].packages.indices { md5ISO[0].packages[i].sha256 = nil }
        let before = accISO.reopenCount
        let i1 = best { #expect(Verifier.verify(md5ISO, accessor: accISO, threads: 1).ok) }
        let walks1 = accISO.reopenCount - before
        let b2 = accISO.reopenCount
        let i2 = best { #expect(Verifier.verify(md5ISO, accessor: accISO, threads: 2).ok) }
        let walks2 = accISO.reopenCount - b2
        // Opening the last file cold (a fresh header walk from the start) against reading it.
        let last = "packages.main/pkg3.tar.xz"
        let open = try best(5) { let a = try ISOAccessor(iso); try a.open(last).close() }
        line(String(format: "ISO %.0f MB: index %.2f ms; index + open the last file from a fresh accessor %.2f ms", Double(try FileManager.default.attributesOfItem(atPath: iso)[.size] as! UInt64) / 1e6, index * 1000, open * 1000))
        line(String(format: "ISO Verifier MD5, 1 thread %.2f s (%.2fx md5sum, %d header walks in 3 runs); 2 threads %.2f s (%.2fx, %d walks)",
                    i1, i1 / md5sum, walks1, i2, i2 / md5sum, walks2))
    }
}
