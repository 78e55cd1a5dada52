/// The partition layout of a clean install (SPEC section 4), computed in sectors.
/// A pure value: no I/O, so the arithmetic is unit-tested on its own.
public struct PartitionLayout: Equatable, Sendable {
    public enum Label: String, Sendable { case gpt, msdos }
    public enum Role: String, Sendable { case root, backup, storage, esp }

    public struct Partition: Equatable, Sendable {
        public var number: Int
        public var role: Role
        /// First sector (inclusive).
        public var start: UInt64
        /// Number of sectors.
        public var length: UInt64
        /// Last sector (inclusive).
        public var end: UInt64 { start + length - 1 }
        /// GPT partition name (`root`, `backup`, `storage`, `esp`).
        public var name: String { role.rawValue }
        /// legacy_boot (GPT) or the active flag (msdos).
        public var bootable: Bool { role == .root }
        /// LVM type (local storage).
        public var lvm: Bool { role == .storage }
        /// The EFI system partition (FAT, GRUB for UEFI).
        public var esp: Bool { role == .esp }
    }

    public var label: Label
    public var sectorSize: UInt64
    public var totalSectors: UInt64
    public var partitions: [Partition]

    public static let rootSize: UInt64 = 4 * Size.GiB
    public static let backupSize: UInt64 = 4 * Size.GiB
    public static let alignment: UInt64 = Size.MiB
    /// The EFI system partition (GPT only): number 4, so that 1 to 3 keep their meaning.
    public static let espSize: UInt64 = 64 * Size.MiB
    public static let espNumber = 4

    /// Sectors at the end of the disk that belong to the label (GPT's backup header and
    /// entry array: 1 + 16 KiB of entries), which no partition may use.
    public static func reservedTail(label: Label, sectorSize: UInt64) -> UInt64 {
        label == .gpt ? 1 + (16 * 1024 + sectorSize - 1) / sectorSize : 0
    }

    /// The primary disk: root 4 GiB (1), backup 4 GiB (2), on GPT an EFI system partition of
    /// 64 MiB right after the backup (numbered 4), and local storage for the rest (3) when
    /// `storage`. Every partition starts and ends on a 1 MiB boundary.
    public static func primary(totalSectors: UInt64, sectorSize: UInt64 = 512, label: Label = .gpt,
                               storage: Bool, minimumBytes: UInt64 = Size.minimumPrimaryDisk) throws(InstallerError) -> PartitionLayout {
        try check(sectorSize)
        let bytes = totalSectors * sectorSize
        guard bytes >= minimumBytes else {
            throw .invalid("", "the disk holds \(Size.humanGB(bytes)), but the installation needs at least \(Size.humanGB(minimumBytes))",
                           hint: "choose a larger disk")
        }
        let grain = alignment / sectorSize
        let rootLen = rootSize / sectorSize, backupLen = backupSize / sectorSize
        var parts = [Partition(number: 1, role: .root, start: grain, length: rootLen),
                     Partition(number: 2, role: .backup, start: grain + rootLen, length: backupLen)]
        var next = grain + rootLen + backupLen
        var esp: Partition?
        if label == .gpt {
            esp = Partition(number: espNumber, role: .esp, start: next, length: espSize / sectorSize)
            next += espSize / sectorSize
        }
        if storage {
            let start = next
            let usableEnd = (totalSectors - reservedTail(label: label, sectorSize: sectorSize)) / grain * grain
            guard usableEnd > start + grain else {
                throw .invalid("", "no room is left for local storage on a disk of \(Size.humanGB(bytes))", hint: "choose a larger disk or no local storage on it")
            }
            parts.append(Partition(number: 3, role: .storage, start: start, length: usableEnd - start))
        }
        if let esp { parts.append(esp) }
        return PartitionLayout(label: label, sectorSize: sectorSize, totalSectors: totalSectors, partitions: parts)
    }

    /// A guest (VM storage) disk: one LVM partition from 1 MiB to the last whole MiB.
    public static func guest(totalSectors: UInt64, sectorSize: UInt64 = 512, label: Label = .gpt) throws(InstallerError) -> PartitionLayout {
        try check(sectorSize)
        let grain = alignment / sectorSize
        let usableEnd = (totalSectors - min(totalSectors, reservedTail(label: label, sectorSize: sectorSize))) / grain * grain
        guard usableEnd > 2 * grain else {
            throw .invalid("", "the disk is too small for VM storage (\(Size.humanGB(totalSectors * sectorSize)))")
        }
        return PartitionLayout(label: label, sectorSize: sectorSize, totalSectors: totalSectors,
                               partitions: [Partition(number: 1, role: .storage, start: grain, length: usableEnd - grain)])
    }

    private static func check(_ sectorSize: UInt64) throws(InstallerError) {
        guard sectorSize >= 512, sectorSize <= alignment, alignment % sectorSize == 0 else {
            throw .invalid("", "unsupported sector size \(sectorSize) bytes")
        }
    }

    public func partition(_ role: Role) -> Partition? { partitions.first { $0.role == role } }

    /// The same partitions on a disk of `totalSectors` (at least as large): the second disk of
    /// a mirror is partitioned like the first, after the smaller of the two.
    public func on(totalSectors: UInt64) throws(InstallerError) -> PartitionLayout {
        let limit = totalSectors - Self.reservedTail(label: label, sectorSize: sectorSize)
        guard partitions.allSatisfy({ $0.end < limit }) else {
            throw .invalid("", "a disk of \(totalSectors) sectors cannot hold the partitions of the layout")
        }
        var l = self
        l.totalSectors = totalSectors
        return l
    }

    /// The device name of partition `n` of `disk`: `sda1`, but `nvme0n1p1`, `loop0p1`, `mmcblk0p1`.
    public static func partitionName(_ disk: String, _ n: Int) -> String {
        (disk.last?.isNumber ?? false) ? "\(disk)p\(n)" : "\(disk)\(n)"
    }
}
