import Foundation

/// An installation found on a disk: partition 1 holding /etc/xensource-inventory.
public struct ExistingInstallation: Equatable, Sendable {
    public var disk: String
    public var partition: Int
    public var product: String
    public var version: String
    public var build: String
    public var date: String
    public var inventory: [String: String]
    /// `XCP 0.1.0 (build 1234) on sda, installed 2026-11-27 00:10:00`
    public var label: String {
        "\(product) \(version)" + (build.isEmpty ? "" : " (build \(build))") + " on \(disk)" + (date.isEmpty ? "" : ", installed \(date)")
    }
}

/// A backup partition: partition 2 holding `.xen-backup-partition` (and the old inventory).
public struct BackupFound: Equatable, Sendable {
    public var disk: String
    public var partition: Int
    public var product: String
    public var version: String
    public var build: String
    /// INSTALLATION_DATE of the installation that was backed up.
    public var date: String
    /// When the backup was made (from its `.xen-backup-partition` marker); empty when unknown.
    public var made: String = ""
    /// `XCP 0.1.0 backup on sda2, made 2026-11-27 03:12:44`
    public var label: String {
        "\(product) \(version) backup on \(disk)\(partition)" + (made.isEmpty ? (date.isEmpty ? "" : ", installed \(date)") : ", made \(made)")
    }
}

/// Finds installations and backups without writing anything: the partition table is read
/// with libparted (no commit) and files are read with `debugfs -R 'cat …'` on
/// `DISK?offset=BYTES` (libext2fs opens it read-only; nothing is mounted).
public enum InstallationDetector {
    public static let inventoryPath = "/etc/xensource-inventory"
    public static let backupMarker = "/.xen-backup-partition"

    public static func detect(_ machine: Machine, log: EventLog = .shared) -> (installations: [ExistingInstallation], backups: [BackupFound]) {
        var inst: [ExistingInstallation] = [], backups: [BackupFound] = []
        for disk in machine.visibleDisks {
            guard FileManager.default.fileExists(atPath: disk.path), PartitionTableIO.mayHoldPartitionTable(disk.path) else { continue }
            let table: PartitionTable?
            do { table = try PartitionTableIO.read(disk.path) } catch {
                log.log("detection: \(disk.name): \(error.description)")
                continue
            }
            guard let table else { continue }
            // A mirror's member reads as a plain filesystem (metadata 1.0): upgrading or
            // restoring through one member would leave the other silently stale, so a mirrored
            // installation is not offered as a target (issue 19 item 2; not supported yet).
            if let p1 = table.entry(1), SoftwareRAID.isMember(disk.path, offset: p1.start * table.sectorSize, length: p1.length * table.sectorSize) {
                log.log("detection: \(disk.name): partition 1 is a member of a mirror (software RAID 1); an installation on a mirror is not offered for upgrade or restore")
                continue
            }
            if let p1 = table.entry(1), isExt(p1), let inv = inventory(disk.path, p1, table.sectorSize, log: log) {
                inst.append(ExistingInstallation(disk: disk.name, partition: 1, product: inv["PRODUCT_BRAND"] ?? "",
                                                 version: inv["PRODUCT_VERSION"] ?? "", build: inv["BUILD_NUMBER"] ?? "",
                                                 date: inv["INSTALLATION_DATE"] ?? "", inventory: inv))
            }
            if let p2 = table.entry(2), isExt(p2),
               debugfs(disk.path, p2, table.sectorSize, "stat \(backupMarker)", log: log).contains("Inode:") {
                let inv = inventory(disk.path, p2, table.sectorSize, log: log) ?? [:]
                let marker = debugfs(disk.path, p2, table.sectorSize, "cat \(backupMarker)", log: log)
                backups.append(BackupFound(disk: disk.name, partition: 2, product: inv["PRODUCT_BRAND"] ?? "",
                                           version: inv["PRODUCT_VERSION"] ?? "", build: inv["BUILD_NUMBER"] ?? "",
                                           date: inv["INSTALLATION_DATE"] ?? "", made: madeDate(marker)))
            }
        }
        return (inst, backups)
    }

    /// The date in a marker `backup of 0.1.0 made 2026-11-27 03:12:44`.
    static func madeDate(_ marker: String) -> String {
        for line in marker.split(separator: "\n") where line.hasPrefix("backup of ") {
            if let r = line.range(of: " made ") { return line[r.upperBound...].trimmingCharacters(in: .whitespaces) }
        }
        return ""
    }

    static func isExt(_ e: PartitionTable.Entry) -> Bool { e.filesystem?.hasPrefix("ext") ?? false }

    static func inventory(_ disk: String, _ p: PartitionTable.Entry, _ ss: UInt64, log: EventLog) -> [String: String]? {
        let kv = SystemFiles.parseKeyValues(debugfs(disk, p, ss, "cat \(inventoryPath)", log: log))
        return kv["INSTALLATION_UUID"] != nil || kv["PRODUCT_VERSION"] != nil ? kv : nil
    }

    static func debugfs(_ disk: String, _ p: PartitionTable.Entry, _ ss: UInt64, _ request: String, log: EventLog) -> String {
        CommandRunner.run(["debugfs", "-R", request, "\(disk)?offset=\(p.start * ss)"], log: log).output
    }
}
