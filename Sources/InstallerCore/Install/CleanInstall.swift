import Foundation

/// A clean install (SPEC section 4) onto the primary disk of a `Machine`: partitions, ext3
/// root, packages from the repositories, the target configuration, extlinux, the
/// post-install script. Every mount and loop device it makes is released on success,
/// failure, or SIGINT/SIGTERM/SIGHUP (see `Options.handleSignals`).
///
///     let install = try CleanInstall.fromSources(plan: plan, machine: machine)   // or init(plan:machine:repositories:)
///     install.start { event in ... }      // a background thread; the last event is .finished(result)
///     let result = install.run { ... }    // or on this thread
///
/// Steps (`CleanInstall.steps`): check, partition, filesystems, mount, packages, configure,
/// bootloader, post-install, finish. `HOST_INSTALLER_FAIL_AFTER=<name>` SIGKILLs the process
/// right after that step.
public final class CleanInstall: @unchecked Sendable {
    public struct Options: Sendable {
        /// Install SIGINT/SIGTERM handlers that release mounts and loop devices, then die.
        /// A front end with its own handling sets this false and calls `CleanupRegistry.shared.runAll()`.
        public var handleSignals = true
        /// The environment (for `HOST_INSTALLER_FAIL_AFTER`).
        public var environment = ProcessInfo.processInfo.environment
        /// Set by `Upgrade` (mode reinstall): keep the partition table, the old UUIDs, and put
        /// back the preserved files after configuring.
        var upgrade: UpgradeHooks?
        public init() {}
    }

    /// The steps, in order, with their weights. Names are stable (fault injection uses them).
    public static let steps: [InstallStep] = [
        InstallStep(name: "check", text: "Checking the disks", weight: 1),
        InstallStep(name: "partition", text: "Partitioning disks", weight: 2),
        InstallStep(name: "filesystems", text: "Creating filesystems", weight: 6),
        InstallStep(name: "mount", text: "Mounting the new root filesystem", weight: 1),
        InstallStep(name: "packages", text: "Installing packages", weight: 60),
        InstallStep(name: "configure", text: "Configuring the new system", weight: 12),
        InstallStep(name: "bootloader", text: "Installing the bootloader", weight: 5),
        InstallStep(name: "post-install", text: "Running the post-install script", weight: 3),
        InstallStep(name: "finish", text: "Completing installation", weight: 3),
    ]

    public let plan: InstallPlan
    public let machine: Machine
    public let repositories: [(Repository, Accessor)]
    public let log: EventLog
    public let options: Options
    /// Where the post-install script is read from when it is not a local file path.
    public var postInstallScript: (Accessor, String)?

    public init(plan: InstallPlan, machine: Machine, repositories: [(Repository, Accessor)], log: EventLog = .shared,
                options: Options = Options()) {
        self.plan = plan; self.machine = machine; self.log = log; self.options = options
        // The base product first: later packages may need its kernel version.
        self.repositories = repositories.filter { $0.0.id == .main } + repositories.filter { $0.0.id != .main }
        if case let .plaintext(pw)? = plan.rootPassword { log.addSecret(pw) }
    }

    /// Problems found before any disk is touched (exit status 2 kinds).
    public static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                                postInstallAccessor: Bool = false) throws(InstallerError) {
        if plan.mode != .fresh {
            // Upgrade (reinstall) and restore: Upgrade.swift.
            try Upgrade.validate(plan, machine, repositories: repositories, postInstallAccessor: postInstallAccessor)
            return
        }
        // What can be known without the media: the rule book the screens and the answerfile use.
        try PlanRules.require(plan, PlanRules.Context(machine: machine, driversLoaded: true))
        guard repositories.contains(where: { $0.id == .main }) else {
            throw .invalid("source", "the installation source has no \(RepositoryID.main) repository (the base product)")
        }
        if let s = plan.postInstallScript, !postInstallAccessor {
            guard case .local(let p?) = s, p.hasPrefix("/") else {
                throw .invalid("post-install-script", "\(s.displayName): only a local file path can be read by this backend without an accessor")
            }
        }
    }

    /// Runs the install on a new thread; `events` ends with `.finished`.
    @discardableResult
    public func start(events: @escaping @Sendable (InstallEvent) -> Void) -> Thread {
        let t = Thread { [self] in _ = self.run(events: events) }
        t.stackSize = 8 << 20
        t.name = "host-installer.install"
        t.start()
        return t
    }

    /// Runs the install on this thread and returns its result (also sent as `.finished`).
    public func run(events: @escaping @Sendable (InstallEvent) -> Void) -> Result<InstallSummary, InstallerError> {
        if plan.mode != .fresh { return Upgrade(install: self).run(events: events) }
        var logIndex = log.count
        let emit: (InstallEvent) -> Void = { [log] e in
            for l in log.lines(from: logIndex) { events(.log(l)) }
            logIndex = log.count
            events(e)
        }
        if options.handleSignals { CleanupRegistry.shared.installSignalHandlers(log: log) }
        let work = Work(install: self)
        let result: Result<InstallSummary, InstallerError>
        do {
            result = .success(try work.run(StepRunner(steps: Self.steps, log: log, environment: options.environment, emit: emit)))
        } catch {
            log.log("installation failed: \(error.description)")
            result = .failure(error)
        }
        work.release()
        if case .success = result { log.log("installation complete") }
        emit(.finished(result))
        if options.handleSignals && CleanupRegistry.shared.isDying {
            // The signal handler is about to end the process with the signal: let it.
            for _ in 0..<1000 { usleep(10_000) }
        }
        return result
    }

    /// The clean-install steps under another runner (an upgrade's); releases what they hold.
    func runSteps(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let work = Work(install: self)
        defer { work.release() }
        return try work.run(steps)
    }
}

/// The state of one install run: the resources it holds and what earlier steps decided.
private final class Work {
    let i: CleanInstall
    var log: EventLog { i.log }
    var disk: Machine.Disk!
    var layout: PartitionLayout!
    var rootLoop: LoopDevice?
    var rootDevice = ""
    var rootMount: MountedFilesystem?
    var rootLabel = Filesystem.randomRootLabel()
    var kernelVersion: String?

    init(install: CleanInstall) { i = install }

    func release() {
        if let m = rootMount {
            do { try m.unmount() } catch { log.log("warning: \(error.description)") }
            rootMount = nil
        }
        rootLoop?.detach()
        rootLoop = nil
    }

    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let plan = i.plan, machine = i.machine
        try steps.run("check") { _ throws(InstallerError) in
            try CleanInstall.validate(plan, machine, repositories: i.repositories.map(\.0), postInstallAccessor: i.postInstallScript != nil)
            disk = machine.disk(named: plan.primaryDisk)!
            var media: [String] = machine.cdrom?.discs ?? []
            for s in plan.sources { if case let .local(p?) = s { media.append(p) } }
            try DiskSafety.check(disk, primary: true, mediaPaths: media, log: log)
            for g in guestDisks { try DiskSafety.check(g, primary: false, mediaPaths: media, log: log) }
            let geo = try PartitionTableIO.geometry(disk.path)
            layout = try PartitionLayout.primary(totalSectors: geo.sectors, sectorSize: geo.sectorSize, storage: plan.storageOnPrimary)
            log.log("primary disk \(disk.name) (\(disk.path)): \(geo.sectors) sectors of \(geo.sectorSize) bytes; root label \(rootLabel)")
            if i.options.upgrade != nil { try Upgrade.checkLayout(layout, disk: disk.path) }
        }
        if i.options.upgrade != nil { steps.skip("partition") } else { try steps.run("partition") { progress throws(InstallerError) in
            try PartitionTableIO.write(layout, to: disk.path, log: log)
            for p in layout.partitions where p.role != .root {
                try DiskBytes.zero(disk.path, at: p.start * layout.sectorSize, length: PartitionLayout.alignment)
            }
            for (n, g) in guestDisks.enumerated() {
                progress(Double(n + 1) / Double(guestDisks.count + 1))
                let geo = try PartitionTableIO.geometry(g.path)
                let gl = try PartitionLayout.guest(totalSectors: geo.sectors, sectorSize: geo.sectorSize)
                try PartitionTableIO.write(gl, to: g.path, log: log)
                try DiskBytes.zero(g.path, at: gl.partitions[0].start * gl.sectorSize, length: PartitionLayout.alignment)
            }
        } }
        try steps.run("filesystems") { _ throws(InstallerError) in
            let p1 = layout.partition(.root)!
            if disk.isImage {
                let loop = try LoopDevice.attach(image: disk.path, offset: p1.start * layout.sectorSize, size: p1.length * layout.sectorSize, log: log)
                rootLoop = loop
                rootDevice = loop.device
            } else {
                rootDevice = PartitionLayout.partitionName(disk.path, 1)
                try waitForDevice(rootDevice)
            }
            try Filesystem.makeExt3(rootDevice, label: rootLabel, log: log)
        }
        try steps.run("mount") { _ throws(InstallerError) in
            rootMount = try MountedFilesystem.mount(rootDevice, type: "ext3", log: log)
        }
        let root = rootMount!.mountPoint
        try steps.run("packages") { progress throws(InstallerError) in
            let all = i.repositories.flatMap { r in r.0.packages.map { (r.0, r.1, $0) } }
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
            for (repo, accessor) in i.repositories {
                try TargetConfigurator(root: root, plan: plan, machine: machine, facts: facts(), log: log).recordRepository(repo, accessor: accessor)
            }
        }
        let configurator = TargetConfigurator(root: root, plan: plan, machine: machine, facts: facts(), log: log)
        try steps.run("configure") { progress throws(InstallerError) in
            try configurator.writeFiles()
            progress(0.3)
            try configurator.makeSwapFile()
            try i.options.upgrade?.afterConfigure(root)
            if case .manual = plan.time {
                log.log("time: manual entry chosen; asking the front end to set the clock (no ntp.conf written)")
                steps.ask(.setTime)
            }
        }
        try steps.run("bootloader") { _ throws(InstallerError) in
            guard let k = try findKernels(root) else {
                throw .failed("the product installed no kernel (/boot/vmlinuz-VERSION)", at: disk.name, hint: "the main repository's root package must be bootable")
            }
            try Extlinux.install(root: root, disk: disk.path, label: layout.label, kernels: k, rootLabel: rootLabel,
                                 location: plan.bootloader.location, log: log)
        }
        if let script = plan.postInstallScript {
            try steps.run("post-install") { _ throws(InstallerError) in
                let bytes: [UInt8]
                if let (acc, path) = i.postInstallScript {
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
            steps.skip("post-install")
        }
        try steps.run("finish") { _ throws(InstallerError) in
            log.log("installed \(facts().productBrand) \(facts().productVersion) on \(disk.name), root \(rootLabel)")
            try configurator.writeInstallLog()
            let m = rootMount!
            rootMount = nil
            try m.unmount()
            rootLoop?.detach()
            rootLoop = nil
        }
        return InstallSummary(rootLabel: rootLabel, primaryDisk: disk.name, productVersion: facts().productVersion)
    }

    var guestDisks: [Machine.Disk] {
        i.plan.guestDisks.filter { $0 != i.plan.primaryDisk }.compactMap { i.machine.disk(named: $0) }
    }

    private var cachedFacts: TargetFacts?
    func facts() -> TargetFacts {
        if let f = cachedFacts { return f }
        let main = i.repositories.first { $0.0.id == .main }?.0 ?? i.repositories.first?.0
        let dev = TargetFacts.deviceName(disk)
        var storage = i.plan.storageOnPrimary ? [PartitionLayout.partitionName(dev, 3)] : []
        storage += guestDisks.map { PartitionLayout.partitionName(TargetFacts.deviceName($0), 1) }
        let kept = i.options.upgrade?.preserved
        let f = TargetFacts(rootLabel: rootLabel, installationUUID: kept?.installationUUID ?? UUID().uuidString.lowercased(),
                            controlDomainUUID: kept?.controlDomainUUID ?? UUID().uuidString.lowercased(), installationDate: EventLog.timestamp(),
                            primaryDisk: dev, backupPartition: PartitionLayout.partitionName(dev, 2), storagePartitions: storage,
                            productBrand: main?.product ?? "", productVersion: main?.version ?? "", buildNumber: main?.build ?? "")
        cachedFacts = f
        return f
    }

    func findKernels(_ root: String) throws(InstallerError) -> Extlinux.Kernels? {
        let boot = try TargetPath.resolve(root: root, "/boot")
        return Extlinux.findKernels(bootNames: (try? FileManager.default.contentsOfDirectory(atPath: boot)) ?? [])
    }

    func waitForDevice(_ dev: String) throws(InstallerError) {
        for _ in 0..<50 {
            var st = stat()
            if stat(dev, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK { return }
            usleep(100_000)
        }
        throw .failed("the partition device did not appear", at: dev, hint: "the kernel did not pick up the new partition table")
    }
}
