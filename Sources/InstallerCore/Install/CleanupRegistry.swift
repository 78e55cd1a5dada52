import Dispatch
import Foundation
import Synchronization

/// Things to undo however the install ends: unmount, detach loop devices, remove empty
/// temporary directories. Each resource registers its release when it is acquired and
/// unregisters when it is released normally; `runAll` (also run on SIGINT/SIGTERM/SIGHUP when
/// `installSignalHandlers` was called) releases what is left, newest first.
public final class CleanupRegistry: Sendable {
    public static let shared = CleanupRegistry()

    public struct Token: Hashable, Sendable { let id: Int }
    /// `urgent` is true on the signal path: the process dies right after, so release at once
    /// (lazy unmount, no retries) rather than wait for busy resources.
    /// `held` entries (the terminal's mode) stay for the life of the process: the signal path
    /// does not wait for them to be released, it runs them last.
    struct Entry { let id: Int; let what: String; var held = false; let action: @Sendable (_ urgent: Bool) -> Void }
    private let dying = Atomic<Bool>(false)
    private let state = Mutex<(next: Int, entries: [Entry])>((0, []))

    public init() {}

    @discardableResult
    public func register(_ what: String, held: Bool = false, _ action: @escaping @Sendable (_ urgent: Bool) -> Void) -> Token {
        state.withLock { s in
            s.next += 1
            s.entries.append(Entry(id: s.next, what: what, held: held, action: action))
            return Token(id: s.next)
        }
    }

    /// Forgets an action without running it (the resource was released normally).
    public func remove(_ token: Token) {
        state.withLock { s in s.entries.removeAll { $0.id == token.id } }
    }

    /// What is still registered, oldest first (for tests and the log).
    public var pending: [String] { state.withLock { $0.entries.map(\.what) } }

    /// Runs and forgets every action, newest first.
    public func runAll(urgent: Bool = false) {
        if urgent { dying.store(true, ordering: .sequentiallyConsistent) }
        while let e = state.withLock({ s -> Entry? in s.entries.popLast() }) { e.action(urgent) }
    }

    /// True once a signal asked the process to stop: the install stops at its next check
    /// (between steps, every archive read, every MiB of the swap file) and releases what it holds.
    public var isDying: Bool { dying.load(ordering: .sequentiallyConsistent) }

    /// The signal path: ask the running install to stop, give it `grace` seconds to release
    /// its mounts and loop devices the normal way (a lazy unmount could outlive the process
    /// in another mount namespace), then release what is left at once.
    public func shutdown(grace: Double = 5) {
        dying.store(true, ordering: .sequentiallyConsistent)
        let deadline = Date().addingTimeInterval(grace)
        while state.withLock({ $0.entries.contains { !$0.held } }) && Date() < deadline { usleep(5_000) }
        runAll(urgent: true)
    }

    /// Throws `cancelled` once a signal asked the process to stop.
    public func checkNotDying() throws(InstallerError) {
        if isDying { throw InstallerError(.cancelled, "the installation was interrupted by a signal") }
    }

    /// On SIGINT, SIGTERM or SIGHUP (the terminal went away): log, release everything registered, then die of that signal.
    /// Idempotent. Front ends with their own signal handling call `runAll()` themselves instead.
    public func installSignalHandlers(log: EventLog = .shared) {
        SignalCleanup.install(registry: self, log: log)
    }
}

private enum SignalCleanup {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    static let installed = Mutex(false)

    static func install(registry: CleanupRegistry, log: EventLog) {
        let first = installed.withLock { done -> Bool in defer { done = true }; return !done }
        guard first else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue(label: "host-installer.signal.\(sig)"))
            src.setEventHandler {
                log.log("signal \(sig): releasing mounts and loop devices")
                registry.shutdown()
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            src.resume()
            sources.append(src)
        }
    }
}
