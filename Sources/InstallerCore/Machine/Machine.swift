/// Everything the installer knows about the hardware, as one value.
/// The real probe (sysfs/procfs) and the profile probe (JSON) both produce it; nothing else reads /sys.
public struct Machine: Equatable, Sendable {
    public struct CPU: Equatable, Sendable {
        public var model: String
        public var cores: Int
        public var hvm: Bool
        public init(model: String, cores: Int, hvm: Bool) { self.model = model; self.cores = cores; self.hvm = hvm }
    }

    public struct Disk: Equatable, Sendable {
        public var name: String
        public var vendor: String
        public var model: String
        public var serial: String
        public var sizeBytes: UInt64
        /// The block device or image file written to (`/dev/sda`, or an absolute image path).
        public var path: String
        public var isImage: Bool
        public var removable: Bool
        /// Hidden until a driver disk providing this module is loaded.
        public var needsDriver: String?
        /// The bus (decides the by-id names), the WWN as udev writes it (`0x…`, `eui.…`, or
        /// empty), and the disk's names under /dev/disk/by-id and /dev/disk/by-path.
        public var bus: DiskIdentity.Bus
        public var wwn: String
        public var byId: [String]
        public var byPath: [String]
        public init(name: String, vendor: String = "", model: String = "", serial: String = "", sizeBytes: UInt64,
                    path: String, isImage: Bool, removable: Bool = false, needsDriver: String? = nil,
                    bus: DiskIdentity.Bus? = nil, wwn: String = "", byId: [String]? = nil, byPath: [String] = []) {
            self.name = name; self.vendor = vendor; self.model = model; self.serial = serial
            self.sizeBytes = sizeBytes; self.path = path; self.isImage = isImage
            self.removable = removable; self.needsDriver = needsDriver
            let b = bus ?? DiskIdentity.bus(name: name, vendor: vendor)
            let w = DiskIdentity.normalisedWWN(wwn)
            self.bus = b; self.wwn = w
            self.byId = byId ?? DiskIdentity.byIdNames(bus: b, vendor: vendor, model: model, serial: serial, wwn: w)
            self.byPath = byPath
        }

        /// `sda - 60 GB [ATA ST3500418AS] S/N 9VM1`: the guide's form, plus the serial number.
        public var label: String {
            let desc = [vendor, model].filter { !$0.isEmpty }.joined(separator: " ")
            return "\(name) - \(Size.humanGB(sizeBytes))" + (desc.isEmpty ? "" : " [\(desc)]")
                + (serial.isEmpty ? "" : " S/N \(serial)")
        }
    }

    public struct DHCPLease: Equatable, Sendable {
        public var ip: String
        public var netmask: String
        public var gateway: String?
        public var dns: [String]
        public var hostname: String?
        public var ntp: [String]
        public init(ip: String, netmask: String, gateway: String? = nil, dns: [String] = [], hostname: String? = nil, ntp: [String] = []) {
            self.ip = ip; self.netmask = netmask; self.gateway = gateway; self.dns = dns; self.hostname = hostname; self.ntp = ntp
        }
    }

    public struct NIC: Equatable, Sendable {
        public var name: String
        public var mac: String
        public var driver: String
        public var link: Bool
        /// What DHCP gives this NIC on the simulated network (profile machines only).
        public var dhcp: DHCPLease?
        public init(name: String, mac: String, driver: String = "", link: Bool, dhcp: DHCPLease? = nil) {
            self.name = name; self.mac = mac; self.driver = driver; self.link = link; self.dhcp = dhcp
        }
        /// `eth0 (00:16:3e:00:00:01)` plus ` [no link]`.
        public var label: String { "\(name) (\(mac))" + (link ? "" : " [no link]") }
    }

    public struct CDROM: Equatable, Sendable {
        public var name: String
        /// What is in the drive, in order: directories or ISO images (profile), or the device itself.
        public var discs: [String]
        public init(name: String, discs: [String]) { self.name = name; self.discs = discs }
    }

    public var cpu: CPU
    public var memoryMiB: Int
    /// Every disk, including those still waiting for a driver; see `visibleDisks`.
    public var disks: [Disk]
    public var nics: [NIC]
    public var cdrom: CDROM?
    /// Kernel modules loaded so far (driver disks).
    public var loadedDrivers: Set<String>
    /// True when this is the computer's real hardware (`--real-hardware`).
    public var isReal: Bool
    /// Installations and backups found on the disks (filled in by detection).
    public var installations: [ExistingInstallation] = []
    public var backups: [BackupFound] = []
    /// The firmware's serial number and UUID (DMI; Machine+DMI.swift).
    public var dmi = DMI()

    public init(cpu: CPU, memoryMiB: Int, disks: [Disk], nics: [NIC], cdrom: CDROM?,
                loadedDrivers: Set<String> = [], isReal: Bool = false) {
        self.cpu = cpu; self.memoryMiB = memoryMiB; self.disks = disks; self.nics = nics
        self.cdrom = cdrom; self.loadedDrivers = loadedDrivers; self.isReal = isReal
    }

    /// Disks the installer can see now: those needing a driver appear once it is loaded.
    public var visibleDisks: [Disk] {
        disks.filter { d in d.needsDriver.map { loadedDrivers.contains($0) } ?? true }
    }

    /// Disks offered for installation: visible, at least the minimum size, not removable.
    public var eligibleDisks: [Disk] {
        visibleDisks.filter { $0.sizeBytes >= Size.minimumPrimaryDisk && !$0.removable }
            .sorted { ($0.name.count, $0.name) < ($1.name.count, $1.name) }
    }

    public func disk(named name: String) -> Disk? { visibleDisks.first { $0.name == name } }
    public func nic(named name: String) -> NIC? { nics.first { $0.name == name } }
    public func nic(mac: String) -> NIC? { nics.first { $0.mac.lowercased() == mac.lowercased() } }

    public var lacksHVM: Bool { !cpu.hvm }
    public var lowMemory: Bool { memoryMiB < 1024 }
}

/// Byte sizes: parsing `60G`, printing `60 GB`, and the installer's fixed sizes.
public enum Size {
    public static let KiB: UInt64 = 1024
    public static let MiB: UInt64 = 1024 * 1024
    public static let GiB: UInt64 = 1024 * 1024 * 1024
    /// The guide's minimum for the primary disk.
    public static let minimumPrimaryDisk: UInt64 = 16 * GiB

    /// `512`, `64K`, `60G`, `2T` (powers of 1024).
    public static func parse(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return nil }
        let mult: UInt64
        var digits = t
        switch last.uppercased() {
        case "K": mult = KiB
        case "M": mult = MiB
        case "G": mult = GiB
        case "T": mult = GiB * 1024
        default: mult = 1
        }
        if mult != 1 { digits.removeLast() }
        if digits.uppercased().hasSuffix("I") { return nil }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let n = UInt64(digits) else { return nil }
        let (r, overflow) = n.multipliedReportingOverflow(by: mult)
        return overflow ? nil : r
    }

    /// Whole gigabytes as the guide writes them (`60 GB`), or MB below 1 GiB.
    public static func humanGB(_ bytes: UInt64) -> String {
        if bytes >= GiB { return "\((bytes + GiB / 2) / GiB) GB" }
        return "\((bytes + MiB / 2) / MiB) MB"
    }
}
