import Foundation

/// `<admin-interface>`: the NIC by name or MAC address, IPv4 by DHCP, static or none
/// (`proto=`), IPv6 by SLAAC, DHCPv6, static or none (`protov6=`, `<ipv6>addr/prefix</ipv6>`,
/// `<gatewayv6>`), and a VLAN tag (`vlan=`), as XenServer writes them. The rule book checks
/// the values.
extension AnswerfileChecker {
    mutating func adminInterface(_ e: XElement) {
        var name = e.attribute("name")?.trimmingCharacters(in: .whitespaces)
        let hwaddr = e.attribute("hwaddr")?.trimmingCharacters(in: .whitespaces).lowercased()
        var ok = true
        // <bond mode="active-backup|lacp">eth0 eth1</bond>: the first member stands for the NIC.
        let bondElement = e.children.first { $0.name == "bond" }
        var bond: Bond?
        if let b = bondElement {
            locations[.adminBond] = b
            let members = b.trimmedText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
            let rawMode = b.attribute("mode")?.trimmingCharacters(in: .whitespaces) ?? "active-backup"
            let mode: Bond.Mode? = rawMode == "802.3ad" ? .lacp : Bond.Mode(rawValue: rawMode)
            if let mode {
                bond = Bond(members: members, mode: mode)
            } else {
                error(b, "bond mode must be \"active-backup\" or \"lacp\" (802.3ad), not \(Self.quoted(rawMode))")
                ok = false
            }
            if name == nil && hwaddr == nil, let first = members.first { name = first }
            if let name, hwaddr == nil, let first = members.first, name != first {
                error(e, "name=\(Self.quoted(name)) is not the bond's first member (\(first)); leave name= out with <bond>")
                ok = false
            }
        }
        var nic: String? = nil, mac: String? = nil
        if name == nil && hwaddr == nil {
            error(e, "<admin-interface> needs name=\"eth0\" or hwaddr=\"00:16:3e:00:00:01\" (or a <bond> naming its interfaces)")
            ok = false
        }
        if let name {
            if name.isEmpty { error(e, "the admin-interface name is empty"); ok = false }
            else if let m = machine {
                if let n = m.nic(named: name) { nic = n.name; mac = n.mac } else {
                    error(e, "unknown network interface \(Self.quoted(name)) (this machine has: \(m.nics.isEmpty ? "none" : m.nics.map(\.name).joined(separator: ", ")))")
                    ok = false
                }
            } else { nic = name }
        }
        if let hwaddr {
            if !Net.isMAC(hwaddr) {
                error(e, "hwaddr \(Self.quoted(hwaddr)) is not a MAC address (six pairs of hex digits separated by ':')")
                ok = false
            } else if let m = machine {
                if let n = m.nic(mac: hwaddr) {
                    if let nic, nic != n.name {
                        error(e, "name=\(Self.quoted(nic)) and hwaddr=\(Self.quoted(hwaddr)) are different interfaces (that MAC address is \(n.name))")
                        ok = false
                    }
                    nic = n.name; mac = n.mac
                } else {
                    error(e, "no network interface has MAC address \(Self.quoted(hwaddr)) (this machine has: \(m.nics.map { "\($0.name) \($0.mac)" }.joined(separator: ", ")))")
                    ok = false
                }
            } else { mac = hwaddr }
        }
        if ok, let m = machine, let nic, let n = m.nic(named: nic), !n.link {
            warning(e, "network interface \(nic) has no link")
        }

        // Children.
        var kids: [String: XElement] = [:]
        for c in e.children {
            guard Self.adminChildren.contains(c.name) else {
                warning(c, "unknown element <\(c.name)> in <admin-interface> is ignored")
                continue
            }
            if let first = kids[c.name] { error(c, "duplicate <\(c.name)> (first at line \(first.line)); it may appear only once"); continue }
            for a in c.attributes where !(c.name == "bond" && a.name == "mode") { warning(c, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <\(c.name)> is ignored") }
            for cc in c.children { error(cc, "<\(c.name)> takes only text, not an element <\(cc.name)>") }
            kids[c.name] = c
        }
        if !e.trimmedText.isEmpty {
            error(e, "text \(Self.quoted(e.trimmedText)) inside <admin-interface>; use name=, hwaddr=, proto=, protov6= and vlan= attributes, and <ip>, <subnet-mask>, <gateway>, <ipv6>, <gatewayv6>, <bond> children")
        }

        var config: IPConfig?
        guard let rawProto = e.attribute("proto") else {
            error(e, "<admin-interface> needs proto=\"dhcp\", proto=\"static\" or proto=\"none\"")
            return
        }
        let v4 = ["ip", "subnet-mask", "gateway"]
        switch rawProto.trimmingCharacters(in: .whitespaces) {
        case "dhcp", "none":
            let p = rawProto.trimmingCharacters(in: .whitespaces)
            for c in e.children where v4.contains(c.name) {
                warning(c, "<\(c.name)> is ignored with proto=\"\(p)\"")
            }
            config = p == "dhcp" ? .dhcp : IPConfig.none
        case "static":
            let absent = v4.filter { kids[$0] == nil }
            if !absent.isEmpty {
                error(e, "proto=\"static\" needs <ip>, <subnet-mask> and <gateway>; missing " + absent.map { "<\($0)>" }.joined(separator: ", "))
            }
            var ip: String?, mask: String?, gw: String?
            if let c = kids["ip"] { locations[.adminIP] = c; ip = nonEmptyText(c) }
            if let c = kids["subnet-mask"] { locations[.adminNetmask] = c; mask = nonEmptyText(c) }
            if let c = kids["gateway"] { locations[.adminGateway] = c; gw = nonEmptyText(c) }
            if let ip, let mask, let gw, absent.isEmpty { config = .static(ip: ip, netmask: mask, gateway: gw) }
        default:
            error(e, "proto must be \"dhcp\", \"static\" or \"none\", not \(Self.quoted(rawProto))")
        }

        var ipv6: IPv6Config? = IPv6Config.none
        let rawV6 = e.attribute("protov6")?.trimmingCharacters(in: .whitespaces) ?? "none"
        switch rawV6 {
        case "none", "autoconf", "dhcp":
            for c in e.children where ["ipv6", "gatewayv6"].contains(c.name) {
                warning(c, "<\(c.name)> is ignored with protov6=\"\(rawV6)\" (it needs protov6=\"static\")")
            }
            ipv6 = rawV6 == "dhcp" ? .dhcp : rawV6 == "autoconf" ? .autoconf : IPv6Config.none
        case "static":
            // An empty or absent <ipv6> is the rule book's "needs an address", at the element.
            var addr = "", gw: String?
            if let c = kids["ipv6"] { locations[.adminIPv6] = c; addr = c.trimmedText }
            if let c = kids["gatewayv6"] { locations[.adminGatewayV6] = c; gw = nonEmptyText(c) }
            ipv6 = .static(address: addr, gateway: gw)
        default:
            error(e, "protov6 must be \"none\", \"autoconf\" (SLAAC), \"dhcp\" (DHCPv6) or \"static\", not \(Self.quoted(rawV6))")
            ipv6 = nil
        }

        var vlan: Int?
        if let raw = e.attribute("vlan")?.trimmingCharacters(in: .whitespaces) {
            if let n = Int(raw), raw.allSatisfy(\.isNumber) {
                vlan = n   // the range is the rule book's
            } else {
                error(e, "vlan=\(Self.quoted(raw)) is not a VLAN tag: give a number from 1 to 4094, or leave vlan= out for an untagged interface")
                ok = false
            }
        }

        if ok, let config, let ipv6 {
            plan.adminInterface = AdminInterface(nic: nic ?? "", mac: mac ?? "", config: config, ipv6: ipv6, vlan: vlan, bond: bond)
        } else {
            // What the interface would have needed (hostname, DNS, NTP) is not asked for
            // until it can be read.
            errorPlaces.insert([e.line, e.column])
        }
    }

    static let adminChildren = ["ip", "subnet-mask", "gateway", "ipv6", "gatewayv6", "bond"]
}
