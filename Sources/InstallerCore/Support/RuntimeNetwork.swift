import Foundation
import Synchronization

/// Brings up one NIC of this computer so that a remote installation source (HTTP, FTP, NFS)
/// can be reached: DHCP through busybox `udhcpc`, or a static address, default route and
/// nameserver; for IPv6 SLAAC, DHCPv6 through `dhcpcd` (RuntimeNetwork+DHCPv6.swift), or a
/// static address. Every command goes through `commands` (logged with its exit status).
///
/// Used with `--real-hardware` only (or on a profile machine when
/// `InstallEnvironment.runtimeNetwork` is set, as the network-namespace test does); a profile
/// machine otherwise uses its NICs' simulated DHCP leases.
///
/// `udhcpc` only obtains the lease: its script prints the values and this type applies them
/// with `ip` exactly as it applies a static configuration, so both paths write the same
/// address, route and resolv.conf.
public struct RuntimeNetwork: Sendable {
    /// What to configure: the NIC and its configuration (and, for static, a nameserver).
    public struct Settings: Equatable, Sendable {
        public var nic: String
        /// IPv4: DHCP, static, or none.
        public var config: IPConfig
        public var nameserver: String?
        /// IPv6: none, SLAAC (waits for a global address), DHCPv6 (dhcpcd, once), static.
        public var ipv6: IPv6Config
        /// A VLAN tag: the addresses go on `nic.N` (`ip link add link nic name nic.N type vlan id N`).
        public var vlan: Int?
        /// A bond: its members are enslaved to bond0, which (or bond0.N) carries the addresses
        /// (an LACP switch port passes nothing until the host speaks LACP).
        public var bond: Bond?
        public init(nic: String, config: IPConfig, nameserver: String? = nil, ipv6: IPv6Config = .none, vlan: Int? = nil, bond: Bond? = nil) {
            self.nic = nic; self.config = config
            self.nameserver = nameserver.flatMap { $0.isEmpty ? nil : $0 }
            self.ipv6 = ipv6; self.vlan = vlan; self.bond = bond
        }

        /// The link: the NIC, or bond0.
        public var link: String { bond == nil ? nic : Bond.device }
        /// The interface that carries the addresses.
        public var device: String { vlan.map { "\(link).\($0)" } ?? link }

        /// "DHCP", "static", "SLAAC", "static IPv6", "DHCP and SLAAC, VLAN 42"…
        public var label: String {
            var parts: [String] = []
            switch config {
            case .dhcp: parts.append("DHCP")
            case .static: parts.append("static")
            case .none: break
            }
            switch ipv6 {
            case .none: break
            case .autoconf: parts.append("SLAAC")
            case .dhcp: parts.append("DHCPv6")
            case .static: parts.append("static IPv6")
            }
            return parts.joined(separator: " and ") + (vlan.map { ", VLAN \($0)" } ?? "")
                + (bond.map { ", bond of \($0.members.joined(separator: " ")) (\($0.mode.rawValue))" } ?? "")
        }
    }

    /// What the NIC ended up with.
    public struct Configured: Equatable, Sendable {
        public var nic: String
        public var address: String
        public var prefix: Int
        public var gateway: String?
        public var nameservers: [String]
        public var fromDHCP: Bool
        /// IPv6 addresses (`addr/prefix`) and default gateway, when IPv6 was configured.
        public var ipv6: [String] = []
        public var gateway6: String?
        public var summary: String {
            var parts: [String] = []
            if !address.isEmpty {
                parts.append("\(address)/\(prefix)" + (fromDHCP ? " (DHCP)" : " (static)") + (gateway.map { ", gateway \($0)" } ?? ""))
            }
            if !ipv6.isEmpty { parts.append(ipv6.joined(separator: " ") + (gateway6.map { ", gateway \($0)" } ?? "")) }
            return "\(nic) " + parts.joined(separator: ", ") + (nameservers.isEmpty ? "" : ", nameserver " + nameservers.joined(separator: " "))
        }
    }

    /// The resolver file written with the nameservers (the installer environment's
    /// /etc/resolv.conf; `InstallEnvironment.resolvConf` points tests at their own file).
    public var resolvConf = "/etc/resolv.conf"
    /// How long DHCP may take before "no DHCP answer" (`InstallEnvironment.dhcpTimeout`).
    public var dhcpTimeout = 30
    /// How long the link may take to come up after `ip link set up` (`InstallEnvironment.linkTimeout`).
    public var linkTimeout = 10.0
    /// The DHCP client: `udhcpc` when it is on PATH (the installer CD), else `busybox udhcpc`.
    public var dhcpClient: [String] = RuntimeNetwork.defaultDHCPClient()
    /// The DHCPv6 client (RuntimeNetwork+DHCPv6.swift).
    public var dhcp6Client: [String] = ["dhcpcd"]
    public var sysClassNet = "/sys/class/net"
    /// Where the IPv6 settings of each interface are (`disable_ipv6`, `accept_ra`, `autoconf`).
    public var procSysIPv6 = "/proc/sys/net/ipv6/conf"
    /// Where the CD's init keeps the PID of the DHCP client it started at boot on each NIC
    /// (`udhcpc-NIC.pid`): a bond stops those of its members (`makeBond`).
    public var bootDHCPPidDir = "/run"
    /// Runs `ip` and the DHCP client.
    public var commands: any CommandRunning = SystemCommands(log: .shared)
    /// The log of `commands`; setting it makes `commands` the real programs logged there.
    public var log: EventLog {
        get { commands.log }
        set { commands = SystemCommands(log: newValue) }
    }

    public init() {}

    /// The settings of `environment` (see the properties), its commands run through `commands`.
    public static func fromEnvironment(_ environment: InstallEnvironment, commands: any CommandRunning) -> RuntimeNetwork {
        var n = RuntimeNetwork()
        n.commands = commands
        if let p = environment.resolvConf { n.resolvConf = p }
        if let t = environment.dhcpTimeout { n.dhcpTimeout = t }
        if let t = environment.linkTimeout { n.linkTimeout = t }
        n.dhcpClient = defaultDHCPClient(path: environment.path)
        return n
    }

    /// Whether the installer configures NICs for real: on real hardware, or when the test
    /// hook `InstallEnvironment.runtimeNetwork` asks for it on a profile machine.
    public static func enabled(for machine: Machine, environment: InstallEnvironment) -> Bool {
        machine.isReal || environment.runtimeNetwork
    }

    /// True when a source is reached over the network.
    public static func isRemote(_ source: Source) -> Bool {
        if case .local = source { return false }
        return true
    }

    static func defaultDHCPClient(path: String = InstallEnvironment.process.path) -> [String] {
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/udhcpc") {
            return ["udhcpc"]
        }
        return ["busybox", "udhcpc"]
    }

    /// The settings last configured successfully in this process: the same settings are not
    /// applied twice (Back to the location screen and OK again).
    private static let lastApplied = Mutex<(Settings, Configured)?>(nil)

    /// Configures the NIC and waits for its link. Throws a readable error: no such
    /// interface, link down, no DHCP answer within the timeout, a command that failed.
    @discardableResult
    public func bringUp(_ s: Settings) throws(InstallerError) -> Configured {
        if let (settings, done) = Self.lastApplied.withLock({ $0 }), settings == s,
           done.address.isEmpty ? !globalIPv6(s.device).isEmpty : hasAddress(s.device, done.address) {
            log.log("network: \(done.summary) already configured")
            return done
        }
        let nic = s.nic
        guard !nic.isEmpty, !nic.contains("/"), FileManager.default.fileExists(atPath: "\(sysClassNet)/\(nic)") else {
            throw .failed("there is no network interface called \(nic.isEmpty ? "(none)" : nic)", hint: "choose another interface")
        }
        if case let .static(ip, mask, gw) = s.config {
            guard Net.isIPv4(ip), Net.isNetmask(mask), gw.map(Net.isIPv4) ?? true, s.nameserver.map(Net.isIP) ?? true else {
                throw .invalid(nic, "the static configuration is not valid (\(ip)/\(mask))")
            }
        }
        if let p = PlanRules.ipv6Problems(s.ipv6).first { throw .invalid(nic, p.message) }
        if let v = s.vlan, let p = PlanRules.vlanProblems(v).first { throw .invalid(nic, p.message) }
        if let b = s.bond {
            if let p = PlanRules.bondProblems(b, machine: nil).first { throw .invalid(nic, p.message) }
            if let m = b.members.first(where: { $0.contains("/") || !FileManager.default.fileExists(atPath: "\(sysClassNet)/\($0)") }) {
                throw .failed("there is no network interface called \(m) (a member of the bond)", hint: "choose other interfaces for the bond")
            }
        }
        if s.config == .none && s.ipv6 == .none { throw .invalid(nic, "neither IPv4 nor IPv6 is configured") }
        log.log("network: configuring \(s.device) (\(s.label))")
        let dev = s.device, link = s.link
        if let b = s.bond { try makeBond(b) }
        if let v = s.vlan {
            // The tagged interface on the NIC (or bond); the link itself carries no address.
            try run(["ip", "link", "set", "dev", link, "up"], link)
            if !FileManager.default.fileExists(atPath: "\(sysClassNet)/\(dev)") {
                // 802.1Q may be a module (the installer CD carries it); built in, this does nothing.
                commands.run(["modprobe", "-q", "8021q"])
                try run(["ip", "link", "add", "link", link, "name", dev, "type", "vlan", "id", "\(v)"], link)
            }
        }
        try run(["ip", "addr", "flush", "dev", dev], dev)
        switch s.ipv6 {
        case .none: break
        case .static: enableIPv6(dev, autoconf: false)
        case .autoconf, .dhcp: enableIPv6(dev, autoconf: true)
        }
        try run(["ip", "link", "set", "dev", dev, "up"], dev)
        try waitForLink(dev)

        var done: Configured
        switch s.config {
        case let .static(ip, mask, gw):
            done = Configured(nic: dev, address: ip, prefix: Self.prefixLength(mask), gateway: gw,
                              nameservers: s.nameserver.map { [$0] } ?? [], fromDHCP: false)
        case .dhcp:
            done = try dhcp(dev)
            if let ns = s.nameserver { done.nameservers = [ns] }
        case .none:
            done = Configured(nic: dev, address: "", prefix: 0, gateway: nil, nameservers: s.nameserver.map { [$0] } ?? [], fromDHCP: false)
        }
        switch s.ipv6 {
        case .none: break
        case .dhcp:
            let lease = try dhcp6(dev)
            done.ipv6 = try waitForIPv6(dev, what: "the address from DHCPv6 (duplicate address detection)")
            done.gateway6 = defaultIPv6Gateway(dev)
            if s.nameserver == nil { done.nameservers += lease.nameservers.filter { !done.nameservers.contains($0) } }
        case let .static(cidr, gw):
            try run(["ip", "-6", "addr", "add", cidr, "dev", dev], dev)
            done.ipv6 = try waitForIPv6(dev, what: "the address \(cidr) (duplicate address detection)")
            if let gw {
                try run(["ip", "-6", "route", "replace", "default", "via", gw, "dev", dev], dev)
                done.gateway6 = gw
            }
        case .autoconf:
            done.ipv6 = try waitForIPv6(dev, what: "an address from a router advertisement (SLAAC)")
            done.gateway6 = defaultIPv6Gateway(dev)
        }
        try apply(done)
        log.log("network: \(done.summary)")
        Self.lastApplied.withLock { $0 = (s, done) }
        return done
    }

    /// bond0 in the bond's mode with link monitoring every 100 ms (through sysfs, which both
    /// iproute2 and busybox's ip leave alone, while bond0 is down and has no members), its
    /// members enslaved. bond0 is made by `modprobe bonding` (the CD), else by `ip link add`.
    private func makeBond(_ b: Bond) throws(InstallerError) {
        let bond = Bond.device, dir = "\(sysClassNet)/\(bond)/bonding"
        let exists = { FileManager.default.fileExists(atPath: "\(sysClassNet)/\(bond)") }
        if !exists() {
            commands.run(["modprobe", "-q", "bonding"])
            // Loading the module makes bond0 itself (its max_bonds is 1 by default), and `ip
            // link add` would then fail ("File exists"): only a kernel with bonding built in
            // (or whose bond0 was deleted) still lacks it here.
            if !exists() { try run(["ip", "link", "add", bond, "type", "bond"], bond) }
        }
        try run(["ip", "link", "set", "dev", bond, "down"], bond)
        for (key, value) in [("mode", b.mode.kernelMode), ("miimon", "100")] + (b.mode == .lacp ? [("lacp_rate", "fast")] : []) {
            do {
                try value.write(toFile: "\(dir)/\(key)", atomically: false, encoding: .utf8)
            } catch {
                throw .failed("could not set the bond's \(key) to \(value): \(error.localizedDescription)", at: "\(dir)/\(key)")
            }
        }
        for m in b.members {
            stopBootDHCP(m)
            try run(["ip", "addr", "flush", "dev", m], m)
            try run(["ip", "link", "set", "dev", m, "down"], m)
            try run(["ip", "link", "set", "dev", m, "master", bond], m)
        }
        log.log("network: \(bond) (\(b.mode.kernelMode)) of \(b.members.joined(separator: ", "))")
    }

    /// The CD's init runs DHCP on every NIC at boot, in the background. On a bond's member that
    /// client must stop before the member is enslaved: on LACP switch ports it is not answered
    /// until the bond has negotiated, goes on asking, and once answered would put an address on
    /// the member and take the default route away from bond0 (its script replaces the route).
    private func stopBootDHCP(_ nic: String) {
        let path = "\(bootDHCPPidDir)/udhcpc-\(nic).pid"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else { return }
        let r = commands.run(["kill", "\(pid)"])
        log.log("network: " + (r.ok ? "stopped the boot-time DHCP client on \(nic) (pid \(pid))"
                                    : "the boot-time DHCP client on \(nic) (pid \(pid)) was not running"))
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Where the bonding driver describes bond0 (`InstallEnvironment` has no hook: tests set it).
    public var procNetBonding = "/proc/net/bonding"

    /// bond0 as the driver sees it now, one line: the active member (active-backup) and each
    /// member's link with its failure count, e.g. "bond0: active member eth1; eth0 down
    /// (1 link failure), eth1 up (0 link failures)". An 802.3ad (LACP) bond also names its
    /// mode, the partner system of its active aggregator and each member's aggregator, e.g.
    /// "bond0: 802.3ad, partner 02:1a:c9:00:00:01 (aggregator 1, 2 ports); eth0 up (0 link
    /// failures, aggregator 1), eth1 up (0 link failures, aggregator 1)", or "no LACP partner"
    /// (the driver's partner address all zeros: nothing answered). Nil without bond0. The
    /// unattended install prints it at its end, so that a member lost during the install (or
    /// one the switch left out of the aggregate) shows in its output.
    public func bondStatus() -> String? {
        guard let text = try? String(contentsOfFile: "\(procNetBonding)/\(Bond.device)", encoding: .utf8) else { return nil }
        return Self.bondStatus(text)
    }

    /// The line of `bondStatus()` from the text of /proc/net/bonding/bond0.
    static func bondStatus(_ text: String) -> String {
        var active: String?, lacp = false
        var aggregator: String?, ports: String?, partner: String?
        var members: [(name: String, mii: String, failures: String, aggregator: String?)] = []
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "Bonding Mode": lacp = kv[1].contains("802.3ad")
            case "Currently Active Slave": active = kv[1]
            case "Slave Interface": members.append((kv[1], "?", "?", nil))
            case "MII Status" where !members.isEmpty: members[members.count - 1].mii = kv[1]
            case "Link Failure Count" where !members.isEmpty: members[members.count - 1].failures = kv[1]
            // Before the first member: the active aggregator's; after: the member's own.
            case "Aggregator ID" where members.isEmpty: aggregator = kv[1]
            case "Aggregator ID": members[members.count - 1].aggregator = kv[1]
            case "Number of ports" where members.isEmpty: ports = kv[1]
            case "Partner Mac Address" where members.isEmpty: partner = kv[1]
            default: break
            }
        }
        let each = members.map {
            "\($0.name) \($0.mii) (\($0.failures) link failure\($0.failures == "1" ? "" : "s")"
                + (lacp ? ", aggregator \($0.aggregator ?? "none")" : "") + ")"
        }
        var head = ""
        if lacp {
            let agg = [aggregator.map { "aggregator \($0)" }, ports.map { "\($0) port\($0 == "1" ? "" : "s")" }].compactMap { $0 }
            if let p = partner, !p.isEmpty, p != "00:00:00:00:00:00" {
                head = "802.3ad, partner \(p)" + (agg.isEmpty ? "" : " (\(agg.joined(separator: ", ")))") + "; "
            } else {
                head = "802.3ad, no LACP partner; "
            }
        }
        return "\(Bond.device): " + head + (active.map { "active member \($0); " } ?? "") + (each.isEmpty ? "no members" : each.joined(separator: ", "))
    }

    /// The IPv6 addresses (`addr/prefix`) beyond the link (global, or site-local such as
    /// qemu's fec0::/64) the interface holds that passed duplicate address detection.
    public func globalIPv6(_ dev: String) -> [String] {
        let r = commands.run(["ip", "-6", "-o", "addr", "show", "dev", dev])
        guard r.ok else { return [] }
        return r.output.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let i = f.firstIndex(of: "inet6"), i + 1 < f.count, !f.contains("tentative"), !f.contains("dadfailed") else { return nil }
            if let s = f.firstIndex(of: "scope"), s + 1 < f.count, ["link", "host"].contains(f[s + 1]) { return nil }
            return String(f[i + 1])
        }
    }

    /// Every address (IPv4 and global IPv6) on the interface: something is configured already.
    public func anyAddress(_ dev: String) -> String? {
        addresses(dev).first ?? globalIPv6(dev).first
    }

    /// IPv6 on for the interface; router advertisements and autoconfiguration on for SLAAC (a
    /// fresh VLAN interface inherits the defaults, which a hardened installer image may have
    /// turned off), and off for a static address: a router advertising on the link must not
    /// add a second address (or a default route) beside the one the administrator gave.
    private func enableIPv6(_ dev: String, autoconf: Bool) {
        let on = autoconf ? "1" : "0"
        for (key, value) in [("disable_ipv6", "0"), ("accept_ra", on), ("autoconf", on)] {
            let path = "\(procSysIPv6)/\(dev)/\(key)"
            if (try? value.write(toFile: path, atomically: false, encoding: .utf8)) == nil {
                log.log("network: could not set \(path) to \(value)")
            }
        }
    }

    /// Waits (up to the DHCP timeout) for a global IPv6 address that is no longer tentative.
    func waitForIPv6(_ dev: String, what: String) throws(InstallerError) -> [String] {
        let deadline = Date().addingTimeInterval(Double(dhcpTimeout))
        while true {
            let a = globalIPv6(dev)
            if !a.isEmpty { return a }
            if Date() >= deadline { break }
            usleep(200_000)
        }
        log.log("network: no IPv6 address on \(dev) within \(dhcpTimeout) s")
        throw .failed("no IPv6 address on \(dev) within \(dhcpTimeout) s: waited for \(what)",
                      at: dev, hint: "check that a router sends advertisements on this link (and the VLAN tag), or use a static address")
    }

    /// The IPv6 default route's gateway on the interface (from a router advertisement).
    func defaultIPv6Gateway(_ dev: String) -> String? {
        let deadline = Date().addingTimeInterval(2)
        repeat {
            let r = commands.run(["ip", "-6", "route", "show", "default", "dev", dev])
            let f = r.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if let i = f.firstIndex(of: "via"), i + 1 < f.count { return String(f[i + 1]) }
            usleep(200_000)
        } while Date() < deadline
        return nil
    }

    /// The IPv4 addresses the NIC holds now (`ip -4 -o addr show dev NIC`).
    public func addresses(_ nic: String) -> [String] {
        let r = commands.run(["ip", "-4", "-o", "addr", "show", "dev", nic])
        guard r.ok else { return [] }
        return r.output.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let i = f.firstIndex(of: "inet"), i + 1 < f.count else { return nil }
            return String(f[i + 1])
        }
    }

    private func hasAddress(_ nic: String, _ address: String) -> Bool {
        addresses(nic).contains { $0.hasPrefix(address + "/") }
    }

    private func run(_ argv: [String], _ nic: String) throws(InstallerError) {
        let r = commands.run(argv)
        guard r.ok else {
            let why = r.output.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .failed("could not configure the network: `\(argv.joined(separator: " "))` failed (exit \(r.exitCode))" + (why.isEmpty ? "" : ": \(why)"), at: nic)
        }
    }

    /// Waits until the NIC reports a carrier.
    private func waitForLink(_ nic: String) throws(InstallerError) {
        let deadline = Date().addingTimeInterval(linkTimeout)
        let path = "\(sysClassNet)/\(nic)/carrier"
        while true {
            // Reading `carrier` fails while the interface is down; "1" means link up.
            if let s = try? String(contentsOfFile: path, encoding: .utf8), s.trimmingCharacters(in: .whitespacesAndNewlines) == "1" {
                log.log("network: link up on \(nic)")
                return
            }
            if Date() >= deadline { break }
            usleep(100_000)
        }
        log.log("network: link down on \(nic) after \(Self.seconds(linkTimeout))")
        throw .failed("link down on \(nic): no carrier within \(Self.seconds(linkTimeout))", hint: "check the cable and the switch port, or choose another interface")
    }

    /// Runs the DHCP client once (foreground, exits after the lease or after the timeout)
    /// with a script that only prints the lease.
    private func dhcp(_ nic: String) throws(InstallerError) -> Configured {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("host-installer-dhcp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))").path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Self.leaseScript.write(toFile: dir + "/lease", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir + "/lease")
        } catch {
            throw .failed("cannot write the DHCP client script: \(error.localizedDescription)", at: dir)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Discover packets `pause` seconds apart, as many as fit in the timeout.
        let pause = dhcpTimeout >= 9 ? 3 : 1
        let tries = max(1, dhcpTimeout / pause)
        let argv = dhcpClient + ["-i", nic, "-f", "-q", "-n", "-t", "\(tries)", "-T", "\(pause)", "-s", dir + "/lease"]
        let r = commands.run(argv)
        var lease: [String: String] = [:]
        for line in r.output.split(separator: "\n") where line.hasPrefix("hi-lease ") {
            let kv = line.dropFirst(9).split(separator: "=", maxSplits: 1)
            if kv.count == 2 { lease[String(kv[0])] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        if r.exitCode == 127 || r.output.contains("applet not found") {
            throw .failed("the DHCP client (\(dhcpClient.joined(separator: " "))) could not be started", at: nic)
        }
        guard r.ok, let ip = lease["ip"], Net.isIPv4(ip) else {
            log.log("network: no DHCP answer on \(nic) within \(dhcpTimeout) s")
            throw .failed("no DHCP answer on \(nic) within \(dhcpTimeout) s",
                          hint: "check the cable and the DHCP server, or use a static configuration")
        }
        let prefix = lease["mask"].flatMap { Int($0) } ?? lease["subnet"].map(Self.prefixLength) ?? 24
        let gateway = lease["router"]?.split(separator: " ").first.map(String.init)
        let dns = (lease["dns"] ?? "").split(separator: " ").map(String.init).filter(Net.isIPv4)
        return Configured(nic: nic, address: ip, prefix: prefix, gateway: gateway, nameservers: dns, fromDHCP: true)
    }

    /// Address, default route, resolv.conf.
    private func apply(_ c: Configured) throws(InstallerError) {
        if !c.address.isEmpty { try run(["ip", "addr", "add", "\(c.address)/\(c.prefix)", "dev", c.nic], c.nic) }
        if let gw = c.gateway {
            try run(["ip", "route", "replace", "default", "via", gw, "dev", c.nic], c.nic)
        }
        if !c.nameservers.isEmpty {
            let text = "# written by host-installer for reaching the installation source (\(c.nic))\n"
                + c.nameservers.map { "nameserver \($0)\n" }.joined()
            do {
                try text.write(toFile: resolvConf, atomically: true, encoding: .utf8)
            } catch {
                throw .failed("cannot write the nameserver: \(error.localizedDescription)", at: resolvConf)
            }
            log.log("network: wrote \(resolvConf) (\(c.nameservers.joined(separator: " ")))")
        }
    }

    /// `255.255.255.0` → 24.
    public static func prefixLength(_ mask: String) -> Int {
        mask.split(separator: ".").compactMap { UInt8($0) }.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    static func seconds(_ t: Double) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    /// busybox udhcpc calls it with the event and the lease in the environment (`mask` is the
    /// prefix length, `subnet` the dotted mask). Only `bound` and `renew` print anything.
    static let leaseScript = """
    #!/bin/sh
    # host-installer: print the DHCP lease; host-installer applies it itself.
    case "$1" in
      bound|renew)
        echo "hi-lease ip=$ip"
        echo "hi-lease mask=$mask"
        echo "hi-lease subnet=$subnet"
        echo "hi-lease router=$router"
        echo "hi-lease dns=$dns"
        echo "hi-lease domain=$domain"
        ;;
    esac
    exit 0

    """
}
