import Foundation
import Synchronization

/// "Verify installation source": reads every package and checks its size, MD5 and (when the
/// metadata gives one) SHA-256, two packages at a time.
public enum Verifier {
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public var repository: RepositoryID
        public var package: Package
        public var reason: String
        public var description: String { "\(package.label) (\(package.file) in \(repository)): \(reason)" }
    }

    public struct Report: Equatable, Sendable {
        public var checked: Int
        public var bytes: UInt64
        public var problems: [Problem]
        public var ok: Bool { problems.isEmpty }
        /// One sentence for a screen or the log.
        public var summary: String {
            if ok { return "All \(checked) packages are intact." }
            return "\(problems.count) of \(checked) packages are damaged or missing: "
                + problems.map(\.description).joined(separator: "; ")
        }
    }

    /// Checks every package of `repositories` on `accessor` with `threads` readers at once.
    /// `progress(fraction, label)` is called from the reading threads (one call at a time),
    /// `label` naming the package being read. `cancelled` is polled between chunks.
    public static func verify(_ repositories: [Repository], accessor: Accessor, threads: Int = 2,
                              progress: @escaping @Sendable (Double, String) -> Void = { _, _ in },
                              cancelled: @escaping @Sendable () -> Bool = { false }) -> Report {
        let work = repositories.flatMap { r in r.packages.map { (r, $0) } }
        let total = max(1, work.reduce(0) { $0 + $1.1.size })
        struct Shared {
            var next = 0
            var done: UInt64 = 0
            var problems: [(Int, Problem)] = []
        }
        let shared = Mutex(Shared())
        let box = UncheckedBox(accessor)
        let items = UncheckedBox(work)
        // Serialises progress calls and keeps the fraction from going backwards.
        let report = Mutex(0.0)
        @Sendable func tell(_ f: Double, _ label: String) {
            report.withLock { last in
                last = max(last, min(f, 1))
                progress(last, label)
            }
        }
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, work.count))) { _ in
            while true {
                let i: Int? = shared.withLock { s in
                    guard s.next < items.value.count, !cancelled() else { return nil }
                    s.next += 1
                    return s.next - 1
                }
                guard let i else { return }
                let (repo, pkg) = items.value[i]
                let path = SourcePath.join(repo.directory, pkg.file)
                tell(Double(shared.withLock { $0.done }) / Double(total), pkg.label)
                var got: UInt64 = 0
                var reason: String?
                do throws(InstallerError) {
                    if let stream = try openPackage(box.value, path) {
                        let sums = try Digest.hexes(of: stream, sha256: pkg.sha256 != nil) { n in
                            got += UInt64(n)
                            let done = shared.withLock { s in s.done += UInt64(n); return s.done }
                            if got % (8 << 20) < UInt64(n) {
                                tell(Double(done) / Double(total), pkg.label)
                            }
                        }
                        if got != pkg.size {
                            reason = "the size is \(got) bytes, expected \(pkg.size)"
                        } else if sums.md5 != pkg.md5 {
                            reason = "the MD5 is \(sums.md5), expected \(pkg.md5) (the file is damaged)"
                        } else if let want = pkg.sha256, sums.sha256 != want {
                            reason = "the SHA-256 is \(sums.sha256 ?? "?"), expected \(want) (the file is damaged)"
                        }
                    } else {
                        reason = "missing (\(path) is not on the media)"
                    }
                } catch {
                    reason = "cannot be read: \(error.description)"
                }
                shared.withLock { s in
                    // Count the bytes a short or failed read did not deliver, so progress ends at 1.
                    if got < pkg.size { s.done += pkg.size - got }
                    if let reason { s.problems.append((i, Problem(repository: repo.id, package: pkg, reason: reason))) }
                }
                if let reason { EventLog.shared.log("verify: \(pkg.label) (\(path)): \(reason)") }
            }
        }
        let result = shared.withLock { $0 }
        tell(1, "")
        let problems = result.problems.sorted { $0.0 < $1.0 }.map(\.1)
        let r = Report(checked: result.next, bytes: work.reduce(0) { $0 + $1.1.size }, problems: problems)
        EventLog.shared.log("verify \(accessor.displayName): \(r.summary)")
        return r
    }

    private static func openPackage(_ a: Accessor, _ path: String) throws(InstallerError) -> ByteStream? {
        if let s = a as? SourceAccessor { return try s.openIfPresent(path) }
        guard a.exists(path) else { return nil }
        return try a.open(path)
    }
}

/// Hands a value that is made thread-safe by other means (the accessors lock internally;
/// the array is only read) across threads.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
