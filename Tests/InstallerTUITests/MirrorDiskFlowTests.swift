import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// The mirrored primary disk on the screens (issue 19 item 2): the Mirror (RAID 1) button of
/// the primary disk screen, the second disk's screen, Back, and the storage screen.
@Suite @MainActor struct MirrorDiskFlowTests {
    /// sda 60 GB, sdb 500 GB, sdc 100 GB, sdd 10 GB (too small), sde 32 GB removable.
    static func machine() -> Machine {
        var m = TestMachines.twoDisks
        m.disks.append(TestMachines.disk("sdc", 100))
        m.disks.append(TestMachines.disk("sdd", 10))
        var usb = TestMachines.disk("sde", 32)
        usb.removable = true
        m.disks.append(usb)
        return m
    }

    static func toPrimaryDisk(_ m: Machine = machine()) -> FlowState {
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        ScreenFlowTests.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge)])
        #expect(s.current == .primaryDisk)
        return s
    }

    @Test func mirrorButtonLeadsToTheSecondDiskAndTheStorageScreenLeavesItOut() {
        var s = Self.toPrimaryDisk()
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDiskThenMirror("sda")), (.mirrorDisk, .mirrorDisk("sdc"))])
        #expect(s.current == .guestDisks)
        #expect(s.answers.plan.primaryDisk == "sda" && s.answers.plan.mirrorDisk == "sdc")
        #expect(s.answers.plan.systemDisks == ["sda", "sdc"])
        // The storage screen does not offer the mirror's second disk.
        let names = GuestDisksScreen(state: s).form.body.compactMap { $0 as? CheckboxList }.first?.items ?? []
        #expect(names.contains { $0.hasPrefix("sdb") } && !names.contains { $0.hasPrefix("sdc") })
        ScreenFlowTests.walk(&s, [(.guestDisks, .guestDisks(["sda", "sdb"], confirmedNone: false))])
        #expect(s.current == .source)
        #expect(s.answers.plan.guestDisks == ["sdb"] && s.answers.plan.storageOnPrimary && s.answers.plan.mirrorDisk == "sdc")
        #expect(ScreenRules.check(s.answers.plan, s, fields: { ["primaryDisk", "mirrorDisk", "guestDisk"].contains($0.kind) }) == nil)
    }

    @Test func theSecondDisksOfferedFollowTheRuleBook() {
        let s = Self.toPrimaryDisk()
        // Too small (sdd), removable (sde) and the primary itself are not offered.
        #expect(MirrorDiskScreen.candidates(primary: "sda", s).map(\.name) == ["sdb", "sdc"])
        #expect(MirrorDiskScreen.candidates(primary: "sdb", s).map(\.name) == ["sda", "sdc"])
        // The same rules refuse them when answered anyway (as the answerfile's <primary-disk swraid>).
        for bad in ["sdd", "sde", "sda", "sdz"] {
            var t = s
            ScreenFlowTests.walk(&t, [(.primaryDisk, .primaryDiskThenMirror("sda"))])
            let effects = Flow.reduce(&t, .submit(.mirrorDisk(bad)))
            guard case let .showError(title, _)? = effects.first else { Issue.record("\(bad) accepted"); continue }
            #expect(title == "Select Primary Disk")
            #expect(t.current == .mirrorDisk && t.answers.plan.mirrorDisk == nil)
            var p = t.answers.plan
            p.mirrorDisk = bad
            #expect(!PlanRules.problems(p, PlanRules.Context(machine: t.machine), where: { $0 == .mirrorDisk }).isEmpty)
        }
    }

    @Test func backKeepsTheMirrorAndOkOnThePrimaryDiskDropsIt() {
        var s = Self.toPrimaryDisk()
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDiskThenMirror("sdb")), (.mirrorDisk, .mirrorDisk("sdc")),
                                  (.guestDisks, .guestDisks(["sdb"], confirmedNone: false))])
        #expect(s.current == .source)
        _ = Flow.reduce(&s, .back)
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .mirrorDisk && s.answers.plan.mirrorDisk == "sdc")
        let selected = MirrorDiskScreen(state: s).answer(button: "ok")
        #expect(selected == .mirrorDisk("sdc"))
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .primaryDisk && s.answers.plan.primaryDisk == "sdb" && s.answers.plan.mirrorDisk == "sdc")
        // Mirror again with the same primary: the second disk is kept and shown.
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDiskThenMirror("sdb"))])
        #expect(s.current == .mirrorDisk && s.answers.plan.mirrorDisk == "sdc")
        _ = Flow.reduce(&s, .back)
        // Ok: a single disk; the mirror screen is skipped.
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDisk("sdb"))])
        #expect(s.current == .guestDisks && s.answers.plan.mirrorDisk == nil && !s.answers.mirrorAsked)
    }

    @Test func aMirrorDiskTickedForStorageBeforeIsDroppedFromIt() {
        var s = Self.toPrimaryDisk()
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDisk("sda")), (.guestDisks, .guestDisks(["sda", "sdb", "sdc"], confirmedNone: false))])
        #expect(s.answers.plan.guestDisks == ["sdb", "sdc"])
        _ = Flow.reduce(&s, .back)
        _ = Flow.reduce(&s, .back)
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDiskThenMirror("sda")), (.mirrorDisk, .mirrorDisk("sdb"))])
        #expect(s.answers.plan.guestDisks == ["sdc"] && s.answers.plan.mirrorDisk == "sdb")
    }

    @Test func noSecondDiskToMirrorOntoIsSaidOnThePrimaryDiskScreen() {
        // Two eligible disks, but the other one is the installer media.
        var m = TestMachines.twoDisks
        m.cdrom = Machine.CDROM(name: "sdb", discs: ["/media/cd"])
        var s = Self.toPrimaryDisk(m)
        #expect(m.eligibleDisks.map(\.name) == ["sda", "sdb"])
        let effects = Flow.reduce(&s, .submit(.primaryDiskThenMirror("sda")))
        guard case let .showError(_, message)? = effects.first else { Issue.record("no refusal"); return }
        #expect(message.contains("No other disk can mirror sda"))
        #expect(s.current == .primaryDisk && !s.answers.mirrorAsked)
    }

    @Test func theConfirmScreenOfAMirrorNamesBothDisksAndEnterIsStillBack() {
        var s = Self.toPrimaryDisk()
        ScreenFlowTests.walk(&s, [(.primaryDisk, .primaryDiskThenMirror("sda")), (.mirrorDisk, .mirrorDisk("sdb"))])
        let form = ConfirmScreen(state: s).form
        let text = form.body.compactMap { $0 as? TextBlock }.first?.text ?? ""
        #expect(text.contains("sda and sdb become a mirror"))
        // The text scrolls (a focus stop of its own); Back stays the default all the same.
        #expect(form.handle(.enter) == .button("back"))
    }

    @Test func aMissingPrimaryDiskAsksForTheMirrorToo() {
        #expect(FlowTable.screens(forMissing: ["primary-disk"]).contains(.mirrorDisk))
    }
}
