import Foundation

/// Starts external programs (mke2fs, extlinux, loadkeys, ip ...). The one place where the
/// installer spawns programs: every implementation logs the command, its exit status and
/// its duration. `InstallerBackend` holds one; a test may hand it a fake.
public protocol CommandRunning: Sendable {
    /// Where the commands are logged (and what their callers say about them).
    var log: EventLog { get }
    /// Runs `argv` (looked up on PATH) with stdin closed, collecting stdout and stderr together.
    func run(_ argv: [String], environment: [String: String]?) -> CommandRunner.Result
}

extension CommandRunning {
    /// Runs `argv` with this process's environment.
    @discardableResult
    public func run(_ argv: [String]) -> CommandRunner.Result { run(argv, environment: nil) }
}

/// The real programs of this computer, logged to `log`.
public struct SystemCommands: CommandRunning {
    public let log: EventLog
    public init(log: EventLog) { self.log = log }

    @discardableResult
    public func run(_ argv: [String], environment: [String: String]?) -> CommandRunner.Result {
        let start = Date()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        if let environment { p.environment = environment }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        do { try p.run() } catch {
            log.log("command failed to start: \(argv.joined(separator: " ")): \(error.localizedDescription)")
            return CommandRunner.Result(exitCode: 127, output: "\(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = String(decoding: data, as: UTF8.self)
        let secs = Date().timeIntervalSince(start)
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        log.log("ran: \(argv.joined(separator: " ")) -> exit \(status) in \(String(format: "%.2f", secs)) s")
        if status != 0 && !out.isEmpty { log.log("output: " + out.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return CommandRunner.Result(exitCode: status, output: out)
    }
}

/// The result type of `CommandRunning`, and a shorthand for the real programs
/// (`SystemCommands`) where no runner is handed down yet.
public enum CommandRunner {
    public struct Result: Sendable {
        public let exitCode: Int32
        public let output: String
        public var ok: Bool { exitCode == 0 }
        public init(exitCode: Int32, output: String) { self.exitCode = exitCode; self.output = output }
    }

    /// Runs `argv` through `SystemCommands(log:)`.
    @discardableResult
    public static func run(_ argv: [String], log: EventLog, environment: [String: String]? = nil) -> Result {
        SystemCommands(log: log).run(argv, environment: environment)
    }
}
