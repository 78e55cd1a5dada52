import Foundation
import Testing
import TestSupport
@testable import Replay
import InstallerCore

/// The replay harness against the real binary (built by `swift build` before `swift test`).
@Suite struct ReplayHarnessTests {
    static let root = TestPaths.root
    static let binary = root + "/.build/debug/host-installer"

    @Test func aGoldenScreenThatNoLongerMatchesFailsWithADiff() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build host-installer first")
        var runner = ReplayRunner(executable: Self.binary, update: false)
        runner.report = { _ in }
        runner.stateVariable = InstallEnvironment.Name.state
        let outcome = runner.run(scriptAt: Self.root + "/Tests/Fixtures/replay-mismatch/mismatch.replay")
        #expect(!outcome.passed)
        let report = outcome.failures.joined(separator: "\n")
        #expect(report.contains("screen 'keymap' differs"))
        #expect(report.contains("expected:") && report.contains("actual:"))
        let minus = report.split(separator: "\n").filter { $0.contains(" - ") && $0.contains("Please pick the keymap") }
        let plus = report.split(separator: "\n").filter { $0.contains(" + ") && $0.contains("Please select the keymap") }
        #expect(minus.count == 1 && plus.count == 1)
    }

    @Test func parsesEveryCommandOfTheSpec() throws {
        let s = try ReplayScript(path: "t.replay", text: """
        size 80x25
        machine ../machines/two-disks.json      # relative to the script
        args --dry-run
        wait "Select Keymap"
        key Down Down Space Tab BTab AltTab Enter Esc Up Left Right PgUp PgDn Home End Backspace F1 F12 AltF1 AltF3 Ctrl-C
        type "s3cret!"
        screen keymap
        exit 0
        """)
        #expect(s.lines.count == 8)
        #expect(s.lines[3].command == .wait("Select Keymap", timeout: 10))
        #expect(s.lines[5].command == .type("s3cret!", delayMs: 0))
        #expect(throws: ReplayError.self) { try ReplayScript(path: "t", text: "key Sideways") }
    }

    @Test func goldenColoursAreCompared() {
        let cell = Snapshot.CellColour(fg: 7, bg: 4, bold: true)
        let shot = Snapshot(text: ["ab"], colours: [[cell, cell]])
        #expect(shot.differences(from: Snapshot.Golden(fileText: shot.fileText)).isEmpty)
        let other = Snapshot(text: ["ab"], colours: [[cell, Snapshot.CellColour(fg: 0, bg: 7, bold: false)]])
        #expect(!other.differences(from: Snapshot.Golden(fileText: shot.fileText)).isEmpty)
    }

    @Test func maskedTextKeepsItsWidthAndColours() throws {
        let cell = Snapshot.CellColour(fg: 7, bg: 4, bold: false)
        let row = "│ sda2: made 2026-11-27 03:12:44 │"
        let shot = Snapshot(text: [row], colours: [Array(repeating: cell, count: row.count)])
        let re = try NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}")
        let masked = shot.masked([(re, nil)])
        #expect(masked.text == ["│ sda2: made ################### │"])
        #expect(masked.colourRuns == shot.colourRuns)
        // The same screen on another day matches the recorded (masked) golden.
        let later = Snapshot(text: ["│ sda2: made 2027-01-02 23:59:01 │"], colours: shot.colours)
        #expect(later.masked([(re, nil)]).differences(from: Snapshot.Golden(fileText: masked.fileText)).isEmpty)
        #expect(!later.differences(from: Snapshot.Golden(fileText: masked.fileText)).isEmpty)
        let script = try ReplayScript(path: "t", text: "mask \"[0-9]{4}-[0-9]{2}\"")
        #expect(script.lines[0].command == .mask("[0-9]{4}-[0-9]{2}", nil))
        #expect(throws: ReplayError.self) { try ReplayScript(path: "t", text: "mask \"([\"") }
    }
}

@Suite struct ReplayMaskAndTouchTests {
    @Test func parsesTouchAndMask() throws {
        let s = try ReplayScript(path: "t.replay", text: """
        touch resume
        mask "[0-9]{2}:[0-9]{2}" "hh:mm"
        """)
        #expect(s.lines.map(\.command) == [.touch("resume"), .mask("[0-9]{2}:[0-9]{2}", "hh:mm")])
    }

    @Test func rejectsBadTouchAndMask() {
        #expect(throws: ReplayError.self) { try ReplayScript(path: "t", text: "touch ../escape") }
        #expect(throws: ReplayError.self) { try ReplayScript(path: "t", text: "mask \"[unclosed\" x") }
        #expect(throws: ReplayError.self) { try ReplayScript(path: "t", text: "mask one two three") }
    }

    @Test func masksReplaceMatchesInEveryRowAndKeepColours() throws {
        let c = Snapshot.CellColour(fg: 7, bg: 4, bold: false)
        let snap = Snapshot(text: ["[2026-11-27 02:51:18] ran: x -> exit 0 in 0.81 s", "no stamp $here"],
                            colours: [[c], [c]])
        let masks: [(NSRegularExpression, String?)] = [
            (try NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}"), "STAMP"),
            (try NSRegularExpression(pattern: "in [0-9.]+ s"), NSRegularExpression.escapedTemplate(for: "in $N s"))]
        let m = snap.masked(masks)
        #expect(m.text == ["[STAMP] ran: x -> exit 0 in $N s", "no stamp $here"])
        #expect(m.colours == snap.colours)
        #expect(snap.masked([]) == snap)
        #expect(snap.masked([(try NSRegularExpression(pattern: "[0-9]{2}:[0-9]{2}"), nil)]).text[0] == "[2026-11-27 #####:18] ran: x -> exit 0 in 0.81 s")
    }
}
