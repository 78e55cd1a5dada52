import Foundation

/// Finds installations and backups without writing anything: the partition table is read
/// with libparted (no commit) and files are read with `debugfs -R 'cat …'` on
/// `DISK?offset=BYTES` (libext2fs opens it read-only; nothing is mounted).
public enum InstallationDetector {
    public static let inventoryPath = "/etc/xensource-inventory"
    public static let backupMarker = "/.xen-backup-partition"

    /// The machine with `installations` (partition 1 holding an inventory) and `backups`
    /// (partition 2 holding the marker; product and version from the inventory copied there)
    /// filled in.
    public static func detected(_ machine: Machine, log: EventLog = .shared) -> Machine {
        var m = machine
        (m.installations, m.backups) = detect(machine, log: log)
        return m
    }

    public static func detect(_ machine: Machine, log: EventLog = .shared) -> (installations: [ExistingInstallation], backups: [ExistingInstallation]) {
        var inst: [ExistingInstallation] = [], backups: [ExistingInstallation] = []
        for disk in machine.visibleDisks {
            guard FileManager.default.fileExists(atPath: disk.path) else { continue }
            let table: PartitionTable?
            do { table = try PartitionTableIO.read(disk.path) } catch {
                log.log("detection: \(disk.name): \(error.description)")
                continue
            }
            guard let table else { continue }
            if let p1 = table.entry(1), isExt(p1), let inv = inventory(disk.path, p1, table.sectorSize, log: log) {
                inst.append(ExistingInstallation(disk: disk.name, product: inv["PRODUCT_BRAND"] ?? "", version: inv["PRODUCT_VERSION"] ?? "",
                                                 build: inv["BUILD_NUMBER"] ?? "", installedOn: inv["INSTALLATION_DATE"] ?? ""))
            }
            if let p2 = table.entry(2), isExt(p2),
               debugfs(disk.path, p2, table.sectorSize, "stat \(backupMarker)", log: log).contains("Inode:") {
                let inv = inventory(disk.path, p2, table.sectorSize, log: log) ?? [:]
                backups.append(ExistingInstallation(disk: disk.name, product: inv["PRODUCT_BRAND"] ?? "", version: inv["PRODUCT_VERSION"] ?? "",
                                                    build: inv["BUILD_NUMBER"] ?? "", installedOn: inv["INSTALLATION_DATE"] ?? ""))
            }
        }
        return (inst, backups)
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
