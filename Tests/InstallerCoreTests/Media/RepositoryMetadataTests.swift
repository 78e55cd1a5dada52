import Foundation
import Testing
import TestSupport
@testable import InstallerCore

@Suite struct RepositoryMetadataTests {
    static let md5 = "0123456789abcdef0123456789abcdef"
    static let goodRepository = """
    <?xml version="1.0"?>
    <repository originator="xs" name="main" product="XCP" version="0.1.0" build="1234">
      <description>Xen Cloud Platform 0.1</description>
      <requires originator="xs" name="base" test="ge" version="0.0.9"/>
    </repository>
    """
    static let goodPackages = """
    <packages>
      <package label="dom0-root" type="tbz2" size="13912345" md5="\(md5)" sha256="\(String(repeating: "ab", count: 32))" root="/">dom0-root.tar.bz2</package>
      <package label="megaraid" type="driver" size="40960" md5="\(md5.uppercased())" kernel="any" root="/lib/modules/${KERNEL_VERSION}/extra">megaraid_sas.ko</package>
      <package label="fw" type="firmware" size="1024" md5="\(md5)">fw.bin</package>
    </packages>
    """

    @Test func parsesTheSpecExample() throws {
        let r = try RepositoryMetadata.parse(repository: Array(Self.goodRepository.utf8), packages: Array(Self.goodPackages.utf8),
                                             directory: "packages.main")
        #expect(r.id == .main)
        #expect(r.product == "XCP" && r.version == "0.1.0" && r.build == "1234")
        #expect(r.description == "Xen Cloud Platform 0.1")
        #expect(r.requires == [Requirement(id: RepositoryID(originator: "xs", name: "base"), test: .ge, version: "0.0.9")])
        #expect(r.directory == "packages.main")
        #expect(r.packages.map(\.kind) == [.tbz2, .driver, .firmware])
        #expect(r.packages[0] == Package(label: "dom0-root", kind: .tbz2, size: 13912345, md5: Self.md5,
                                         sha256: String(repeating: "ab", count: 32), root: "/", file: "dom0-root.tar.bz2"))
        #expect(r.packages[1].md5 == Self.md5)   // lower-cased
        #expect(r.packages[1].kernel == "any" && r.packages[1].root == "/lib/modules/${KERNEL_VERSION}/extra")
        #expect(r.packages[2].root == nil && r.packages[2].sha256 == nil)
        #expect(!r.isDriverDisk)
        #expect(r.totalSize == 13912345 + 40960 + 1024)
    }

    @Test func renderedMetadataReadsBackTheSame() throws {
        let r = try RepositoryMetadata.parse(repository: Array(Self.goodRepository.utf8), packages: Array(Self.goodPackages.utf8),
                                             directory: "")
        var again = try RepositoryMetadata.parseRepository(Array(RepositoryMetadata.renderRepository(r).utf8), name: "R")
        again.packages = try RepositoryMetadata.parsePackages(Array(RepositoryMetadata.renderPackages(r.packages).utf8), name: "P")
        #expect(again == r)
    }

    static let badPackages: [(String, String)] = [
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\">a.tar.bz2</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has no md5 attribute (it is required)"),
        ("<packages>\n\n<package label=\"a\" type=\"tbz2\" size=\"12x\" md5=\"\(md5)\">a.tar.bz2</package>\n</packages>",
         "XS-PACKAGES:3: package \"a\" has a bad size \"12x\" (a whole number of bytes)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"-1\" md5=\"\(md5)\">a.tar.bz2</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has a bad size \"-1\" (a whole number of bytes)"),
        ("<packages>\n<package label=\"a\" type=\"rpm\" size=\"1\" md5=\"\(md5)\">a.rpm</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has an unknown type \"rpm\" (expected tbz2, driver or firmware)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"xyz\">a.tar.bz2</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has a bad md5 \"xyz\" (32 hex digits)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\" sha256=\"00\">a.tar.bz2</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has a bad sha256 \"00\" (64 hex digits)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\">../etc/passwd</package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" has the file name \"../etc/passwd\", which is not a plain path inside the repository"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\">  </package>\n</packages>",
         "XS-PACKAGES:2: package \"a\" names no file (the file name is the element's text)"),
        ("<packages>\n<package type=\"tbz2\" size=\"1\" md5=\"\(md5)\">a</package>\n</packages>",
         "XS-PACKAGES:2: <package> has no label attribute (it is required)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\" colour=\"red\">a</package>\n</packages>",
         "XS-PACKAGES:2: unknown attribute colour on <package> (expected one of: kernel, label, md5, root, sha256, size, type)"),
        ("<packages>\n<pakage/>\n</packages>",
         "XS-PACKAGES:2: unknown element <pakage> in <packages> (expected <package>)"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\">a</package>\n<package label=\"b\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\">a</package>\n</packages>",
         "XS-PACKAGES:3: package \"b\" names \"a\" again (first at line 2)"),
        ("<repository/>", "XS-PACKAGES:1: the top element is <repository>, expected <packages>"),
        ("<packages>\n<package label=\"a\" type=\"tbz2\" size=\"1\" md5=\"\(md5)\">a</pakage>\n</packages>",
         "XS-PACKAGES:2: malformed XML (column 90): Opening and ending tag mismatch: package line 2 and pakage"),
        ("<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<packages>&x;</packages>",
         "XS-PACKAGES:1: a DOCTYPE is not allowed in repository metadata"),
        ("", "XS-PACKAGES:1: the file is empty"),
    ]

    @Test(arguments: badPackages)
    func reportsBadPackages(text: String, expected: String) {
        do {
            _ = try RepositoryMetadata.parsePackages(Array(text.utf8), name: "XS-PACKAGES")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == expected)
            #expect(error.kind == .invalidInput)
        }
    }

    static let badRepositories: [(String, String)] = [
        ("<repository originator=\"xs\" version=\"1\"/>", "XS-REPOSITORY:1: <repository> has no name attribute (it is required)"),
        ("<repository originator=\"xs\" name=\"main\" version=\"one\"/>",
         "XS-REPOSITORY:1: version of <repository> is \"one\", expected dotted numbers such as 0.1.0"),
        ("<repository originator=\"xs\" name=\"main\" version=\"1\">\n<requires originator=\"xs\" name=\"x\" test=\"about\" version=\"1\"/>\n</repository>",
         "XS-REPOSITORY:2: unknown test \"about\" in <requires> (expected eq, ne, lt, le, gt or ge)"),
        ("<repository originator=\"xs\" name=\"main\" version=\"1\">\n\n<require originator=\"xs\" name=\"x\"/>\n</repository>",
         "XS-REPOSITORY:3: unknown element <require> in <repository> (expected <description> or <requires>)"),
        ("<repository originator=\"xs\" name=\"main\" version=\"1\">\n<description>a</description>\n<description>b</description></repository>",
         "XS-REPOSITORY:3: a second <description>"),
        ("<repository originator=\"xs\" name=\"main\" version=\"1\">\n<description>a &amp b</description></repository>",
         "XS-REPOSITORY:2: malformed XML (column 20): EntityRef: expecting ';'"),
    ]

    @Test(arguments: badRepositories)
    func reportsBadRepositories(text: String, expected: String) {
        #expect(throws: InstallerError.invalid(String(expected.prefix { $0 != " " }.dropLast()), String(expected.drop { $0 != " " }.dropFirst()))) {
            try RepositoryMetadata.parseRepository(Array(text.utf8), name: "XS-REPOSITORY")
        }
    }

    @Test func neverFetchesExternalEntities() throws {
        // Without XML_PARSE_NOENT/DTDLOAD nothing is loaded; with a DOCTYPE the file is refused outright.
        let s = ScratchDirectory()
        let secret = s.write("secret", "TOPSECRET")
        let text = "<!DOCTYPE packages [<!ENTITY x SYSTEM \"file://\(secret)\">]>\n<packages>&x;</packages>"
        #expect(throws: InstallerError.self) { try RepositoryMetadata.parsePackages(Array(text.utf8), name: "P") }
    }

    @Test(arguments: [
        ("0.1.0", "0.1", 0), ("0.1.1", "0.1.0", 1), ("0.9", "0.10", -1), ("1.2.3", "1.2.3", 0),
        ("5.5.0-1234", "5.5.0-999", 1), ("2", "10", -1), ("1.0.0", "1", 0),
    ])
    func comparesDottedVersions(a: String, b: String, expected: Int) {
        #expect(VersionCompare.compare(a, b) == expected)
        #expect(VersionCompare.compare(b, a) == -expected)
    }

    @Test func checksEachTest() {
        let cases: [(Requirement.Test, [Bool])] = [   // against 0.1.0: versions 0.0.9, 0.1.0, 0.2
            (.eq, [false, true, false]), (.ne, [true, false, true]), (.lt, [true, false, false]),
            (.le, [true, true, false]), (.gt, [false, false, true]), (.ge, [false, true, true]),
        ]
        for (test, expected) in cases {
            let q = Requirement(id: .main, test: test, version: "0.1.0")
            let got = ["0.0.9", "0.1.0", "0.2"].map { v in
                q.isSatisfied(by: Repository(id: .main, product: "XCP", version: v, build: nil, description: "",
                                             requires: [], packages: [], directory: ""))
            }
            #expect(got == expected, "\(test)")
        }
    }

    func repo(_ name: String, _ version: String, requires: [Requirement] = [], packages: [Package] = []) -> Repository {
        Repository(id: RepositoryID(originator: "xs", name: name), product: "XCP", version: version, build: nil,
                   description: name, requires: requires, packages: packages, directory: "")
    }

    @Test func checksRequirementsAndTheBaseRepository() throws {
        let linux = repo("linux", "0.1.0", requires: [Requirement(id: .main, test: .ge, version: "0.1.0")])
        #expect(try RepositoryRules.checkInstallSource([linux, repo("main", "0.1.0")], source: "cd").map(\.id) == [.main, .linux])
        #expect(throws: InstallerError.invalid("cd", "xs:linux needs xs:main ge 0.1.0, but version 0.0.5 of xs:main is present")) {
            try RepositoryRules.checkInstallSource([repo("main", "0.0.5"), linux], source: "cd")
        }
        #expect(throws: InstallerError.invalid("http://x/", "this is not an installation source: it has no base repository xs:main (found only xs:linux)",
                                               hint: "check the URL or path, or use the main product media")) {
            try RepositoryRules.checkInstallSource([linux], source: "http://x/")
        }
        // An installed repository satisfies a requirement too (a Linux Pack disc after the base install).
        try RepositoryRules.checkRequirements([linux], installed: [repo("main", "0.2")], source: "cd2")
        #expect(throws: InstallerError.invalid("cd2", "xs:linux needs xs:main ge 0.1.0, which is not present")) {
            try RepositoryRules.checkRequirements([linux], source: "cd2")
        }
    }

    @Test func detectsDriverDisks() {
        let ko = Package(label: "m", kind: .driver, size: 1, md5: Self.md5, file: "m.ko")
        let fw = Package(label: "f", kind: .firmware, size: 1, md5: Self.md5, file: "f.bin")
        let tar = Package(label: "t", kind: .tbz2, size: 1, md5: Self.md5, file: "t.tar.gz")
        #expect(repo("driver.megaraid_sas", "1", packages: [tar]).isDriverDisk)
        #expect(repo("raid", "1", packages: [ko, fw]).isDriverDisk)
        #expect(!repo("main", "1", packages: [tar, ko]).isDriverDisk)
        #expect(!repo("empty", "1").isDriverDisk)
    }
}

@Suite struct DigestTests {
    @Test func matchesKnownVectors() throws {
        func hexes(_ s: String) -> (String, String?) {
            let h = Hasher(md5: true, sha256: true)
            Array(s.utf8).withUnsafeBytes { h.update($0) }
            let r = h.finish()
            return (r.md5, r.sha256)
        }
        #expect(hexes("") == ("d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(hexes("abc") == ("900150983cd24fb0d6963f7d28e17f72", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(hexes("The quick brown fox jumps over the lazy dog").0 == "9e107d9d372bb6826bd81d3542a419d6")
    }

    @Test func hashesFilesAndStreamsLikeTheTools() throws {
        let s = ScratchDirectory()
        let p = s.write("f", ScratchDirectory.bytes(3_000_001, seed: 9))
        let md5 = try runTool(["md5sum", p]).prefix(32)
        let sha = try runTool(["sha256sum", p]).prefix(64)
        #expect(try Digest.md5Hex(path: p) == String(md5))
        #expect(try Digest.sha256Hex(path: p) == String(sha))
        let stream = HashingStream(try DirectoryAccessor(s.path).open("f"), sha256: true)
        #expect(stream.md5Hex == nil)
        #expect(try readAll(stream).count == 3_000_001)
        #expect(stream.md5Hex == String(md5) && stream.sha256Hex == String(sha))
        #expect(throws: InstallerError.self) { try Digest.md5Hex(path: s.path + "/missing") }
    }
}
