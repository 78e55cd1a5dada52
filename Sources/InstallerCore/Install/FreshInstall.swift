import Foundation

/// What an upgrade hands the clean-install steps: the kept settings and UUIDs, and the
/// files to put back once the new system is configured.
struct UpgradeHooks {
    var preserved: PreservedSettings
    var afterConfigure: (String) throws(InstallerError) -> Void
    /// A mirrored installation: the root's md device (assembled by the upgrade) and the
    /// arrays for mdadm.conf.
    var mirrorRoot: String? = nil
    var mirrorArrays: [SoftwareRAID.MDArray] = []
}

/// A clean install (SPEC section 4): partitions, ext3 root, packages from the
/// repositories, the target configuration, extlinux, the post-install script
/// (`InstallSteps.fresh`). An upgrade runs the same steps with `UpgradeHooks`: the
/// partition table and the old UUIDs are kept, and the preserved files put back.
final class FreshInstall: InstallProcedure {
    private let context: InstallContext
    private let plan: InstallPlan
    private let upgrade: UpgradeHooks?
    private var log: EventLog { context.log }
    private var devices: PartitionDevices?
    private var layout: PartitionLayout?
    private var rootDevice: String?
    private var rootMount: MountedFilesystem?
    private let rootLabel = Filesystem.randomRootLabel()
    private var kernelVersion: String?
    private var cachedFacts: TargetFacts?
    /// The swap file being written beside the packages (from the mount step to configure).
    private var swapFile: SwapFile?
    /// The swap file's blocks were allocated by `Ext2Preallocation` before mounting.
    private var swapPreallocated = false
    /// A mirrored install (plan.mirrorDisk): the second disk, its layout (the first's
    /// partitions) and the md arrays made of the two disks' partitions.
    private var mirrorDevices: PartitionDevices?
    private var mirrorLayout: PartitionLayout?
    private var arrays: [SoftwareRAID.MDArray] = []
    private var arraysRunning = false

    init(_ context: InstallContext, plan: InstallPlan, upgrade: UpgradeHooks? = nil) {
        self.context = context; self.plan = plan; self.upgrade = upgrade
    }

    /// Problems found before any disk is touched.
    static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                         postInstallAccessor: Bool) throws(InstallerError) {
        // What can be known without the media: the rule book the screens and the answerfile use.
        try PlanRules.require(plan, PlanRules.Context(machine: machine, driversLoaded: true))
        guard repositories.contains(where: { $0.id == .main }) else {
            throw .invalid("source", "the installation source has no \(RepositoryID.main) repository (the base product)")
        }
        try checkPostInstall(plan, postInstallAccessor: postInstallAccessor)
    }

    /// A post-install script without an accessor must be a local absolute path.
    static func checkPostInstall(_ plan: InstallPlan, postInstallAccessor: Bool) throws(InstallerError) {
        if let s = plan.postInstallScript, !postInstallAccessor {
            guard case .local(let p?) = s, p.hasPrefix("/") else {
                throw .invalid("post-install-script", "\(s.displayName): only a local file path can be read by this backend without an accessor")
            }
        }
    }

    func release() {
        if let s = swapFile { s.abandon(); swapFile = nil }
        if let m = rootMount {
            do { try m.unmount() } catch { log.log("warning: \(error.description)") }
            rootMount = nil
        }
        if let dev = rootDevice { devices?.release(dev) }
        rootDevice = nil
        stopArrays()
        mirrorDevices?.release()
    }

    /// Stops the arrays this install made (at its end, and when it fails), leaving them clean.
    private func stopArrays() {
        guard arraysRunning else { return }
        arraysRunning = false
        for a in arrays { SoftwareRAID.stop(a.device, commands: context.commands) }
    }

    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let machine = context.machine
        try steps.run(.check) { _ throws(InstallerError) in
            try Self.validate(plan, machine, repositories: context.repositories.map(\.0), postInstallAccessor: context.postInstallScript != nil)
            let devices = try context.primary()
            self.devices = devices
            let disk = devices.disk
            try DiskSafety.check(disk, primary: true, mediaPaths: context.mediaPaths, log: log)
            for g in guestDisks { try DiskSafety.check(g, primary: false, mediaPaths: context.mediaPaths, log: log) }
            let geo = try PartitionTableIO.geometry(disk.path)
            var sectors = geo.sectors
            if let name = plan.mirrorDisk {
                guard let second = machine.disk(named: name) else { throw .invalid("primary-disk", "no disk called \"\(name)\" on this machine") }
                try DiskSafety.check(second, primary: true, mediaPaths: context.mediaPaths, log: log)
                if let why = SoftwareRAID.unavailable([disk, second], commands: context.commands) { throw .invalid("primary-disk", why) }
                let g2 = try PartitionTableIO.geometry(second.path)
                guard g2.sectorSize == geo.sectorSize else {
                    throw .invalid("primary-disk", "the disks of a mirror must have the same sector size: \(disk.name) has \(geo.sectorSize) bytes, \(name) \(g2.sectorSize)")
                }
                sectors = min(geo.sectors, g2.sectors)
                mirrorDevices = PartitionDevices(second, commands: context.commands)
                let l2 = try PartitionLayout.primary(totalSectors: sectors, sectorSize: geo.sectorSize, storage: plan.storageOnPrimary)
                mirrorLayout = try l2.on(totalSectors: g2.sectors)
                log.log("mirror: \(disk.name) and \(name) (\(second.path), \(g2.sectors) sectors), partitioned alike after the smaller")
            }
            let layout = try PartitionLayout.primary(totalSectors: sectors, sectorSize: geo.sectorSize, storage: plan.storageOnPrimary).on(totalSectors: geo.sectors)
            self.layout = layout
            log.log("primary disk \(disk.name) (\(disk.path)): \(geo.sectors) sectors of \(geo.sectorSize) bytes; root label \(rootLabel)")
            if upgrade != nil { try Upgrade.checkLayout(layout, disk: disk.path) }
        }
        guard let devices, let layout else { throw .failed("internal error: the check step left no disk layout") }
        let disk = devices.disk
        if upgrade != nil { steps.skip(.partition) } else { try steps.run(.partition) { progress throws(InstallerError) in
            if let mirrorDevices, let mirrorLayout {
                try partitionMirror([(devices, layout), (mirrorDevices, mirrorLayout)])
                try OldSignatures.clearPartitions(mirrorDevices.disk.path, of: mirrorLayout)
            } else {
                try OldSignatures.clearDisk(disk.path, bytes: layout.totalSectors * layout.sectorSize)
                try PartitionTableIO.write(layout, to: disk.path, commands: context.commands)
            }
            try OldSignatures.clearPartitions(disk.path, of: layout)
            log.log("\(disk.name): old md, LVM and filesystem signatures cleared at the disk's ends and its partitions' ends")
            for (n, g) in guestDisks.enumerated() {
                progress(Double(n + 1) / Double(guestDisks.count + 1))
                let geo = try PartitionTableIO.geometry(g.path)
                let gl = try PartitionLayout.guest(totalSectors: geo.sectors, sectorSize: geo.sectorSize)
                try OldSignatures.clearDisk(g.path, bytes: geo.sectors * geo.sectorSize)
                try PartitionTableIO.write(gl, to: g.path, commands: context.commands)
                guard !gl.partitions.isEmpty else { throw .failed("the guest disk layout has no partition", at: g.name) }
                try OldSignatures.clearPartitions(g.path, of: gl)
            }
        } }
        try steps.run(.filesystems) { _ throws(InstallerError) in
            let dev: String
            if let mirrorDevices, let mirrorLayout, upgrade == nil {
                dev = try makeArrays(devices, layout, mirrorDevices, mirrorLayout)
            } else if let md = upgrade?.mirrorRoot {
                dev = md
            } else {
                dev = try devices.device(.root, of: layout)
            }
            rootDevice = dev
            try Filesystem.makeExt3(dev, label: rootLabel, commands: context.commands)
            // The swap file's blocks, allocated in the new filesystem without writing them
            // (issue 20); without libext2fs it is written after mounting, as before.
            let t0 = Date()
            if let why = try Ext2Preallocation.create(device: dev, name: SwapFile.pendingName, size: SystemFiles.swapSize) {
                log.log("swap file: not preallocated (\(why)); it is written instead")
            } else {
                swapPreallocated = true
                log.log("swap file: \(SystemFiles.swapSize / Size.MiB) MiB allocated in the new filesystem (libext2fs) in "
                        + String(format: "%.2f s", Date().timeIntervalSince(t0)))
            }
        }
        try steps.run(.mount) { _ throws(InstallerError) in
            guard let dev = rootDevice else { throw .failed("internal error: no root device") }
            rootMount = try MountedFilesystem.mount(dev, type: "ext3", commands: context.commands)
            if let root = rootMount?.mountPoint {
                swapFile = SwapFile.start(root: root, preallocated: swapPreallocated, commands: context.commands)
            }
        }
        guard let root = rootMount?.mountPoint else { throw .failed("internal error: the root filesystem is not mounted") }
        try steps.run(.packages) { progress throws(InstallerError) in
            let all = context.repositories.flatMap { r in r.0.packages.map { (r.0, r.1, $0) } }
            let total = max(all.reduce(UInt64(0)) { $0 + max($1.2.size, 1) }, 1)
            var done: UInt64 = 0
            for (repo, accessor, pkg) in all {
                var installer = PackageInstaller(root: root, log: log, kernelVersion: kernelVersion)
                installer.kernelVersion = kernelVersion
                try installer.install(pkg, of: repo, from: accessor) { n in
                    progress(Double(done + min(n, max(pkg.size, 1))) / Double(total))
                }
                done += max(pkg.size, 1)
                kernelVersion = try findKernels(root)?.version ?? kernelVersion
            }
            for (repo, accessor) in context.repositories {
                try TargetConfigurator(root: root, plan: plan, machine: machine, facts: facts(disk), commands: context.commands).recordRepository(repo, accessor: accessor)
            }
        }
        let configurator = TargetConfigurator(root: root, plan: plan, machine: machine, facts: facts(disk), commands: context.commands)
        try steps.run(.configure) { progress throws(InstallerError) in
            try configurator.writeFiles()
            let mdArrays = upgrade?.mirrorArrays ?? arrays
            if !mdArrays.isEmpty {
                try TargetPath.write(root: root, "/etc/mdadm/mdadm.conf", SoftwareRAID.config(mdArrays, commands: context.commands))
            }
            progress(0.3)
            if let s = swapFile {
                try s.finish(log: log)
                swapFile = nil
            }
            try upgrade?.afterConfigure(root)
            if case .manual = plan.time {
                log.log("time: manual entry chosen; asking the front end to set the clock (no ntp.conf written)")
                steps.ask(.setTime)
            }
        }
        try steps.run(.bootloader) { _ throws(InstallerError) in
            guard let k = try findKernels(root) else {
                throw .failed("the product installed no kernel (/boot/vmlinuz-VERSION)", at: disk.name, hint: "the main repository's root package must be bootable")
            }
            try Extlinux.install(root: root, disk: disk.path, label: layout.label, kernels: k, rootLabel: rootLabel,
                                 machineMiB: context.machine.memoryMiB, location: plan.bootloader.location, commands: context.commands)
            try installEfiGrub(k, devices: devices, layout: layout)
            if let m = mirrorDevices, let l = mirrorLayout {
                // Either disk boots alone: the MBR code on both (extlinux's boot sector and
                // ldlinux.sys are in the mirrored root), GRUB on both ESPs.
                if plan.bootloader.location == .mbr { try Extlinux.writeMBR(disk: m.disk.path, label: l.label, log: log) }
                try installEfiGrub(k, devices: m, layout: l, bootEntry: false)
            }
        }
        if let script = plan.postInstallScript {
            try steps.run(.postInstall) { _ throws(InstallerError) in
                let bytes: [UInt8]
                if let (acc, path) = context.postInstallScript {
                    let s = try acc.open(path)
                    defer { s.close() }
                    bytes = try TargetConfigurator.readAll(s)
                } else if case let .local(p?) = script, let d = FileManager.default.contents(atPath: p) {
                    bytes = [UInt8](d)
                } else {
                    throw .failed("cannot read the post-install script", at: script.displayName)
                }
                try configurator.runPostInstallScript(bytes, name: script.displayName)
            }
        } else {
            steps.skip(.postInstall)
        }
        try steps.run(.finish) { _ throws(InstallerError) in
            let f = facts(disk)
            log.log("installed \(f.productBrand) \(f.productVersion) on \(disk.name), root \(rootLabel)")
            try configurator.writeInstallLog()
            if let m = rootMount {
                rootMount = nil
                try m.unmount()
            }
            if let dev = rootDevice { devices.release(dev) }
            rootDevice = nil
            stopArrays()
        }
        return InstallSummary(rootLabel: rootLabel, primaryDisk: disk.name, productVersion: facts(disk).productVersion)
    }

    /// GRUB for UEFI on the ESP (partition 4): a clean install made it; an upgrade refreshes it
    /// only when the disk already has one (an installation without an ESP keeps booting as it did).
    private func installEfiGrub(_ k: Extlinux.Kernels, devices: PartitionDevices, layout: PartitionLayout, bootEntry: Bool = true) throws(InstallerError) {
        let dev: String, number: Int
        if upgrade == nil {
            guard layout.partition(.esp) != nil else { return }
            dev = try devices.device(.esp, of: layout)
            number = PartitionLayout.espNumber
        } else {
            guard let table = try PartitionTableIO.read(devices.disk.path), let e = EfiGrub.existingESP(table) else {
                log.log("bootloader: the disk has no EFI system partition; it keeps its BIOS boot only")
                return
            }
            dev = try devices.device(e.number, of: table)
            number = e.number
        }
        defer { devices.release(dev) }
        try EfiGrub.install(device: dev, kernels: k, rootLabel: rootLabel, machineMiB: context.machine.memoryMiB, commands: context.commands)
        // The firmware's own entry, only for a real disk of a computer booted under UEFI.
        if bootEntry && context.machine.isReal && !devices.disk.isImage && EfiBootEntry.firmwareIsUEFI {
            EfiBootEntry.add(disk: devices.disk.path, partition: number, commands: context.commands)
        }
    }

    /// The two disks of a mirror: arrays that hold a part of them stopped, old md, LVM and
    /// filesystem signatures cleared (of the old partitions, then of the whole disk), the
    /// same partitions written on both, and the signatures inside the new partitions cleared
    /// (an md superblock at the end of a partition of an earlier mirror of the same layout).
    private func partitionMirror(_ disks: [(PartitionDevices, PartitionLayout)]) throws(InstallerError) {
        let c = context.commands
        try SoftwareRAID.stopArrays(holding: disks.map(\.0.disk.name), commands: c)
        for (d, l) in disks {
            if let old = try? PartitionTableIO.read(d.disk.path) {
                for e in old.entries {
                    guard let dev = try? d.device(e.number, of: old) else { continue }
                    try SoftwareRAID.clearSignatures(dev, commands: c)
                    d.release(dev)
                }
            }
            try SoftwareRAID.clearSignatures(d.disk.path, commands: c)
            try PartitionTableIO.write(l, to: d.disk.path, commands: c)
            for p in l.partitions {
                let dev = try d.device(p.role, of: l)
                try SoftwareRAID.clearSignatures(dev, commands: c)
                d.release(dev)
            }
            log.log("mirror: \(d.disk.name) cleared of old md, LVM and filesystem signatures and partitioned")
        }
    }

    /// The mirrors of the control domain's partitions (root, backup, and local storage when
    /// the disks hold it), each a RAID 1 of the same partition on both disks; the root's md device.
    private func makeArrays(_ d1: PartitionDevices, _ l1: PartitionLayout, _ d2: PartitionDevices, _ l2: PartitionLayout) throws(InstallerError) -> String {
        let roles = l1.partitions.map(\.role).filter { $0 != .esp }
        let numbers = SoftwareRAID.freeNumbers(roles.count)
        arrays = []
        for (role, n) in zip(roles, numbers) {
            let a = SoftwareRAID.MDArray(device: "/dev/md\(n)", name: role.rawValue,
                                         members: [try d1.device(role, of: l1), try d2.device(role, of: l2)])
            try SoftwareRAID.create(a, commands: context.commands)
            arrays.append(a)
            arraysRunning = true
        }
        guard let root = arrays.first(where: { $0.name == PartitionLayout.Role.root.rawValue }) else {
            throw .failed("internal error: no root mirror")
        }
        return root.device
    }

    private var guestDisks: [Machine.Disk] {
        plan.guestDisks.filter { $0 != plan.primaryDisk && $0 != plan.mirrorDisk }.compactMap { context.machine.disk(named: $0) }
    }

    private func facts(_ disk: Machine.Disk) -> TargetFacts {
        if let f = cachedFacts { return f }
        let main = context.repositories.first { $0.0.id == .main }?.0 ?? context.repositories.first?.0
        let dev = TargetFacts.deviceName(disk)
        // A mirror's partitions are its md devices, by the names given at creation (--name).
        let mirrored = plan.mirrorDisk != nil
        var storage = plan.storageOnPrimary ? [mirrored ? "/dev/md/storage" : PartitionLayout.partitionName(dev, 3)] : []
        storage += guestDisks.map { PartitionLayout.partitionName(TargetFacts.deviceName($0), 1) }
        let kept = upgrade?.preserved
        let f = TargetFacts(rootLabel: rootLabel, installationUUID: kept?.installationUUID ?? UUID().uuidString.lowercased(),
                            controlDomainUUID: kept?.controlDomainUUID ?? UUID().uuidString.lowercased(), installationDate: EventLog.timestamp(),
                            primaryDisk: dev, backupPartition: mirrored ? "/dev/md/backup" : PartitionLayout.partitionName(dev, 2), storagePartitions: storage,
                            productBrand: main?.product ?? "", productVersion: main?.version ?? "", buildNumber: main?.build ?? "")
        cachedFacts = f
        return f
    }

    private func findKernels(_ root: String) throws(InstallerError) -> Extlinux.Kernels? {
        let boot = try TargetPath.resolve(root: root, "/boot")
        return Extlinux.findKernels(bootNames: (try? FileManager.default.contentsOfDirectory(atPath: boot)) ?? [])
    }
}
