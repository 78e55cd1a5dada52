import Foundation

/// One step of an installation: a name (for logs and `HOST_INSTALLER_FAIL_AFTER`), the text
/// the progress screen shows, and its share of the progress bar.
public struct InstallStep: Sendable, Equatable {
    public let name: String
    public let text: String
    public let weight: Double
    public init(name: String, text: String, weight: Double) { self.name = name; self.text = text; self.weight = weight }
}

/// Runs steps in order, emitting progress (fraction, step text, seconds left estimated from
/// elapsed time and the weights) and honouring the fault-injection hook: with
/// `HOST_INSTALLER_FAIL_AFTER=<step name>` the process kills itself (SIGKILL) right after
/// that step, leaving the disks as a crash would.
///
/// Two more test hooks slow an install down so a replay can act while it runs (both inert
/// unless set, and logged when set):
/// - `HOST_INSTALLER_STEP_DELAY_MS=N`: every step waits N ms (at most 60 000) after it starts;
/// - `HOST_INSTALLER_PAUSE_AT=<step name>`: that step waits, after it starts, until the file
///   `resume` exists in the state directory (`$HOST_INSTALLER_STATE`; the replay command
///   `touch resume` makes it), or 300 s have passed.
public final class StepRunner {
    public typealias Progress = (Double) -> Void
    public let steps: [InstallStep]
    private let emit: (InstallEvent) -> Void
    private let log: EventLog
    private let failAfter: String?
    private let stepDelayMs: Int
    private let pauseAt: String?
    private let resumeFile: String
    private let total: Double
    private var doneWeight = 0.0
    private var start = Date()
    private var lastEmit = Date.distantPast
    private var lastFraction = -1.0

    public init(steps: [InstallStep], log: EventLog, environment: [String: String] = ProcessInfo.processInfo.environment,
                emit: @escaping (InstallEvent) -> Void) {
        self.steps = steps; self.log = log; self.emit = emit
        self.failAfter = environment["HOST_INSTALLER_FAIL_AFTER"].flatMap { $0.isEmpty ? nil : $0 }
        self.total = max(steps.reduce(0) { $0 + $1.weight }, 0.000001)
        let hooks = Self.testHooks(environment)
        self.stepDelayMs = hooks.delayMs
        self.pauseAt = hooks.pauseAt
        self.resumeFile = (environment["HOST_INSTALLER_STATE"].flatMap { $0.isEmpty ? nil : $0 } ?? DemoMachine.stateDirectory) + "/resume"
        if stepDelayMs > 0 { log.log("test hook HOST_INSTALLER_STEP_DELAY_MS=\(stepDelayMs): every step waits \(stepDelayMs) ms") }
        if let p = pauseAt {
            if steps.contains(where: { $0.name == p }) {
                log.log("test hook HOST_INSTALLER_PAUSE_AT=\(p): step \(p) will wait for the file 'resume' in the state directory")
            } else {
                log.log("test hook HOST_INSTALLER_PAUSE_AT=\(p): no step has that name (steps: \(steps.map(\.name).joined(separator: ", ")))")
            }
        }
    }

    /// The slow-down hooks read from `environment`: a per-step delay (0 when unset or invalid)
    /// and the step to pause at (nil when unset).
    public static func testHooks(_ environment: [String: String]) -> (delayMs: Int, pauseAt: String?) {
        let delay = environment["HOST_INSTALLER_STEP_DELAY_MS"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        let pause = environment["HOST_INSTALLER_PAUSE_AT"].flatMap { $0.isEmpty ? nil : $0 }
        return (min(max(delay, 0), 60_000), pause)
    }

    /// Estimated seconds left after `done` of `total` weight in `elapsed` seconds (nil too early to say).
    public static func secondsLeft(done: Double, total: Double, elapsed: Double) -> Double? {
        guard done > 0.02 * total, elapsed > 0.5 else { return nil }
        return max(0, elapsed * (total - done) / done)
    }

    /// Runs `body` as the step called `name`; `body` may report its own fraction (0...1).
    public func run(_ name: String, _ body: (Progress) throws(InstallerError) -> Void) throws(InstallerError) {
        guard let step = steps.first(where: { $0.name == name }) else { preconditionFailure("unknown step \(name)") }
        try CleanupRegistry.shared.checkNotDying()
        if doneWeight == 0 { start = Date() }
        log.log("STEP \(step.name): \(step.text)")
        let t0 = Date()
        report(step, 0, force: true)
        try testHookWait(step)
        try body { f in self.report(step, min(max(f, 0), 1), force: false) }
        doneWeight += step.weight
        report(step, 1, force: true, finished: true)
        log.log("STEP \(step.name) done in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s")
        if failAfter == step.name {
            log.log("HOST_INSTALLER_FAIL_AFTER=\(step.name): killing the installer (fault injection)")
            kill(getpid(), SIGKILL)
        }
    }

    /// A signal (CleanupRegistry) ends the wait at once: the install then stops as it would
    /// between two steps.
    private func testHookWait(_ step: InstallStep) throws(InstallerError) {
        if stepDelayMs > 0 { usleep(useconds_t(stepDelayMs) * 1000) }
        guard pauseAt == step.name else { return }
        log.log("test hook HOST_INSTALLER_PAUSE_AT=\(step.name): waiting for the file 'resume' in the state directory")
        let t0 = Date()
        while !FileManager.default.fileExists(atPath: resumeFile) {
            try CleanupRegistry.shared.checkNotDying()
            if Date().timeIntervalSince(t0) > 300 { log.log("test hook: no 'resume' file after 300 s; going on"); return }
            usleep(50_000)
        }
        log.log("test hook: resumed")
    }

    /// Sends a question to the front end (e.g. `.setTime` for manual time entry near the end).
    public func ask(_ q: InstallQuestion) { emit(.question(q)) }

    /// Marks a step as skipped (its weight counts as done).
    public func skip(_ name: String) {
        guard let step = steps.first(where: { $0.name == name }) else { return }
        doneWeight += step.weight
        log.log("STEP \(step.name): skipped")
    }

    private func report(_ step: InstallStep, _ f: Double, force: Bool, finished: Bool = false) {
        let done = finished ? doneWeight : doneWeight + step.weight * f
        let fraction = min(done / total, 1)
        let now = Date()
        guard force || (fraction - lastFraction >= 0.002 && now.timeIntervalSince(lastEmit) >= 0.05) else { return }
        lastFraction = fraction; lastEmit = now
        emit(.progress(fraction: fraction, step: step.text,
                       secondsLeft: Self.secondsLeft(done: done, total: total, elapsed: now.timeIntervalSince(start))))
    }
}
