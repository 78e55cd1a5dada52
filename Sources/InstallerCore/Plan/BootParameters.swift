/// Boot parameters from a kernel command line (/proc/cmdline): `answerfile=URL`,
/// `install`, `keymap=`, `network_device=`, `network_config=`, `extrarepo=`, `bootloader=`,
/// `console=`, `atexit=`, `BOOTIF=`, `report=`, `ca_file=`. Other words are kept but ignored.
/// Values may be quoted.
public struct BootParameters: Equatable, Sendable {
    public var answerfile: String?
    /// `install`: run unattended (with `answerfile=`).
    public var install = false
    public var keymap: String?
    public var networkDevice: String?
    /// `network_config=` as written (see `BootNetwork`); `network()` reads it.
    public var networkConfig: String?
    public var extraRepos: [String] = []
    public var bootloader: String?
    public var consoles: [String] = []
    public var atExit: String?
    /// `BOOTIF=01-52-54-00-12-34-56` (pxelinux IPAPPEND 2, or an iPXE script): the NIC the
    /// machine booted from, whose MAC `${mac}` in the answerfile URL stands for.
    public var bootif: String?
    /// `report=URL`: where status reports are POSTed (StatusReporter).
    public var report: String?
    /// `ca_file=PATH`: a PEM file of certificate authorities trusted besides the system's.
    public var caFile: String?

    public init() {}

    public static func parse(_ text: String) -> BootParameters {
        var p = BootParameters()
        for word in words(text) {
            let (key, value): (String, String?) = {
                guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
                return (String(word[..<eq]), String(word[word.index(after: eq)...]))
            }()
            switch (key, value) {
            case ("answerfile", let v?): p.answerfile = v
            case ("install", nil): p.install = true
            case ("keymap", let v?): p.keymap = v
            case ("network_device", let v?), ("answerfile_device", let v?): p.networkDevice = v
            case ("network_config", let v?): p.networkConfig = v
            case ("extrarepo", let v?): p.extraRepos.append(v)
            case ("bootloader", let v?): p.bootloader = v
            case ("console", let v?): p.consoles.append(v)
            case ("atexit", let v?): p.atExit = v
            case ("BOOTIF", let v?), ("bootif", let v?): p.bootif = v
            case ("report", let v?): p.report = v
            case ("ca_file", let v?): p.caFile = v
            default: break
            }
        }
        return p
    }

    /// Parameters this build parses but cannot honour are refused at start, never ignored:
    /// `extrarepo=` (give the supplemental repository as a second `<source>` in the
    /// answerfile instead) and a `bootloader=` other than extlinux.
    public func checkSupported() throws(InstallerError) {
        _ = try network()
        if let repo = extraRepos.first {
            throw .invalid("extrarepo=\(repo)", "extra repositories on the boot line are not supported by this build",
                           hint: "give the repository as a second <source> element in the answerfile")
        }
        if let b = bootloader, b != Bootloader.Kind.extlinux.rawValue {
            throw .invalid("bootloader=\(b)", "only extlinux is supported by this build",
                           hint: "remove bootloader= from the boot line: extlinux is the default")
        }
    }

    /// The network configuration for fetching the answerfile: `network_config=`, on the NIC of
    /// `network_device=` (nil when the line has no `network_config=`).
    public func network() throws(InstallerError) -> BootNetwork? {
        guard let text = networkConfig else { return nil }
        return try BootNetwork.parse(text)
    }

    /// Splits on blanks, honouring single and double quotes.
    static func words(_ s: String) -> [String] {
        var out: [String] = [], cur = "", quote: Character?, any = false
        for ch in s {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch; any = true
            } else if ch == " " || ch == "\t" || ch == "\n" {
                if any || !cur.isEmpty { out.append(cur); cur = ""; any = false }
            } else {
                cur.append(ch)
            }
        }
        if any || !cur.isEmpty { out.append(cur) }
        return out
    }
}

/// `network_config=` on the boot line, in XenServer's form: `dhcp` or `static`, then
/// `;key=value` pairs (a `:` may stand for the first `;`): `ip=`, `netmask=`, `gateway=`,
/// `dns=` (comma-separated), `vlan=N`, and for IPv6 `ipv6=autoconf|addr/prefix`,
/// `gatewayv6=`. `none;ipv6=autoconf` is IPv6 only. `bond=eth0,eth1[:lacp|:active-backup]`
/// (our key; XenServer has none) makes bond0 of those NICs (active-backup unless `:lacp`, or
/// `:802.3ad`) and configures it instead of `network_device=`: LACP switch ports pass nothing
/// before the bond negotiates, so an answerfile URL behind them needs it.
///
///     network_config=dhcp;bond=eth0,eth1:lacp
///     network_config=dhcp;vlan=42
///     network_config=static;ip=10.0.0.5;netmask=255.255.255.0;gateway=10.0.0.1;dns=10.0.0.1;vlan=42
///     network_config=none;ipv6=2001:db8::5/64;gatewayv6=2001:db8::1;dns=2001:db8::53
public struct BootNetwork: Equatable, Sendable {
    public var config: IPConfig
    public var ipv6: IPv6Config = .none
    public var vlan: Int?
    public var nameservers: [String] = []
    public var bond: Bond?

    public static func parse(_ text: String) throws(InstallerError) -> BootNetwork {
        func bad(_ why: String) -> InstallerError {
            .invalid("network_config=\(text)", why, hint: "write network_config=dhcp;vlan=N, or network_config=static;ip=A;netmask=M;gateway=G;dns=D")
        }
        var rest = Substring(text)
        let head: Substring
        if let i = rest.firstIndex(where: { $0 == ";" || $0 == ":" }) {
            head = rest[..<i]; rest = rest[rest.index(after: i)...]
        } else {
            head = rest; rest = ""
        }
        var kv: [String: String] = [:]
        for pair in rest.split(separator: ";") {
            let p = pair.split(separator: "=", maxSplits: 1)
            guard p.count == 2, !p[1].isEmpty else { throw bad("\"\(pair)\" is not key=value") }
            let key = String(p[0])
            guard ["ip", "netmask", "gateway", "dns", "vlan", "ipv6", "gatewayv6", "domain", "bond"].contains(key) else { throw bad("unknown key \(key)=") }
            kv[key] = String(p[1])
        }
        var n: BootNetwork
        switch head {
        case "dhcp": n = BootNetwork(config: .dhcp)
        case "none": n = BootNetwork(config: .none)
        case "static":
            guard let ip = kv["ip"], let mask = kv["netmask"] else { throw bad("static needs ip= and netmask=") }
            n = BootNetwork(config: .static(ip: ip, netmask: mask, gateway: kv["gateway"]))
        default: throw bad("it must start with dhcp, static or none")
        }
        if let v = kv["vlan"] {
            guard let tag = Int(v), v.allSatisfy(\.isNumber) else { throw bad("vlan=\(v) is not a number from 1 to 4094") }
            n.vlan = tag
        }
        switch kv["ipv6"] {
        case nil: break
        case "autoconf"?: n.ipv6 = .autoconf
        case "dhcp"?: n.ipv6 = .dhcp
        case let a?: n.ipv6 = .static(address: a, gateway: kv["gatewayv6"])
        }
        n.nameservers = kv["dns"].map { $0.split(separator: ",").map(String.init) } ?? []
        if let v = kv["bond"] {
            let parts = v.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let rawMode = parts.count == 2 ? String(parts[1]) : "active-backup"
            guard let mode = rawMode == "802.3ad" ? Bond.Mode.lacp : Bond.Mode(rawValue: rawMode) else {
                throw bad("the bond's mode must be lacp (802.3ad) or active-backup, not \"\(rawMode)\"")
            }
            let b = Bond(members: parts[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init), mode: mode)
            if let m = b.members.first(where: { $0.isEmpty || $0.contains("/") }) { throw bad("bond=\(v) names \"\(m)\", not a network interface") }
            if let p = PlanRules.bondProblems(b, machine: nil).first { throw bad(p.message) }
            n.bond = b
        }
        // The rule book's checks, as for the management interface.
        let probe = AdminInterface(nic: "", mac: "", config: n.config, ipv6: n.ipv6, vlan: n.vlan)
        if let p = PlanRules.adminProblems(probe).first { throw bad(p.message) }
        if let d = n.nameservers.first(where: { !Net.isIP($0) }) { throw bad("dns=\(d) is not an IPv4 or IPv6 address") }
        return n
    }
}
