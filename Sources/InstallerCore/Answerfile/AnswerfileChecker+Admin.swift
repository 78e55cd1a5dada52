import Foundation

/// `<admin-interface>`: the NIC by name or MAC address, DHCP or a static address (whose
/// values the rule book checks).
extension AnswerfileChecker {
    mutating func adminInterface(_ e: XElement) {
        let name = e.attribute("name")?.trimmingCharacters(in: .whitespaces)
        let hwaddr = e.attribute("hwaddr")?.trimmingCharacters(in: .whitespaces).lowercased()
        var ok = true
        var nic: String? = nil, mac: String? = nil
        if name == nil && hwaddr == nil {
            error(e, "<admin-interface> needs name=\"eth0\" or hwaddr=\"00:16:3e:00:00:01\"")
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
            guard ["ip", "subnet-mask", "gateway"].contains(c.name) else {
                warning(c, "unknown element <\(c.name)> in <admin-interface> is ignored")
                continue
            }
            if let first = kids[c.name] { error(c, "duplicate <\(c.name)> (first at line \(first.line)); it may appear only once"); continue }
            for a in c.attributes { warning(c, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <\(c.name)> is ignored") }
            for cc in c.children { error(cc, "<\(c.name)> takes only text, not an element <\(cc.name)>") }
            kids[c.name] = c
        }
        if !e.trimmedText.isEmpty {
            error(e, "text \(Self.quoted(e.trimmedText)) inside <admin-interface>; use name=, hwaddr= and proto= attributes, and <ip>, <subnet-mask>, <gateway> children")
        }

        var config: IPConfig?
        guard let rawProto = e.attribute("proto") else {
            error(e, "<admin-interface> needs proto=\"dhcp\" or proto=\"static\"")
            return
        }
        switch rawProto.trimmingCharacters(in: .whitespaces) {
        case "dhcp":
            for c in e.children where ["ip", "subnet-mask", "gateway"].contains(c.name) {
                warning(c, "<\(c.name)> is ignored with proto=\"dhcp\"")
            }
            config = .dhcp
        case "static":
            let absent = ["ip", "subnet-mask", "gateway"].filter { kids[$0] == nil }
            if !absent.isEmpty {
                error(e, "proto=\"static\" needs <ip>, <subnet-mask> and <gateway>; missing " + absent.map { "<\($0)>" }.joined(separator: ", "))
            }
            var ip: String?, mask: String?, gw: String?
            if let c = kids["ip"] { locations[.adminIP] = c; ip = nonEmptyText(c) }
            if let c = kids["subnet-mask"] { locations[.adminNetmask] = c; mask = nonEmptyText(c) }
            if let c = kids["gateway"] { locations[.adminGateway] = c; gw = nonEmptyText(c) }
            if let ip, let mask, let gw, absent.isEmpty { config = .static(ip: ip, netmask: mask, gateway: gw) }
        default:
            error(e, "proto must be \"dhcp\" or \"static\", not \(Self.quoted(rawProto))")
        }
        if ok, let config {
            plan.adminInterface = AdminInterface(nic: nic ?? "", mac: mac ?? "", config: config)
        } else {
            // What the interface would have needed (hostname, DNS, NTP) is not asked for
            // until it can be read.
            errorPlaces.insert([e.line, e.column])
        }
    }
}
