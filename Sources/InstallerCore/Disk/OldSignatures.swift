/// Old md, LVM and filesystem signatures, cleared where a scan would still find them on a disk
/// partitioned afresh, so that nothing (the product's initrd assembling md arrays from their
/// superblocks, LVM scanning for physical volumes) mistakes an earlier system's metadata for
/// the new one's. A mirror's disks go through mdadm and wipefs instead
/// (`SoftwareRAID.clearSignatures`); a single disk needs no tool: the bytes are zeroed in place.
///
/// - The whole disk, before the new table is written: its first MiB (an LVM label in the first
///   four sectors, md 1.1/1.2 superblocks at 0 and 4 KiB, an old table) and its last MiB (md
///   0.90 and 1.0 superblocks near the end, an old GPT backup).
/// - Each new partition, after: its first MiB (an LVM label, a filesystem's superblock) and its
///   last 128 KiB (md 0.90 at the last 64 KiB boundary, 1.0 at 8 KiB from the end), which an
///   earlier array of the same layout left exactly there.
public enum OldSignatures {
    static let head: UInt64 = PartitionLayout.alignment
    static let tail: UInt64 = 128 * 1024

    public static func clearDisk(_ path: String, bytes: UInt64) throws(InstallerError) {
        try DiskBytes.zero(path, at: 0, length: min(head, bytes))
        if bytes >= 2 * head { try DiskBytes.zero(path, at: bytes - head, length: head) }
    }

    public static func clearPartitions(_ path: String, of layout: PartitionLayout) throws(InstallerError) {
        for p in layout.partitions {
            let start = p.start * layout.sectorSize, length = p.length * layout.sectorSize
            try DiskBytes.zero(path, at: start, length: min(head, length))
            if length >= head + tail { try DiskBytes.zero(path, at: start + length - tail, length: tail) }
        }
    }
}
