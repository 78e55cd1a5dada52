/// The control domain's memory (`dom0_mem=` on Xen's command line) from the machine's memory.
///
/// The rule: XCP 0.1's fixed 752 MiB, plus 5% of the memory above 4 GiB (the toolstack and
/// the backends grow with the guests a larger host holds), at most 8 GiB, and never more than
/// three quarters of the machine (a small test machine keeps room for Xen and guests);
/// rounded down to a multiple of 8 MiB. Examples: 1 GiB -> 752M, 512 MiB -> 384M,
/// 16 GiB -> 1360M, 256 GiB -> 13,654 MiB capped to 8192M.
public enum Dom0Memory {
    public static let baseMiB = 752
    public static let capMiB = 8192

    public static func mebibytes(machineMiB: Int) -> Int {
        let above4G = max(machineMiB - 4096, 0)
        var m = baseMiB + above4G * 5 / 100
        m = min(m, capMiB, machineMiB * 3 / 4)
        return max(m / 8 * 8, 8)
    }

    /// `dom0_mem=752M`
    public static func option(machineMiB: Int) -> String {
        "dom0_mem=\(mebibytes(machineMiB: machineMiB))M"
    }
}
