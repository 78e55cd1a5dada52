import Foundation
import Testing
@testable import InstallerCore

@Suite struct MachineProfileTests {
    let sample = """
    {
      "cpu": { "model": "Xeon", "cores": 8, "hvm": true },
      "memory_mib": 4096,
      "disks": [
        { "name": "sda", "vendor": "ATA", "model": "ST3500418AS", "size": "60G", "image": "disks/sda.img" },
        { "name": "sdc", "vendor": "LSI", "model": "MegaRAID", "size": "100G", "image": "/abs/sdc.img", "needs_driver": "megaraid_sas" },
        { "name": "sdd", "size": "8G", "image": "disks/small.img" }
      ],
      "nics": [
        { "name": "eth0", "mac": "00:16:3E:00:00:01", "driver": "e1000", "link": true,
          "dhcp": { "ip": "10.0.0.5", "netmask": "255.255.255.0", "gateway": "10.0.0.1", "dns": ["10.0.0.1"] } }
      ],
      "cdrom": { "name": "sr0", "discs": ["media/main.iso"] }
    }
    """

    @Test func parsesTheSpecExample() throws {
        let m = try MachineProfile.parse(sample, name: "p.json", baseDirectory: "/base")
        #expect(m.cpu.cores == 8 && m.cpu.hvm)
        #expect(m.disks.map(\.name) == ["sda", "sdc", "sdd"])
        #expect(m.disks[0].path == "/base/disks/sda.img")
        #expect(m.disks[1].path == "/abs/sdc.img")
        #expect(m.disks[0].sizeBytes == 60 * Size.GiB)
        #expect(m.disks[0].label == "sda - 60 GB [ATA ST3500418AS]")
        #expect(m.nics[0].mac == "00:16:3e:00:00:01")
        #expect(m.nics[0].dhcp?.gateway == "10.0.0.1")
        #expect(m.cdrom?.discs == ["/base/media/main.iso"])
    }

    @Test func hidesDisksUntilTheirDriverIsLoaded() throws {
        var m = try MachineProfile.parse(sample, name: "p.json", baseDirectory: "/b")
        #expect(m.visibleDisks.map(\.name) == ["sda", "sdd"])
        #expect(m.eligibleDisks.map(\.name) == ["sda"])   // sdd is below 16 GiB
        m.loadedDrivers.insert("megaraid_sas")
        #expect(m.eligibleDisks.map(\.name) == ["sda", "sdc"])
    }

    @Test(arguments: [
        ("{\n \"cpu\": {\"cores\": 1},\n \"memory_mib\": \"lots\"\n}", "p.json:3: \"memory_mib\" must be a whole number"),
        ("{\n \"cpu\": {\"cores\": 1}, \"memory_mib\": 1,\n \"disks\": [ { \"name\": \"sda\",\n \"size\": \"60X\", \"image\": \"a\" } ]\n}",
         "p.json:4: size of disk sda is not a size: \"60X\" (use a number with K, M, G or T, at least 1M)"),
        ("{\n \"cpu\": {\"cores\": 1}, \"memory_mib\": 1,\n \"color\": 3 }", "p.json:3: unknown key \"color\" in the profile (expected one of: cpu, memory_mib, disks, nics, cdrom, dmi)"),
        ("{\n \"cpu\": {\"cores\": 1},\n \"memory_mib\": 1,\n", "p.json:4: unexpected end of file inside an object"),
        ("{ \"cpu\": {\"cores\": 1}, \"memory_mib\": 1,\n \"nics\": [ {\"name\": \"eth0\",\n \"mac\": \"00:16\"} ] }",
         "p.json:3: \"00:16\" is not a MAC address (six pairs of hex digits separated by ':')"),
    ])
    func reportsTheLineOfEachProblem(text: String, expected: String) {
        #expect(throws: InstallerError.invalid(String(expected.prefix { $0 != " " }.dropLast()), String(expected.drop { $0 != " " }.dropFirst()))) {
            try MachineProfile.parse(text, name: "p.json", baseDirectory: "/b")
        }
    }

    @Test func rendersAProfileThatReadsBackTheSame() throws {
        let m = try MachineProfile.parse(sample, name: "p.json", baseDirectory: "/base")
        let text = MachineProfile.render(m, relativeTo: "/base")
        #expect(text.contains("\"image\": \"disks/sda.img\""))
        let again = try MachineProfile.parse(text, name: "again.json", baseDirectory: "/base")
        #expect(again == m)
    }

    @Test func createsMissingImagesSparse() throws {
        let dir = NSTemporaryDirectory() + "profile-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try MachineProfile.parse(sample, name: "p.json", baseDirectory: dir)
        var small = m
        small.disks = [m.disks[0]]
        try MachineProfile.createMissingImages(small)
        var st = stat()
        #expect(stat(dir + "/disks/sda.img", &st) == 0)
        #expect(UInt64(st.st_size) == 60 * Size.GiB)
        #expect(st.st_blocks < 64)   // sparse: nothing allocated
    }

    @Test func sizes() {
        #expect(Size.parse("60G") == 60 * Size.GiB)
        #expect(Size.parse("512") == 512)
        #expect(Size.parse("2T") == 2048 * Size.GiB)
        #expect(Size.parse("G") == nil)
        #expect(Size.parse("1.5G") == nil)
        #expect(Size.humanGB(500 * Size.GiB) == "500 GB")
    }
}

@Suite struct HardwareProbeTests {
    @Test func readsAFakeSysfsTree() throws {
        let root = NSTemporaryDirectory() + "sysfs-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        func put(_ p: String, _ s: String) throws {
            try fm.createDirectory(atPath: (root + p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try s.write(toFile: root + p, atomically: true, encoding: .utf8)
        }
        try put("/sys/block/sda/size", "125829120\n")
        try put("/sys/block/sda/device/vendor", "ATA     \n")
        try put("/sys/block/sda/device/model", "ST3500418AS\n")
        try put("/sys/block/sda/removable", "0\n")
        try put("/sys/block/loop0/size", "100\n")
        try put("/sys/block/sr0/size", "100\n")
        try put("/sys/class/net/eth0/address", "00:16:3e:00:00:01\n")
        try put("/sys/class/net/eth0/carrier", "1\n")
        try fm.createDirectory(atPath: root + "/sys/class/net/eth0/device", withIntermediateDirectories: true)
        try put("/sys/class/net/lo/address", "00:00:00:00:00:00\n")
        try put("/proc/partitions", "major minor  #blocks  name\n\n   8        0   62914560 sda\n   7 0 50 loop0\n")
        try put("/proc/cpuinfo", "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu vmx sse\n\nprocessor\t: 1\nmodel name\t: Test CPU\n")
        try put("/proc/meminfo", "MemTotal:        4194304 kB\n")
        let m = HardwareProbe(sysRoot: root + "/sys", procRoot: root + "/proc").probe()
        #expect(m.cpu == Machine.CPU(model: "Test CPU", cores: 2, hvm: true))
        #expect(m.memoryMiB == 4096)
        #expect(m.disks.map(\.name) == ["sda"])
        #expect(m.disks[0].sizeBytes == 60 * Size.GiB && m.disks[0].vendor == "ATA" && m.disks[0].path == "/dev/sda")
        #expect(m.nics.map(\.name) == ["eth0"] && m.nics[0].link)
        #expect(m.cdrom?.name == "sr0")
    }

    /// The image booted from a USB stick (sdb, its partition sdb1 found by the image's init) or
    /// written to a disk: that device is the CD and never a target disk; the CD drive is not.
    @Test func theInstallerMediaIsNeverATargetDisk() throws {
        let root = NSTemporaryDirectory() + "sysfs-media-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        func put(_ p: String, _ s: String) throws {
            try fm.createDirectory(atPath: (root + p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try s.write(toFile: root + p, atomically: true, encoding: .utf8)
        }
        try put("/sys/block/sda/size", "125829120\n")
        try put("/sys/block/sdb/size", "62914560\n")
        try put("/sys/block/sdb/removable", "0\n")
        try put("/sys/block/sdb/sdb1/size", "150000\n")
        try put("/sys/block/sdb/sdb2/size", "5760\n")
        try put("/sys/block/nvme0n1/size", "125829120\n")
        try put("/sys/block/sr0/size", "0\n")
        try put("/proc/partitions", "major minor  #blocks  name\n\n 8 0 62914560 sda\n 8 16 31457280 sdb\n 8 17 75000 sdb1\n 259 0 62914560 nvme0n1\n")
        func probe(_ media: String?) -> Machine {
            HardwareProbe(sysRoot: root + "/sys", procRoot: root + "/proc", media: media).probe()
        }
        let partition = probe("/dev/sdb1")
        #expect(partition.disks.map(\.name) == ["nvme0n1", "sda"])
        #expect(partition.eligibleDisks.map(\.name) == ["sda", "nvme0n1"])
        #expect(partition.cdrom == Machine.CDROM(name: "sdb1", discs: ["/dev/sdb1"]))
        let whole = probe("/dev/sdb")
        #expect(whole.disks.map(\.name) == ["nvme0n1", "sda"])
        #expect(whole.cdrom == Machine.CDROM(name: "sdb", discs: ["/dev/sdb"]))
        let disk = probe("/dev/nvme0n1")
        #expect(disk.disks.map(\.name) == ["sda", "sdb"])
        let cd = probe(nil)
        #expect(cd.disks.map(\.name) == ["nvme0n1", "sda", "sdb"])
        #expect(cd.cdrom?.name == "sr0")
        #expect(InstallEnvironment(["HOST_INSTALLER_MEDIA": "/dev/sdb"]).installerMedia == "/dev/sdb")
        #expect(InstallEnvironment(["HOST_INSTALLER_MEDIA": ""]).installerMedia == nil)
    }
}

@Suite struct NetTests {
    @Test func addresses() {
        #expect(Net.isIPv4("10.0.0.1") && !Net.isIPv4("10.0.0") && !Net.isIPv4("256.1.1.1") && !Net.isIPv4("1.2.3.4.5") && !Net.isIPv4("a.b.c.d"))
        #expect(Net.isNetmask("255.255.255.0") && !Net.isNetmask("255.0.255.0") && !Net.isNetmask("0.0.0.0"))
        #expect(Net.isHostname("xcp-host.example.com") && !Net.isHostname("-bad") && !Net.isHostname("a..b") && !Net.isHostname("under_score"))
        #expect(Net.isMAC("00:16:3e:00:00:01") && !Net.isMAC("00:16:3e:00:00"))
    }
}
