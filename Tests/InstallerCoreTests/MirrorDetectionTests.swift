import Foundation
import Testing
@testable import InstallerCore

/// Upgrade and restore on a mirror (issue 19 item 2): a mirrored installation is found once,
/// on its two disks, from the md superblocks' bytes (nothing assembled); a degraded mirror
/// (a member missing, failed or out of date) is reported, naming the array and the member,
/// and refused as an upgrade or restore target.
@Suite struct MirrorDetectionTests {
    /// A metadata 1.0 superblock: array `uuid` (one byte repeated) named `name`, this member in
    /// slot `dev` with `events`, the slots' `roles`.
    static func superblock(uuid: UInt8, name: String, dev: Int, events: UInt64, roles: [UInt16], raidDisks: Int = 2) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 1024)
        func put32(_ v: UInt32, _ o: Int) { for i in 0..<4 { b[o + i] = UInt8((v >> (8 * UInt32(i))) & 0xff) } }
        put32(0xa92b4efc, 0); put32(1, 4)
        for i in 16..<32 { b[i] = uuid }
        for (i, c) in Array("any:\(name)".utf8).enumerated() { b[32 + i] = c }
        put32(1, 72)                     // level 1
        put32(UInt32(raidDisks), 92)
        put32(UInt32(dev), 160)
        put32(UInt32(events & 0xffffffff), 200); put32(UInt32(events >> 32), 204)
        put32(UInt32(roles.count), 220)
        for (i, r) in roles.enumerated() { b[256 + 2 * i] = UInt8(r & 0xff); b[257 + 2 * i] = UInt8(r >> 8) }
        return b
    }

    static func member(_ disk: String, _ p: Int, uuid: UInt8, name: String, dev: Int, events: UInt64 = 20, roles: [UInt16] = [0, 1]) -> FoundMirror.Member {
        FoundMirror.Member(disk: disk, partition: p, info: MDMember.parse(superblock(uuid: uuid, name: name, dev: dev, events: events, roles: roles))!)
    }

    @Test func theSuperblockIsRead() throws {
        let m = try #require(MDMember.parse(Self.superblock(uuid: 0xab, name: "root", dev: 1, events: 0x1_0000_0005, roles: [0, 1])))
        #expect(m.arrayUUID == String(repeating: "ab", count: 16))
        #expect(m.name == "root" && m.level == 1 && m.raidDisks == 2 && m.devNumber == 1 && m.role == 1 && m.events == 0x1_0000_0005)
        var bad = Self.superblock(uuid: 1, name: "root", dev: 0, events: 1, roles: [0, 1])
        bad[0] = 0
        #expect(MDMember.parse(bad) == nil)
    }

    @Test func aCompleteMirrorIsOneArrayInMirrorOrder() {
        let g = FoundMirror.group([Self.member("vdb", 1, uuid: 1, name: "root", dev: 1), Self.member("vda", 1, uuid: 1, name: "root", dev: 0),
                                   Self.member("vda", 2, uuid: 2, name: "backup", dev: 0), Self.member("vdb", 2, uuid: 2, name: "backup", dev: 1)])
        #expect(g.map(\.name) == ["root", "backup"])
        #expect(g[0].disks == ["vda", "vdb"] && g[0].degraded == nil && g[1].degraded == nil)
        let state = MirrorState.of(g[0], among: g)
        #expect(state.arrays == ["root", "backup"] && state.degraded == nil)
        #expect(state.describe("vda") == "vda and vdb (RAID 1)")
        #expect(state.describe("vda", partition: 2) == "vda2 and vdb2 (RAID 1)")
    }

    @Test func aMissingMemberIsReportedByArrayAndSlot() throws {
        let g = FoundMirror.group([Self.member("vdb", 1, uuid: 1, name: "root", dev: 1)])
        let why = try #require(g[0].degraded)
        #expect(why.contains("the mirror root") && why.contains("member 1 of 2 is missing"), "\(why)")
        #expect(g[0].disks == ["vdb"])
    }

    @Test func aMemberBehindIsOutOfDate() throws {
        let g = FoundMirror.group([Self.member("vda", 1, uuid: 1, name: "root", dev: 0, events: 40),
                                   Self.member("vdb", 1, uuid: 1, name: "root", dev: 1, events: 31)])
        let why = try #require(g[0].degraded)
        #expect(why.contains("vdb1 is out of date (31 events, vda1 has 40)"), "\(why)")
        #expect(g[0].disks == ["vda"])
        // The backup mirror of the same disks is fine, but the installation is degraded.
        let b = FoundMirror.group([Self.member("vda", 2, uuid: 2, name: "backup", dev: 0), Self.member("vdb", 2, uuid: 2, name: "backup", dev: 1)])
        let state = MirrorState.of(b[0], among: b + g)
        #expect(state.degraded?.contains("the mirror root") == true)
    }

    @Test func aFailedMemberIsReported() throws {
        let g = FoundMirror.group([Self.member("vda", 1, uuid: 1, name: "root", dev: 0, roles: [0, MDMember.failedRole]),
                                   Self.member("vdb", 1, uuid: 1, name: "root", dev: 1, roles: [0, MDMember.failedRole])])
        #expect(try #require(g[0].degraded).contains("vdb1 is marked failed"))
    }

    @Test func aDegradedMirrorIsRefusedForUpgradeAndRestore() {
        let state = MirrorState(disks: ["vda"], arrays: ["root", "backup"], degraded: "the mirror root (md UUID 01010101) is degraded: member 2 of 2 is missing (no disk examined holds it)")
        let inst = ExistingInstallation(disk: "vda", partition: 1, product: "XCP", version: "0.1.0", build: "", date: "",
                                        inventory: ["INSTALLATION_UUID": "a", "CONTROL_DOMAIN_UUID": "b"], mirror: state)
        #expect(inst.label == "XCP 0.1.0 on vda (RAID 1, DEGRADED)")
        let why = UpgradeCompatibility.refusal(inst, mediaProduct: "XCP", mediaVersion: "0.1.1")
        #expect(why?.contains("degraded mirror") == true && why?.contains("member 2 of 2 is missing") == true, "\(why ?? "nil")")
        let b = BackupFound(disk: "vda", partition: 2, product: "XCP", version: "0.1.0", build: "", date: "", mirror: state)
        #expect(UpgradeCompatibility.refusal(backup: b)?.contains("does not restore onto a degraded mirror") == true)
        var ok = inst
        ok.mirror = MirrorState(disks: ["vda", "vdb"], arrays: ["root"], degraded: nil)
        #expect(UpgradeCompatibility.refusal(ok, mediaProduct: "XCP", mediaVersion: "0.1.1") == nil)
        #expect(ok.isOn("vdb") && !ok.isOn("vdc"))
    }

    /// Two image files partitioned as an install does, an ext3 root holding an inventory and
    /// an ext3 backup with its marker on each, md superblocks stamped at the partitions' ends:
    /// found as one installation and one backup on both disks; with one disk gone, degraded.
    @Test func detectionOnImages() throws {
        let dir = Shell.tempDir("md-detect")
        defer { Shell.run("rm -rf \(dir)") }
        let log = EventLog()
        let c = SystemCommands(log: log)
        let disks: [Machine.Disk] = ["sda", "sdb"].map { .init(name: $0, sizeBytes: 20 * Size.GiB, path: "\(dir)/\($0).img", isImage: true) }
        let machine = Machine(cpu: .init(model: "x", cores: 1, hvm: true), memoryMiB: 4096, disks: disks, nics: [], cdrom: nil)
        try MachineProfile.createMissingImages(machine)
        let layout = try PartitionLayout.primary(totalSectors: 20 * Size.GiB / 512, storage: false)
        try "PRODUCT_BRAND='XCP'\nPRODUCT_VERSION='0.1.0'\nINSTALLATION_UUID='u1'\nCONTROL_DOMAIN_UUID='u2'\n".write(toFile: dir + "/inv", atomically: true, encoding: .utf8)
        try "backup of 0.1.0 made 2026-12-07 10:00:00\n".write(toFile: dir + "/marker", atomically: true, encoding: .utf8)
        for (n, d) in disks.enumerated() {
            try PartitionTableIO.write(layout, to: d.path, commands: c)
            for p in layout.partitions where p.role == .root || p.role == .backup {
                let off = p.start * 512, len = p.length * 512
                // The filesystem ends before the superblock (metadata 1.0 keeps the last 64 KiB or more).
                #expect(Shell.run("mke2fs -q -F -t ext3 -E offset=\(off) \(d.path) \((len - Size.MiB) / 1024)k").0 == 0)
                let files = p.role == .root ? "mkdir etc\nwrite \(dir)/inv etc/xensource-inventory\n"
                    : "mkdir etc\nwrite \(dir)/inv etc/xensource-inventory\nwrite \(dir)/marker .xen-backup-partition\n"
                try files.write(toFile: dir + "/cmds", atomically: true, encoding: .utf8)
                #expect(Shell.run("debugfs -w -f \(dir)/cmds '\(d.path)?offset=\(off)'").0 == 0)
                let sb = ((p.length - 16) & ~UInt64(7)) * 512
                try DiskBytes.write(Self.superblock(uuid: p.role == .root ? 0x11 : 0x22, name: p.role.rawValue, dev: n, events: 12, roles: [0, 1]), to: d.path, at: off + sb)
            }
        }
        let found = InstallationDetector.detect(machine, log: log)
        #expect(found.installations.count == 1, "\(found.installations.map(\.label))")
        let i = try #require(found.installations.first)
        #expect(i.disk == "sda" && i.version == "0.1.0" && i.mirror?.disks == ["sda", "sdb"] && i.mirror?.degraded == nil)
        #expect(i.mirror?.arrays == ["root", "backup"])
        #expect(i.label == "XCP 0.1.0 on sda and sdb (RAID 1)")
        #expect(found.backups.map(\.label) == ["XCP 0.1.0 backup on sda2 and sdb2 (RAID 1), made 2026-12-07 10:00:00"])
        // sdb gone: the same installation, degraded, and refused.
        var one = machine
        one.disks = [disks[0]]
        let alone = InstallationDetector.detect(one, log: log)
        let d = try #require(alone.installations.first)
        #expect(d.label == "XCP 0.1.0 on sda (RAID 1, DEGRADED)")
        #expect(d.mirror?.degraded?.contains("the mirror root") == true && d.mirror?.degraded?.contains("member 2 of 2 is missing") == true, "\(d.mirror?.degraded ?? "nil")")
        #expect(UpgradeCompatibility.refusal(d) != nil)
        #expect(alone.backups.count == 1 && UpgradeCompatibility.refusal(backup: alone.backups[0]) != nil)
        // The answerfile may name either disk of the mirror.
        var m2 = machine
        m2.installations = found.installations
        m2.backups = found.backups
        var plan = InstallPlan()
        plan.mode = .reinstall
        plan.primaryDisk = "sdb"
        let problems = PlanRules.problems(plan, PlanRules.Context(machine: m2, driversLoaded: true, installationsDetected: true)).filter { $0.field == .primaryDisk }
        #expect(problems.isEmpty, "\(problems.map(\.message))")
    }
}
