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
    /// When the root is a mirror (software RAID 1): its disks and state.
    public var mirror: MirrorState? = nil
    /// `XCP 0.1.0 (build 1234) on sda, installed 2026-11-27 00:10:00`; on a mirror
    /// `... on vda and vdb (RAID 1), ...` or `... on vda (RAID 1, DEGRADED), ...`.
    public var label: String {
        "\(product) \(version)" + (build.isEmpty ? "" : " (build \(build))") + " on \(mirror?.describe(disk) ?? disk)" + (date.isEmpty ? "" : ", installed \(date)")
    }
    /// Whether the installation is on `disk` (for a mirror: any disk holding one of its members).
    public func isOn(_ name: String) -> Bool { disk == name || (mirror?.disks.contains(name) ?? false) }
}

/// The mirrors (software RAID 1, metadata 1.0) an installation or a backup sits on, as read
/// from the superblocks of the disks examined (nothing assembled).
public struct MirrorState: Equatable, Sendable {
    /// The disks holding a current member of the root (or backup) mirror, in mirror order.
    public var disks: [String]
    /// The arrays of the installation found on those disks (`root`, `backup`, `storage`).
    public var arrays: [String]
    /// Why a mirror of the installation is degraded (naming the array and the member), or nil.
    public var degraded: String?

    /// `vda and vdb (RAID 1)`, or `vda (RAID 1, DEGRADED)`.
    public func describe(_ disk: String, partition: Int? = nil) -> String {
        let p = partition.map(String.init) ?? ""
        return (disks.isEmpty ? [disk] : disks).map { $0 + p }.joined(separator: " and ") + (degraded == nil ? " (RAID 1)" : " (RAID 1, DEGRADED)")
    }

    /// The other disks of the mirror than `disk`.
    public func others(than disk: String) -> [String] { disks.filter { $0 != disk } }

    /// The state of the installation whose root mirror is `root`, with the other mirrors of
    /// the same disks (backup, storage): degraded when any of them is.
    static func of(_ root: FoundMirror, among all: [FoundMirror]) -> MirrorState {
        let related = all.filter { m in m.uuid == root.uuid || (!m.members.isEmpty && m.members.allSatisfy { root.disks.contains($0.disk) }) }
        let why = related.compactMap(\.degraded)
        return MirrorState(disks: root.disks, arrays: related.map(\.name), degraded: why.isEmpty ? nil : why.joined(separator: "; "))
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
    /// When the backup partition is a mirror (software RAID 1): its disks and state.
    public var mirror: MirrorState? = nil
    /// `XCP 0.1.0 backup on sda2, made 2026-11-27 03:12:44`
    public var label: String {
        "\(product) \(version) backup on " + (mirror?.describe(disk, partition: partition) ?? "\(disk)\(partition)")
            + (made.isEmpty ? (date.isEmpty ? "" : ", installed \(date)") : ", made \(made)")
    }
    /// Whether the backup is on `disk` (for a mirror: any disk holding one of its members).
    public func isOn(_ name: String) -> Bool { disk == name || (mirror?.disks.contains(name) ?? false) }
}

/// Finds installations and backups without writing anything: the partition table is read
/// with libparted (no commit) and files are read with `debugfs -R 'cat …'` on
/// `DISK?offset=BYTES` (libext2fs opens it read-only; nothing is mounted).
public enum InstallationDetector {
    public static let inventoryPath = "/etc/xensource-inventory"
    public static let backupMarker = "/.xen-backup-partition"

    public static func detect(_ machine: Machine, log: EventLog = .shared) -> (installations: [ExistingInstallation], backups: [BackupFound]) {
        var inst: [ExistingInstallation] = [], backups: [BackupFound] = []
        // Mirror members (metadata 1.0: each reads as a plain filesystem): one installation per
        // root mirror, not one per disk, so that no member is ever upgraded behind the other's back.
        var members: [FoundMirror.Member] = []
        var mirroredInst: [String: ExistingInstallation] = [:], mirroredBackups: [String: BackupFound] = [:]
        for disk in machine.visibleDisks {
            guard FileManager.default.fileExists(atPath: disk.path), PartitionTableIO.mayHoldPartitionTable(disk.path) else { continue }
            let table: PartitionTable?
            do { table = try PartitionTableIO.read(disk.path) } catch {
                log.log("detection: \(disk.name): \(error.description)")
                continue
            }
            guard let table else { continue }
            var member: [Int: MDMember] = [:]
            for e in table.entries where e.number <= 3 {
                if let m = MDMember.read(disk.path, offset: e.start * table.sectorSize, length: e.length * table.sectorSize), m.level == 1 {
                    member[e.number] = m
                    members.append(FoundMirror.Member(disk: disk.name, partition: e.number, info: m))
                    log.log("detection: \(disk.name)\(e.number) is member \(Int(m.role) + 1) of the mirror \(m.name) (md UUID \(m.arrayUUID), \(m.raidDisks) members, \(m.events) events)")
                }
            }
            if let p1 = table.entry(1), isExt(p1), let inv = inventory(disk.path, p1, table.sectorSize, log: log) {
                let i = ExistingInstallation(disk: disk.name, partition: 1, product: inv["PRODUCT_BRAND"] ?? "",
                                             version: inv["PRODUCT_VERSION"] ?? "", build: inv["BUILD_NUMBER"] ?? "",
                                             date: inv["INSTALLATION_DATE"] ?? "", inventory: inv)
                if let m = member[1] { mirroredInst[m.arrayUUID + "/" + disk.name] = i } else { inst.append(i) }
            }
            if let p2 = table.entry(2), isExt(p2),
               debugfs(disk.path, p2, table.sectorSize, "stat \(backupMarker)", log: log).contains("Inode:") {
                let inv = inventory(disk.path, p2, table.sectorSize, log: log) ?? [:]
                let marker = debugfs(disk.path, p2, table.sectorSize, "cat \(backupMarker)", log: log)
                let b = BackupFound(disk: disk.name, partition: 2, product: inv["PRODUCT_BRAND"] ?? "",
                                    version: inv["PRODUCT_VERSION"] ?? "", build: inv["BUILD_NUMBER"] ?? "",
                                    date: inv["INSTALLATION_DATE"] ?? "", made: madeDate(marker))
                if let m = member[2] { mirroredBackups[m.arrayUUID + "/" + disk.name] = b } else { backups.append(b) }
            }
        }
        let mirrors = FoundMirror.group(members)
        for m in mirrors {
            let state = MirrorState.of(m, among: mirrors)
            // The installation as read from the first current member (or any member found).
            let first = m.members.first?.disk ?? members.first { $0.info.arrayUUID == m.uuid }?.disk ?? ""
            if var i = mirroredInst[m.uuid + "/" + first] ?? mirroredInst.first(where: { $0.key.hasPrefix(m.uuid + "/") })?.value {
                i.disk = first
                i.mirror = state
                inst.append(i)
                log.log("detection: \(i.label)" + (state.degraded.map { ": \($0)" } ?? ""))
            }
            if var b = mirroredBackups[m.uuid + "/" + first] ?? mirroredBackups.first(where: { $0.key.hasPrefix(m.uuid + "/") })?.value {
                b.disk = first
                b.mirror = state
                backups.append(b)
                log.log("detection: \(b.label)" + (state.degraded.map { ": \($0)" } ?? ""))
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
