import Foundation

/// The block devices of one disk's partitions, the one place that chooses between the two
/// kinds of disk: on a profile machine the disk is an image file and a partition is a loop
/// device over its bytes; on real hardware it is the kernel's partition node (sda1,
/// nvme0n1p1), waited for after a new partition table. The loop devices it makes are
/// detached by `release()` (and by the CleanupRegistry on a signal).
final class PartitionDevices {
    let disk: Machine.Disk
    private let commands: any CommandRunning
    private var loops: [String: LoopDevice] = [:]

    init(_ disk: Machine.Disk, commands: any CommandRunning) { self.disk = disk; self.commands = commands }

    /// The device of partition `number`, which spans `length` sectors from `start`.
    func device(_ number: Int, start: UInt64, length: UInt64, sectorSize: UInt64, readOnly: Bool = false) throws(InstallerError) -> String {
        guard disk.isImage else {
            let dev = PartitionLayout.partitionName(disk.path, number)
            try Self.waitForDevice(dev)
            return dev
        }
        let l = try LoopDevice.attach(image: disk.path, offset: start * sectorSize, size: length * sectorSize, readOnly: readOnly,
                                      sectorSize: sectorSize, commands: commands)
        loops[l.device] = l
        return l.device
    }

    /// The device of partition `number` of `table`.
    func device(_ number: Int, of table: PartitionTable, readOnly: Bool = false) throws(InstallerError) -> String {
        guard let e = table.entry(number) else { throw .failed("the disk has no partition \(number)", at: disk.name) }
        return try device(number, start: e.start, length: e.length, sectorSize: table.sectorSize, readOnly: readOnly)
    }

    /// The device of the partition with `role` in `layout`.
    func device(_ role: PartitionLayout.Role, of layout: PartitionLayout, readOnly: Bool = false) throws(InstallerError) -> String {
        guard let p = layout.partition(role) else { throw .failed("the layout has no \(role.rawValue) partition", at: disk.name) }
        return try device(p.number, start: p.start, length: p.length, sectorSize: layout.sectorSize, readOnly: readOnly)
    }

    /// Detaches the loop device `device` (if this made it); a partition node is left alone.
    func release(_ device: String) {
        loops.removeValue(forKey: device)?.detach()
    }

    /// Detaches every loop device this made.
    func release() {
        for l in loops.values { l.detach() }
        loops = [:]
    }

    static func waitForDevice(_ dev: String) throws(InstallerError) {
        for _ in 0..<50 {
            var st = stat()
            if stat(dev, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK { return }
            usleep(100_000)
        }
        throw .failed("the partition device did not appear", at: dev, hint: "the kernel did not pick up the new partition table")
    }
}
