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
            if !Self.appears(dev, tenths: 30) {
                // The kernel missed this partition when told of the new table: add it alone.
                let known = Self.kernelPartitions(of: disk.path)
                commands.log.log("\(dev) has not appeared (the kernel knows: \(known.isEmpty ? "none" : known.joined(separator: " "))); adding it")
                let r = commands.run(["partx", "-a", "--nr", String(number), disk.path])
                guard Self.appears(dev, tenths: 50) else {
                    throw .failed("the partition device did not appear (the kernel knows: \(Self.kernelPartitions(of: disk.path).joined(separator: " ")); "
                                  + "partx -a: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines)))", at: dev,
                                  hint: "the kernel did not pick up the new partition table")
                }
            }
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
        if appears(dev, tenths: 50) { return }
        throw .failed("the partition device did not appear", at: dev, hint: "the kernel did not pick up the new partition table")
    }

    /// Whether `dev` is a block device within `tenths` tenths of a second.
    static func appears(_ dev: String, tenths: Int) -> Bool {
        for i in 0..<tenths {
            var st = stat()
            if stat(dev, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK { return true }
            if i + 1 < tenths { usleep(100_000) }
        }
        return false
    }

    /// The partitions of `disk` (`/dev/sda`) in /proc/partitions (`sda1 sda2`), for the log.
    static func kernelPartitions(of disk: String) -> [String] {
        let name = (disk as NSString).lastPathComponent
        let text = (try? String(contentsOfFile: "/proc/partitions", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
            .filter { $0.hasPrefix(name) && $0 != name }
    }
}
