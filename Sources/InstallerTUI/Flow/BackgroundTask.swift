import Foundation
import Synchronization

/// Work run on its own thread while the UI loop goes on handling keys (F1, Alt-F2/F3,
/// resize). The work sends updates (progress, questions) as it goes and ends with a value;
/// the UI loop takes both with `take()` at each tick. This replaces the Mutex, thread and
/// "done" button each progress window used to carry.
final class BackgroundTask<Value: Sendable, Update: Sendable>: Sendable {
    private struct Shared {
        var updates: [Update] = []
        var value: Value?
    }
    private let shared = Mutex(Shared())

    /// Starts `work` at once on a new thread (8 MiB of stack, as the install needs).
    /// `send` may be called from any thread, any number of times, until `work` returns.
    init(name: String = "host-installer.task",
         _ work: @escaping @Sendable (_ send: @escaping @Sendable (Update) -> Void) -> Value) {
        let t = Thread { [self] in
            let value = work { u in self.shared.withLock { $0.updates.append(u) } }
            self.shared.withLock { $0.value = value }
        }
        t.name = name
        t.stackSize = 8 << 20
        t.start()
    }

    /// The updates sent since the last call, in order, and the value once the work has
    /// returned (every update sent before it is in the same answer or an earlier one).
    func take() -> (updates: [Update], value: Value?) {
        shared.withLock { s in
            defer { s.updates.removeAll() }
            return (s.updates, s.value)
        }
    }
}

extension BackgroundTask where Update == Never {
    /// Work without updates: only its value.
    convenience init(name: String = "host-installer.task", _ work: @escaping @Sendable () -> Value) {
        self.init(name: name) { _ in work() }
    }
}
