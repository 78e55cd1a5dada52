import Foundation

/// Runs external commands (mke2fs, extlinux, loadkeys, ip ...) and logs each one with its
/// exit status and duration. The one place where the installer starts programs.
public enum CommandRunner {
    public struct Result: Sendable {
        public let exitCode: Int32
        public let output: String
        public var ok: Bool { exitCode == 0 }
    }

    /// Runs `argv` with stdin closed, collecting stdout and stderr together.
    @discardableResult
    public static func run(_ argv: [String], log: EventLog = .shared, environment: [String: String]? = nil) -> Result {
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
            return Result(exitCode: 127, output: "\(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = String(decoding: data, as: UTF8.self)
        let secs = Date().timeIntervalSince(start)
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        log.log("ran: \(argv.joined(separator: " ")) -> exit \(status) in \(String(format: "%.2f", secs)) s")
        if status != 0 && !out.isEmpty { log.log("output: " + out.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return Result(exitCode: status, output: out)
    }
}
