import InstallerCore

/// Step 6: clean install, upgrade (with a backup first), or restore from a backup.
@MainActor
struct InstallTypeScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let choices: [(String, InstallPlan.Mode, String?, String?)]

    init(state: FlowState) {
        var c: [(String, InstallPlan.Mode, String?, String?)] = []
        var refused: [String] = []
        for i in state.machine.installations {
            if let why = UpgradeCompatibility.refusal(i) { refused.append(why); continue }
            c.append(("Upgrade \(i.product) \(i.version) on \(i.mirror?.describe(i.disk) ?? i.disk) (backed up first)", .reinstall, i.disk, i.label))
        }
        for b in state.machine.backups {
            if let why = UpgradeCompatibility.refusal(backup: b) { refused.append(why) }
        }
        // Which backup (with its disk, version and date) is chosen on the next screen.
        if let b = state.machine.backups.first(where: { UpgradeCompatibility.refusal(backup: $0) == nil }) {
            c.append(("Restore from backup", .restore, b.disk, b.label))
        }
        c.append(("Perform clean installation", .fresh, nil, nil))
        choices = c
        // The first entry (an upgrade, which loses nothing, when one is possible) until a choice was made.
        let current = state.answers.installTypeChosen
            ? c.firstIndex { $0.1 == state.answers.plan.mode && ($0.1 == .restore || $0.3 == state.answers.existing) } ?? 0 : 0
        let intro = """
        Setup found an existing installation or backup on this computer. An upgrade keeps \
        the settings and the VMs; a clean installation erases them.
        """
        let why = refused.isEmpty ? "" : "\n\nSetup cannot upgrade it, only a clean installation is possible: " + refused.joined(separator: "; ") + "."
        (form, list) = FormKit.list(title: "Installation Type", text: intro + why + "\n\nWhat would you like to do?", items: c.map(\.0), selected: current, rows: 5, width: 66,
            help: "Upgrade keeps the host's settings (password, network, time zone) and asks nothing again; it backs up the old installation first. Restore puts a backup back. A clean installation starts afresh and erases the disks you choose.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        let c = choices[list.selected]
        return .installType(c.1, disk: c.2, label: c.3)
    }

    nonisolated static func apply(_ mode: InstallPlan.Mode, disk: String?, label: String?, to s: inout FlowState) -> Outcome {
        if mode == .reinstall, let disk {
            var p = s.answers.plan
            p.mode = .reinstall
            p.primaryDisk = disk
            if let refused = ScreenRules.check(p, s, fields: { $0 == .primaryDisk }) { return refused }
        }
        s.answers.plan.mode = mode
        s.answers.existing = label
        s.answers.installTypeChosen = true
        if let disk { s.answers.plan.primaryDisk = disk }
        if mode == .fresh { Flow.applyDefaults(&s) }
        // A restore reads only the backup partition; an upgrade needs a source (local media unless chosen otherwise).
        if mode == .restore { s.answers.plan.sources = [] } else if s.answers.plan.sources.isEmpty { s.answers.plan.sources = [.local(path: nil)] }
        return .next([])
    }
}
