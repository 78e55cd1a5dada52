/// Host name, DNS and management-interface files (SPEC section 4; reference 5.7).
/// Pure: `(InstallPlan, Machine) -> [path: contents]`.
public enum NetworkFiles {
    public static let dhcpHostname = "localhost.localdomain"

    public static func hostname(_ plan: InstallPlan) -> String {
        if case let .manual(h) = plan.hostname { return h }
        return dhcpHostname
    }

    /// The DNS domain of a manual FQDN host name (`example.com` of `xcp1.example.com`).
    public static func domain(_ plan: InstallPlan) -> String? {
        guard case let .manual(h) = plan.hostname, let dot = h.firstIndex(of: ".") else { return nil }
        let d = String(h[h.index(after: dot)...])
        return d.isEmpty ? nil : d
    }

    public static func files(_ plan: InstallPlan, _ machine: Machine) -> [String: String] {
        var f: [String: String] = [:]
        let name = hostname(plan)
        f["/etc/hostname"] = name + "\n"
        f["/etc/sysconfig/network"] = "NETWORKING=yes\nHOSTNAME=\(name)\n"

        var resolv = "# written by host-installer\n"
        if let d = domain(plan) { resolv += "search \(d)\n" }
        switch plan.nameservers {
        case let .manual(ns): resolv += ns.map { "nameserver \($0)\n" }.joined()
        case .dhcp: resolv += "# nameservers come from DHCP on the management interface\n"
        }
        f["/etc/resolv.conf"] = resolv

        let admin = plan.effectiveAdminInterface(on: machine)
        var dnsLines: [(String, String)] = []
        if case let .manual(ns) = plan.nameservers {
            dnsLines = ns.enumerated().map { ("DNS\($0.offset + 1)", $0.element) }
        }
        if let a = admin {
            // XCP style: the NIC (or its VLAN interface eth0.N) is a port of the management
            // bridge, which holds the addresses.
            // With a bond, bond0 (its members enslaved) is the link; with a tag, link.N is the port.
            let br = SystemFiles.bridge(for: a.nic)
            let link = a.link, port = a.device
            let scripts = "/etc/sysconfig/network-scripts/ifcfg-"
            let linkHW = a.bond == nil ? "HWADDR=\(a.mac)\n" : ""
            let bondLines = a.bond.map { "TYPE=Bond\nBONDING_MASTER=yes\nBONDING_OPTS=\"\(bondingOptions($0))\"\n" } ?? ""
            if let b = a.bond {
                for m in b.members {
                    let mac = machine.nic(named: m)?.mac ?? (m == a.nic ? a.mac : "")
                    f[scripts + m] = "DEVICE=\(m)\n" + (mac.isEmpty ? "" : "HWADDR=\(mac)\n") + "ONBOOT=yes\nMASTER=\(link)\nSLAVE=yes\nBOOTPROTO=none\nXEMANAGED=yes\n"
                }
            }
            if a.vlan != nil {
                // The NIC (or bond) carries the tagged interface and no address of its own.
                f[scripts + link] = "DEVICE=\(link)\n\(linkHW)\(bondLines)ONBOOT=yes\nBOOTPROTO=none\nXEMANAGED=yes\n"
            }
            let portLines = a.vlan.map { "VLAN=yes\nPHYSDEV=\(link)\nVLAN_ID=\($0)\n" } ?? bondLines
            let portHW = a.vlan == nil ? linkHW : ""
            if br != a.nic {
                f[scripts + port] = "DEVICE=\(port)\n\(portHW)\(portLines)ONBOOT=yes\nBRIDGE=\(br)\nXEMANAGED=yes\n"
            }
            let holder = br != a.nic ? br : port
            var ifcfg = br != a.nic ? "DEVICE=\(br)\nTYPE=Bridge\nSTP=off\nONBOOT=yes\n" : "DEVICE=\(port)\n\(portHW)\(portLines)ONBOOT=yes\n"
            switch a.config {
            case .dhcp:
                ifcfg += "BOOTPROTO=dhcp\n"
                if case .dhcp = plan.nameservers { ifcfg += "PEERDNS=yes\n" } else { ifcfg += "PEERDNS=no\n" }
            case let .static(ip, mask, gw):
                ifcfg += "BOOTPROTO=none\nIPADDR=\(ip)\nNETMASK=\(mask)\n"
                if let gw { ifcfg += "GATEWAY=\(gw)\n" }
            case .none:
                ifcfg += "BOOTPROTO=none\n"
            }
            ifcfg += ipv6Lines(a.ipv6)
            ifcfg += dnsLines.map { "\($0.0)=\($0.1)\n" }.joined()
            if let d = domain(plan) { ifcfg += "DOMAIN=\(d)\n" }
            f[scripts + holder] = ifcfg
        }

        let fb = "/etc/firstboot.d/data/"
        f[fb + "network.conf"] = ShellQuote.lines([("ADMIN_INTERFACE", admin?.mac ?? ""),
                                                   ("INTERFACES", machine.nics.map(\.mac).joined(separator: " "))])
        var nics = machine.nics.map { (name: $0.name, mac: $0.mac) }
        if let a = admin, !nics.contains(where: { $0.mac.lowercased() == a.mac.lowercased() }) { nics.append((a.nic, a.mac)) }
        for n in nics {
            var kv: [(String, String)] = [("LABEL", n.name)]
            if let a = admin, a.mac.lowercased() == n.mac.lowercased() {
                switch a.config {
                case .dhcp: kv.append(("MODE", "dhcp"))
                case let .static(ip, mask, gw):
                    kv += [("MODE", "static"), ("IP", ip), ("NETMASK", mask)]
                    if let gw { kv.append(("GATEWAY", gw)) }
                case .none: kv.append(("MODE", "none"))
                }
                if a.ipv6 != .none { kv.append(("MODEV6", a.ipv6.proto)) }
                if case let .static(addr, gw) = a.ipv6 {
                    kv.append(("IPv6", addr))
                    if let gw { kv.append(("IPv6_GATEWAY", gw)) }
                }
                if let v = a.vlan { kv.append(("VLAN", "\(v)")) }
                if let b = a.bond { kv += [("BOND_MEMBERS", b.members.joined(separator: " ")), ("BOND_MODE", b.mode.rawValue)] }
                kv += dnsLines
                if let d = domain(plan) { kv.append(("DOMAIN", d)) }
            } else if let b = admin?.bond, b.members.contains(n.name) {
                kv += [("MODE", "none"), ("BOND", Bond.device)]
            } else {
                kv.append(("MODE", "none"))
            }
            f[fb + "interface-\(n.mac.lowercased()).conf"] = ShellQuote.lines(kv)
        }
        return f
    }

    /// BONDING_OPTS: the mode, link monitoring every 100 ms (a member whose link goes down
    /// is dropped within it), and for LACP fast LACPDUs.
    static func bondingOptions(_ b: Bond) -> String {
        "mode=\(b.mode.kernelMode) miimon=100" + (b.mode == .lacp ? " lacp_rate=fast" : "")
    }

    /// The ifcfg (initscripts) IPv6 keys: none writes none, so that an IPv4-only file is as
    /// it was; SLAAC `IPV6_AUTOCONF=yes`; DHCPv6 `DHCPV6C=yes`; static `IPV6ADDR` and
    /// `IPV6_DEFAULTGW`.
    static func ipv6Lines(_ c: IPv6Config) -> String {
        switch c {
        case .none: return ""
        case .autoconf: return "IPV6INIT=yes\nIPV6_AUTOCONF=yes\n"
        case .dhcp: return "IPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=yes\n"
        case let .static(addr, gw):
            return "IPV6INIT=yes\nIPV6_AUTOCONF=no\nIPV6ADDR=\(addr)\n" + (gw.map { "IPV6_DEFAULTGW=\($0)\n" } ?? "")
        }
    }
}
