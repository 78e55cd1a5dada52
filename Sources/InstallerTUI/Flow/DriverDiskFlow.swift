import InstallerCore

/// The answers of the driver disk sequence (Welcome → Driver Disks). Kept apart from the
/// installation's answers: the driver disk may come from another place than the packages.
/// The networking for a remote driver disk is the same as for a remote installation source
/// (`Answers.sourceNIC`/`sourceConfig`), so it is asked once and shown again with its values.
struct DriverDiskAnswers: Equatable, Sendable {
    /// True while the sequence runs (from Driver Disks until the summary's Ok).
    var active = false
    var kind: SourceKind = .local
    var url = ""
    var urlUser = ""
    var urlPassword = ""
    var nfsPath = ""
    /// The source chosen, once its location was given.
    var source: Source?
    /// What the source offers (filled in by the scan).
    var found: [DriverDisk.Found] = []
    /// What the last Load loaded, and the disks that appeared with it (labels).
    var loaded: [DriverDisk.Found] = []
    var newDisks: [String] = []

    var remote: Bool { kind != .local }
}

enum DriverDiskRules {
    /// After loading: the hardware as probed again, the source recorded in the plan (the
    /// backend installs its drivers into the target), the defaults recomputed for the disks.
    static func loaded(_ loaded: [DriverDisk.Found], machine: Machine?, to s: inout FlowState) {
        let before = Set(s.machine.visibleDisks.map(\.name))
        if let machine { s.machine = machine }
        s.driverDisk.loaded = loaded
        s.driverDisk.newDisks = s.machine.visibleDisks.filter { !before.contains($0.name) }.map(\.label)
        if let source = s.driverDisk.source, !s.answers.plan.driverSources.contains(source) {
            s.answers.plan.driverSources.append(source)
        }
        Flow.applyDefaults(&s)
    }
}
