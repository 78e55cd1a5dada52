import Foundation

/// Upgrade (mode `reinstall`, reference 5.5): the settings of the existing installation are
/// read, the old root is copied onto the backup partition, then the clean-install steps
/// run with `UpgradeHooks` (same partition table, same UUIDs, preserved files put back).
///
/// The old system is never lost: the old root (partition 1) is only ever mounted read-only
/// (`ro,noload`) until its copy on the backup partition (partition 2) is complete, flushed,
/// and marked with `.xen-backup-partition` (written last, then flushed). A restore
/// (`Restore`) never writes the backup partition. So after a crash at any point either
/// partition 1 holds the untouched old installation, or partition 2 holds a complete,
/// marked backup.
final class Upgrade: InstallProcedure {
    private let context: InstallContext
    private var log: EventLog { context.log }
    private var mounts = MountStack()
    private var fresh: FreshInstall?

    init(_ context: InstallContext) { self.context = context }

    // MARK: Checks before any disk is touched

    /// Problems found before any disk is touched, for an upgrade or a restore.
    static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                         postInstallAccessor: Bool, log: EventLog) throws(InstallerError) {
        guard let disk = machine.disk(named: plan.primaryDisk) else {
            throw .invalid(plan.mode == .restore ? "backup-disk" : "existing-installation", "no disk called \"\(plan.primaryDisk)\" on this machine")
        }
        var found = (installations: machine.installations, backups: machine.backups)
        if found.installations.isEmpty && found.backups.isEmpty { found = InstallationDetector.detect(machine, log: log) }
        switch plan.mode {
        case .fresh:
            return
        case .restore:
            guard found.backups.contains(where: { $0.disk == disk.name }) else {
                throw .invalid("backup-disk", "no backup was found on disk \"\(disk.name)\"")
            }
        case .reinstall:
            guard let inst = found.installations.first(where: { $0.disk == disk.name }) else {
                throw .invalid("existing-installation", "no installation was found on disk \"\(disk.name)\"")
            }
            try PlanRules.require(plan, PlanRules.Context(machine: machine, driversLoaded: true))
            guard let main = repositories.first(where: { $0.id == .main }) else {
                throw .invalid("source", "the installation source has no \(RepositoryID.main) repository (the base product)")
            }
            if let why = UpgradeCompatibility.refusal(inst, mediaProduct: main.product, mediaVersion: main.version) {
                throw .invalid("existing-installation", "cannot upgrade: \(why)", hint: "choose a clean installation instead")
            }
            try FreshInstall.checkPostInstall(plan, postInstallAccessor: postInstallAccessor)
        }
    }

    /// The upgrade reuses the partition table: partitions 1 and 2 must be where a clean install puts them.
    static func checkLayout(_ layout: PartitionLayout, disk: String) throws(InstallerError) {
        guard let table = try PartitionTableIO.read(disk) else { throw .failed("the disk has no partition table", at: disk) }
        for role in [PartitionLayout.Role.root, .backup] {
            guard let want = layout.partition(role), let have = table.entry(want.number),
                  have.start == want.start, have.length == want.length else {
                throw .failed("partition \(layout.partition(role)?.number ?? 0) (\(role.rawValue)) is not where this installer puts it",
                              at: disk, hint: "this layout cannot be upgraded; choose a clean installation")
            }
        }
    }

    /// The primary disk with its root and backup partitions (upgrade and restore).
    static func diskAndTable(_ context: InstallContext) throws(InstallerError) -> (PartitionDevices, PartitionTable) {
        let devices = try context.primary(field: "disk")
        guard let table = try PartitionTableIO.read(devices.disk.path), table.entry(1) != nil, table.entry(2) != nil else {
            throw .failed("the disk has no root and backup partitions", at: devices.disk.name)
        }
        return (devices, table)
    }

    // MARK: Running

    func release() {
        mounts.release(log: log)
        fresh?.release()
    }

    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let plan = context.plan
        try Self.validate(plan, context.machine, repositories: context.repositories.map(\.0),
                          postInstallAccessor: context.postInstallScript != nil, log: log)
        let (devices, table) = try Self.diskAndTable(context)
        let disk = devices.disk
        var preserved: PreservedSettings?
        var oldRoot = ""
        try steps.run(.preserve) { _ throws(InstallerError) in
            try DiskSafety.check(disk, primary: true, mediaPaths: context.mediaPaths, log: log)
            oldRoot = try mounts.mount(try devices.device(1, of: table, readOnly: true), devices: devices, readOnly: true, commands: context.commands)
            preserved = try PreservedSettings.read(root: oldRoot, log: log)
        }
        guard let kept = preserved else { throw .failed("internal error: the settings of the existing installation were not read") }
        try steps.run(.backup) { progress throws(InstallerError) in
            // Wipe the old backup's superblock first: a half-made backup must never look valid.
            guard let p2 = table.entry(2) else { throw .failed("the disk has no partition 2", at: disk.name) }
            try DiskBytes.zero(disk.path, at: p2.start * table.sectorSize, length: PartitionLayout.alignment)
            let dev = try devices.device(2, of: table)
            let r = context.commands.run(["mke2fs", "-q", "-F", "-t", "ext3", dev])
            guard r.ok else { throw .failed("cannot create the backup filesystem: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dev) }
            let backup = try mounts.mount(dev, devices: devices, readOnly: false, commands: context.commands)
            let total = max(TreeCopy.dataBytes(oldRoot), 1)
            let t0 = Date()
            var copy = TreeCopy(source: oldRoot, target: backup, log: log, environment: context.environment)
            try copy.run { n in progress(Double(n) / Double(total)) }
            try TreeCopy.flush(backup)
            try TreeCopy.writeMarker(backup, text: "backup of \(kept.productVersion) made \(EventLog.timestamp())\n")
            let secs = Date().timeIntervalSince(t0)
            log.log(String(format: "backup: %d entries, %.1f MiB in %.2f s (%.1f MiB/s)", copy.entries, Double(copy.bytes) / 1048576, secs,
                           Double(copy.bytes) / 1048576 / max(secs, 0.001)))
            try mounts.unmountAll()
        }
        var inner = kept.apply(to: plan)
        inner.mode = .fresh
        inner.guestDisks = []
        inner.storageOnPrimary = table.entry(3) != nil
        let commands = context.commands
        let hooks = UpgradeHooks(preserved: kept) { root throws(InstallerError) in
            // The backup, read-only, for the files to put back.
            let dev = try devices.device(2, of: table, readOnly: true)
            defer { devices.release(dev) }
            let m = try MountedFilesystem.mount(dev, type: "ext3", readOnly: true, commands: commands)
            defer { try? m.unmount() }
            try kept.restoreFiles(from: m.mountPoint, into: root, log: commands.log)
        }
        let fresh = FreshInstall(context, plan: inner, upgrade: hooks)
        self.fresh = fresh
        return try fresh.run(steps)
    }
}

/// The filesystems an upgrade or a restore has mounted, with the loop devices under them:
/// unmounted (newest first) and detached together.
struct MountStack {
    private var mounts: [(MountedFilesystem, String, PartitionDevices)] = []

    /// Mounts `dev` (a partition of `devices`) and returns the mount point.
    mutating func mount(_ dev: String, devices: PartitionDevices, readOnly: Bool, commands: any CommandRunning) throws(InstallerError) -> String {
        let m = try MountedFilesystem.mount(dev, type: "ext3", readOnly: readOnly, commands: commands)
        mounts.append((m, dev, devices))
        return m.mountPoint
    }

    /// Unmounts everything; the first failure is thrown.
    mutating func unmountAll() throws(InstallerError) {
        while let (m, dev, devices) = mounts.last {
            try m.unmount()
            mounts.removeLast()
            devices.release(dev)
        }
    }

    /// Unmounts everything, logging failures.
    mutating func release(log: EventLog) {
        for (m, dev, devices) in mounts.reversed() {
            do { try m.unmount() } catch { log.log("warning: \(error.description)") }
            devices.release(dev)
        }
        mounts = []
    }
}

/// Which existing installations can be upgraded (reference 5.5: same product, not newer
/// than the media, an inventory with both UUIDs).
public enum UpgradeCompatibility {
    /// Why `inst` cannot be upgraded at all, whatever the media (nil: it may be).
    public static func refusal(_ inst: ExistingInstallation) -> String? {
        if inst.product.isEmpty || inst.version.isEmpty {
            return "the installation on \(inst.disk) does not say which product or version it is (unknown product)"
        }
        for k in ["INSTALLATION_UUID", "CONTROL_DOMAIN_UUID"] where (inst.inventory[k] ?? "").isEmpty {
            return "the inventory of the installation on \(inst.disk) has no \(k)"
        }
        return nil
    }

    /// Why `inst` cannot be upgraded from media of `mediaProduct` `mediaVersion` (nil: it can).
    public static func refusal(_ inst: ExistingInstallation, mediaProduct: String, mediaVersion: String) -> String? {
        if let why = refusal(inst) { return why }
        if inst.product != mediaProduct {
            return "the installation on \(inst.disk) is \(inst.product) \(inst.version), not \(mediaProduct) (an unknown product)"
        }
        // Product versions compare part by part (`VersionCompare`: 0.1.10 > 0.1.9, 0.1 == 0.1.0),
        // not as kernel file names.
        if VersionCompare.compare(mediaVersion, inst.version) < 0 {
            return "the installation on \(inst.disk) is \(inst.product) \(inst.version), newer than this media (\(mediaVersion))"
        }
        return nil
    }
}
