import InstallerCore

/// Step 6: clean install, upgrade (with a backup first), or restore from a backup.
@MainActor
struct InstallTypeScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let choices: [(String, InstallPlan.Mode, ExistingInstallation?)]

    init(state: FlowState) {
        var c: [(String, InstallPlan.Mode, ExistingInstallation?)] = []
        for i in state.machine.installations {
            c.append(("Upgrade \(i.label) (a backup is made first)", .reinstall, i))
        }
        for b in state.machine.backups {
            c.append(("Restore \(b.product) \(b.version) from backup on \(b.disk)", .restore, b))
        }
        c.append(("Perform clean installation", .fresh, nil))
        choices = c
        let current = c.firstIndex { $0.1 == state.answers.plan.mode && $0.2 == state.answers.existing } ?? 0
        (form, list) = FormKit.list(title: "Installation Type", text: """
        Setup found an existing installation or backup on this computer. An upgrade keeps \
        the settings and the VMs; a clean installation erases them.

        What would you like to do?
        """, items: c.map(\.0), selected: current, rows: 5, width: 66,
            help: "Upgrade keeps the host's settings (password, network, time zone) and asks nothing again; it backs up the old installation first. Restore puts a backup back. A clean installation starts afresh and erases the disks you choose.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        let c = choices[list.selected]
        return .installType(c.1, c.2)
    }

    nonisolated static func apply(_ mode: InstallPlan.Mode, _ existing: ExistingInstallation?, to s: inout FlowState) -> Outcome {
        s.answers.plan.mode = mode
        s.answers.existing = existing
        if let e = existing { s.answers.plan.primaryDisk = e.disk }
        if mode == .fresh { Flow.applyDefaults(&s) }
        return .next([])
    }
}
