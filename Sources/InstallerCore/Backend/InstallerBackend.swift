import Foundation

/// The installer's backend as the front ends (the screens, the unattended run) see it: made
/// once from the environment, a command runner and the event log, it takes a plan and does
/// the work, reporting `InstallEvent`s.
///
///     let backend = InstallerBackend(environment: InstallEnvironment(ProcessInfo.processInfo.environment), log: log)
///     let prepared = try backend.prepare(plan, machine: machine)   // sources opened, plan checked
///     defer { prepared.close() }
///     let result = prepared.run { event in ... }                   // or start(events:) on a thread
///
/// Nothing here touches a disk before `run`/`start`; `prepare` only reads the sources.
public final class InstallerBackend: Sendable {
    public let environment: InstallEnvironment
    public let commands: any CommandRunning
    public let log: EventLog

    /// `commands` defaults to the real programs (`SystemCommands`), logged to `log`.
    public init(environment: InstallEnvironment, log: EventLog, commands: (any CommandRunning)? = nil) {
        self.environment = environment; self.log = log
        self.commands = commands ?? SystemCommands(log: log)
    }

    /// The preamble of every installation: opens the plan's sources (`InstallSources`),
    /// checks the plan against the machine and the repositories found, and builds the
    /// installation of the plan's kind. Throws before any disk is touched; the accessors
    /// stay open until `close()`. `handleSignals`: see `Installation.Options`.
    public func prepare(_ plan: InstallPlan, machine: Machine, handleSignals: Bool = true) throws(InstallerError) -> PreparedInstallation {
        let opened = try InstallSources.open(plan, machine: machine)
        do throws(InstallerError) {
            try Installation.validate(plan, machine, repositories: opened.repositories.map(\.0), postInstallAccessor: opened.postInstall != nil, log: log)
        } catch {
            opened.close()
            throw error
        }
        var options = Installation.Options()
        options.environment = environment
        options.handleSignals = handleSignals
        options.commands = commands
        let install = Installation(plan: plan, machine: machine, repositories: opened.repositories, log: log, options: options)
        install.postInstallScript = opened.postInstall
        return PreparedInstallation(install, sources: opened)
    }

    /// Sets the system clock and the hardware clock (UTC) to `date`; on a profile machine the
    /// clock is left alone and the time only logged.
    public func setClock(_ date: Date, machine: Machine) {
        guard machine.isReal else {
            log.log("manual time entered: \(date) (the clock of a profile machine is left alone)")
            return
        }
        commands.run(["date", "-u", "-s", "@\(Int(date.timeIntervalSince1970))"])
        commands.run(["hwclock", "--systohc", "--utc"])
    }

    /// Loads `keymap` on the console with loadkeys; returns its exit status.
    @discardableResult
    public func loadKeymap(_ keymap: String) -> Int32 {
        commands.run(["loadkeys", keymap]).exitCode
    }

    /// Whether NICs are configured for real (`RuntimeNetwork.enabled`).
    public func runtimeNetworkEnabled(for machine: Machine) -> Bool {
        RuntimeNetwork.enabled(for: machine, environment: environment)
    }

    /// Runtime networking with this environment's settings and this log.
    public var runtimeNetwork: RuntimeNetwork { RuntimeNetwork.fromEnvironment(environment, commands: commands) }
}

/// An installation whose sources are open and whose plan has been checked.
public final class PreparedInstallation: @unchecked Sendable {
    public let installation: Installation
    public let sources: InstallSources.Opened

    init(_ installation: Installation, sources: InstallSources.Opened) {
        self.installation = installation; self.sources = sources
    }

    /// The repositories to install, the base product first.
    public var repositories: [(Repository, Accessor)] { installation.repositories }
    /// The base product (`xs:main`) of the sources.
    public var mainRepository: Repository? { installation.repositories.first { $0.0.id == .main }?.0 }
    /// The Linux Pack is asked for on its own disc after the main installation.
    public var linuxPackOnAnotherDisc: Bool { sources.linuxPackOnAnotherDisc }

    /// Runs the installation on a new thread; `events` ends with `.finished`.
    @discardableResult
    public func start(events: @escaping @Sendable (InstallEvent) -> Void) -> Thread { installation.start(events: events) }

    /// Runs the installation on this thread; the result is also sent as `.finished`.
    public func run(events: @escaping @Sendable (InstallEvent) -> Void) -> Result<InstallSummary, InstallerError> {
        installation.run(events: events)
    }

    /// Closes the sources.
    public func close() { sources.close() }
}
