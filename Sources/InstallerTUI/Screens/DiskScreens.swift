import InstallerCore

/// Step 7: Select Primary Disk (shown with more than one suitable disk).
@MainActor
struct PrimaryDiskScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let names: [String]

    init(state: FlowState) {
        let disks = state.machine.eligibleDisks
        names = disks.map(\.name)
        (form, list) = FormKit.list(title: "Select Primary Disk", text: """
        Please select the disk you would like to install Xen Cloud Platform on. Disks \
        smaller than 16 GB, removable disks and the installation media are not listed.
        """, items: disks.map(\.label), selected: names.firstIndex(of: state.answers.plan.primaryDisk) ?? 0, rows: 4,
            help: "The primary disk holds the control domain (root and backup partitions, 4 GB each). The rest of it can hold VM storage, chosen on the next screen. You may need to set the BIOS to boot from this disk.")
    }

    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .primaryDisk(names[list.selected]) : nil }

    nonisolated static func apply(_ disk: String, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.mode = .fresh
        p.primaryDisk = disk
        if let refused = ScreenRules.check(p, s, fields: { $0 == .primaryDisk }) { return refused }
        if s.answers.plan.primaryDisk != disk {
            // A new primary disk starts the storage choice afresh: the primary ticked.
            s.answers.plan.guestDisks = []
            s.answers.plan.storageOnPrimary = true
            s.answers.plan.mirrorDisk = nil
        }
        s.answers.plan.primaryDisk = disk
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
        let disks = state.machine.eligibleDisks
        let diskNames = disks.map(\.name)
        names = diskNames
        let p = state.answers.plan
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
