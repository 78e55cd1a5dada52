import Foundation
import Testing
@testable import InstallerCore

@Suite struct SupportBundleTests {
    @Test func removesThePasswordFromAnswerfiles() {
        let xml = "<installation>\n<root-password type=\"plaintext\">hunter22</root-password>\n<root-password/>\n<keymap>us</keymap></installation>"
        let out = SupportBundle.redactPassword(xml)
        #expect(!out.contains("hunter22"))
        #expect(out.contains("<root-password type=\"plaintext\">(removed)</root-password>"))
        #expect(out.contains("<keymap>us</keymap>"))
    }

    @Test func bundleHoldsNoSecretAnywhere() throws {
        let m = Machine(cpu: .init(model: "x", cores: 1, hvm: true), memoryMiB: 1024, disks: [], nics: [], cdrom: nil)
        let files = SupportBundle.files(.init(log: ["[t] typed hunter22 by mistake"], machine: m,
                                              answerfile: "<root-password>hunter22</root-password>"), secrets: ["hunter22"])
        #expect(files.map(\.0).contains("answerfile.xml"))
        for (name, text) in files { #expect(!text.contains("hunter22"), "\(name)") }
        let dir = NSTemporaryDirectory() + "bundle-test-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try SupportBundle.write(.init(log: ["hello"], machine: m), toDirectory: dir, secrets: [])
        let saved = try Upload.save(path, to: dir + "/copy")
        #expect(FileManager.default.fileExists(atPath: saved))
    }
}
