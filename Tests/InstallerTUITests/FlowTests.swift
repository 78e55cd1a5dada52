import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// Machines built as values for flow tests.
enum TestMachines {
    static func disk(_ name: String, _ gb: UInt64, driver: String? = nil) -> Machine.Disk {
        Machine.Disk(name: name, vendor: "ATA", model: "M\(name)", sizeBytes: gb * Size.GiB, path: "/img/\(name)", isImage: true, needsDriver: driver)
    }
    static let twoDisks = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096,
                                  disks: [disk("sda", 60), disk("sdb", 500)],
                                  nics: [Machine.NIC(name: "eth0", mac: "00:16:3e:00:00:01", link: true),
                                         Machine.NIC(name: "eth1", mac: "00:16:3e:00:00:02", link: false)],
                                  cdrom: Machine.CDROM(name: "sr0", discs: ["/media/cd"]))
}

@Suite struct FlowEngineTests {
    @Test func startsOnTheKeymapScreenAndGoesForward() {
        var s = FlowState(machine: TestMachines.twoDisks)
        #expect(Flow.reduce(&s, .start) == [])
        #expect(s.current == .keymap)
        #expect(Flow.reduce(&s, .submit(.keymap("uk"))) == [.applyKeymap("uk")])
        #expect(s.current == .welcome && s.answers.plan.keymap == "uk")
        #expect(s.history == [.keymap])
    }

    @Test func backReturnsWithAnswersKept() {
        var s = FlowState(machine: TestMachines.twoDisks)
        _ = Flow.reduce(&s, .start)
        _ = Flow.reduce(&s, .submit(.keymap("de")))
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .keymap && s.answers.plan.keymap == "de" && s.history.isEmpty)
        // Back from the first screen does nothing.
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .keymap)
    }

    @Test func skipsScreensWhosePredicateIsFalseBothWays() {
        let table = [FlowStep(.keymap), FlowStep(.welcome, when: { $0.answers.plan.keymap == "us" }), FlowStep(.confirm)]
        var s = FlowState(machine: TestMachines.twoDisks)
        _ = Flow.reduce(&s, .start, table: table)
        _ = Flow.reduce(&s, .submit(.keymap("fr")), table: table)
        #expect(s.current == .confirm)
        _ = Flow.reduce(&s, .back, table: table)
        #expect(s.current == .keymap)
    }

    @Test func rebootLeavesAsCancelled() {
        var s = FlowState(machine: TestMachines.twoDisks)
        _ = Flow.reduce(&s, .start)
        _ = Flow.reduce(&s, .submit(.keymap("us")))
        #expect(Flow.reduce(&s, .submit(.welcome(.reboot))) == [.exit(3)])
        #expect(s.current == .welcome)
    }

}

@Suite @MainActor struct WidgetTests {
    @Test func listTypeAheadJumpsAndCycles() {
        let l = ListBox(["us", "uk", "azerty", "be", "uz"], selected: 0)
        _ = l.handle(.char("u"))
        #expect(l.selected == 1)
        _ = l.handle(.char("U"))
        #expect(l.selected == 4)
        _ = l.handle(.char("u"))
        #expect(l.selected == 0)
        #expect(l.handle(.enter) == .activate("ok"))
    }

    @Test func formFocusCyclesWithTabAndBackTab() {
        let e1 = Entry("A:"), e2 = Entry("B:")
        let f = Form(title: "T", body: [e1, e2], buttons: [.ok, .back], help: "h")
        #expect(f.focusedWidget === e1)
        _ = f.handle(.tab)
        #expect(f.focusedWidget === e2)
        _ = f.handle(.backTab)
        _ = f.handle(.backTab)
        #expect(f.focusedWidget == nil)   // on Back
        #expect(f.handle(.enter) == .button("back"))
        #expect(f.handle(.f(12)) == .button("ok"))
    }

    @Test func maskedEntryNeverShowsItsText() {
        let e = Entry("Password:", masked: true)
        for ch in "s3cret" { _ = e.handle(.char(ch)) }
        var c = Canvas(rows: 1, cols: 40)
        e.draw(into: &c, row: 0, col: 0, width: 40, focused: true)
        #expect(e.value == "s3cret")
        #expect(!c.lines[0].contains("s3cret") && c.lines[0].contains("******"))
    }

    @Test func wrapsText() {
        #expect(TextWrap.wrap("one two three four", width: 9) == ["one two", "three", "four"])
        #expect(TextWrap.wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }
}
