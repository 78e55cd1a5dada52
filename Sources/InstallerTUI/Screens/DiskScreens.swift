import InstallerCore

/// Step 7: Select Primary Disk (shown with more than one suitable disk). Ok: the control
/// domain on this disk alone; Mirror (RAID 1): on this disk and a second one, chosen next.
@MainActor
struct PrimaryDiskScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let names: [String]

    init(state: FlowState) {
        let disks = state.machine.eligibleDisks
        names = disks.map(\.name)
        let list = ListBox(disks.map(\.label), selected: names.firstIndex(of: state.answers.plan.primaryDisk) ?? 0, rows: 4)
        self.list = list
        form = Form(title: "Select Primary Disk", width: 60, body: [
            TextBlock("""
            Please select the disk you would like to install Xen Cloud Platform on. Disks \
            smaller than 16 GB, removable disks and the installation media are not listed.
            """),
            Spacer(), list,
        ], buttons: [.ok, .back, FormButton("mirror", "Mirror (RAID 1)")],
            help: "The primary disk holds the control domain (root and backup partitions, 4 GB each). The rest of it can hold VM storage, chosen on the next screen. You may need to set the BIOS to boot from this disk. Mirror (RAID 1) installs on this disk and a second one, chosen on the next screen, kept identical (software RAID 1): the host still starts when either disk fails.")
    }

    func answer(button: String) -> ScreenAnswer? {
        switch button {
        case "ok": return .primaryDisk(names[list.selected])
        case "mirror": return .primaryDiskThenMirror(names[list.selected])
        default: return nil
        }
    }

    nonisolated static func apply(_ disk: String, mirror: Bool, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.mode = .fresh
        p.primaryDisk = disk
        if let refused = ScreenRules.check(p, s, fields: { $0 == .primaryDisk }) { return refused }
        if mirror && MirrorDiskScreen.candidates(primary: disk, s).isEmpty {
            return .invalid(title: "Select Primary Disk", message: "No other disk can mirror \(disk): the second disk of a mirror must be at least 16 GB, fixed and not the installation media.")
        }
        if s.answers.plan.primaryDisk != disk {
            // A new primary disk starts the storage choice afresh: the primary ticked.
            s.answers.plan.guestDisks = []
            s.answers.plan.storageOnPrimary = true
            s.answers.plan.mirrorDisk = nil
        }
        s.answers.plan.primaryDisk = disk
        // Ok: a single disk. Mirror: the mirror screen comes next (a mirror kept from before is shown there).
        s.answers.mirrorAsked = mirror
        if !mirror { s.answers.plan.mirrorDisk = nil }
        return .next([])
    }
}

/// Step 7, after the Mirror (RAID 1) button: the second disk of the mirrored primary disk.
@MainActor
struct MirrorDiskScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let names: [String]

    init(state: FlowState) {
        let p = state.answers.plan
        let disks = Self.candidates(primary: p.primaryDisk, state)
        let diskNames = disks.map(\.name)
        names = diskNames
        (form, list) = FormKit.list(title: "Mirror Primary Disk", text: """
        Please select the second disk of the mirror (software RAID 1). It is partitioned like \
        \(p.primaryDisk) and erased; both disks hold the same data.
        """, items: disks.map(\.label), selected: p.mirrorDisk.flatMap { diskNames.firstIndex(of: $0) } ?? 0, rows: 4,
            help: "A mirror keeps the control domain (and VM storage on the primary disk) on two disks at once, so the host still starts when either disk fails. Both disks are partitioned alike, to the size of the smaller one. Only disks of at least 16 GB, fixed and not the installation media are listed, as for the primary disk. Back returns to the primary disk, where Ok installs on a single disk.")
    }

    func answer(button: String) -> ScreenAnswer? {
        button == "ok" && !names.isEmpty ? .mirrorDisk(names[list.selected]) : nil
    }

    /// The disks that can mirror `primary`: the eligible ones the rule book accepts as the
    /// second disk of a mirror (the same rules as the answerfile's).
    nonisolated static func candidates(primary: String, _ s: FlowState) -> [Machine.Disk] {
        s.machine.eligibleDisks.filter { d in
            var p = s.answers.plan
            p.mode = .fresh
            p.primaryDisk = primary
            p.mirrorDisk = d.name
            return d.name != primary && ScreenRules.check(p, s, fields: { $0 == .mirrorDisk }) == nil
        }
    }

    nonisolated static func apply(_ disk: String, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.mirrorDisk = disk
        if let refused = ScreenRules.check(p, s, fields: { $0 == .mirrorDisk }) { return refused }
        s.answers.plan.mirrorDisk = disk
        // A disk of the mirror is not VM storage of its own.
        s.answers.plan.guestDisks.removeAll { $0 == disk }
        return .next([])
    }
}

/// Step 7, second screen: the disks to format for VM storage.
@MainActor
final class GuestDisksScreen: InstallerScreen {
    let form: Form
    private let list: CheckboxList
    private let names: [String]
    /// Set once the "no storage" warning was shown: Ok again with none ticked goes on.
    private var warned = false

    init(state: FlowState) {
        let p = state.answers.plan
        // The second disk of a mirror is not offered: it holds the same as the primary disk.
        let disks = state.machine.eligibleDisks.filter { $0.name != p.mirrorDisk }
        let diskNames = disks.map(\.name)
        names = diskNames
        let chosen = Set(p.guestDisks + (p.storageOnPrimary ? [p.primaryDisk] : []))
        list = CheckboxList(disks.map(\.label), checked: Set(diskNames.indices.filter { chosen.contains(diskNames[$0]) }), rows: 4)
        form = Form(title: "Virtual Machine Storage", width: 60, body: [
            TextBlock("Which disks would you like to use for Xen Cloud Platform storage? The disks you tick are formatted and hold the VMs' disks. Use <Space> to tick a disk."),
            Spacer(), list,
        ], buttons: [.ok, .back], help: "Ticked disks are erased and given to VM storage; on the primary disk only the space after the root and backup partitions is used. You may tick none and set storage up after the installation.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        let disks = list.checked.sorted().map { names[$0] }
        defer { if disks.isEmpty { warned = true } }
        return .guestDisks(disks, confirmedNone: disks.isEmpty && warned)
    }

    nonisolated static func apply(_ disks: [String], confirmedNone: Bool, to s: inout FlowState) -> Outcome {
        if disks.isEmpty && !confirmedNone {
            return .invalid(title: "Warning", message: "You did not choose any disk for VM storage. You can set storage up after the installation, but until then the host cannot hold VMs. Tick a disk with <Space>, or choose Ok again on the storage screen with none ticked to go on without one.")
        }
        var p = s.answers.plan
        p.guestDisks = disks.filter { $0 != p.primaryDisk }
        p.storageOnPrimary = disks.contains(p.primaryDisk)
        if let refused = ScreenRules.check(p, s, fields: { $0.kind == "guestDisk" }) { return refused }
        s.answers.plan.guestDisks = p.guestDisks
        s.answers.plan.storageOnPrimary = p.storageOnPrimary
        return .next([])
    }
}
