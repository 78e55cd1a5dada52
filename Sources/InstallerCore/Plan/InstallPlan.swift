/// What to install, where and how: the one value that both front ends (the screens and
/// the answerfile) produce and the install backend consumes.
public struct InstallPlan: Equatable, Sendable {
    public enum Mode: String, Sendable, CaseIterable { case fresh, reinstall, restore }

    public var mode: Mode = .fresh
    public var keymap: String = "us"
    /// Fresh: the disk to install on. Reinstall: the disk of the existing installation.
    /// Restore: the disk whose backup partition is restored.
    public var primaryDisk: String = ""
    /// Other disks given wholly to VM storage (never the primary disk).
    public var guestDisks: [String] = []
    /// The rest of the primary disk holds VM storage too (partition 3).
    public var storageOnPrimary: Bool = true
    /// Fresh: software RAID 1 of the control domain's partitions (issue 19 item 2): the second
    /// disk of the mirror, partitioned like `primaryDisk`; nil for a single disk.
    public var mirrorDisk: String?
    /// The disks the control domain is installed on: the primary disk, then its mirror.
    public var systemDisks: [String] { [primaryDisk] + (mirrorDisk.map { [$0] } ?? []) }
    public var sources: [Source] = []
    public var driverSources: [Source] = []
    /// The Linux Pack (`<linux-pack>`): auto installs it whenever a source provides it,
    /// yes requires it (refused before any disk is written when no source has it, except
    /// that local media ask for its own disc), no never installs it.
    public var linuxPack: LinuxPackChoice = .auto
    public var rootPassword: RootPassword?
    public var adminInterface: AdminInterface?
    public var hostname: HostnameConfig = .dhcp
    public var nameservers: NameserverConfig = .dhcp
    public var timezone: String = ""
    public var time: TimeConfig = .ntp(servers: [], fromDHCP: true)
    public var bootloader: Bootloader = Bootloader()
    public var postInstallScript: Source?

    public init() {}

    /// The screens' yes/no answer: true only for `.yes`; setting it sets `.yes` or `.no`.
    public var installLinuxPack: Bool {
        get { linuxPack == .yes }
        set { linuxPack = newValue ? .yes : .no }
    }
}

/// Whether to install the Linux Pack (`<linux-pack>yes|no</linux-pack>`; absent is auto).
public enum LinuxPackChoice: String, Sendable, CaseIterable {
    case auto, yes, no
}

/// Where packages (or a script, or a driver) come from.
public enum Source: Equatable, Sendable {
    /// Local media: the CD drive (or a directory / ISO image on a profile machine).
    /// `path` nil means the machine's CD drive.
    case local(path: String?)
    /// HTTP, HTTPS or FTP. The credentials are kept apart from the URL and never logged.
    case url(String, credentials: Credentials?)
    /// `server:/path`
    case nfs(String)

    public var kindName: String {
        switch self {
        case .local: return "local"
        case .url: return "url"
        case .nfs: return "nfs"
        }
    }

    /// A description safe for logs and screens (no password).
    public var displayName: String {
        switch self {
        case let .local(p): return p.map { "local media (\($0))" } ?? "local media"
        case let .url(u, c): return c.map { "\(u) (user \($0.user))" } ?? u
        case let .nfs(p): return "nfs \(p)"
        }
    }
}

public struct Credentials: Equatable, Sendable {
    public var user: String
    public var password: String
    public init(user: String, password: String) { self.user = user; self.password = password }
}

public enum RootPassword: Equatable, Sendable {
    /// Held only in memory; hashed (SHA-512 crypt) before it is written anywhere.
    case plaintext(String)
    /// A crypt(3) hash, written to /etc/shadow as it is.
    case hash(String)
}

/// The management interface: a NIC (by name and MAC), its IPv4 and IPv6 configurations and
/// an optional 802.1Q VLAN tag, on which the management bridge then sits.
public struct AdminInterface: Equatable, Sendable {
    public var nic: String
    public var mac: String
    /// IPv4 (`proto=`): DHCP, static, or none (IPv6 only).
    public var config: IPConfig
    /// IPv6 (`protov6=`): none (the default), SLAAC, DHCPv6 or static.
    public var ipv6: IPv6Config
    /// The VLAN tag (1…4094; `vlan=`), nil: untagged.
    public var vlan: Int?
    /// Two or more NICs bonded as `bond0` (`<bond>`); `nic` and `mac` are then its first member.
    public var bond: Bond?
    public init(nic: String, mac: String, config: IPConfig, ipv6: IPv6Config = .none, vlan: Int? = nil, bond: Bond? = nil) {
        self.nic = nic; self.mac = mac; self.config = config; self.ipv6 = ipv6; self.vlan = vlan; self.bond = bond
    }

    /// The link the management network runs on: the NIC, or the bond.
    public var link: String { bond == nil ? nic : Bond.device }

    /// The interface that carries the addresses: the NIC (or bond0), or its VLAN interface `eth0.N`.
    public var device: String { vlan.map { "\(link).\($0)" } ?? link }

    /// Some configuration obtained from the network (DHCP, DHCPv6 or SLAAC), which may also
    /// name the host's nameservers and NTP servers.
    public var usesDHCP: Bool {
        if config == .dhcp { return true }
        return ipv6 == .dhcp || ipv6 == .autoconf
    }
}

/// NICs bonded into one management link (`<bond mode="active-backup|lacp">eth0 eth1</bond>`).
public struct Bond: Equatable, Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// One member carries the traffic; another takes over when its link goes down.
        case activeBackup = "active-backup"
        /// IEEE 802.3ad link aggregation (LACP): the switch ports must be a LACP group.
        case lacp
        /// The kernel's bonding mode name.
        public var kernelMode: String { self == .lacp ? "802.3ad" : "active-backup" }
    }
    /// The bond's interface name on the host.
    public static let device = "bond0"
    public var members: [String]
    public var mode: Mode
    public init(members: [String], mode: Mode) { self.members = members; self.mode = mode }
}

/// The IPv4 configuration of an interface.
public enum IPConfig: Equatable, Sendable {
    case dhcp
    case `static`(ip: String, netmask: String, gateway: String?)
    /// No IPv4 address (an IPv6-only management interface).
    case none
}

/// The IPv6 configuration of an interface (XenServer's `protov6=`).
public enum IPv6Config: Equatable, Sendable {
    case none
    /// Stateless address autoconfiguration from router advertisements (SLAAC).
    case autoconf
    /// DHCPv6 (with router advertisements for the route).
    case dhcp
    /// `address` is `addr/prefix` (`2001:db8::5/64`), as in `<ipv6>`.
    case `static`(address: String, gateway: String?)

    /// The answerfile's word for it.
    public var proto: String {
        switch self {
        case .none: return "none"
        case .autoconf: return "autoconf"
        case .dhcp: return "dhcp"
        case .static: return "static"
        }
    }
}

public enum HostnameConfig: Equatable, Sendable {
    case dhcp
    case manual(String)
}

public enum NameserverConfig: Equatable, Sendable {
    case dhcp
    case manual([String])
}

public enum TimeConfig: Equatable, Sendable {
    /// NTP with the given servers; `fromDHCP` means the DHCP server names them.
    case ntp(servers: [String], fromDHCP: Bool)
    /// The administrator sets the clock near the end of the installation.
    case manual
}

public struct Bootloader: Equatable, Sendable {
    public enum Kind: String, Sendable { case extlinux, grub }
    public enum Location: String, Sendable { case mbr, partition }
    public var kind: Kind = .extlinux
    public var location: Location = .mbr
    public init(kind: Kind = .extlinux, location: Location = .mbr) { self.kind = kind; self.location = location }
}
