/// What the target files need beyond the plan and the machine: values decided during the
/// install (labels, UUIDs, date, device names as the installed system sees them).
public struct TargetFacts: Equatable, Sendable {
    public var rootLabel: String
    public var installationUUID: String
    public var controlDomainUUID: String
    /// `2026-11-27 00:10:00` (UTC).
    public var installationDate: String
    /// The primary disk as the installed system names it (`/dev/sda`).
    public var primaryDisk: String
    /// `/dev/sda2`
    public var backupPartition: String
    /// Partitions for local VM storage (`/dev/sda3`, `/dev/sdb1`).
    public var storagePartitions: [String]
    public var productBrand: String
    public var productVersion: String
    public var buildNumber: String

    public init(rootLabel: String, installationUUID: String, controlDomainUUID: String, installationDate: String,
                primaryDisk: String, backupPartition: String, storagePartitions: [String],
                productBrand: String, productVersion: String, buildNumber: String) {
        self.rootLabel = rootLabel; self.installationUUID = installationUUID; self.controlDomainUUID = controlDomainUUID
        self.installationDate = installationDate; self.primaryDisk = primaryDisk; self.backupPartition = backupPartition
        self.storagePartitions = storagePartitions; self.productBrand = productBrand
        self.productVersion = productVersion; self.buildNumber = buildNumber
    }

    /// `/dev/NAME` for a disk of a profile machine (the image is that disk once booted),
    /// the device path itself on real hardware.
    public static func deviceName(_ disk: Machine.Disk) -> String {
        disk.isImage ? "/dev/" + disk.name : disk.path
    }
}

/// Shell-style `KEY='value'` quoting (inventory, firstboot data).
enum ShellQuote {
    static func quote(_ v: String) -> String { "'" + v.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    static func lines(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(quote($0.1))\n" }.joined()
    }
}

extension InstallPlan {
    /// The management interface: the plan's, else the first NIC with link (DHCP), else the first NIC.
    public func effectiveAdminInterface(on machine: Machine) -> AdminInterface? {
        if let a = adminInterface { return a }
        guard let nic = machine.nics.first(where: \.link) ?? machine.nics.first else { return nil }
        return AdminInterface(nic: nic.name, mac: nic.mac, config: .dhcp)
    }
}
