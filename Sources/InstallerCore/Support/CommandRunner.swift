import CSystem
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
        let r = Self.spawn(argv, environment: environment)
        let secs = Date().timeIntervalSince(start)
        guard let (status, out) = r.success else {
            log.log("command failed to start: \(argv.joined(separator: " ")): \(r.failure ?? "unknown error")")
            return CommandRunner.Result(exitCode: 127, output: r.failure ?? "")
        }
        log.log("ran: \(argv.joined(separator: " ")) -> exit \(status) in \(String(format: "%.2f", secs)) s")
        if status != 0 && !out.isEmpty { log.log("output: " + out.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return CommandRunner.Result(exitCode: status, output: out)
    }

    /// posix_spawn of /usr/bin/env ARGV (a PATH lookup as before), stdin /dev/null, stdout and
    /// stderr into one pipe read to its end, then waitpid. (Foundation's Process waited in
    /// 50 ms run-loop steps: about 40 ms lost on each of a clean install's 17 commands; issue 20.)
    /// Signals are reset to their defaults and unblocked in the child. Exit status, or 128 +
    /// the signal that ended it.
    static func spawn(_ argv: [String], environment: [String: String]?) -> (success: (Int32, String)?, failure: String?) {
        var fds: [Int32] = [-1, -1]
        guard pipe2(&fds, O_CLOEXEC) == 0 else { return (nil, String(cString: strerror(errno))) }
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1)
        posix_spawn_file_actions_adddup2(&fa, fds[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all); sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let args = ["/usr/bin/env"] + argv
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArgs = args.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) }; for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &fa, &attr, &cArgs, &cEnv)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); return (nil, String(cString: strerror(rc))) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 { out += buf[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = cs_wifsignaled(status) != 0 ? 128 + cs_wtermsig(status) : cs_wexitstatus(status)
        return ((code, String(decoding: out, as: UTF8.self)), nil)
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
