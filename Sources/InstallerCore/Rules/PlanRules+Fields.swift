import Foundation

extension PlanRules {
    // MARK: Disks

    static func disks(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        var out: [PlanProblem] = []
        switch plan.mode {
        case .fresh:
            out += disk(plan.primaryDisk, .primaryDisk, role: "primary disk", minimum: Size.minimumPrimaryDisk,
                        title: "Select Primary Disk", plan, c)
            if let m = plan.mirrorDisk {
                if !plan.primaryDisk.isEmpty && m == plan.primaryDisk {
                    out.append(PlanProblem(.mirrorDisk, "the two disks of a mirror must differ: both name \(quoted(m))",
                                           screenTitle: "Select Primary Disk", screenMessage: "The disk \(m) cannot mirror itself."))
                } else {
                    out += disk(m, .mirrorDisk, role: "second disk of the mirror", minimum: Size.minimumPrimaryDisk,
                                title: "Select Primary Disk", plan, c)
                }
            }
            var seen: Set<String> = []
            for (i, g) in plan.guestDisks.enumerated() {
                if let m = plan.mirrorDisk, g == m {
                    out.append(PlanProblem(.guestDisk(i), "guest disk \(quoted(g)) is the second disk of the mirror; a disk of the mirror cannot also be VM storage",
                                           screenTitle: "Virtual Machine Storage", screenMessage: "The disk \(g) cannot be used."))
                } else if g == plan.primaryDisk {
                    out.append(PlanProblem(.guestDisk(i), "guest disk \(quoted(g)) is also the primary disk; use gueststorage=\"yes\" on <primary-disk> instead",
                                           screenTitle: "Virtual Machine Storage", screenMessage: "The disk \(g) cannot be used."))
                } else if seen.contains(g) {
                    out.append(PlanProblem(.guestDisk(i), "guest disk \(quoted(g)) is listed twice",
                                           screenTitle: "Virtual Machine Storage", screenMessage: "The disk \(g) cannot be used."))
                } else {
                    out += disk(g, .guestDisk(i), role: "guest disk", minimum: nil, title: "Virtual Machine Storage", plan, c)
                }
                seen.insert(g)
            }
        case .reinstall:
            out += disk(plan.primaryDisk, .primaryDisk, role: "disk of the existing installation", minimum: nil, title: "Installation Type", plan, c)
            if out.isEmpty, c.installationsDetected, let m = c.machine, !m.installations.contains(where: { $0.isOn(plan.primaryDisk) }) {
                out.append(PlanProblem(.primaryDisk, "no installation was found on disk \(quoted(plan.primaryDisk)) (" + found(m.installations.map(\.label)) + ")",
                                       screenTitle: "Installation Type", screenMessage: "There is no installation on \(plan.primaryDisk)."))
            }
        case .restore:
            out += disk(plan.primaryDisk, .primaryDisk, role: "backup disk", minimum: nil, title: "Restore From Backup", plan, c)
            if out.isEmpty, c.installationsDetected, let m = c.machine, !m.backups.contains(where: { $0.isOn(plan.primaryDisk) }) {
                out.append(PlanProblem(.primaryDisk, "no backup was found on disk \(quoted(plan.primaryDisk)) (" + found(m.backups.map(\.label)) + ")",
                                       screenTitle: "Restore From Backup", screenMessage: "There is no backup on \(plan.primaryDisk)."))
            }
        }
        return out
    }

    static func found(_ labels: [String]) -> String {
        labels.isEmpty ? "none was found on any disk" : "found: " + labels.joined(separator: ", ")
    }

    /// A disk name (`sda`) that the machine has, big enough and fixed when it is the primary disk.
    static func disk(_ name: String, _ field: PlanField, role: String, minimum: UInt64?, title: String,
                     _ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        let screen = "The disk \(name) cannot be used."
        guard !name.isEmpty else { return [PlanProblem(field, "no \(role) was given", screenTitle: title, screenMessage: screen)] }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return [PlanProblem(field, "\(quoted(name)) is not a disk name (such as sda)", screenTitle: title, screenMessage: screen)]
        }
        guard let m = c.machine else { return [] }
        guard let d = m.disks.first(where: { $0.name == name }) else {
            let names = m.visibleDisks.map(\.name)
            return [PlanProblem(field, "unknown disk \(quoted(name)) (this machine has: \(names.isEmpty ? "no disks" : names.joined(separator: ", ")))",
                                screenTitle: title, screenMessage: screen)]
        }
        if let drv = d.needsDriver, !m.loadedDrivers.contains(drv), plan.driverSources.isEmpty || c.driversLoaded {
            let why = plan.driverSources.isEmpty ? "and no <driver-source> provides it" : "which is not loaded"
            return [PlanProblem(field, "disk \(quoted(name)) needs driver \(drv), \(why)", screenTitle: title, screenMessage: screen)]
        }
        if let minimum, d.sizeBytes < minimum {
            return [PlanProblem(field, "the \(role) \(quoted(name)) is \(Size.humanGB(d.sizeBytes)); at least \(Size.humanGB(minimum)) is needed",
                                screenTitle: title, screenMessage: screen)]
        }
        if minimum != nil, let cd = m.cdrom, cd.name == name {
            return [PlanProblem(field, "the \(role) \(quoted(name)) is the installer media (the CD drive)", screenTitle: title, screenMessage: screen)]
        }
        if minimum != nil && d.removable {
            return [PlanProblem(field, "the \(role) \(quoted(name)) is a removable disk", screenTitle: title, screenMessage: screen)]
        }
        return []
    }

    // MARK: Sources and scripts

    static func sources(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        guard !plan.sources.isEmpty else {
            return [PlanProblem(.source(nil), "no installation source was given", screenTitle: "Select Installation Source",
                                screenMessage: "Please choose an installation source.")]
        }
        return plan.sources.enumerated().compactMap { i, s in
            if let noCD = noCDDrive(s, kind: "source", c) {
                return PlanProblem(.source(i), noCD, screenTitle: "Problem With Location",
                                   screenMessage: "There is no installation CD in this computer. Insert the Xen Cloud Platform CD, or choose HTTP or FTP, or NFS.")
            }
            return locationProblem(s, kind: "source", example: "path/to/repository").map {
                PlanProblem(.source(i), $0.message, screenTitle: "Specify Repository", screenMessage: $0.screen)
            }
        }
    }

    static func driverSources(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        plan.driverSources.enumerated().compactMap { i, s in
            if let noCD = noCDDrive(s, kind: "driver-source", c) {
                return PlanProblem(.driverSource(i), noCD, screenTitle: "Problem With Location")
            }
            return locationProblem(s, kind: "driver-source", example: "path/to/driver-disk").map {
                PlanProblem(.driverSource(i), $0.message, screenTitle: "Specify Driver Repository", screenMessage: $0.screen)
            }
        }
    }

    /// Local media (the CD drive) on a machine that has no CD drive.
    static func noCDDrive(_ s: Source, kind: String, _ c: Context) -> String? {
        guard case .local(nil) = s, let m = c.machine, m.cdrom == nil else { return nil }
        return "<\(kind) type=\"local\"/> reads the CD drive, and this machine has none; give a URL, an NFS path or a local path"
    }

    /// What is wrong with a location, in the validator's words and the location screens'.
    public static func locationProblem(_ s: Source, kind: String, example: String) -> (message: String, screen: String)? {
        switch s {
        case let .local(p?):
            guard p.hasPrefix("/"), !p.contains("\n") else {
                let m = "<\(kind) type=\"local\"> takes no text (or an absolute path to a directory or ISO image), not \(quoted(p))"
                return (m, m)
            }
            return nil
        case .local(nil):
            return nil
        case let .url(u, _):
            return SourceForms.isURL(u) ? nil : ("\(quoted(SourceForms.withoutPassword(u))) is not an http, https or ftp URL",
                                                 "The URL must start with http://, https:// or ftp:// and name a server.")
        case let .nfs(p):
            return SourceForms.isNFSPath(p) ? nil : ("\(quoted(p)) is not an NFS path (server:/path, the path starting with /)",
                                                     "The NFS path must look like server:/\(example).")
        }
    }

    static func postInstallScript(_ plan: InstallPlan) -> [PlanProblem] {
        guard let s = plan.postInstallScript else { return [] }
        func problem(_ m: String) -> [PlanProblem] { [PlanProblem(.postInstallScript, m, screenTitle: "Confirm Installation")] }
        switch s {
        case .local(nil):
            return problem("<post-install-script type=\"local\"> names no script: put its absolute path in the element, or use type=\"url\" or \"nfs\"")
        case .local:
            return locationProblem(s, kind: "post-install-script", example: "").map { problem($0.message) } ?? []
        case let .url(u, _):
            if let p = locationProblem(s, kind: "post-install-script", example: "") { return problem(p.message) }
            if SourceForms.fileName(u).isEmpty { return problem("the post-install script \(quoted(SourceForms.withoutPassword(u))) names a directory, not a file") }
            return []
        case let .nfs(p):
            if let pr = locationProblem(s, kind: "post-install-script", example: "path/to/script") { return problem(pr.message) }
            if SourceForms.fileName(p).isEmpty { return problem("the post-install script \(quoted(p)) names a directory, not a file") }
            return []
        }
    }

    // MARK: Network, names and time

    /// The checks of a static configuration (the management interface's, and the one used to
    /// reach a remote source), in the order the Networking screen shows its fields.
    public static func ipConfigProblems(_ config: IPConfig) -> [PlanProblem] {
        guard case let .static(ip, mask, gw) = config else { return [] }
        func p(_ f: PlanField, _ m: String, _ name: String) -> PlanProblem {
            PlanProblem(f, m, screenTitle: "Networking", screenMessage: "Invalid \(name), please check the field and try again.")
        }
        var out: [PlanProblem] = []
        if !Net.isIPv4(ip) { out.append(p(.adminIP, "ip \(quoted(ip)) is not an IPv4 address", "IP Address")) }
        if !Net.isNetmask(mask) { out.append(p(.adminNetmask, "subnet-mask \(quoted(mask)) is not a subnet mask (such as 255.255.255.0)", "Subnet mask")) }
        if let g = gw {
            if !Net.isIPv4(g) {
                out.append(p(.adminGateway, "gateway \(quoted(g)) is not an IPv4 address", "Gateway"))
            } else if Net.isIPv4(ip) && Net.isNetmask(mask) {
                if !Net.sameSubnet(g, ip, mask) {
                    out.append(p(.adminGateway, "gateway \(g) is not in the subnet of \(ip) with mask \(mask)", "Gateway"))
                } else if g == ip {
                    out.append(p(.adminGateway, "gateway \(g) is the interface's own address", "Gateway"))
                }
            }
        }
        return out
    }

    /// The checks of the management interface's IPv6 configuration and VLAN tag, and that it
    /// has some address at all.
    public static func adminProblems(_ a: AdminInterface) -> [PlanProblem] {
        var out = ipConfigProblems(a.config) + ipv6Problems(a.ipv6)
        if a.config == .none && a.ipv6 == .none {
            out.append(PlanProblem(.adminInterface, "the management interface has neither IPv4 nor IPv6: give proto=\"dhcp\" or \"static\", or protov6=",
                                   screenTitle: "Networking", screenMessage: "Please choose IPv4, IPv6 or both."))
        }
        if let v = a.vlan { out += vlanProblems(v) }
        if let b = a.bond { out += bondProblems(b, machine: nil) }
        return out
    }

    /// A bond has two or more members, each once (and, with a machine, each one of its NICs).
    public static func bondProblems(_ b: Bond, machine: Machine?) -> [PlanProblem] {
        func p(_ m: String, _ screen: String) -> PlanProblem { PlanProblem(.adminBond, m, screenTitle: "Networking", screenMessage: screen) }
        var seen: Set<String> = []
        for m in b.members {
            if seen.contains(m) { return [p("the bond names \(quoted(m)) twice", "The interface \(m) is chosen twice.")] }
            seen.insert(m)
        }
        if b.members.count < 2 {
            return [p("a bond needs two or more network interfaces, not \(b.members.count)" + (b.members.first.map { " (\($0))" } ?? "")
                      + "; for one interface leave <bond> out", "Please choose two or more interfaces for a bond.")]
        }
        if let m = machine, let unknown = b.members.first(where: { m.nic(named: $0) == nil }) {
            return [p("unknown network interface \(quoted(unknown)) in the bond (this machine has: \(m.nics.map(\.name).joined(separator: ", ")))",
                      "The interface \(unknown) does not exist.")]
        }
        return []
    }

    /// The message a VLAN field shows for any tag it cannot use (also text that is no number).
    public static let vlanScreenMessage = "The VLAN tag must be a number from 1 to 4094 (or empty for no VLAN)."

    public static func vlanProblems(_ v: Int) -> [PlanProblem] {
        guard !Net.vlanRange.contains(v) else { return [] }
        let why = v == 0 ? "0 only marks priority" : v == 4095 ? "4095 is reserved" : "it is out of range"
        return [PlanProblem(.adminVLAN, "vlan=\"\(v)\" is not a VLAN tag (\(why)): use 1 to 4094, or leave vlan= out for an untagged interface",
                            screenTitle: "Networking", screenMessage: vlanScreenMessage)]
    }

    /// The checks of a static IPv6 configuration: `addr/prefix` with a prefix of 1…128, a
    /// global (not link-local) address, and a gateway that is an IPv6 address.
    public static func ipv6Problems(_ config: IPv6Config) -> [PlanProblem] {
        guard case let .static(cidr, gw) = config else { return [] }
        func p(_ f: PlanField, _ m: String, _ name: String) -> PlanProblem {
            PlanProblem(f, m, screenTitle: "Networking", screenMessage: "Invalid \(name), please check the field and try again.")
        }
        var out: [PlanProblem] = []
        let (addr, prefix, slash) = Net.splitCIDR(cidr.trimmingCharacters(in: .whitespaces))
        if cidr.trimmingCharacters(in: .whitespaces).isEmpty {
            out.append(p(.adminIPv6, "protov6=\"static\" needs an address: <ipv6>2001:db8::5/64</ipv6>", "IPv6 address"))
        } else if !Net.isIPv6(addr) {
            out.append(p(.adminIPv6, "ipv6 \(quoted(addr)) is not an IPv6 address (such as 2001:db8::5/64)", "IPv6 address"))
        } else if !slash {
            out.append(p(.adminIPv6, "ipv6 \(quoted(cidr)) has no prefix length: write it as \(addr)/64", "IPv6 prefix"))
        } else if let n = prefix, (1...128).contains(n) {
            if Net.isLinkLocalIPv6(addr) {
                out.append(p(.adminIPv6, "ipv6 \(addr) is a link-local address (fe80::/10); give a global or unique local address", "IPv6 address"))
            }
        } else {
            out.append(p(.adminIPv6, "the prefix length of ipv6 \(quoted(cidr)) must be a number from 1 to 128", "IPv6 prefix"))
        }
        if let g = gw {
            if !Net.isIPv6(g) {
                out.append(p(.adminGatewayV6, "gatewayv6 \(quoted(g)) is not an IPv6 address", "IPv6 gateway"))
            } else if g == addr {
                out.append(p(.adminGatewayV6, "gatewayv6 \(g) is the interface's own address", "IPv6 gateway"))
            }
        }
        return out
    }

    /// No configuration comes from the network (DHCP, DHCPv6, SLAAC): the plan must name the
    /// host, its nameservers and its NTP servers itself.
    static func isStatic(_ plan: InstallPlan) -> Bool {
        guard let a = plan.adminInterface else { return false }
        return !a.usesDHCP
    }

    static func network(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        var out = plan.adminInterface.map(adminProblems) ?? []
        if let b = plan.adminInterface?.bond, let m = c.machine, out.allSatisfy({ $0.field != .adminBond }) {
            out += bondProblems(b, machine: m)
        }
        let isStatic = isStatic(plan), fresh = plan.mode == .fresh
        let title = "Name Service Configuration"
        switch plan.hostname {
        case let .manual(h) where !Net.isHostname(h):
            out.append(PlanProblem(.hostname, "\(quoted(h)) is not a host name (letters, digits and hyphens, in dot-separated labels)",
                                   screenTitle: title, screenMessage: "The hostname you entered was not valid."))
        case .dhcp where isStatic && fresh:
            out.append(PlanProblem(.hostname, "a static <admin-interface> needs a <hostname> (no DHCP server names the host)",
                                   screenTitle: title, screenMessage: "The hostname you entered was not valid."))
        default: break
        }
        let noDNS = "Please give at least one nameserver (DNS Server 1)."
        switch plan.nameservers {
        case let .manual(list):
            if list.isEmpty && fresh {
                out.append(PlanProblem(.nameserver(nil), isStatic ? "a static <admin-interface> needs at least one <nameserver> (no DHCP server names them)"
                                                                  : "no nameserver was given", screenTitle: title, screenMessage: noDNS))
            }
            for (i, n) in list.enumerated() where !Net.isIP(n) {
                out.append(PlanProblem(.nameserver(i), "nameserver \(quoted(n)) is not an IPv4 or IPv6 address",
                                       screenTitle: title, screenMessage: "DNS Server \(i + 1) is not a valid IP address."))
            }
        case .dhcp where isStatic && fresh:
            out.append(PlanProblem(.nameserver(nil), "a static <admin-interface> needs at least one <nameserver> (no DHCP server names them)",
                                   screenTitle: title, screenMessage: noDNS))
        case .dhcp: break
        }
        return out
    }

    static func time(_ plan: InstallPlan) -> [PlanProblem] {
        guard case let .ntp(servers, fromDHCP) = plan.time else { return [] }
        let title = "NTP Configuration", none = "You did not specify any NTP servers."
        var out: [PlanProblem] = []
        if fromDHCP && isStatic(plan) {
            out.append(PlanProblem(.ntpServer(nil), "NTP servers from DHCP need proto=\"dhcp\" (or protov6=\"dhcp\" or \"autoconf\") on <admin-interface>", screenTitle: title, screenMessage: none))
        } else if !fromDHCP && servers.isEmpty && plan.mode == .fresh {
            out.append(PlanProblem(.ntpServer(nil), isStatic(plan) ? "a static <admin-interface> needs at least one <ntp-server> (no DHCP server names them)"
                                   : "no NTP server was given: add an <ntp-server>, or <ntp-server dhcp=\"true\"/>", screenTitle: title, screenMessage: none))
        }
        for (i, s) in servers.enumerated() where !(Net.isServer(s) || Net.isIPv6(s)) {
            out.append(PlanProblem(.ntpServer(i), "NTP server \(quoted(s)) is not a host name or IPv4 address",
                                   screenTitle: title, screenMessage: "\"\(s)\" is not a valid server name or IP address."))
        }
        return out
    }
}
