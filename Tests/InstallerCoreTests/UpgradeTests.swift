import Foundation
import Testing
@testable import InstallerCore

@Suite struct UpgradeTests {
    static func inst(_ product: String, _ version: String, uuids: Bool = true) -> ExistingInstallation {
        var inv = ["PRODUCT_BRAND": product, "PRODUCT_VERSION": version]
        if uuids { inv["INSTALLATION_UUID"] = "a"; inv["CONTROL_DOMAIN_UUID"] = "b" }
        return ExistingInstallation(disk: "sda", partition: 1, product: product, version: version, build: "", date: "", inventory: inv)
    }

    @Test func onlySameProductNotNewerWithUUIDsIsUpgradable() {
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.0"), mediaProduct: "XCP", mediaVersion: "0.1.1") == nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.1"), mediaProduct: "XCP", mediaVersion: "0.1.1") == nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.10"), mediaProduct: "XCP", mediaVersion: "0.1.9")?.contains("newer than this media") == true)
        #expect(UpgradeCompatibility.refusal(Self.inst("Other", "0.1.0"), mediaProduct: "XCP", mediaVersion: "0.1.1")?.contains("unknown product") == true)
        #expect(UpgradeCompatibility.refusal(Self.inst("", "")) != nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.0", uuids: false))?.contains("INSTALLATION_UUID") == true)
    }

    /// Product versions compare part by part, missing parts as 0 (`VersionCompare`): the
    /// upgrade check does not use the kernel file-name order, where 0.1 < 0.1.0.
    @Test func productVersionsComparePartByPart() {
        #expect(VersionCompare.compare("0.1.10", "0.1.9") > 0)
        #expect(VersionCompare.compare("0.1", "0.1.0") == 0)
        #expect(VersionCompare.compare("0.10", "0.9") > 0)
        #expect(VersionCompare.compare("1.0", "0.99.99") > 0)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.9"), mediaProduct: "XCP", mediaVersion: "0.1.10") == nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1.0"), mediaProduct: "XCP", mediaVersion: "0.1") == nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.1"), mediaProduct: "XCP", mediaVersion: "0.1.0") == nil)
        #expect(UpgradeCompatibility.refusal(Self.inst("XCP", "0.2"), mediaProduct: "XCP", mediaVersion: "0.1.99")?.contains("newer than this media") == true)
    }

    @Test func settingsAreReadBackFromWhatAnInstallWrites() throws {
        let root = NSTemporaryDirectory() + "preserved-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var plan = InstallPlan()
        plan.hostname = .manual("old.example.com")
        plan.nameservers = .manual(["10.0.0.53"])
        plan.adminInterface = AdminInterface(nic: "eth0", mac: "52:54:00:12:34:56", config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1"))
        plan.timezone = "Asia/Tokyo"
        plan.keymap = "de"
        plan.time = .ntp(servers: ["ntp.example.com"], fromDHCP: false)
        let machine = Machine(cpu: .init(model: "q", cores: 1, hvm: true), memoryMiB: 1024, disks: [],
                              nics: [.init(name: "eth0", mac: "52:54:00:12:34:56", link: true)], cdrom: nil)
        let facts = TargetFacts(rootLabel: "root-abcdefgh", installationUUID: "iu", controlDomainUUID: "cu", installationDate: "d",
                                primaryDisk: "/dev/sda", backupPartition: "/dev/sda2", storagePartitions: [],
                                productBrand: "XCP", productVersion: "0.1.0", buildNumber: "1")
        for (path, text) in TargetConfigurator.files(plan, machine, facts) { try TargetPath.write(root: root, path, text) }
        try TargetPath.write(root: root, "/etc/shadow", "root:$6$salt$hash:20000:0:99999:7:::\n")
        let s = try PreservedSettings.read(root: root, log: EventLog())
        #expect(s.installationUUID == "iu" && s.controlDomainUUID == "cu" && s.productVersion == "0.1.0")
        #expect(s.rootHash == "$6$salt$hash")
        let kept = s.apply(to: InstallPlan())
        #expect(kept.hostname == plan.hostname && kept.nameservers == plan.nameservers && kept.timezone == plan.timezone)
        #expect(kept.keymap == "de" && kept.time == plan.time && kept.adminInterface == plan.adminInterface)
        #expect(kept.rootPassword == .hash("$6$salt$hash"))
    }
}
