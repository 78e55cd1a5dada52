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
            // XCP style: the NIC is a port of the management bridge, which holds the address.
            let br = SystemFiles.bridge(for: a.nic)
            if br != a.nic {
                f["/etc/sysconfig/network-scripts/ifcfg-\(a.nic)"] = "DEVICE=\(a.nic)\nHWADDR=\(a.mac)\nONBOOT=yes\nBRIDGE=\(br)\nXEMANAGED=yes\n"
            }
            var ifcfg = br != a.nic ? "DEVICE=\(br)\nTYPE=Bridge\nSTP=off\nONBOOT=yes\n" : "DEVICE=\(a.nic)\nHWADDR=\(a.mac)\nONBOOT=yes\n"
            switch a.config {
            case .dhcp:
                ifcfg += "BOOTPROTO=dhcp\n"
                if case .dhcp = plan.nameservers { ifcfg += "PEERDNS=yes\n" } else { ifcfg += "PEERDNS=no\n" }
            case let .static(ip, mask, gw):
                ifcfg += "BOOTPROTO=none\nIPADDR=\(ip)\nNETMASK=\(mask)\n"
                if let gw { ifcfg += "GATEWAY=\(gw)\n" }
            }
            ifcfg += dnsLines.map { "\($0.0)=\($0.1)\n" }.joined()
            if let d = domain(plan) { ifcfg += "DOMAIN=\(d)\n" }
            f["/etc/sysconfig/network-scripts/ifcfg-\(br)"] = ifcfg
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
                }
                kv += dnsLines
                if let d = domain(plan) { kv.append(("DOMAIN", d)) }
            } else {
                kv.append(("MODE", "none"))
            }
            f[fb + "interface-\(n.mac.lowercased()).conf"] = ShellQuote.lines(kv)
        }
        return f
    }
}
