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
public final class StepRunner {
    public typealias Progress = (Double) -> Void
    public let steps: [InstallStep]
    private let emit: (InstallEvent) -> Void
    private let log: EventLog
    private let failAfter: String?
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
        try body { f in self.report(step, min(max(f, 0), 1), force: false) }
        doneWeight += step.weight
        report(step, 1, force: true, finished: true)
        log.log("STEP \(step.name) done in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s")
        if failAfter == step.name {
            log.log("HOST_INSTALLER_FAIL_AFTER=\(step.name): killing the installer (fault injection)")
            kill(getpid(), SIGKILL)
        }
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
