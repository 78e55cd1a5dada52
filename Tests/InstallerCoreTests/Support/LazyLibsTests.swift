import Foundation
import Testing
import LazyLibs
@testable import InstallerCore

/// The heavy C libraries are opened on first use, not at start (Sources/LazyLibs).
@Suite struct LazyLibsTests {
    static let lazySonames = ["libcurl.so.4", "libnfs.so.13", "libparted.so.2", "libarchive.so.13", "libxml2.so.2", "libcrypto.so.3"]

    @Test func heavyLibrariesAreNotInTheProgramsNeededList() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["readelf", "-d", "/proc/self/exe".resolvingSymlinksInPath]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0)
        #expect(text.contains("(NEEDED)"), "readelf shows the needed libraries")
        for so in Self.lazySonames { #expect(!text.contains("[\(so)]"), "\(so) is linked at start") }
    }

    @Test func aFirstCallOpensTheLibraryAndGivesTheRightAnswer() {
        // Digests go through libcrypto's EVP functions, each reached through its stub.
        #expect(Digest.md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(lazy_library_is_loaded("libcrypto.so.3") == 1)
        #expect(lazy_library_is_loaded("libnot-a-library.so.1") == 0)
    }
}

private extension String {
    var resolvingSymlinksInPath: String { (try? FileManager.default.destinationOfSymbolicLink(atPath: self)) ?? self }
}
