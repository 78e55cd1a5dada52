import Foundation
import Testing
import TestSupport
@testable import InstallerCore

@Suite struct MakeRepoTests {
    @Test func writesMetadataThatReadsBack() throws {
        let s = ScratchDirectory()
        let repos = try makeSampleMedia(in: s)
        let main = try RepositoryMetadata.parse(repository: Array(FileManager.default.contents(atPath: s.path + "/packages.main/XS-REPOSITORY")!),
                                                packages: Array(FileManager.default.contents(atPath: s.path + "/packages.main/XS-PACKAGES")!),
                                                directory: "")
        #expect(main.id == .main && main.version == "0.1.0" && main.product == "XCP" && main.build == "1234")
        #expect(main.packages == repos[0].packages)
        let root = main.packages[0]
        #expect(root.label == "dom0-root" && root.kind == .tbz2 && root.root == "/" && root.size == 300_000)
        #expect(root.md5 == (try Digest.md5Hex(path: s.path + "/packages.main/dom0-root.tar.bz2")))
        #expect(root.sha256 == (try Digest.sha256Hex(path: s.path + "/packages.main/dom0-root.tar.bz2")))
        #expect(main.packages[1].kind == .firmware && main.packages[1].file == "fw.bin")
        #expect(repos[1].id == .linux && repos[1].requires == [Requirement(id: .main, test: .ge, version: "0.1.0")])
        let driver = repos[2]
        #expect(driver.isDriverDisk)
        #expect(driver.packages == [Package(label: "megaraid_sas", kind: .driver, size: 4096, md5: driver.packages[0].md5,
                                            sha256: driver.packages[0].sha256, root: "/lib/modules/${KERNEL_VERSION}/extra",
                                            kernel: "any", file: "megaraid_sas.ko")])
        let text = try String(contentsOfFile: s.path + "/driver.megaraid_sas/XS-PACKAGES", encoding: .utf8)
        #expect(text.contains("type=\"driver\" size=\"4096\" md5=\"\(driver.packages[0].md5)\" sha256=\"\(driver.packages[0].sha256!)\" kernel=\"any\" root=\"/lib/modules/${KERNEL_VERSION}/extra\">megaraid_sas.ko</package>"))
    }

    @Test func keepsAnExistingIdentityAndRegeneratesPackages() throws {
        let s = ScratchDirectory()
        s.write("XS-REPOSITORY", "<repository originator=\"acme\" name=\"tools\" version=\"2.0\">\n<description>Acme &amp; co</description>\n<requires originator=\"xs\" name=\"main\"/></repository>")
        s.write("a.tgz", "aaa")
        var r = try MakeRepo.run(directory: s.path)
        #expect(!r.wroteRepositoryFile)
        #expect(r.repository.id == RepositoryID(originator: "acme", name: "tools") && r.repository.description == "Acme & co")
        s.write("b.tbz2", "bbb")
        s.write(".hidden", "x")
        s.write("sub/c.tar.gz", "c")
        r = try MakeRepo.run(directory: s.path)
        #expect(r.repository.packages.map(\.file) == ["a.tgz", "b.tbz2"])
        let scanned = try RepositoryScanner.scan(DirectoryAccessor(s.path))
        #expect(scanned.count == 1 && scanned[0].packages == r.repository.packages && scanned[0].requires.count == 1)
        // Identity options rewrite XS-REPOSITORY (keeping what they do not name).
        r = try MakeRepo.run(directory: s.path, identity: .init(version: "2.1", build: "7"))
        #expect(r.wroteRepositoryFile)
        let again = try RepositoryScanner.scan(DirectoryAccessor(s.path))[0]
        #expect(again.version == "2.1" && again.build == "7" && again.id.originator == "acme" && again.requires.count == 1)
    }

    @Test func keepsWhatADraftPackageListSays() throws {
        // build-sample-product writes the identity and a draft list (no size or digests) first.
        let s = ScratchDirectory()
        s.write("XS-REPOSITORY", "<repository originator=\"xs\" name=\"driver-megaraid_sas\" product=\"XCP\" version=\"0.1.0\"/>")
        s.write("XS-PACKAGES", """
        <packages>
          <package label="raid" type="driver" kernel="2.6.32" root="/lib/modules/${KERNEL_VERSION}/kernel">megaraid_sas.ko</package>
          <package label="blob" type="firmware">a.tar.gz</package>
          <package label="gone" type="firmware">gone.bin</package>
        </packages>
        """)
        s.write("megaraid_sas.ko", "ko")
        s.write("a.tar.gz", "not really a tarball")
        s.write("extra.bin", "new")
        let r = try MakeRepo.run(directory: s.path)
        #expect(r.dropped == ["gone.bin"])
        let p = r.repository.packages
        #expect(p.map(\.file) == ["megaraid_sas.ko", "a.tar.gz", "extra.bin"])
        #expect(p.map(\.label) == ["raid", "blob", "extra.bin"])
        #expect(p.map(\.kind) == [.driver, .firmware, .firmware])
        #expect(p[0].kernel == "2.6.32" && p[0].root == "/lib/modules/${KERNEL_VERSION}/kernel")
        #expect(p[1].root == nil && p[1].md5 == Digest.md5Hex("not really a tarball"))
        #expect(try RepositoryScanner.scan(DirectoryAccessor(s.path)).first?.packages == p)
        #expect(try RepositoryScanner.scan(DirectoryAccessor(s.path)).first?.id.name == "driver-megaraid_sas")

        s.write("XS-PACKAGES", "<packages>\n<package type=\"rpm\">a.tar.gz</package></packages>")
        #expect(throws: InstallerError.invalid("\(s.path)/XS-PACKAGES:2", "unknown type \"rpm\" (expected tbz2, driver or firmware)")) {
            try MakeRepo.run(directory: s.path)
        }
    }

    @Test func classifiesFilesByName() {
        func k(_ f: String) -> (Package.Kind, String) { let p = MakeRepo.package(forFile: f, size: 0, md5: "", sha256: nil); return (p.kind, p.label) }
        #expect(k("dom0.tar.bz2") == (.tbz2, "dom0"))
        #expect(k("x.tar.xz") == (.tbz2, "x"))
        #expect(k("x.tbz2") == (.tbz2, "x"))
        #expect(k("megaraid_sas.ko") == (.driver, "megaraid_sas"))
        #expect(k("fw.bin") == (.firmware, "fw.bin"))
    }
}
