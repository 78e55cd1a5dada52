import Foundation

/// One installation onto the primary disk of a `Machine`, of the plan's kind: a clean
/// install (`FreshInstall`, SPEC section 4), an upgrade (`Upgrade`) or a restore
/// (`Restore`). The three are peers: each runs its own list of typed steps
/// (`InstallSteps`) under one `StepRunner`, over the same context (plan, repositories,
/// the primary disk resolved once as image or device). Every mount and loop device is
/// released on success, failure, or SIGINT/SIGTERM/SIGHUP (see `Options.handleSignals`).
///
///     let install = Installation(plan: plan, machine: machine, repositories: repos, log: log, options: options)
///     install.start { event in ... }      // a background thread; the last event is .finished(result)
///     let result = install.run { ... }    // or on this thread
///
/// Front ends normally get one from `InstallerBackend.prepare`, which opens the sources and
/// validates first.
public final class Installation: @unchecked Sendable {
    public struct Options: Sendable {
        /// Install SIGINT/SIGTERM handlers that release mounts and loop devices, then die.
        /// A front end with its own handling sets this false and calls `CleanupRegistry.shared.runAll()`.
        public var handleSignals = true
        /// The environment: the fault-injection and slow-down hooks.
        public var environment = InstallEnvironment.process
        /// The programs the installation runs (nil: the real ones, logged to its log).
        public var commands: (any CommandRunning)?
        public init() {}
    }

    public let plan: InstallPlan
    public let machine: Machine
    public let repositories: [(Repository, Accessor)]
    public let log: EventLog
    public let options: Options
    /// Where the post-install script is read from when it is not a local file path.
    public var postInstallScript: (Accessor, String)?

    public init(plan: InstallPlan, machine: Machine, repositories: [(Repository, Accessor)], log: EventLog,
                options: Options = Options()) {
        self.plan = plan; self.machine = machine; self.log = log; self.options = options
        // The base product first: later packages may need its kernel version.
        self.repositories = repositories.filter { $0.0.id == .main } + repositories.filter { $0.0.id != .main }
        if case let .plaintext(pw)? = plan.rootPassword { log.addSecret(pw) }
    }

    /// Problems found before any disk is touched (exit status 2 kinds).
    /// `log` gets what the detection of existing installations finds, when it runs.
    public static func validate(_ plan: InstallPlan, _ machine: Machine, repositories: [Repository],
                                postInstallAccessor: Bool = false, log: EventLog) throws(InstallerError) {
        switch plan.mode {
        case .fresh: try FreshInstall.validate(plan, machine, repositories: repositories, postInstallAccessor: postInstallAccessor)
        case .reinstall, .restore:
            try Upgrade.validate(plan, machine, repositories: repositories, postInstallAccessor: postInstallAccessor, log: log)
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
        var logIndex = log.count
        let emit: (InstallEvent) -> Void = { [log] e in
            for l in log.lines(from: logIndex) { events(.log(l)) }
            logIndex = log.count
            events(e)
        }
        if options.handleSignals { CleanupRegistry.shared.installSignalHandlers(log: log) }
        let context = InstallContext(self)
        let procedure: InstallProcedure = switch plan.mode {
        case .fresh: FreshInstall(context, plan: plan)
        case .reinstall: Upgrade(context)
        case .restore: Restore(context)
        }
        let what = switch plan.mode { case .fresh: "installation"; case .reinstall: "upgrade"; case .restore: "restore" }
        let result: Result<InstallSummary, InstallerError>
        do {
            let steps = StepRunner(steps: InstallSteps.of(plan.mode), log: log, environment: options.environment, emit: emit)
            result = .success(try procedure.run(steps))
        } catch {
            log.log("\(what) failed: \(error.description)")
            result = .failure(error)
        }
        procedure.release()
        context.release()
        if case .success = result { log.log("\(what) complete: \(PeakMemory.summary)") }
        emit(.finished(result))
        if options.handleSignals && CleanupRegistry.shared.isDying {
            // The signal handler is about to end the process with the signal: let it.
            for _ in 0..<1000 { usleep(10_000) }
        }
        return result
    }
}

/// One kind of installation: fresh, upgrade or restore.
protocol InstallProcedure: AnyObject {
    /// Runs the kind's steps in order; the first failure is thrown.
    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary
    /// Unmounts and detaches what the steps still hold (after success or failure).
    func release()
}

/// What the three kinds share: the installation's inputs and the primary disk, resolved
/// once (image file or block device, `PartitionDevices`).
final class InstallContext {
    let plan: InstallPlan
    let machine: Machine
    let repositories: [(Repository, Accessor)]
    let postInstallScript: (Accessor, String)?
    let commands: any CommandRunning
    var log: EventLog { commands.log }
    let environment: InstallEnvironment
    private var devices: PartitionDevices?

    init(_ i: Installation) {
        plan = i.plan; machine = i.machine; repositories = i.repositories; postInstallScript = i.postInstallScript
        commands = i.options.commands ?? SystemCommands(log: i.log); environment = i.options.environment
    }

    /// The primary disk and its partitions' devices (the same object for the whole run).
    func primary(field: String = "primary-disk") throws(InstallerError) -> PartitionDevices {
        if let d = devices { return d }
        guard let disk = machine.disk(named: plan.primaryDisk) else {
            throw .invalid(field, "no disk called \"\(plan.primaryDisk)\" on this machine")
        }
        let d = PartitionDevices(disk, commands: commands)
        devices = d
        return d
    }

    /// The media the installer reads from (never to be written): the CD's discs and local sources.
    var mediaPaths: [String] {
        var media: [String] = machine.cdrom?.discs ?? []
        for s in plan.sources { if case let .local(p?) = s { media.append(p) } }
        return media
    }

    func release() { devices?.release() }
}
