import Foundation
import Testing
@testable import InstallerCore

@Suite struct PartitionLayoutTests {
    let gib = Size.GiB / 512

    @Test func primaryLayoutOn60GiB() throws {
        let total = 60 * gib
        let l = try PartitionLayout.primary(totalSectors: total, storage: true)
        #expect(l.partitions.map(\.number) == [1, 2, 3, 4])
        #expect(l.partitions.map(\.name) == ["root", "backup", "storage", "esp"])
        #expect(l.partitions[0].start == 2048 && l.partitions[0].length == 4 * gib)
        #expect(l.partitions[1].start == 2048 + 4 * gib && l.partitions[1].length == 4 * gib)
        // The ESP (64 MiB) right after the backup, numbered 4; storage after it.
        let esp = try #require(l.partition(.esp))
        #expect(esp.number == 4 && esp.start == 2048 + 8 * gib && esp.length == 131072 && esp.esp)
        let s = l.partitions[2]
        #expect(s.start == 2048 + 8 * gib + 131072)
        // The last whole MiB before the backup GPT (34 sectors at the end).
        #expect(s.end == total - 2048 - 1)
        #expect(s.end < total - 34)
        for p in l.partitions { #expect(p.start % 2048 == 0 && p.length % 2048 == 0) }
        #expect(l.partitions[0].bootable && !l.partitions[1].bootable && l.partitions[2].lvm)
        #expect(!esp.bootable && !esp.lvm && !l.partitions[0].esp)
    }

    @Test func withoutLocalStorageThereAreRootBackupAndESP() throws {
        let l = try PartitionLayout.primary(totalSectors: 16 * gib, storage: false)
        #expect(l.partitions.map(\.role) == [.root, .backup, .esp])
        #expect(l.partitions.map(\.number) == [1, 2, 4])
    }

    @Test func anMBRLabelHasNoESP() throws {
        let l = try PartitionLayout.primary(totalSectors: 60 * gib, label: .msdos, storage: true)
        #expect(l.partitions.map(\.number) == [1, 2, 3])
        #expect(l.partitions[2].start == 2048 + 8 * gib)
    }

    @Test func oddSizedDiskEndsOnAMiBBoundary() throws {
        let total = 16 * gib + 12345
        let l = try PartitionLayout.primary(totalSectors: total, storage: true)
        let s = try #require(l.partition(.storage))
        #expect((s.end + 1) % 2048 == 0 && s.end < total - 33)
    }

    @Test func refusesSmallDisks() {
        #expect(throws: InstallerError.self) { try PartitionLayout.primary(totalSectors: 16 * gib - 1, storage: true) }
        do {
            _ = try PartitionLayout.primary(totalSectors: 8 * gib, storage: false)
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("at least 16 GB"))
        }
    }

    @Test func fourKSectors() throws {
        let total = 20 * Size.GiB / 4096
        let l = try PartitionLayout.primary(totalSectors: total, sectorSize: 4096, storage: true)
        #expect(l.partitions[0].start == 256 && l.partitions[0].length == 4 * Size.GiB / 4096)
        #expect(l.partition(.esp)?.length == 64 * Size.MiB / 4096)
        #expect(PartitionLayout.reservedTail(label: .gpt, sectorSize: 4096) == 5)
    }

    @Test func guestDiskHasOneLVMPartition() throws {
        let l = try PartitionLayout.guest(totalSectors: 500 * gib)
        #expect(l.partitions.count == 1)
        #expect(l.partitions[0].start == 2048 && l.partitions[0].lvm && l.partitions[0].number == 1)
        #expect(l.partitions[0].end == 500 * gib - 2048 - 1)
    }

    @Test func partitionNames() {
        #expect(PartitionLayout.partitionName("/dev/sda", 1) == "/dev/sda1")
        #expect(PartitionLayout.partitionName("/dev/nvme0n1", 2) == "/dev/nvme0n1p2")
        #expect(PartitionLayout.partitionName("/dev/loop3", 1) == "/dev/loop3p1")
    }

    @Test func mountChecksMatchTheDiskAndItsPartitions() {
        let mounts = DiskSafety.parseMounts("/dev/sda1 / ext4 rw 0 0\n/dev/sdab1 /x ext4 rw 0 0\n/dev/loop3p2 /mnt/a\\040b ext3 rw 0 0\n")
        #expect(mounts[2].mountPoint == "/mnt/a b")
        #expect(DiskSafety.uses(of: ["/dev/sda"], mounts: mounts).map(\.mountPoint) == ["/"])
        #expect(DiskSafety.uses(of: ["/dev/loop3"], mounts: mounts).count == 1)
        #expect(DiskSafety.uses(of: ["/dev/loop"], mounts: mounts).isEmpty)
        #expect(DiskSafety.uses(of: ["/dev/sdb"], mounts: mounts).isEmpty)
        #expect(DiskSafety.belongs("/dev/nvme0n1p1", to: "/dev/nvme0n1"))
        #expect(!DiskSafety.belongs("/dev/nvme0n11", to: "/dev/nvme0n1"))
    }

    /// Detection skips a blank disk without opening libparted (whose loading runs dmidecode).
    @Test func aBlankDiskNeedsNoPartitionTableReader() throws {
        let path = NSTemporaryDirectory() + "hi-blank-\(getpid()).img"
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 64 << 20) == 0)
        #expect(!PartitionTableIO.mayHoldPartitionTable(path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sfdisk", "--quiet", path]
        let input = Pipe(); p.standardInput = input; p.standardOutput = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("label: gpt\n,32M\n".utf8)); try input.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(PartitionTableIO.mayHoldPartitionTable(path))
        #expect(try PartitionTableIO.read(path)?.entry(1) != nil)
        #expect(PartitionTableIO.mayHoldPartitionTable("/nonexistent/disk"), "unreadable disks are still looked at")
    }
}
