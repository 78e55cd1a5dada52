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
    private var assembly: MirrorAssembly?
    private var others: [(PartitionDevices, PartitionTable)] = []

    init(_ context: InstallContext) { self.context = context }

    // MARK: Checks before any disk is touched

    /// Problems found before any disk is touched, for an upgrade or a restore.
    /// Returns the mirror the installation or backup is on (nil: a single disk).
    @discardableResult
    static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                         postInstallAccessor: Bool, log: EventLog) throws(InstallerError) -> MirrorState? {
        guard let disk = machine.disk(named: plan.primaryDisk) else {
            throw .invalid(plan.mode == .restore ? "backup-disk" : "existing-installation", "no disk called \"\(plan.primaryDisk)\" on this machine")
        }
        var found = (installations: machine.installations, backups: machine.backups)
        if found.installations.isEmpty && found.backups.isEmpty { found = InstallationDetector.detect(machine, log: log) }
        switch plan.mode {
        case .fresh:
            return nil
        case .restore:
            guard let b = found.backups.first(where: { $0.isOn(disk.name) }) else {
                throw .invalid("backup-disk", "no backup was found on disk \"\(disk.name)\"")
            }
            if let why = UpgradeCompatibility.refusal(backup: b) { throw .invalid("backup-disk", "cannot restore: \(why)") }
            return b.mirror
        case .reinstall:
            guard let inst = found.installations.first(where: { $0.isOn(disk.name) }) else {
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
            return inst.mirror
        }
    }

    /// The other disks of the mirror `state` (with their partition tables), checked for md
    /// here; empty for a single disk.
    static func mirrorDisks(_ state: MirrorState?, _ context: InstallContext, primary: Machine.Disk, field: String) throws(InstallerError) -> [(PartitionDevices, PartitionTable)] {
        guard let state else { return [] }
        var out: [(PartitionDevices, PartitionTable)] = []
        for name in state.others(than: primary.name) {
            guard let d = context.machine.disk(named: name) else { throw .invalid(field, "no disk called \"\(name)\" (of the mirror) on this machine") }
            guard let t = try PartitionTableIO.read(d.path) else { throw .failed("the disk has no partition table", at: name) }
            out.append((PartitionDevices(d, commands: context.commands), t))
        }
        guard !out.isEmpty else { throw .invalid(field, "the mirror of \(primary.name) has no other disk on this machine") }
        if let why = SoftwareRAID.unavailable([primary] + out.map(\.0.disk), commands: context.commands) { throw .invalid(field, why) }
        context.log.log("mirror: \(([primary.name] + out.map(\.0.disk.name)).joined(separator: " and ")), arrays \(state.arrays.joined(separator: ", "))")
        return out
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
        assembly?.stop()
        for (d, _) in others { d.release() }
    }

    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let plan = context.plan
        let mirror = try Self.validate(plan, context.machine, repositories: context.repositories.map(\.0),
                                       postInstallAccessor: context.postInstallScript != nil, log: log)
        let (devices, table) = try Self.diskAndTable(context)
        let disk = devices.disk
        others = try Self.mirrorDisks(mirror, context, primary: disk, field: "existing-installation")
        let others = self.others
        var preserved: PreservedSettings?
        var oldRoot = ""
        try steps.run(.preserve) { _ throws(InstallerError) in
            try DiskSafety.check(disk, primary: true, mediaPaths: context.mediaPaths, log: log)
            for (d, _) in others { try DiskSafety.check(d.disk, primary: true, mediaPaths: context.mediaPaths, log: log) }
            let rootDev: String
            if !others.isEmpty {
                // The mirrors from their explicit members; the old root is then read through md only.
                let a = MirrorAssembly(commands: context.commands)
                assembly = a
                let all = [(devices, table)] + others
                rootDev = try a.assemble(1, name: "root", disks: all, readOnly: false)
                _ = try a.assemble(2, name: "backup", disks: all, readOnly: false)
                if let e = table.entry(3), MDMember.read(disk.path, offset: e.start * table.sectorSize, length: e.length * table.sectorSize) != nil {
                    _ = try a.assemble(3, name: "storage", disks: all, readOnly: true)   // for mdadm.conf only
                }
            } else {
                rootDev = try devices.device(1, of: table, readOnly: true)
            }
            oldRoot = try mounts.mount(rootDev, devices: devices, readOnly: true, commands: context.commands)
            preserved = try PreservedSettings.read(root: oldRoot, log: log)
        }
        guard let kept = preserved else { throw .failed("internal error: the settings of the existing installation were not read") }
        try steps.run(.backup) { progress throws(InstallerError) in
            // Wipe the old backup's superblock first: a half-made backup must never look valid.
            guard let p2 = table.entry(2) else { throw .failed("the disk has no partition 2", at: disk.name) }
            let dev: String
            if let md = assembly?.devices[2] {
                try DiskBytes.zero(md, at: 0, length: PartitionLayout.alignment)
                dev = md
            } else {
                try DiskBytes.zero(disk.path, at: p2.start * table.sectorSize, length: PartitionLayout.alignment)
                dev = try devices.device(2, of: table)
            }
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
        inner.mirrorDisk = others.first?.0.disk.name
        let commands = context.commands
        let backupMD = assembly?.devices[2]
        var hooks = UpgradeHooks(preserved: kept) { root throws(InstallerError) in
            // The backup, read-only, for the files to put back.
            let dev: String
            if let backupMD { dev = backupMD } else { dev = try devices.device(2, of: table, readOnly: true) }
            defer { if backupMD == nil { devices.release(dev) } }
            let m = try MountedFilesystem.mount(dev, type: "ext3", readOnly: true, commands: commands)
            defer { try? m.unmount() }
            try kept.restoreFiles(from: m.mountPoint, into: root, log: commands.log)
        }
        hooks.mirrorRoot = assembly?.devices[1]
        hooks.mirrorArrays = assembly?.arrays ?? []
        let fresh = FreshInstall(context, plan: inner, upgrade: hooks)
        self.fresh = fresh
        let summary = try fresh.run(steps)
        assembly?.stop()
        return summary
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
        if let why = inst.mirror?.degraded {
            return "the installation on \(inst.disk) is on a degraded mirror (software RAID 1): \(why). Setup does not upgrade a degraded mirror: "
                + "put the missing disk back, or repair the mirror on the installed host (mdadm --add), then upgrade"
        }
        if inst.product.isEmpty || inst.version.isEmpty {
            return "the installation on \(inst.disk) does not say which product or version it is (unknown product)"
        }
        for k in ["INSTALLATION_UUID", "CONTROL_DOMAIN_UUID"] where (inst.inventory[k] ?? "").isEmpty {
            return "the inventory of the installation on \(inst.disk) has no \(k)"
        }
        return nil
    }

    /// Why the backup `b` cannot be restored (nil: it can): a backup on a degraded mirror is not.
    public static func refusal(backup b: BackupFound) -> String? {
        guard let why = b.mirror?.degraded else { return nil }
        return "the backup on \(b.disk)\(b.partition) is on a degraded mirror (software RAID 1): \(why). Setup does not restore onto a degraded mirror: "
            + "put the missing disk back, or repair the mirror on the installed host (mdadm --add), then restore"
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
