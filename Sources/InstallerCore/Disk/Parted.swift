import CParted
import Foundation
import Synchronization

/// libparted behind one file. libparted is not thread-safe and reports problems through a
/// process-wide exception handler without user data, so every call runs under `lock`, and
/// the handler collects messages in a global `Mutex` (it never prompts and never prints).
enum Parted {
    /// Serialises all libparted calls.
    static let lock = NSLock()
    /// Messages seen by the handler since the current call started.
    static let messages = Mutex<[String]>([])

    private static let handlerInstalled: Bool = {
        ped_exception_set_handler { ex in
            guard let ex else { return PED_EXCEPTION_UNHANDLED }
            let e = ex.pointee
            let text = e.message.map { String(cString: $0) } ?? "libparted exception"
            Parted.messages.withLock { $0.append(text) }
            let opts = e.options.rawValue
            let isWarning = e.type.rawValue <= PED_EXCEPTION_WARNING.rawValue
            if isWarning && opts & PED_EXCEPTION_IGNORE.rawValue != 0 { return PED_EXCEPTION_IGNORE }
            if opts & PED_EXCEPTION_CANCEL.rawValue != 0 { return PED_EXCEPTION_CANCEL }
            return PED_EXCEPTION_UNHANDLED
        }
        return true
    }()

    /// Runs `body` with the handler installed and the message list cleared, under the lock.
    static func call<T>(_ body: () throws(InstallerError) -> T) throws(InstallerError) -> T {
        _ = handlerInstalled
        lock.lock()
        defer { lock.unlock() }
        messages.withLock { $0.removeAll() }
        return try body()
    }

    static func failure(_ what: String, _ path: String) -> InstallerError {
        let m = messages.withLock { $0 }
        return .failed(what + (m.isEmpty ? "" : ": " + m.joined(separator: "; ")), at: path)
    }

    /// An open libparted device; closed and forgotten on deinit.
    final class Device {
        let dev: UnsafeMutablePointer<PedDevice>
        let path: String
        init(_ path: String) throws(InstallerError) {
            self.path = path
            guard let d = ped_device_get(path) else { throw Parted.failure("cannot open the disk", path) }
            guard ped_device_open(d) != 0 else { ped_device_destroy(d); throw Parted.failure("cannot open the disk", path) }
            dev = d
        }
        deinit { ped_device_close(dev); ped_device_destroy(dev) }
        var sectorSize: UInt64 { UInt64(dev.pointee.sector_size) }
        var length: UInt64 { UInt64(dev.pointee.length) }
        var isFile: Bool { dev.pointee.type == PED_DEVICE_FILE }
    }
}

/// A partition table as read back from a disk.
public struct PartitionTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var number: Int
        public var start: UInt64
        public var length: UInt64
        public var name: String?
        /// Found by probing the contents (`ext3`, `ext4`…), nil when unknown.
        public var filesystem: String?
        public var bootable: Bool
        public var lvm: Bool
    }
    /// `gpt` or `msdos`.
    public var label: String
    public var sectorSize: UInt64
    public var totalSectors: UInt64
    public var entries: [Entry]
    public func entry(_ n: Int) -> Entry? { entries.first { $0.number == n } }
}

/// Writes and reads partition tables with libparted.
public enum PartitionTableIO {
    /// Size of the disk or image: (sectors, sector size).
    public static func geometry(_ path: String) throws(InstallerError) -> (sectors: UInt64, sectorSize: UInt64) {
        try Parted.call { () throws(InstallerError) in
            let d = try Parted.Device(path)
            return (d.length, d.sectorSize)
        }
    }

    /// Replaces the partition table of `path` with `layout`. On an image file only the file
    /// is written (`commit_to_dev`); on a block device the kernel is told afterwards with
    /// `partx -u` (libparted's own commit_to_os would run `udevadm settle`, see the notes).
    public static func write(_ layout: PartitionLayout, to path: String, commands: any CommandRunning) throws(InstallerError) {
        let isFile: Bool = try Parted.call { () throws(InstallerError) -> Bool in
            let d = try Parted.Device(path)
            guard d.sectorSize == layout.sectorSize, d.length == layout.totalSectors else {
                throw .failed("the disk changed size (\(d.length) sectors of \(d.sectorSize) bytes, expected \(layout.totalSectors) of \(layout.sectorSize))", at: path)
            }
            guard let type = ped_disk_type_get(layout.label.rawValue) else { throw Parted.failure("no \(layout.label) support in libparted", path) }
            guard let disk = ped_disk_new_fresh(d.dev, type) else { throw Parted.failure("cannot create a \(layout.label) label", path) }
            defer { ped_disk_destroy(disk) }
            let named = ped_disk_type_check_feature(type, PED_DISK_TYPE_PARTITION_NAME) != 0
            for p in layout.partitions {
                let fs: UnsafeMutablePointer<PedFileSystemType>? = p.lvm ? nil : ped_file_system_type_get(p.esp ? "fat32" : "ext2")
                guard let part = ped_partition_new(disk, PED_PARTITION_NORMAL, fs, PedSector(p.start), PedSector(p.end)) else {
                    throw Parted.failure("cannot create partition \(p.number)", path)
                }
                // GPT keeps a number set before the partition is added (the ESP is 4 wherever it lies).
                if layout.label == .gpt { part.pointee.num = Int32(p.number) }
                guard let c = ped_constraint_exact(&part.pointee.geom) else { throw Parted.failure("no constraint for partition \(p.number)", path) }
                let added = ped_disk_add_partition(disk, part, c)
                ped_constraint_destroy(c)
                guard added != 0 else { ped_partition_destroy(part); throw Parted.failure("cannot add partition \(p.number) at sectors \(p.start)-\(p.end)", path) }
                guard part.pointee.num == Int32(p.number) else {
                    throw .failed("libparted numbered partition \(p.number) as \(part.pointee.num)", at: path)
                }
                if named { _ = ped_partition_set_name(part, p.name) }
                if p.bootable {
                    let flag = layout.label == .gpt ? PED_PARTITION_LEGACY_BOOT : PED_PARTITION_BOOT
                    guard ped_partition_set_flag(part, flag, 1) != 0 else { throw Parted.failure("cannot mark partition \(p.number) bootable", path) }
                }
                if p.esp {
                    guard ped_partition_set_flag(part, PED_PARTITION_ESP, 1) != 0 else { throw Parted.failure("cannot set the EFI system type on partition \(p.number)", path) }
                }
                if p.lvm {
                    guard ped_partition_set_flag(part, PED_PARTITION_LVM, 1) != 0 else { throw Parted.failure("cannot set the LVM type on partition \(p.number)", path) }
                }
            }
            guard ped_disk_commit_to_dev(disk) != 0 else { throw Parted.failure("cannot write the partition table", path) }
            guard ped_device_sync(d.dev) != 0 else { throw Parted.failure("cannot flush the partition table", path) }
            return d.isFile
        }
        commands.log.log("wrote a \(layout.label) partition table on \(path): " + layout.partitions.map {
            "#\($0.number) \($0.name) \($0.start)s+\($0.length)s" }.joined(separator: ", "))
        if !isFile {
            let r = commands.run(["partx", "-u", path])
            if !r.ok { _ = commands.run(["partx", "-a", path]) }
        }
    }

    /// False when the disk's first sectors carry neither an MBR signature (0x55AA, which a
    /// GPT's protective MBR has too) nor a GPT header: such a disk cannot hold an installation,
    /// and looking needs no libparted (whose loading runs dmidecode). Unreadable: true.
    public static func mayHoldPartitionTable(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var b = [UInt8](repeating: 0, count: 4096 + 8)
        let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 512 else { return n < 0 }
        if b[510] == 0x55 && b[511] == 0xAA { return true }
        let efi = Array("EFI PART".utf8)
        return (n >= 520 && Array(b[512..<520]) == efi) || (n >= 4104 && Array(b[4096..<4104]) == efi)
    }

    /// Reads the partition table without writing anything. nil when the disk has no label.
    public static func read(_ path: String) throws(InstallerError) -> PartitionTable? {
        try Parted.call { () throws(InstallerError) -> PartitionTable? in
            let d = try Parted.Device(path)
            guard let type = ped_disk_probe(d.dev) else { return nil }
            guard let disk = ped_disk_new(d.dev) else { throw Parted.failure("cannot read the partition table", path) }
            defer { ped_disk_destroy(disk) }
            let named = ped_disk_type_check_feature(type, PED_DISK_TYPE_PARTITION_NAME) != 0
            let isGPT = String(cString: type.pointee.name) == "gpt"
            var entries: [PartitionTable.Entry] = []
            var p = ped_disk_next_partition(disk, nil)
            while let part = p {
                defer { p = ped_disk_next_partition(disk, part) }
                let num = part.pointee.num
                guard num >= 1, part.pointee.type.rawValue & (PED_PARTITION_FREESPACE.rawValue | PED_PARTITION_METADATA.rawValue) == 0 else { continue }
                let g = part.pointee.geom
                let bootFlag = isGPT ? PED_PARTITION_LEGACY_BOOT : PED_PARTITION_BOOT
                let name: String? = named ? ped_partition_get_name(part).map { String(cString: $0) } : nil
                entries.append(.init(number: Int(num), start: UInt64(g.start), length: UInt64(g.length), name: name,
                                     filesystem: part.pointee.fs_type.map { String(cString: $0.pointee.name) },
                                     bootable: ped_partition_is_flag_available(part, bootFlag) != 0 && ped_partition_get_flag(part, bootFlag) != 0,
                                     lvm: ped_partition_is_flag_available(part, PED_PARTITION_LVM) != 0 && ped_partition_get_flag(part, PED_PARTITION_LVM) != 0))
            }
            return PartitionTable(label: String(cString: type.pointee.name), sectorSize: d.sectorSize, totalSectors: d.length, entries: entries)
        }
    }
}
