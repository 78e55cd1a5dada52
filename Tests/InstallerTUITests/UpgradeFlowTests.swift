import Foundation
import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// Upgrade and restore through the screens' rules (issue 7), without a terminal: which
/// installations are offered, the backup choice, and the media compatibility check that can
/// only happen once the source has been opened.
@Suite struct UpgradeFlowTests {
    static func installed(_ product: String, _ version: String, uuids: Bool = true) -> ExistingInstallation {
        ExistingInstallation(disk: "sda", partition: 1, product: product, version: version, build: "1234", date: "2026-11-27 01:00:00",
                             inventory: uuids ? ["INSTALLATION_UUID": "u1", "CONTROL_DOMAIN_UUID": "u2"] : [:])
    }

    static func machine(_ inst: [ExistingInstallation], backups: [BackupFound] = []) -> Machine {
        var m = ScreenFlowTests.oneDisk()
        m.installations = inst
        m.backups = backups
        return m
    }

    /// Keymap → Welcome → setup warning → installation type (upgrade) → backup notice → source (local).
    static func toSourceCheck(_ m: Machine) -> FlowState {
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        let inst = m.installations[0]
        ScreenFlowTests.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                                  (.installType, .installType(.reinstall, disk: inst.disk, label: inst.label)), (.backupNotice, .acknowledge)])
        #expect(s.current == .source)
        #expect(Flow.reduce(&s, .submit(.source(.local))) == [.checkSource(.local(path: nil))])
        return s
    }

    @Test func upgradeFromMediaOfTheSameOrNewerVersionGoesOn() {
        for media in ["0.1.0", "0.1.1"] {
            var s = Self.toSourceCheck(Self.machine([Self.installed("XCP", "0.1.0")]))
            _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: media)))
            _ = Flow.reduce(&s, .sourceChecked(error: nil))
            #expect(s.current == .linuxPack && s.upgradeRefusal == nil)
            ScreenFlowTests.walk(&s, [(.linuxPack, .linuxPack(false)), (.verify, .verify(false))])
            #expect(s.current == .confirm && s.answers.plan.mode == .reinstall && s.answers.plan.primaryDisk == "sda")
        }
    }

    @Test func anInstallationNewerThanTheMediaIsRefusedAfterTheSourceWithBackOrCleanInstall() {
        var s = Self.toSourceCheck(Self.machine([Self.installed("XCP", "0.1.1")]))
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.0")))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .upgradeRefused)
        #expect(s.upgradeRefusal == "the installation on sda is XCP 0.1.1, newer than this media (0.1.0)")
        // Back: the source again, and other media (here a newer one) lets the upgrade go on.
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .source && s.answers.plan.mode == .reinstall)
        _ = Flow.reduce(&s, .submit(.source(.local)))
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.2")))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .linuxPack)
        // The same media again, and a clean installation instead.
        _ = Flow.reduce(&s, .back)
        _ = Flow.reduce(&s, .submit(.source(.local)))
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.0")))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .upgradeRefused)
        #expect(Flow.reduce(&s, .submit(.cleanInstead)) == [])
        #expect(s.answers.plan.mode == .fresh && s.answers.existing == nil && s.upgradeRefusal == nil)
        #expect(s.current == .source)   // one disk: the clean installation goes on from the installation type
        #expect(s.history == [.keymap, .welcome, .setupWarning, .installType])
        ScreenFlowTests.walk(&s, [(.source, .source(.local)), (.linuxPack, .linuxPack(false)), (.verify, .verify(false)),
                                  (.rootPassword, .rootPassword("s3cret!", confirm: "s3cret!"))])
        #expect(s.current == .adminNetwork)   // a clean installation asks for every setting
        _ = Flow.reduce(&s, .back); _ = Flow.reduce(&s, .back); _ = Flow.reduce(&s, .back); _ = Flow.reduce(&s, .back)
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .installType)
    }

    @Test func anotherProductIsRefusedOnceTheMediaIsKnown() {
        var s = Self.toSourceCheck(Self.machine([Self.installed("OtherOS", "0.1.0")]))
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.1")))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .upgradeRefused)
        #expect(s.upgradeRefusal?.contains("is OtherOS 0.1.0, not XCP (an unknown product)") == true)
    }

    @Test func onMultiDiskMachinesACleanInstallInsteadAsksForTheDisks() {
        var m = TestMachines.twoDisks
        m.installations = [Self.installed("XCP", "0.2.0")]
        var s = Self.toSourceCheck(m)
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.0")))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .upgradeRefused)
        _ = Flow.reduce(&s, .submit(.cleanInstead))
        #expect(s.current == .primaryDisk)
    }

    @Test func restoreChoosesAmongTheBackupsAndNeedsNoSource() {
        let b1 = BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "1234", date: "2026-11-27 01:00:00", made: "2026-11-27 02:00:00")
        let b2 = BackupFound(disk: "sdb", partition: 2, product: "XCP", version: "0.0.9", build: "99", date: "", made: "")
        var s = FlowState(machine: { var m = TestMachines.twoDisks; m.backups = [b1, b2]; return m }())
        _ = Flow.reduce(&s, .start)
        ScreenFlowTests.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                                  (.installType, .installType(.restore, disk: "sda", label: b1.label))])
        #expect(s.current == .backupChoice)
        #expect(BackupChoiceScreen.item(b1) == "sda2: XCP 0.1.0 (build 1234), made 2026-11-27 02:00:00")
        #expect(BackupChoiceScreen.item(b2) == "sdb2: XCP 0.0.9 (build 99), date unknown")
        if case .showError = Flow.reduce(&s, .submit(.backup(disk: "sdc", label: "x"))).first {} else { Issue.record("no error for a disk without a backup") }
        ScreenFlowTests.walk(&s, [(.backupChoice, .backup(disk: "sdb", label: b2.label))])
        #expect(s.current == .confirm && s.answers.plan.mode == .restore && s.answers.plan.primaryDisk == "sdb")
        #expect(s.answers.plan.sources.isEmpty && s.answers.existing == b2.label)
        #expect(s.history == [.keymap, .welcome, .setupWarning, .installType, .backupChoice])
        #expect(Flow.reduce(&s, .submit(.confirm)) == [.finish(s.answers.plan)])
    }

    @Test func anAnswerfileWithoutTheBackupDiskAsksForIt() {
        #expect(FlowTable.screens(forMissing: ["backup-disk"]).isSuperset(of: [.installType, .backupChoice, .confirm]))
        // An upgrade whose answerfile leaves out the source: the media check is shown after the source screens.
        #expect(FlowTable.screens(forMissing: ["source"]).contains(.upgradeRefused))
    }

    @Test func aBackupMarkerGivesTheDateItWasMade() {
        #expect(InstallationDetector.madeDate("backup of 0.1.0 made 2026-11-27 03:12:44\n") == "2026-11-27 03:12:44")
        #expect(InstallationDetector.madeDate("") == "")
        let b = BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "", date: "2026-11-26 10:00:00", made: "2026-11-27 03:12:44")
        #expect(b.label == "XCP 0.1.0 backup on sda2, made 2026-11-27 03:12:44")
    }
}

/// What the installation type screen offers (built as the terminal shows it).
@Suite @MainActor struct InstallTypeScreenTests {
    static func text(_ screen: InstallerScreen) -> String {
        var c = Canvas(rows: 40, cols: 100)
        screen.form.draw(into: &c)
        // The words as read, across wrapped lines and the window's borders.
        return c.lines.joined(separator: " ").replacingOccurrences(of: "│", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func anInstallationThatDoesNotSayWhatItIsIsOfferedOnlyACleanInstallWithTheReason() {
        var s = FlowState(machine: UpgradeFlowTests.machine([UpgradeFlowTests.installed("", "")]))
        s.current = .installType
        let t = Self.text(InstallTypeScreen(state: s))
        #expect(!t.contains("Upgrade"))
        #expect(t.contains("Perform clean installation"))
        #expect(t.contains("Setup cannot upgrade it, only a clean installation is possible: the installation on sda does not say which product or version it is (unknown product)."))
    }

    /// A mirrored installation is offered as one upgrade on both disks; a degraded one is not
    /// offered (neither its upgrade nor its backup), and the screen says which array lacks which member.
    @Test func aMirrorIsOfferedOnBothDisksAndADegradedOneIsReportedNotOffered() {
        var inst = UpgradeFlowTests.installed("XCP", "0.1.0")
        inst.mirror = MirrorState(disks: ["sda", "sdb"], arrays: ["root", "backup"], degraded: nil)
        var b = BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.0.9", build: "", date: "")
        b.mirror = inst.mirror
        let ok = Self.text(InstallTypeScreen(state: FlowState(machine: UpgradeFlowTests.machine([inst], backups: [b]))))
        #expect(ok.contains("Upgrade XCP 0.1.0 on sda and sdb (RAID 1)"), "\(ok)")
        #expect(ok.contains("Restore from backup"))
        let why = "the mirror root is degraded: member 2 of 2 is missing (no disk examined holds it)"
        inst.mirror = MirrorState(disks: ["sda"], arrays: ["root", "backup"], degraded: why)
        b.mirror = inst.mirror
        var s = FlowState(machine: UpgradeFlowTests.machine([inst], backups: [b]))
        s.current = .installType
        let t = Self.text(InstallTypeScreen(state: s))
        #expect(!t.contains("Upgrade XCP") && !t.contains("Restore from backup"), "\(t)")
        // (The text scrolls: a scroll bar sits between its lines.)
        #expect(t.contains("the installation on sda is on a degraded mirror") && t.contains("the mirror root is degraded: member 2 of"), "\(t)")
        #expect(t.contains("Perform clean installation"))
    }

    @Test func theConfirmScreenOfAMirrorUpgradeNamesTheBackupMirror() {
        var inst = UpgradeFlowTests.installed("XCP", "0.1.0")
        inst.mirror = MirrorState(disks: ["sda", "sdb"], arrays: ["root", "backup"], degraded: nil)
        var s = FlowState(machine: UpgradeFlowTests.machine([inst]))
        s.answers.plan.mode = .reinstall
        s.answers.plan.primaryDisk = "sdb"
        s.answers.existing = inst.label
        let t = Self.text(ConfirmScreen(state: s))
        #expect(t.contains("on sda and sdb (RAID 1)") && t.contains("sda2 and sdb2 (RAID 1)"), "\(t)")
    }

    @Test func anUpgradeableInstallationAndABackupAreOffered() {
        let b = BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "1", date: "")
        let s = FlowState(machine: UpgradeFlowTests.machine([UpgradeFlowTests.installed("XCP", "0.1.1")], backups: [b]))
        let t = Self.text(InstallTypeScreen(state: s))
        #expect(t.contains("Upgrade XCP 0.1.1 on sda"))
        #expect(t.contains("Restore from backup"))
        #expect(!t.contains("cannot upgrade"))
    }

    @Test func theUpgradeIsHighlightedFirstAndAnEarlierChoiceIsKept() {
        let inst = UpgradeFlowTests.installed("XCP", "0.1.0")
        var s = FlowState(machine: UpgradeFlowTests.machine([inst]))
        // Nothing chosen yet: Enter upgrades (the choice that loses nothing).
        #expect(InstallTypeScreen(state: s).answer(button: "ok") == .installType(.reinstall, disk: "sda", label: inst.label))
        // Clean installation chosen, then Back to this screen: still the clean installation.
        _ = InstallTypeScreen.apply(.fresh, disk: nil, label: nil, to: &s)
        #expect(InstallTypeScreen(state: s).answer(button: "ok") == .installType(.fresh, disk: nil, label: nil))
        #expect(InstallTypeScreen(state: s).answer(button: "back") == nil)
    }
}
