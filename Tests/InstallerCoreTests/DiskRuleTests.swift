import Foundation
import Testing
@testable import InstallerCore

/// Disks by identity (issue 19 item 1): udev's by-id names, and answerfile rules matching disks.
@Suite struct DiskIdentityTests {
    @Test func byIdNamesFollowUdevsRules() {
        #expect(DiskIdentity.byIdNames(bus: .ata, vendor: "ATA", model: "WDC WD5000AAKS", serial: "WMAS1234", wwn: "")
                == ["ata-WDC_WD5000AAKS_WMAS1234"])
        #expect(DiskIdentity.byIdNames(bus: .ata, vendor: "ATA", model: " QEMU  HARDDISK ", serial: "QM00001", wwn: "0x50014ee2b1c2d3e4")
                == ["ata-QEMU_HARDDISK_QM00001", "wwn-0x50014ee2b1c2d3e4"])
        #expect(DiskIdentity.byIdNames(bus: .virtio, vendor: "0x1af4", model: "", serial: "SER1", wwn: "") == ["virtio-SER1"])
        #expect(DiskIdentity.byIdNames(bus: .nvme, vendor: "", model: "QEMU NVMe Ctrl", serial: "NV01", wwn: "eui.0123456789abcdef")
                == ["nvme-QEMU_NVMe_Ctrl_NV01", "nvme-eui.0123456789abcdef"])
        #expect(DiskIdentity.byIdNames(bus: .scsi, vendor: "QEMU", model: "QEMU HARDDISK", serial: "S1", wwn: "")
                == ["scsi-0QEMU_QEMU_HARDDISK_S1"])
        #expect(DiskIdentity.byIdNames(bus: .scsi, vendor: "SEAGATE", model: "ST300", serial: "S1", wwn: "0x5000c500a1b2c3d4")
                == ["scsi-35000c500a1b2c3d4", "wwn-0x5000c500a1b2c3d4"])
        #expect(DiskIdentity.byIdNames(bus: .virtio, vendor: "", model: "", serial: "", wwn: "") == [])
        #expect(DiskIdentity.udevString("a/b c\td (e)") == "a_b_c_d__e_")
    }

    @Test func busFromNameAndVendor() {
        #expect(DiskIdentity.bus(name: "vda", vendor: "0x1af4") == .virtio)
        #expect(DiskIdentity.bus(name: "nvme0n1", vendor: "") == .nvme)
        #expect(DiskIdentity.bus(name: "sda", vendor: "ATA     ") == .ata)
        #expect(DiskIdentity.bus(name: "sda", vendor: "LSI") == .scsi)
        // A profile disk gets its by-id names from vendor, model and serial.
        let d = Machine.Disk(name: "sdb", vendor: "ATA", model: "WDC WD5000AAKS", serial: "WMAS1234", sizeBytes: Size.GiB, path: "/x", isImage: true)
        #expect(d.byId == ["ata-WDC_WD5000AAKS_WMAS1234"])
        #expect(d.label == "sdb - 1 GB [ATA WDC WD5000AAKS] S/N WMAS1234")
    }

    @Test func wwnsAndSerials() {
        #expect(DiskIdentity.normalisedWWN("naa.5000C500A1B2C3D4\n") == "0x5000c500a1b2c3d4")
        #expect(DiskIdentity.normalisedWWN("0x5000c500a1b2c3d4") == "0x5000c500a1b2c3d4")
        #expect(DiskIdentity.normalisedWWN("5000c500a1b2c3d4") == "0x5000c500a1b2c3d4")
        #expect(DiskIdentity.normalisedWWN("eui.0123") == "eui.0123")
        #expect(DiskIdentity.normalisedWWN("t10.ATA     QEMU HARDDISK  QM00001") == "")
        let page: [UInt8] = [0, 0x80, 0, 10] + Array("  QM00001 ".utf8)
        #expect(DiskIdentity.serial(fromVPD80: page) == "QM00001")
        #expect(DiskIdentity.serial(fromVPD80: [0, 0x83, 0, 1, 65]) == "")
    }

    @Test func byPathFromTheSysfsDevicePath() {
        #expect(DiskIdentity.byPathName(devicePath: "../devices/pci0000:00/0000:00:04.0/virtio1/block/vda", name: "vda") == "pci-0000:00:04.0")
        #expect(DiskIdentity.byPathName(devicePath: "../devices/pci0000:00/0000:00:05.0/nvme/nvme0/nvme0n1", name: "nvme0n1") == "pci-0000:00:05.0-nvme-1")
        #expect(DiskIdentity.byPathName(devicePath: "../devices/pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sda", name: "sda")
                == "pci-0000:00:1f.2-ata-3")
        #expect(DiskIdentity.byPathName(devicePath: "../devices/pci0000:00/0000:00:06.0/host0/target0:0:1/0:0:1:0/block/sdb", name: "sdb")
                == "pci-0000:00:06.0-scsi-0:1:0")
        #expect(DiskIdentity.byPathName(devicePath: "../devices/virtual/block/loop0", name: "loop0") == nil)
    }

    /// The real probe on a fake sysfs: serial from vpd_pg80 (SATA), from /sys/block/X/serial
    /// (virtio), WWN from wwid, and udev's links in /dev/disk when they exist.
    @Test func theRealProbeGathersIdentity() throws {
        let root = NSTemporaryDirectory() + "sysfs-id-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        func put(_ p: String, _ s: String) throws {
            try fm.createDirectory(atPath: (root + p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try s.write(toFile: root + p, atomically: true, encoding: .utf8)
        }
        let sda = "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda"
        let vda = "/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda"
        try put(sda + "/size", "125829120\n")
        try put(sda + "/device/vendor", "ATA     \n")
        try put(sda + "/device/model", "WDC WD5000AAKS  \n")
        try put(sda + "/device/wwid", "naa.50014ee2b1c2d3e4\n")
        try Data([0, 0x80, 0, 10] + Array("  WMAS1234".utf8)).write(to: URL(fileURLWithPath: root + sda + "/device/vpd_pg80"))
        try put(vda + "/size", "41943040\n")
        try put(vda + "/serial", "SER1\n")
        try fm.createDirectory(atPath: root + "/sys/block", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/sys/block/sda", withDestinationPath: "../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda")
        try fm.createSymbolicLink(atPath: root + "/sys/block/vda", withDestinationPath: "../devices/pci0000:00/0000:00:04.0/virtio1/block/vda")
        try put("/proc/partitions", "major minor  #blocks  name\n\n 8 0 62914560 sda\n 254 0 20971520 vda\n")
        // udev ran on this machine for vda only (the CD has no udev: sda's names are derived).
        try fm.createDirectory(atPath: root + "/dev/disk/by-id", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/dev/disk/by-id/virtio-SER1-extra", withDestinationPath: "../../vda")
        let m = HardwareProbe(sysRoot: root + "/sys", procRoot: root + "/proc", media: nil, devRoot: root + "/dev").probe()
        #expect(m.disks.map(\.name) == ["sda", "vda"])
        let a = m.disks[0], v = m.disks[1]
        #expect(a.serial == "WMAS1234" && a.model == "WDC WD5000AAKS" && a.wwn == "0x50014ee2b1c2d3e4" && a.bus == .ata)
        #expect(a.byId == ["ata-WDC_WD5000AAKS_WMAS1234", "wwn-0x50014ee2b1c2d3e4"])
        #expect(a.byPath == ["pci-0000:00:1f.2-ata-1"])
        #expect(v.serial == "SER1" && v.bus == .virtio)
        #expect(v.byId == ["virtio-SER1", "virtio-SER1-extra"])
        #expect(v.byPath == ["pci-0000:00:04.0"])
    }
}

@Suite struct DiskRuleTests {
    static func disk(_ name: String, _ model: String, _ serial: String, gb: UInt64, wwn: String = "",
                     removable: Bool = false, byPath: String = "") -> Machine.Disk {
        Machine.Disk(name: name, vendor: "ATA", model: model, serial: serial, sizeBytes: gb * Size.GiB, path: "/img/\(name)",
                     isImage: true, removable: removable, wwn: wwn, byPath: byPath.isEmpty ? [] : [byPath])
    }
    let machine = Machine(cpu: .init(model: "x", cores: 1, hvm: true), memoryMiB: 4096, disks: [
        disk("sdb", "ST3500418AS", "B2", gb: 100),
        disk("sda", "WDC WD5000AAKS", "A1", gb: 500, wwn: "naa.50014ee2b1c2d3e4", byPath: "pci-0000:00:1f.2-ata-1"),
        disk("sdc", "ST3500418AS", "C3", gb: 100),
        disk("sdaa", "Tiny", "T0", gb: 8),
        disk("sdd", "USB Stick", "U4", gb: 32, removable: true),
        disk("sde", "Media", "M5", gb: 64),
    ], nics: [], cdrom: .init(name: "sde", discs: ["/dev/sde"]))

    func rule(_ text: String = "", _ attrs: [(String, String)] = []) throws -> DiskRule {
        try DiskRule.parse(text: text, attributes: attrs.map { (name: $0.0, value: $0.1) }).get()
    }
    func match(_ r: DiskRule, minimum: UInt64? = nil) -> String {
        switch r.match(machine, minimum: minimum) {
        case .success(let d): return d.name
        case .failure(let e): return "error: " + e.message
        }
    }

    @Test func matchesBySerialModelWWNAndNames() throws {
        #expect(match(try rule("", [("serial", "c3")])) == "sdc")
        #expect(match(try rule("", [("model", "WDC_WD5000AAKS")])) == "sda")
        #expect(match(try rule("", [("model", "ata  wdc wd5000aaks")])) == "sda")
        #expect(match(try rule("", [("wwn", "0x50014EE2B1C2D3E4")])) == "sda")
        #expect(match(try rule("/dev/disk/by-id/ata-ST3500418AS_B2")) == "sdb")
        #expect(match(try rule("/dev/disk/by-id/wwn-0x50014ee2b1c2d3e4")) == "sda")
        #expect(match(try rule("/dev/disk/by-path/pci-0000:00:1f.2-ata-1")) == "sda")
        // A name with an attribute is a check.
        #expect(match(try rule("sdb", [("serial", "B2")])) == "sdb")
        #expect(match(try rule("sdb", [("serial", "C3")])).hasPrefix("error: no disk matches sdb serial=\"C3\""))
    }

    /// The documented tie-break: size picks the smallest or largest; equal sizes go to the first
    /// in kernel-name order (sdb before sdc; sda before sdaa); the primary's minimum applies.
    @Test func sizeTieBreak() throws {
        #expect(match(try rule("", [("size", "largest")])) == "sda")
        #expect(match(try rule("", [("size", "smallest")])) == "sdaa")
        #expect(match(try rule("", [("size", "smallest")]), minimum: 16 * Size.GiB) == "sdb")
        #expect(match(try rule("", [("model", "ST3500418AS"), ("size", "largest")])) == "sdb")
        #expect(match(try rule("", [("model", "Tiny"), ("size", "smallest")]), minimum: 16 * Size.GiB).contains("no disk that matches is at least 16 GB"))
        let order = [Self.disk("sdaa", "m", "", gb: 20), Self.disk("sdb", "m", "", gb: 20), Self.disk("sda", "m", "", gb: 20)]
            .sorted(by: DiskRule.nameOrder).map(\.name)
        #expect(order == ["sda", "sdb", "sdaa"])
    }

    @Test func ambiguousAndUnmatchedRulesAreRefused() throws {
        let two = match(try rule("", [("model", "ST3500418AS")]))
        #expect(two == "error: model=\"ST3500418AS\" matches 2 disks (sdb, sdc); add serial=, model=, wwn= or size=\"smallest|largest\" to choose one, or name it by /dev/disk/by-id/…")
        let none = match(try rule("", [("serial", "nope")]))
        #expect(none.hasPrefix("error: no disk matches serial=\"nope\" (this machine has: sda 500 GB model \"WDC WD5000AAKS\" serial \"A1\" wwn 0x50014ee2b1c2d3e4; sdb 100 GB"))
        #expect(!none.contains("sdd") && !none.contains("sde"))
        // Removable disks and the installer media are never matched.
        #expect(match(try rule("", [("serial", "U4")])).hasPrefix("error: no disk matches"))
        #expect(match(try rule("", [("model", "Media")])).hasPrefix("error: no disk matches"))
        #expect(!match(try rule("", [("size", "largest")])).contains("sdd"))
    }

    @Test func syntax() {
        func err(_ t: String, _ a: [(String, String)] = []) -> String? {
            if case .failure(let e) = DiskRule.parse(text: t, attributes: a.map { (name: $0.0, value: $0.1) }) { return e.message }
            return nil
        }
        #expect(err("", [("size", "biggest")]) == "size must be \"smallest\" or \"largest\", not \"biggest\"")
        #expect(err("", [("wwn", "xyz")])?.hasPrefix("wwn=\"xyz\" is not a WWN") == true)
        #expect(err("", [("serial", " ")])?.hasPrefix("serial=\"\" is empty") == true)
        #expect(err("/dev/disk/by-uuid/1234") != nil)
        #expect(err("/dev/disk/by-id/") != nil)
        #expect(err("sd a") != nil)
        #expect(err("") != nil)
        #expect(err("/dev/sda") == nil && err("/dev/disk/by-id/virtio-X") == nil)
    }

    /// In an answerfile: the rule's disk goes into the plan, each match is reported, and a rule
    /// matching several disks is refused at its line and column.
    @Test func answerfileRules() {
        func xml(_ disks: String) -> String {
            """
            <installation>
            \(disks)
              <keymap>us</keymap><root-password>secret123</root-password>
              <source type="url">http://127.0.0.1/repo</source><timezone>Europe/London</timezone>
            </installation>
            """
        }
        let ok = Answerfile.parse(text: xml("""
              <primary-disk serial="B2" gueststorage="no"/>
              <guest-disk model="WDC WD5000AAKS"/>
              <guest-disk>/dev/disk/by-id/ata-ST3500418AS_C3</guest-disk>
            """), options: AnswerfileOptions(machine: machine, keymaps: KeymapCatalogue(text: "qwerty/us\n")))
        #expect(ok.errors.isEmpty, "\(ok.problems)")
        #expect(ok.plan?.primaryDisk == "sdb" && ok.plan?.guestDisks == ["sda", "sdc"])
        #expect(ok.diskMatches.map { "\($0.line):\($0.column) \($0.disk.name)" } == ["2:3 sdb", "3:3 sda", "4:3 sdc"])
        #expect(ok.diskMatches[0].formatted(file: "a.xml") == "a.xml:2:3: <primary-disk> serial=\"B2\" is sdb - 100 GB [ATA ST3500418AS] S/N B2 (/dev/disk/by-id/ata-ST3500418AS_B2)")

        let bad = Answerfile.parse(text: xml("""
              <primary-disk serial="A1"/>
                <guest-disk model="ST3500418AS"/>
            """), options: AnswerfileOptions(machine: machine, keymaps: KeymapCatalogue(text: "qwerty/us\n")))
        #expect(bad.plan == nil)
        #expect(bad.errors.map { "\($0.line):\($0.column)" } == ["3:5"])
        #expect(bad.errors.first?.message.contains("matches 2 disks (sdb, sdc)") == true)

        let same = Answerfile.parse(text: xml("""
              <primary-disk size="largest"/>
              <guest-disk serial="A1"/>
            """), options: AnswerfileOptions(machine: machine, keymaps: KeymapCatalogue(text: "qwerty/us\n")))
        #expect(same.errors.map { "\($0.line):\($0.column)" } == ["3:3"])

        let noMachine = Answerfile.parse(text: xml("  <primary-disk serial=\"A1\"/>"), options: AnswerfileOptions(keymaps: KeymapCatalogue(text: "qwerty/us\n")))
        #expect(noMachine.errors.isEmpty && noMachine.warnings.count == 1, "\(noMachine.problems)")
    }
}
