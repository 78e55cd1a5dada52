import Foundation
import Synchronization

/// Reports an installation's progress to a server (`report=URL`, `--report`, or the
/// answerfile's `<report url="..."/>`): JSON events POSTed to the URL, in order, from a
/// background thread. `started` carries the host's description, `progress` the step, its
/// percent and time left (on a step change or every `percentStep` percent; a progress event
/// still waiting is replaced by a newer one), `finished` the result: success with the
/// installed host's facts, or failure with the reason and the last 100 lines of the event log
/// with passwords and URL credentials removed.
///
/// A report server that is down or never answers cannot hold an install up for long: each
/// POST has short timeouts, is tried `attempts` times with a growing pause, and once the
/// failures have cost `budget` seconds in all no more reports are sent. The install itself
/// never waits for a report, except `finish`, which waits at most `finalWait` seconds for
/// the last events to go out.
public final class StatusReporter: Sendable {
    public struct Limits: Sendable {
        public var connectMs = 1500
        public var attemptMs = 2500
        public var attempts = 3
        public var backoffMs = [250, 750]
        /// Seconds the failed attempts may cost in all before reporting stops.
        public var budget = 6.0
        /// Seconds `finish` waits for the events still queued.
        public var finalWait = 4.0
        public var percentStep = 5
        public init() {}
    }

    public let url: String
    /// The URL without credentials.
    public let shownURL: String
    let limits: Limits
    let host: HostDescription
    let log: EventLog

    struct Pending { var kind: String; var body: [UInt8] }
    struct State {
        var queue: [Pending] = []
        var busy = false
        var spent = 0.0
        var gaveUp: String?
        var sent = 0
        var dropped = 0
        var seq = 0
        var lastStep = ""
        var lastPercent = -100
        var secrets: [String] = []
    }
    private let state = Mutex(State())

    public init(url: String, host: HostDescription, log: EventLog = .shared, limits: Limits = Limits()) throws(InstallerError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw .invalid(HTTPAccessor.redact(url), "a report URL must be http:// or https://")
        }
        self.url = url; self.shownURL = HTTPAccessor.redact(url); self.host = host; self.log = log; self.limits = limits
        if let pw = Self.urlPassword(url) { log.addSecret(pw) }
    }

    /// A value never to be sent (the root password, whatever the event log masks already).
    public func addSecret(_ s: String) {
        guard !s.isEmpty else { return }
        state.withLock { $0.secrets.append(s) }
    }

    public func started(source: String) {
        enqueue("started", [("source", .string(source)), ("description", host.json)])
    }

    /// A progress event when the step changed or the percent moved by `percentStep`.
    public func progress(fraction: Double, step: String, timeLeft: Double?) {
        let pct = max(0, min(100, Int((fraction * 100).rounded(.down))))
        let due = state.withLock { s -> Bool in
            guard step != s.lastStep || pct >= s.lastPercent + limits.percentStep || (pct == 100 && s.lastPercent != 100) else { return false }
            s.lastStep = step; s.lastPercent = pct
            return true
        }
        guard due else { return }
        var fields: [(String, JSON)] = [("step", .string(step)), ("percent", .number(Double(pct)))]
        fields.append(("time_left_s", timeLeft.map { .number(Double(Int($0.rounded(.up)))) } ?? .null))
        enqueue("progress", fields)
    }

    /// The installed host's facts.
    public struct Facts: Sendable {
        public var hostname: String
        public var address: String
        public var rootLabel: String
        public var product: String
        public var version: String
        public var disk: String
        public init(hostname: String, address: String, rootLabel: String, product: String, version: String, disk: String) {
            self.hostname = hostname; self.address = address; self.rootLabel = rootLabel
            self.product = product; self.version = version; self.disk = disk
        }
    }

    /// Sends `finished` (success) and waits for the queue, at most `finalWait` seconds.
    /// Returns a line saying what was sent and how long the wait took.
    @discardableResult
    public func succeeded(_ f: Facts) -> String {
        enqueue("finished", [("result", .string("success")), ("hostname", .string(f.hostname)), ("address", .string(f.address)),
                             ("root_label", .string(f.rootLabel)), ("product", .string(f.product)),
                             ("version", .string(f.version)), ("disk", .string(f.disk))])
        return drain()
    }

    /// Sends `finished` (failure) with the reason and the last 100 log lines, cleaned.
    @discardableResult
    public func failed(_ reason: String) -> String {
        let lines = log.lines.suffix(100).map { clean($0) }
        enqueue("finished", [("result", .string("failure")), ("reason", .string(clean(reason))),
                             ("log", .array(lines.map { .string($0) }))])
        return drain()
    }

    /// `text` with every secret and every `user:password@` of a URL removed.
    public func clean(_ text: String) -> String {
        let secrets = state.withLock { $0.secrets } + log.secrets
        return Self.scrub(text, secrets: secrets)
    }

    public static func scrub(_ text: String, secrets: [String]) -> String {
        var t = text
        for s in secrets where !s.isEmpty { t = t.replacingOccurrences(of: s, with: "(removed)") }
        // scheme://user:password@host → scheme://host (also user@ alone).
        var out = "", rest = Substring(t)
        while let r = rest.range(of: "://") {
            out += rest[..<r.upperBound]
            rest = rest[r.upperBound...]
            let end = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "<" || $0 == ">" || $0.isNewline }) ?? rest.endIndex
            if let at = rest[..<end].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        }
        return out + rest
    }

    static func urlPassword(_ url: String) -> String? {
        guard let s = url.range(of: "://") else { return nil }
        let after = url[s.upperBound...]
        let hostEnd = after.firstIndex(of: "/") ?? after.endIndex
        guard let at = after[..<hostEnd].lastIndex(of: "@"), let colon = after[..<at].firstIndex(of: ":") else { return nil }
        let pw = String(after[after.index(after: colon)..<at])
        return pw.isEmpty ? nil : (pw.removingPercentEncoding ?? pw)
    }

    // MARK: - the queue

    private func enqueue(_ kind: String, _ fields: [(String, JSON)]) {
        let start = state.withLock { s -> Bool in
            if s.gaveUp != nil { s.dropped += 1; return false }
            s.seq += 1
            let obj = JSON.object([("event", .string(kind)), ("seq", .number(Double(s.seq))),
                                   ("time", .number(Double(Int(Date().timeIntervalSince1970)))), ("host", host.identity)] + fields)
            let p = Pending(kind: kind, body: Array((obj.rendered() + "\n").utf8))
            if kind == "progress", let last = s.queue.last, last.kind == "progress", s.queue.count > 0 {
                s.queue[s.queue.count - 1] = p; s.dropped += 1
            } else {
                s.queue.append(p)
            }
            if s.busy { return false }
            s.busy = true
            return true
        }
        if start { Thread.detachNewThread { [self] in work() } }
    }

    private func work() {
        while true {
            let next = state.withLock { s -> Pending? in
                if s.queue.isEmpty || s.gaveUp != nil { s.dropped += s.queue.count; s.queue.removeAll(); s.busy = false; return nil }
                return s.queue.removeFirst()
            }
            guard let p = next else { return }
            deliver(p)
        }
    }

    private func deliver(_ p: Pending) {
        var lastError = ""
        for attempt in 1...max(1, limits.attempts) {
            let t0 = Date()
            do throws(InstallerError) {
                let r = try HTTPPost.send(url, body: p.body, timeouts: .init(connectMs: limits.connectMs, totalMs: limits.attemptMs), limit: 64 << 10)
                if (200..<300).contains(r.status) {
                    state.withLock { $0.sent += 1 }
                    return
                }
                lastError = "HTTP \(r.status)"
            } catch {
                lastError = error.message
            }
            let pause = attempt <= limits.backoffMs.count ? Double(limits.backoffMs[attempt - 1]) / 1000 : 0
            let over = state.withLock { s -> Bool in
                s.spent += Date().timeIntervalSince(t0)
                if s.spent + pause > limits.budget {
                    s.gaveUp = lastError
                    return true
                }
                s.spent += attempt < limits.attempts ? pause : 0
                return false
            }
            if over {
                log.log("report: \(shownURL) failed (\(lastError)); reporting stops after \(String(format: "%.1f", limits.budget)) s of failures")
                return
            }
            if attempt < limits.attempts { Thread.sleep(forTimeInterval: pause) }
        }
        log.log("report: the \(p.kind) event was not delivered to \(shownURL): \(lastError)")
        state.withLock { $0.dropped += 1 }
    }

    /// Waits for the queue (at most `finalWait` s); a line saying what went out.
    private func drain() -> String {
        let t0 = Date()
        while state.withLock({ $0.busy }) && Date().timeIntervalSince(t0) < limits.finalWait {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let waited = Date().timeIntervalSince(t0)
        let s = state.withLock { $0 }
        let line = "Report: \(s.sent) events sent to \(shownURL)" + (s.gaveUp.map { " (stopped: \($0))" } ?? "")
            + String(format: ", waited %.2f s for the report server at the end", waited)
        log.log(line)
        return line
    }
}
