import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// Directory and ISO 9660 sources (images made here with xorriso), the scanner and the verifier.
@Suite struct LocalMediaTests {
    @Test func scansAMediaDirectory() throws {
        let s = ScratchDirectory()
        let made = try makeSampleMedia(in: s)
        let repos = try RepositoryScanner.scan(DirectoryAccessor(s.path))
        #expect(repos.map(\.id.description) == ["xs:main", "xs:linux", "xs:driver.megaraid_sas"])
        #expect(repos.map(\.directory) == ["packages.main", "packages.linux", "driver.megaraid_sas"])
        #expect(repos.map(\.packages) == made.map(\.packages))
        #expect(try RepositoryScanner.scanInstallSource(DirectoryAccessor(s.path)).count == 3)
        #expect(try RepositoryScanner.scanDriverDisk(DirectoryAccessor(s.path)).map(\.id.name) == ["driver.megaraid_sas"])
        // A repository directly at the top.
        #expect(try RepositoryScanner.scan(DirectoryAccessor(s.path + "/packages.main")).map(\.directory) == [""])
    }

    @Test func followsTheRepositoryList() throws {
        let s = ScratchDirectory()
        _ = try makeSampleMedia(in: s)
        try FileManager.default.moveItem(atPath: s.path + "/packages.linux", toPath: s.path + "/extra-pack")
        s.write("XS-REPOSITORY-LIST", "# packs\nextra-pack/\n\n")
        #expect(try RepositoryScanner.scan(DirectoryAccessor(s.path)).map(\.directory).contains("extra-pack"))
        s.write("XS-REPOSITORY-LIST", "ok\n../outside\n")
        #expect(throws: InstallerError.invalid("XS-REPOSITORY-LIST:2", "\"../outside\" is not a directory inside the media")) {
            try RepositoryScanner.scan(DirectoryAccessor(s.path))
        }
    }

    @Test func namesTheFileAndLineOfBadMetadataOnTheMedia() throws {
        let s = ScratchDirectory()
        _ = try makeSampleMedia(in: s)
        s.write("packages.linux/XS-PACKAGES", "<packages>\n  <package label=\"x\" type=\"tbz2\" size=\"1\">x.tgz</package>\n</packages>\n")
        #expect(throws: InstallerError.invalid("packages.linux/XS-PACKAGES:2", "package \"x\" has no md5 attribute (it is required)")) {
            try RepositoryScanner.scan(DirectoryAccessor(s.path))
        }
        try FileManager.default.removeItem(atPath: s.path + "/packages.linux/XS-PACKAGES")
        #expect(throws: InstallerError.self) { try RepositoryScanner.scan(DirectoryAccessor(s.path)) }
    }

    @Test func refusesASourceWithoutTheBaseRepository() throws {
        let s = ScratchDirectory()
        _ = try makeSampleMedia(in: s)
        try FileManager.default.removeItem(atPath: s.path + "/packages.main")
        do {
            _ = try RepositoryScanner.scanInstallSource(DirectoryAccessor(s.path))
            Issue.record("accepted a source without xs:main")
        } catch {
            #expect(error.description.contains("no base repository xs:main (found only xs:linux, xs:driver.megaraid_sas)"))
        }
    }

    @Test func verifiesAndNamesEachDamagedOrMissingPackage() throws {
        let s = ScratchDirectory()
        _ = try makeSampleMedia(in: s, bigSize: 5_000_000)
        let acc = DirectoryAccessor(s.path)
        let repos = try RepositoryScanner.scan(acc)
        let seen = ProgressLog()
        let good = Verifier.verify(repos, accessor: acc, progress: { f, l in seen.add(f, l) })
        #expect(good.ok && good.checked == 4 && good.summary == "All 4 packages are intact.")
        #expect(seen.fractions.last == 1 && seen.labels.contains("dom0-root"))
        #expect(zip(seen.fractions, seen.fractions.dropFirst()).allSatisfy { $0 <= $1 })

        // Damage one byte of the root tarball, remove the firmware, shorten the driver.
        let root = s.path + "/packages.main/dom0-root.tar.bz2"
        var bytes = Array(FileManager.default.contents(atPath: root)!)
        bytes[4_000_000] ^= 1
        _ = FileManager.default.createFile(atPath: root, contents: Data(bytes))
        try FileManager.default.removeItem(atPath: s.path + "/packages.main/fw.bin")
        s.write("driver.megaraid_sas/megaraid_sas.ko", ScratchDirectory.bytes(4000, seed: 4))
        let bad = Verifier.verify(repos, accessor: acc)
        #expect(!bad.ok)
        #expect(bad.problems.map(\.package.label) == ["dom0-root", "fw.bin", "megaraid_sas"])
        #expect(bad.problems[0].reason.hasPrefix("the MD5 is "))
        #expect(bad.problems[1].reason == "missing (packages.main/fw.bin is not on the media)")
        #expect(bad.problems[2].reason == "the size is 4000 bytes, expected 4096")
        #expect(bad.summary.hasPrefix("3 of 4 packages are damaged or missing: dom0-root (dom0-root.tar.bz2 in xs:main): the MD5 is "))
    }

    @Test func checksSHA256WhenGiven() throws {
        let s = ScratchDirectory()
        s.write("a.tgz", "hello")
        var repo = try MakeRepo.run(directory: s.path).repository
        repo.packages[0].sha256 = String(repeating: "0", count: 64)
        let r = Verifier.verify([repo], accessor: DirectoryAccessor(s.path))
        #expect(r.problems.first?.reason.hasPrefix("the SHA-256 is 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824, expected 0000") == true)
    }

    // MARK: ISO

    func makeISO(_ s: ScratchDirectory, tree: String, name: String, mode: [String]) throws -> String {
        let iso = s.path + "/" + name
        try runTool(["xorriso"] + mode.map { $0 == "ISO" ? iso : ($0 == "TREE" ? tree : $0) })
        return iso
    }

    @Test func readsRockRidgeImagesWithoutMounting() throws {
        let s = ScratchDirectory()
        let tree = ScratchDirectory("tree")
        let made = try makeSampleMedia(in: tree)
        tree.write("Mixed Case Name.txt", "mixed")
        let iso = try makeISO(s, tree: tree.path, name: "rr.iso", mode: ["-as", "mkisofs", "-R", "-J", "-V", "XCP", "-o", "ISO", "TREE"])
        let acc = try ISOAccessor(iso)
        #expect(try acc.list("")?.contains("packages.main") == true)
        #expect(acc.exists("Mixed Case Name.txt") && acc.exists("mixed case name.TXT"))
        #expect(!acc.exists("packages.main/nope"))
        #expect(try acc.openIfPresent("nope") == nil)
        #expect(throws: InstallerError.self) { try acc.open("nope") }
        #expect(try readAll(acc.open("Mixed Case Name.txt")) == Array("mixed".utf8))
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.map(\.packages) == made.map(\.packages))
        let opensBefore = acc.reopenCount
        let report = Verifier.verify(repos, accessor: acc, threads: 1)
        #expect(report.ok, "\(report.summary)")
        // Reading in disc order continues from where the last file ended.
        #expect(acc.reopenCount - opensBefore <= 2, "reopened \(acc.reopenCount - opensBefore) times")
        #expect(Verifier.verify(repos, accessor: acc, threads: 2).ok)
        #expect(throws: InstallerError.self) { try acc.open("../etc/passwd") }
    }

    @Test func matchesPlainISO9660NamesWithoutCaseAndVersion() throws {
        let s = ScratchDirectory()
        let tree = ScratchDirectory("tree")
        tree.write("dom0-root.tar.bz2", ScratchDirectory.bytes(70_000, seed: 5))
        tree.write("fw.bin", "firmware")
        _ = try MakeRepo.run(directory: tree.path)
        let level1 = try makeISO(s, tree: tree.path, name: "l1.iso",
                                 mode: ["-outdev", "ISO", "-rockridge", "off", "-joliet", "off", "-compliance", "iso_9660_level=1", "-map", "TREE", "/"])
        let acc = try ISOAccessor(level1)
        let top = try acc.list("") ?? []
        #expect(top.contains("XS_REPOS"), "\(top)")
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.first?.packages.count == 2)
        #expect(Verifier.verify(repos, accessor: acc).ok)

        // xorriso's relaxed names (no Rock Ridge): PACKAGES_MAIN/DOM0_ROOT_TAR.BZ2
        let media = ScratchDirectory("tree")
        _ = try makeSampleMedia(in: media)
        let relaxed = try makeISO(s, tree: media.path, name: "relaxed.iso",
                                  mode: ["-outdev", "ISO", "-rockridge", "off", "-joliet", "off", "-map", "TREE", "/"])
        let r = try ISOAccessor(relaxed)
        let names = try r.list("") ?? []
        #expect(names == ["DRIVER_MEGARAID_SAS", "PACKAGES_LINUX", "PACKAGES_MAIN"], "\(names)")
        #expect(r.exists("packages.main/dom0-root.tar.bz2"))
        let found = try RepositoryScanner.scan(r)
        #expect(found.map(\.id.name) == ["main", "linux", "driver.megaraid_sas"])
        #expect(Verifier.verify(found, accessor: r).ok)
    }

    /// A block device holding an ISO (a loop device, as /dev/sr0 would), read with the same code.
    /// Skipped where loop devices cannot be set up (not root, no loop support).
    @Test func readsABlockDevice() throws {
        let s = ScratchDirectory()
        let tree = ScratchDirectory("tree")
        _ = try makeSampleMedia(in: tree)
        let iso = try makeISO(s, tree: tree.path, name: "dev.iso", mode: ["-as", "mkisofs", "-R", "-J", "-o", "ISO", "TREE"])
        guard getuid() == 0, let out = try? runToolQuiet(["losetup", "-f", "--show", "-r", iso]) else { return }
        let dev = out.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? runToolQuiet(["losetup", "-d", dev]) }
        let acc = try ISOAccessor(dev)
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.count == 3)
        #expect(Verifier.verify(repos, accessor: acc).ok)
        acc.close()
    }

    @Test func explainsWhatIsNotADisc() throws {
        let s = ScratchDirectory()
        let p = s.write("notaniso.iso", ScratchDirectory.bytes(100_000, seed: 1))
        #expect(throws: InstallerError.self) { try ISOAccessor(p) }
        do { _ = try ISOAccessor(s.path + "/missing.iso"); Issue.record("opened a missing image") } catch {
            #expect(error.description == "\(s.path)/missing.iso: the disc image or device is not there")
        }
    }

    @Test func makesAnAccessorForEachLocalSource() throws {
        let s = ScratchDirectory()
        let tree = ScratchDirectory("tree")
        _ = try makeSampleMedia(in: tree)
        let iso = try makeISO(s, tree: tree.path, name: "main.iso", mode: ["-as", "mkisofs", "-R", "-o", "ISO", "TREE"])
        var m = Machine(cpu: .init(model: "x", cores: 1, hvm: true), memoryMiB: 1024, disks: [], nics: [],
                        cdrom: .init(name: "sr0", discs: [iso, tree.path]))
        #expect(try Accessors.make(for: .local(path: nil), machine: m) is ISOAccessor)
        #expect(try Accessors.make(for: .local(path: tree.path), machine: m) is DirectoryAccessor)
        m.cdrom = nil
        #expect(throws: InstallerError.failed("this machine has no CD drive", hint: "choose another installation source")) {
            try Accessors.make(for: .local(path: nil), machine: m)
        }
        #expect(try Accessors.make(for: .url("http://127.0.0.1:1/x", credentials: nil), machine: m) is HTTPAccessor)
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var fractions: [Double] = []
    private(set) var labels: Set<String> = []
    func add(_ f: Double, _ l: String) { lock.lock(); fractions.append(f); labels.insert(l); lock.unlock() }
}
