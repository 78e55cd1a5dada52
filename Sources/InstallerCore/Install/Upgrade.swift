import Foundation

/// What an upgrade hands the clean-install steps: the kept settings and UUIDs, and the
/// files to put back once the new system is configured.
struct UpgradeHooks: Sendable {
    var preserved: PreservedSettings
    var afterConfigure: @Sendable (String) throws(InstallerError) -> Void
}

/// Upgrade (mode `reinstall`) and restore (mode `restore`), reference 5.5 and 5.6.
///
/// The old system is never lost: the old root (partition 1) is only ever mounted read-only
/// (`ro,noload`) until its copy on the backup partition (partition 2) is complete, flushed,
/// and marked with `.xen-backup-partition` (written last, then flushed). A restore never
/// writes the backup partition. So after a crash at any point either partition 1 holds the
/// untouched old installation, or partition 2 holds a complete, marked backup.
final class Upgrade {
    static let upgradeSteps: [InstallStep] = [
        InstallStep(name: "preserve", text: "Reading the settings of the existing installation", weight: 1),
        InstallStep(name: "backup", text: "Backing up the existing installation", weight: 30),
    ] + CleanInstall.steps

    static let restoreSteps: [InstallStep] = [
        InstallStep(name: "check", text: "Checking the backup", weight: 1),
        InstallStep(name: "filesystems", text: "Creating filesystems", weight: 6),
        InstallStep(name: "mount", text: "Mounting the filesystems", weight: 1),
        InstallStep(name: "restore", text: "Restoring the backup", weight: 80),
        InstallStep(name: "bootloader", text: "Installing the bootloader", weight: 5),
        InstallStep(name: "finish", text: "Completing the restore", weight: 2),
    ]

    let install: CleanInstall
    var log: EventLog { install.log }
    private var loops: [LoopDevice] = []
    private var mounts: [MountedFilesystem] = []

    init(install: CleanInstall) { self.install = install }

    // MARK: Checks before any disk is touched

    static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                         postInstallAccessor: Bool) throws(InstallerError) {
        guard let disk = machine.disk(named: plan.primaryDisk) else {
            throw .invalid(plan.mode == .restore ? "backup-disk" : "existing-installation", "no disk called \"\(plan.primaryDisk)\" on this machine")
        }
        var found = (installations: machine.installations, backups: machine.backups)
        if found.installations.isEmpty && found.backups.isEmpty { found = InstallationDetector.detect(machine) }
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
            if let s = plan.postInstallScript, !postInstallAccessor {
                guard case .local(let p?) = s, p.hasPrefix("/") else {
                    throw .invalid("post-install-script", "\(s.displayName): only a local file path can be read by this backend without an accessor")
                }
            }
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

    // MARK: Running

    func run(events: @escaping @Sendable (InstallEvent) -> Void) -> Result<InstallSummary, InstallerError> {
        var logIndex = log.count
        let emit: (InstallEvent) -> Void = { [log] e in
            for l in log.lines(from: logIndex) { events(.log(l)) }
            logIndex = log.count
            events(e)
        }
        if install.options.handleSignals { CleanupRegistry.shared.installSignalHandlers(log: log) }
        let result: Result<InstallSummary, InstallerError>
        do {
            let isRestore = install.plan.mode == .restore
            let steps = StepRunner(steps: isRestore ? Self.restoreSteps : Self.upgradeSteps, log: log,
                                   environment: install.options.environment, emit: emit)
            result = .success(isRestore ? try restore(steps) : try upgrade(steps))
        } catch {
            log.log("\(install.plan.mode == .restore ? "restore" : "upgrade") failed: \(error.description)")
            result = .failure(error)
        }
        release()
        if case .success = result { log.log(install.plan.mode == .restore ? "restore complete" : "upgrade complete") }
        emit(.finished(result))
        return result
    }

    private func release() {
        for m in mounts.reversed() { do { try m.unmount() } catch { log.log("warning: \(error.description)") } }
        mounts = []
        for l in loops.reversed() { l.detach() }
        loops = []
    }

    private func unmountAll() throws(InstallerError) {
        for m in mounts.reversed() { try m.unmount() }
        mounts = []
        for l in loops.reversed() { l.detach() }
        loops = []
    }

    /// The block device of partition `n` (a loop device over an image's partition).
    private func device(_ disk: Machine.Disk, _ table: PartitionTable, _ n: Int, readOnly: Bool) throws(InstallerError) -> String {
        guard let e = table.entry(n) else { throw .failed("the disk has no partition \(n)", at: disk.name) }
        if disk.isImage {
            let l = try LoopDevice.attach(image: disk.path, offset: e.start * table.sectorSize, size: e.length * table.sectorSize,
                                          readOnly: readOnly, log: log)
            loops.append(l)
            return l.device
        }
        return PartitionLayout.partitionName(disk.path, n)
    }

    private func mount(_ dev: String, readOnly: Bool) throws(InstallerError) -> String {
        let m = try MountedFilesystem.mount(dev, type: "ext3", readOnly: readOnly, log: log)
        mounts.append(m)
        return m.mountPoint
    }

    private func diskAndTable() throws(InstallerError) -> (Machine.Disk, PartitionTable) {
        let plan = install.plan
        guard let disk = install.machine.disk(named: plan.primaryDisk) else { throw .invalid("disk", "no disk called \"\(plan.primaryDisk)\"") }
        guard let table = try PartitionTableIO.read(disk.path), table.entry(1) != nil, table.entry(2) != nil else {
            throw .failed("the disk has no root and backup partitions", at: disk.name)
        }
        return (disk, table)
    }

    private func upgrade(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        try Self.validate(install.plan, install.machine, repositories: install.repositories.map(\.0),
                          postInstallAccessor: install.postInstallScript != nil)
        let (disk, table) = try diskAndTable()
        var preserved: PreservedSettings!
        var oldRoot = ""
        try steps.run("preserve") { _ throws(InstallerError) in
            var media: [String] = install.machine.cdrom?.discs ?? []
            for s in install.plan.sources { if case let .local(p?) = s { media.append(p) } }
            try DiskSafety.check(disk, primary: true, mediaPaths: media, log: log)
            oldRoot = try mount(try device(disk, table, 1, readOnly: true), readOnly: true)
            preserved = try PreservedSettings.read(root: oldRoot, log: log)
        }
        try steps.run("backup") { progress throws(InstallerError) in
            // Wipe the old backup's superblock first: a half-made backup must never look valid.
            let p2 = table.entry(2)!
            try DiskBytes.zero(disk.path, at: p2.start * table.sectorSize, length: PartitionLayout.alignment)
            let dev = try device(disk, table, 2, readOnly: false)
            let r = CommandRunner.run(["mke2fs", "-q", "-F", "-t", "ext3", dev], log: log)
            guard r.ok else { throw .failed("cannot create the backup filesystem: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dev) }
            let backup = try mount(dev, readOnly: false)
            let total = max(TreeCopy.dataBytes(oldRoot), 1)
            let t0 = Date()
            var copy = TreeCopy(source: oldRoot, target: backup, log: log, environment: install.options.environment)
            try copy.run { n in progress(Double(n) / Double(total)) }
            try TreeCopy.flush(backup)
            try TreeCopy.writeMarker(backup, text: "backup of \(preserved.productVersion) made \(EventLog.timestamp())\n")
            let secs = Date().timeIntervalSince(t0)
            log.log(String(format: "backup: %d entries, %.1f MiB in %.2f s (%.1f MiB/s)", copy.entries, Double(copy.bytes) / 1048576, secs,
                           Double(copy.bytes) / 1048576 / max(secs, 0.001)))
            try unmountAll()
        }
        var inner = preserved.apply(to: install.plan)
        inner.mode = .fresh
        inner.guestDisks = []
        inner.storageOnPrimary = table.entry(3) != nil
        var options = install.options
        options.handleSignals = false
        let kept: PreservedSettings = preserved
        let hookLog = self.log
        options.upgrade = UpgradeHooks(preserved: kept) { root throws(InstallerError) in
            // The backup, read-only, for the files to put back.
            var loop: LoopDevice?
            let dev: String
            if disk.isImage {
                let p2 = table.entry(2)!
                loop = try LoopDevice.attach(image: disk.path, offset: p2.start * table.sectorSize, size: p2.length * table.sectorSize,
                                             readOnly: true, log: hookLog)
                dev = loop!.device
            } else {
                dev = PartitionLayout.partitionName(disk.path, 2)
            }
            defer { loop?.detach() }
            let m = try MountedFilesystem.mount(dev, type: "ext3", readOnly: true, log: hookLog)
            defer { try? m.unmount() }
            try kept.restoreFiles(from: m.mountPoint, into: root, log: hookLog)
        }
        let clean = CleanInstall(plan: inner, machine: install.machine, repositories: install.repositories, log: log, options: options)
        clean.postInstallScript = install.postInstallScript
        return try clean.runSteps(steps)
    }

    /// The root label the backup's system boots with: extlinux.conf's `root=LABEL=`, else fstab's `/`.
    static func rootLabel(backup: String) -> String? {
        for p in [Extlinux.configPath, "/boot/extlinux.conf"] {
            if let t = try? String(contentsOfFile: backup + p, encoding: .utf8), let r = t.range(of: "root=LABEL=") {
                let label = t[r.upperBound...].prefix { !$0.isWhitespace }
                if !label.isEmpty { return String(label) }
            }
        }
        if let t = try? String(contentsOfFile: backup + "/etc/fstab", encoding: .utf8) {
            for line in t.split(separator: "\n") {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if f.count >= 2, f[1] == "/", f[0].hasPrefix("LABEL=") { return String(f[0].dropFirst(6)) }
            }
        }
        return nil
    }

    private func restore(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        try Self.validate(install.plan, install.machine, repositories: [], postInstallAccessor: false)
        let (disk, table) = try diskAndTable()
        var backup = "", label = "", rootDev = "", root = ""
        try steps.run("check") { _ throws(InstallerError) in
            try DiskSafety.check(disk, primary: true, mediaPaths: install.machine.cdrom?.discs ?? [], log: log)
            backup = try mount(try device(disk, table, 2, readOnly: true), readOnly: true)
            guard FileManager.default.fileExists(atPath: backup + InstallationDetector.backupMarker) else {
                throw .failed("partition 2 holds no complete backup (no \(InstallationDetector.backupMarker))", at: disk.name)
            }
            guard let l = Self.rootLabel(backup: backup) else {
                throw .failed("the backup names no root label (extlinux.conf root=LABEL=, fstab)", at: disk.name)
            }
            label = l
            log.log("restoring the backup on \(disk.name)2 onto \(disk.name)1, root label \(label)")
        }
        try steps.run("filesystems") { _ throws(InstallerError) in
            rootDev = try device(disk, table, 1, readOnly: false)
            try Filesystem.makeExt3(rootDev, label: label, log: log)
        }
        try steps.run("mount") { _ throws(InstallerError) in root = try mount(rootDev, readOnly: false) }
        try steps.run("restore") { progress throws(InstallerError) in
            let total = max(TreeCopy.dataBytes(backup), 1)
            let t0 = Date()
            var copy = TreeCopy(source: backup, target: root, log: log, environment: install.options.environment)
            copy.skipTopLevel = ["lost+found", String(InstallationDetector.backupMarker.dropFirst())]
            try copy.run { n in progress(Double(n) / Double(total)) }
            try TreeCopy.flush(root)
            log.log(String(format: "restore: %.1f MiB in %.2f s", Double(copy.bytes) / 1048576, Date().timeIntervalSince(t0)))
        }
        try steps.run("bootloader") { _ throws(InstallerError) in
            let dir = root + "/boot/extlinux"
            guard FileManager.default.fileExists(atPath: dir + "/extlinux.conf") else {
                throw .failed("the backup has no /boot/extlinux/extlinux.conf", at: disk.name, hint: "only extlinux backups can be restored by this build")
            }
            let r = CommandRunner.run(["extlinux", "--install", dir], log: log)
            guard r.ok else { throw .failed("extlinux failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dir) }
            let mbr = Extlinux.mbrFile(label: table.label == "gpt" ? .gpt : .msdos)
            guard let code = FileManager.default.contents(atPath: mbr), code.count >= 440 else {
                throw .failed("the MBR boot code is missing", at: mbr, hint: "install the syslinux-common package")
            }
            try DiskBytes.write(Array(code.prefix(440)), to: disk.path, at: 0)
        }
        var version = ""
        try steps.run("finish") { _ throws(InstallerError) in
            version = SystemFiles.parseKeyValues((try? String(contentsOfFile: root + InstallationDetector.inventoryPath, encoding: .utf8)) ?? "")["PRODUCT_VERSION"] ?? ""
            try unmountAll()
        }
        return InstallSummary(rootLabel: label, primaryDisk: disk.name, productVersion: version)
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
        if Extlinux.versionLess(mediaVersion, inst.version) {
            return "the installation on \(inst.disk) is \(inst.product) \(inst.version), newer than this media (\(mediaVersion))"
        }
        return nil
    }
}
