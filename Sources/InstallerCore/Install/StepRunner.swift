import Foundation

/// Runs steps in order, emitting progress (fraction, step text, seconds left estimated from
/// elapsed time and the weights) and honouring the fault-injection hook: with
/// `InstallEnvironment.failAfter` naming a step the process kills itself (SIGKILL) right
/// after that step, leaving the disks as a crash would.
///
/// Two more test hooks slow an install down so a replay can act while it runs (both inert
/// unless set, and logged when set):
/// - `InstallEnvironment.stepDelayMs`: every step waits that long (at most 60 000 ms) after it starts;
/// - `InstallEnvironment.pauseAt`: that step waits, after it starts, until the file
///   `resume` exists in the state directory (the replay command `touch resume` makes it),
///   or 300 s have passed.
public final class StepRunner {
    public typealias Progress = (Double) -> Void
    public let steps: [InstallStep]
    private let emit: (InstallEvent) -> Void
    private let log: EventLog
    private let environment: InstallEnvironment
    private let total: Double
    private var doneWeight = 0.0
    private var start = Date()
    private var lastEmit = Date.distantPast
    private var lastFraction = -1.0

    public init(steps: [InstallStep], log: EventLog, environment: InstallEnvironment, emit: @escaping (InstallEvent) -> Void) {
        self.steps = steps; self.log = log; self.emit = emit; self.environment = environment
        self.total = max(steps.reduce(0) { $0 + $1.weight }, 0.000001)
        let delay = environment.stepDelayMs
        if delay > 0 { log.log("test hook \(InstallEnvironment.Name.stepDelayMs)=\(delay): every step waits \(delay) ms") }
        if let p = environment.pauseAt {
            if steps.contains(where: { $0.name == p }) {
                log.log("test hook \(InstallEnvironment.Name.pauseAt)=\(p): step \(p) will wait for the file 'resume' in the state directory")
            } else {
                log.log("test hook \(InstallEnvironment.Name.pauseAt)=\(p): no step has that name (steps: \(steps.map(\.name).joined(separator: ", ")))")
            }
        }
    }

    /// Estimated seconds left after `done` of `total` weight in `elapsed` seconds (nil too early to say).
    public static func secondsLeft(done: Double, total: Double, elapsed: Double) -> Double? {
        guard done > 0.02 * total, elapsed > 0.5 else { return nil }
        return max(0, elapsed * (total - done) / done)
    }

    /// Runs `body` as the step `id`; `body` may report its own fraction (0...1). A step that
    /// is not in this runner's list is an error, not a crash.
    public func run(_ id: InstallStepName, _ body: (Progress) throws(InstallerError) -> Void) throws(InstallerError) {
        guard let step = steps.first(where: { $0.id == id }) else {
            throw .failed("internal error: the step \(id.rawValue) is not one of this installation's steps")
        }
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
        if environment.failAfter == step.name {
            log.log("\(InstallEnvironment.Name.failAfter)=\(step.name): killing the installer (fault injection)")
            kill(getpid(), SIGKILL)
        }
    }

    /// A signal (CleanupRegistry) ends the wait at once: the install then stops as it would
    /// between two steps.
    private func testHookWait(_ step: InstallStep) throws(InstallerError) {
        if environment.stepDelayMs > 0 { usleep(useconds_t(environment.stepDelayMs) * 1000) }
        guard environment.pauseAt == step.name else { return }
        log.log("test hook \(InstallEnvironment.Name.pauseAt)=\(step.name): waiting for the file 'resume' in the state directory")
        let t0 = Date()
        while !FileManager.default.fileExists(atPath: environment.resumeFile) {
            try CleanupRegistry.shared.checkNotDying()
            if Date().timeIntervalSince(t0) > 300 { log.log("test hook: no 'resume' file after 300 s; going on"); return }
            usleep(50_000)
        }
        log.log("test hook: resumed")
    }

    /// Sends a question to the front end (e.g. `.setTime` for manual time entry near the end).
    public func ask(_ q: InstallQuestion) { emit(.question(q)) }

    /// Marks a step as skipped (its weight counts as done).
    public func skip(_ id: InstallStepName) {
        guard let step = steps.first(where: { $0.id == id }) else { return }
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
