import Foundation
import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// `host-installer validate-answerfile`: exit statuses (the messages are covered by the
/// golden files in Tests/Answerfiles).
@Suite struct ValidateAnswerfileCommandTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let machine = tests.appendingPathComponent("Fixtures/machines/appendix-b.json").path
    static func file(_ rel: String) -> String { tests.appendingPathComponent("Answerfiles/" + rel).path }

    @Test(arguments: [
        ("good/appendix-b-fresh.xml", Int32(0)),
        ("good/appendix-b-reinstall.xml", 0),
        ("good/warnings.xml", 0),
        ("bad/billion-laughs.xml", 2),
        ("bad/unknown-primary-disk.xml", 2),
        ("bad/fresh-missing-keymap.xml", 2),
    ])
    func exitStatus(file: String, expected: Int32) throws {
        #expect(try ValidateAnswerfileCommand.run([Self.file(file), "--machine", Self.machine]) == expected)
    }

    @Test func withoutAMachineOnlyTheFileIsChecked() throws {
        // sdc is not a disk of the demo machine, but --no-machine does no lookups.
        #expect(try ValidateAnswerfileCommand.run([Self.file("good/appendix-b-fresh.xml"), "--no-machine"]) == 0)
        #expect(try ValidateAnswerfileCommand.run([Self.file("bad/static-bad-ip.xml"), "--no-machine"]) == 2)
    }

    @Test func missingValuesCanBeLeftToTheScreens() throws {
        #expect(try ValidateAnswerfileCommand.run([Self.file("bad/fresh-missing-keymap.xml"), "--machine", Self.machine, "--ask-missing"]) == 0)
    }

    @Test func usageErrors() {
        #expect(throws: InstallerError.self) { try ValidateAnswerfileCommand.run([]) }
        #expect(throws: InstallerError.self) { try ValidateAnswerfileCommand.run(["/nonexistent/answerfile.xml", "--machine", Self.machine]) }
        #expect(throws: InstallerError.self) { try ValidateAnswerfileCommand.run(["a.xml", "--no-machine", "--machine", Self.machine]) }
    }
}
