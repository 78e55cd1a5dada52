import Foundation
import Synchronization

/// The installer's event log: every step, command, probe result and error, time-stamped.
/// Thread-safe; lines go to the log file (mode 0600) and to live listeners (the log console).
public final class EventLog: Sendable {
    public static let shared = EventLog()

    struct State {
        var lines: [String] = []
        var fd: Int32 = -1
        var secrets: [String] = []
    }
    private let state = Mutex(State())

    public init() {}

    /// Sends every later line to `path` as well (created with mode 0600), after the lines so far.
    public func attach(file path: String) throws(InstallerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot open the log file: \(String(cString: strerror(errno)))", at: path) }
        fchmod(fd, 0o600)
        state.withLock { s in
            if s.fd >= 0 { close(s.fd) }
            s.fd = fd
            for l in s.lines { Self.write(fd, l) }
        }
    }

    /// A value that must never reach the log (a password): masked wherever it appears.
    public func addSecret(_ secret: String) {
        guard !secret.isEmpty else { return }
        state.withLock { $0.secrets.append(secret) }
    }

    public func log(_ message: String) {
        let stamp = Self.timestamp()
        state.withLock { s in
            var text = message
            for secret in s.secrets { text = text.replacingOccurrences(of: secret, with: "********") }
            for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = "[\(stamp)] \(part)"
                s.lines.append(line)
                if s.fd >= 0 { Self.write(s.fd, line) }
            }
        }
    }

    public var lines: [String] { state.withLock { $0.lines } }
    /// The values masked in the log (for other files written for support).
    public var secrets: [String] { state.withLock { $0.secrets } }
    public var count: Int { state.withLock { $0.lines.count } }
    public func lines(from index: Int) -> [String] {
        state.withLock { s in index < s.lines.count ? Array(s.lines[index...]) : [] }
    }

    private static func write(_ fd: Int32, _ line: String) {
        let data = Array((line + "\n").utf8)
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    static func timestamp() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func p(_ v: Int32, _ w: Int = 2) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(tmv.tm_year + 1900, 4))-\(p(tmv.tm_mon + 1))-\(p(tmv.tm_mday)) \(p(tmv.tm_hour)):\(p(tmv.tm_min)):\(p(tmv.tm_sec))"
    }
}
