import InstallerCore

/// Restore: which backup to put back, each shown with its disk, product, version, build and
/// the date it was made (the date of the installation it holds when the marker has none).
@MainActor
struct BackupChoiceScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let backups: [BackupFound]

    nonisolated static func item(_ b: BackupFound) -> String {
        let what = "\(b.product) \(b.version)" + (b.build.isEmpty ? "" : " (build \(b.build))")
        let when = b.made.isEmpty ? (b.date.isEmpty ? "date unknown" : "installed \(b.date)") : "made \(b.made)"
        let on = b.mirror.map { $0.describe(b.disk, partition: b.partition) } ?? "\(b.disk)\(b.partition)"
        return "\(on): \(what), \(when)"
    }

    init(state: FlowState) {
        // A backup on a degraded mirror is not offered (the installation type screen says why).
        backups = state.machine.backups.filter { UpgradeCompatibility.refusal(backup: $0) == nil }
        let current = backups.firstIndex { $0.label == state.answers.existing } ?? 0
        (form, list) = FormKit.list(title: "Restore From Backup", text: """
        Choose the backup to restore. It is copied back over the installation on the same \
        disk, which is lost; the backup itself stays as it is.
        """, items: backups.map(Self.item), selected: current, rows: 4, width: 66,
            help: "Each backup was made by an upgrade, from the installation that was on the disk then. The list shows the disk and partition it is on, the product and version it holds, and when it was made.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok", backups.indices.contains(list.selected) else { return nil }
        let b = backups[list.selected]
        return .backup(disk: b.disk, label: b.label)
    }

    nonisolated static func apply(disk: String, label: String, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.mode = .restore
        p.primaryDisk = disk
        if let refused = ScreenRules.check(p, s, fields: { $0 == .primaryDisk }) { return refused }
        s.answers.plan.primaryDisk = disk
        s.answers.existing = label
        return .next([])
    }
}
