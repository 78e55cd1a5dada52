import Foundation

/// The Linux Pack from its own disc (the guide's step 17): after the main installation, the
/// front end asks for the disc, checks it with `check`, and installs it onto the new root
/// with `run` (its own progress: mount, packages, finish).
public enum LinuxPackDisc {
    /// The Linux Pack repository on `accessor`, if it is one for the installed `main`
    /// product; otherwise an error saying what the disc is.
    public static func check(_ accessor: Accessor, main: Repository) throws(InstallerError) -> Repository {
        let repos: [Repository]
        do throws(InstallerError) { repos = try RepositoryScanner.scan(accessor) } catch {
            throw .failed("this disc could not be read: \(error.description)", hint: "insert the Linux Pack disc")
        }
        guard let pack = repos.first(where: { $0.id == .linux }) else {
            let what = repos.isEmpty ? "no repository at all" : repos.map { "\($0.id) \($0.version) (\($0.description))" }.joined(separator: ", ")
            throw .invalid(accessor.displayName, "this disc is not a Linux Pack: it holds \(what)", hint: "insert the Linux Pack disc")
        }
        if pack.product != main.product {
            throw .invalid(accessor.displayName, "this Linux Pack is for \(pack.product) \(pack.version), not for \(main.product) \(main.version)",
                           hint: "insert the Linux Pack disc of \(main.product) \(main.version)")
        }
        let unmet = pack.unmetRequirements(in: [main])
        if !unmet.isEmpty {
            throw .invalid(accessor.displayName, "this Linux Pack does not fit the installed \(main.product) \(main.version): "
                           + unmet.map(\.1).joined(separator: "; "), hint: "insert the Linux Pack disc of \(main.product) \(main.version)")
        }
        return pack
    }

    public static var steps: [InstallStep] { InstallSteps.linuxPack }

    /// Installs `pack` onto the root partition (1) of the plan's primary disk, records it in
    /// /etc/xensource/installed-repos and rewrites the install log there. Mounts and loop
    /// devices are released in every case.
    public static func run(_ pack: Repository, from accessor: Accessor, plan: InstallPlan, machine: Machine,
                           log: EventLog = .shared, environment: InstallEnvironment = .process,
                           commands: (any CommandRunning)? = nil, events: @escaping (InstallEvent) -> Void) -> Result<Void, InstallerError> {
        var devices: PartitionDevices?
        var mount: MountedFilesystem?
        defer {
            if let m = mount { do { try m.unmount() } catch { log.log("warning: \(error.description)") } }
            devices?.release()
        }
        let steps = StepRunner(steps: steps, log: log, environment: environment, emit: events)
        do throws(InstallerError) {
            guard let disk = machine.disk(named: plan.primaryDisk) else { throw .invalid("primary-disk", "no disk called \"\(plan.primaryDisk)\"") }
            let commands = commands ?? SystemCommands(log: log)
            let partitions = PartitionDevices(disk, commands: commands)
            devices = partitions
            try steps.run(.mount) { _ throws(InstallerError) in
                guard let table = try PartitionTableIO.read(disk.path), table.entry(1) != nil else {
                    throw .failed("the disk has no root partition", at: disk.name)
                }
                mount = try MountedFilesystem.mount(try partitions.device(1, of: table), type: "ext3", commands: commands)
            }
            guard let root = mount?.mountPoint else { throw .failed("the root filesystem is not mounted", at: disk.name) }
            try steps.run(.packages) { progress throws(InstallerError) in
                let boot = try TargetPath.resolve(root: root, "/boot")
                let kernel = Extlinux.findKernels(bootNames: (try? FileManager.default.contentsOfDirectory(atPath: boot)) ?? [])?.version
                let total = max(pack.packages.reduce(UInt64(0)) { $0 + max($1.size, 1) }, 1)
                var done: UInt64 = 0
                log.log("installing \(pack.id) \(pack.version) from \(accessor.displayName)")
                for pkg in pack.packages {
                    let installer = PackageInstaller(root: root, log: log, kernelVersion: kernel)
                    try installer.install(pkg, of: pack, from: accessor) { n in
                        progress(Double(done + min(n, max(pkg.size, 1))) / Double(total))
                    }
                    done += max(pkg.size, 1)
                }
            }
            try steps.run(.finish) { _ throws(InstallerError) in
                let facts = TargetFacts(rootLabel: "", installationUUID: "", controlDomainUUID: "", installationDate: "", primaryDisk: "",
                                        backupPartition: "", storagePartitions: [], productBrand: "", productVersion: "", buildNumber: "")
                let configurator = TargetConfigurator(root: root, plan: plan, machine: machine, facts: facts, commands: commands)
                try configurator.recordRepository(pack, accessor: accessor)
                log.log("installed \(pack.id) \(pack.version) (\(pack.packages.count) packages)")
                try configurator.writeInstallLog()
                if let m = mount {
                    mount = nil
                    try m.unmount()
                }
                partitions.release()
            }
        } catch {
            log.log("the Linux Pack installation failed: \(error.description)")
            return .failure(error)
        }
        return .success(())
    }
}
