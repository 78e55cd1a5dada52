import Foundation

/// The peak resident memory of this process (getrusage's ru_maxrss), for the install log's
/// last line: `make bench` (bench/memory.sh) and tests/integration/21-flat-memory.sh read it
/// to check that memory stays flat as the product grows (issue 20). The commands the
/// installer runs are not counted (RUSAGE_CHILDREN would not tell them apart: a child's
/// figure starts from the installer's own at fork or exec).
public enum PeakMemory {
    /// Peak resident set of this process, in KiB.
    public static var selfKiB: Int {
        var u = rusage()
        return getrusage(RUSAGE_SELF.rawValue, &u) == 0 ? u.ru_maxrss : 0
    }

    /// "peak memory 37.1 MiB"
    public static var summary: String { String(format: "peak memory %.1f MiB", Double(selfKiB) / 1024) }
}
