import Foundation

/// The installer's view of its process environment: the one place that reads environment
/// variables, including the test hooks. A front end makes it once at start,
///
///     let environment = InstallEnvironment(ProcessInfo.processInfo.environment)
///
/// and hands it down (to `InstallerBackend`, `Installation.Options`, `StepRunner`, ...).
/// Tests build one from a dictionary. Every hook is inert unless its variable is set.
public struct InstallEnvironment: Sendable, Equatable {
    /// The variables as given (for PATH and the like, and for child processes).
    public let variables: [String: String]

    /// `HOST_INSTALLER_STATE`: the state directory given by tests and replays (nil: none given).
    public let stateOverride: String?
    /// `HOST_INSTALLER_DATA`: the directory that holds the data files (keymaps/ ...).
    public let dataDirectory: String?
    /// `HOST_INSTALLER_FAIL_AFTER`: the step after which the process SIGKILLs itself.
    public let failAfter: String?
    /// `HOST_INSTALLER_FAIL_AT_BYTE`: a backup or restore copy SIGKILLs the process after this many bytes.
    public let failAtByte: UInt64?
    /// `HOST_INSTALLER_STEP_DELAY_MS`: every install step waits this long after it starts (0...60 000).
    public let stepDelayMs: Int
    /// `HOST_INSTALLER_PAUSE_AT`: the step that waits for the file `resume` in the state directory.
    public let pauseAt: String?
    /// `HOST_INSTALLER_RUNTIME_NETWORK=1`: configure NICs for real on a profile machine.
    public let runtimeNetwork: Bool
    /// `HOST_INSTALLER_RESOLV_CONF`: the resolver file runtime networking writes.
    public let resolvConf: String?
    /// `HOST_INSTALLER_DHCP_TIMEOUT`: seconds DHCP may take (positive).
    public let dhcpTimeout: Int?
    /// `HOST_INSTALLER_LINK_TIMEOUT`: seconds a link may take to come up (positive).
    public let linkTimeout: Double?
    /// `HOST_INSTALLER_REPLAY_STATE`: a replay's state directory to keep (not a fresh one).
    public let replayState: String?
    /// `HOST_INSTALLER_CONSOLE_SHELL`: the program the Alt-F2 console runs instead of a root
    /// shell (the random key walk runs cat there).
    public let consoleShell: String?
    /// `HOST_INSTALLER_MEDIA`: the block device the installer image was booted from (set by
    /// the image's init: the CD drive, a USB stick or a disk), never offered as a target.
    public let installerMedia: String?

    /// Reads `variables` (normally `ProcessInfo.processInfo.environment`).
    public init(_ variables: [String: String]) {
        self.variables = variables
        func nonEmpty(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        stateOverride = nonEmpty(Name.state)
        dataDirectory = variables[Name.data]
        failAfter = nonEmpty(Name.failAfter)
        failAtByte = variables[Name.failAtByte].flatMap { UInt64($0) }
        let delay = variables[Name.stepDelayMs].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        stepDelayMs = min(max(delay, 0), 60_000)
        pauseAt = nonEmpty(Name.pauseAt)
        runtimeNetwork = variables[Name.runtimeNetwork] == "1"
        resolvConf = nonEmpty(Name.resolvConf)
        dhcpTimeout = variables[Name.dhcpTimeout].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        linkTimeout = variables[Name.linkTimeout].flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil }
        replayState = nonEmpty(Name.replayState)
        consoleShell = nonEmpty(Name.consoleShell)
        installerMedia = nonEmpty(Name.installerMedia)
    }

    /// The environment of this process, read once. Only for the few static look-ups that
    /// have no environment handed to them (the demo state directory, the data files); the
    /// install path takes its `InstallEnvironment` from the front end.
    public static let process = InstallEnvironment(ProcessInfo.processInfo.environment)

    /// An environment with no variables at all (tests: no hooks).
    public static let empty = InstallEnvironment([:])

    /// The state directory: `stateOverride`, else `.demo` in the current directory.
    public var stateDirectory: String { stateOverride ?? FileManager.default.currentDirectoryPath + "/.demo" }

    /// The file that ends a `pauseAt` wait.
    public var resumeFile: String { stateDirectory + "/resume" }

    /// PATH, or the usual directories.
    public var path: String { variables["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin" }

    /// The same environment with `name` set (tests and the replay command).
    public func setting(_ name: String, _ value: String?) -> InstallEnvironment {
        var v = variables
        v[name] = value
        return InstallEnvironment(v)
    }

    /// How the user or a test names each setting, for messages and hints.
    public enum Name {
        public static let state = "HOST_INSTALLER_STATE"
        public static let data = "HOST_INSTALLER_DATA"
        public static let failAfter = "HOST_INSTALLER_FAIL_AFTER"
        public static let failAtByte = "HOST_INSTALLER_FAIL_AT_BYTE"
        public static let stepDelayMs = "HOST_INSTALLER_STEP_DELAY_MS"
        public static let pauseAt = "HOST_INSTALLER_PAUSE_AT"
        public static let runtimeNetwork = "HOST_INSTALLER_RUNTIME_NETWORK"
        public static let resolvConf = "HOST_INSTALLER_RESOLV_CONF"
        public static let dhcpTimeout = "HOST_INSTALLER_DHCP_TIMEOUT"
        public static let linkTimeout = "HOST_INSTALLER_LINK_TIMEOUT"
        public static let replayState = "HOST_INSTALLER_REPLAY_STATE"
        public static let consoleShell = "HOST_INSTALLER_CONSOLE_SHELL"
        public static let installerMedia = "HOST_INSTALLER_MEDIA"
    }

    /// The placeholder a machine profile may use for the state directory.
    public static let statePlaceholder = "${HOST_INSTALLER_STATE}"

    /// The variables a replay hands through to the installer it runs (besides PATH, HOME,
    /// LANG, LC_ALL); the replay sets the state directory itself.
    public static let passThroughNames = [Name.data, Name.runtimeNetwork, Name.resolvConf, Name.dhcpTimeout]
}
