import Foundation

/// The settings of an existing installation, read from its (read-only mounted) root: what
/// an upgrade keeps instead of asking again (reference 5.5, 2009 `readSettings`).
public struct PreservedSettings: Equatable, Sendable {
    public var hostname: HostnameConfig = .dhcp
    public var nameservers: NameserverConfig = .dhcp
    public var adminInterface: AdminInterface?
    public var timezone = "UTC"
    public var time: TimeConfig = .ntp(servers: [], fromDHCP: false)
    public var keymap = "us"
    public var rootHash: String?
    public var installationUUID: String
    public var controlDomainUUID: String
    public var productVersion: String
    /// The old /etc/xensource-inventory, kept as /var/tmp/.previousInventory.
    public var inventoryText: String

    /// Files put back from the backup after the new product is installed (those that exist).
    public static let restoredGlobs = [
        "/etc/ssh/ssh_host_*", "/etc/firstboot.d/data/*.conf", "/etc/firstboot.d/data/initial-ifcfg/ifcfg-*",
        "/etc/sysconfig/network", "/etc/sysconfig/network-scripts/ifcfg-*",
        "/etc/xensource/ptoken", "/etc/xensource/pool.conf", "/etc/xensource/xapi-ssl.pem", "/etc/xensource/license",
        "/var/xapi/state.db",
    ]

    /// Reads the settings from the old root mounted at `root`.
    public static func read(root: String, log: EventLog) throws(InstallerError) -> PreservedSettings {
        func text(_ p: String) -> String? {
            (try? TargetPath.read(root: root, p)) ?? nil
        }
        guard let inv = text(InstallationDetector.inventoryPath) else {
            throw .failed("the existing installation has no \(InstallationDetector.inventoryPath)", at: root)
        }
        let kv = SystemFiles.parseKeyValues(inv)
        guard let iu = kv["INSTALLATION_UUID"], !iu.isEmpty, let cu = kv["CONTROL_DOMAIN_UUID"], !cu.isEmpty else {
            throw .failed("the inventory of the existing installation has no INSTALLATION_UUID or CONTROL_DOMAIN_UUID",
                          at: InstallationDetector.inventoryPath, hint: "choose a clean installation instead")
        }
        var s = PreservedSettings(installationUUID: iu, controlDomainUUID: cu, productVersion: kv["PRODUCT_VERSION"] ?? "", inventoryText: inv)
        let net = SystemFiles.parseKeyValues(text("/etc/sysconfig/network") ?? "")
        if let h = net["HOSTNAME"] ?? text("/etc/hostname")?.trimmingCharacters(in: .whitespacesAndNewlines),
           !h.isEmpty, h != NetworkFiles.dhcpHostname {
            s.hostname = .manual(h)
        }
        let ns = (text("/etc/resolv.conf") ?? "").split(separator: "\n").compactMap { l -> String? in
            let f = l.split(separator: " ", omittingEmptySubsequences: true)
            return f.count >= 2 && f[0] == "nameserver" ? String(f[1]) : nil
        }
        if !ns.isEmpty { s.nameservers = .manual(ns) }
        if let ntp = text("/etc/ntp.conf") {
            let servers = ntp.split(separator: "\n").compactMap { l -> String? in
                let f = l.split(separator: " ", omittingEmptySubsequences: true)
                return f.count >= 2 && f[0] == "server" && !f[1].hasPrefix("127.127.") ? String(f[1]) : nil
            }
            let dhcp = ntp.contains("servers given by DHCP")
            s.time = .ntp(servers: servers == SystemFiles.defaultNTPServers && !dhcp ? [] : servers, fromDHCP: dhcp)
        } else {
            s.time = .manual
        }
        if let z = SystemFiles.parseKeyValues(text("/etc/sysconfig/clock") ?? "")["ZONE"], !z.isEmpty { s.timezone = z }
        if let k = SystemFiles.parseKeyValues(text("/etc/sysconfig/keyboard") ?? "")["KEYTABLE"], !k.isEmpty { s.keymap = k }
        for line in (text("/etc/shadow") ?? "").split(separator: "\n") where line.hasPrefix("root:") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count > 1, !f[1].isEmpty { s.rootHash = String(f[1]) }
        }
        // The management interface: firstboot network.conf names its MAC; interface-MAC.conf its configuration.
        let fb = SystemFiles.parseKeyValues(text("/etc/firstboot.d/data/network.conf") ?? "")
        if let mac = fb["ADMIN_INTERFACE"]?.lowercased(), !mac.isEmpty {
            let i = SystemFiles.parseKeyValues(text("/etc/firstboot.d/data/interface-\(mac).conf") ?? "")
            let config: IPConfig
            if i["MODE"] == "static", let ip = i["IP"], let mask = i["NETMASK"] {
                config = .static(ip: ip, netmask: mask, gateway: i["GATEWAY"].flatMap { $0.isEmpty ? nil : $0 })
            } else if i["MODE"] == "none", let v6 = i["MODEV6"], v6 != "none" {
                config = .none
            } else {
                config = .dhcp
            }
            let ipv6: IPv6Config
            switch i["MODEV6"] {
            case "autoconf": ipv6 = .autoconf
            case "dhcp": ipv6 = .dhcp
            case "static": ipv6 = .static(address: i["IPv6"] ?? "", gateway: i["IPv6_GATEWAY"].flatMap { $0.isEmpty ? nil : $0 })
            default: ipv6 = .none
            }
            s.adminInterface = AdminInterface(nic: i["LABEL"] ?? "eth0", mac: mac, config: config, ipv6: ipv6, vlan: i["VLAN"].flatMap { Int($0) },
                                              bond: i["BOND_MEMBERS"].flatMap { m in
                                                  Bond.Mode(rawValue: i["BOND_MODE"] ?? "").map { Bond(members: m.split(separator: " ").map(String.init), mode: $0) }
                                              })
        }
        log.log("preserved settings of \(kv["PRODUCT_BRAND"] ?? "") \(s.productVersion): hostname \(s.hostname), timezone \(s.timezone), keymap \(s.keymap), management \(s.adminInterface.map { "\($0.nic) \($0.config)" } ?? "none")")
        return s
    }

    /// The plan with the kept values in place of the screens' or the answerfile's.
    public func apply(to plan: InstallPlan) -> InstallPlan {
        var p = plan
        p.hostname = hostname
        p.nameservers = nameservers
        p.adminInterface = adminInterface ?? p.adminInterface
        p.timezone = timezone
        p.time = time
        p.keymap = keymap
        if let h = rootHash { p.rootPassword = .hash(h) }
        return p
    }

    /// Puts back the preserved files from the backup (mounted at `backup`) into the new root,
    /// keeps the old inventory as /var/tmp/.previousInventory, and marks the first boot as an upgrade.
    public func restoreFiles(from backup: String, into root: String, log: EventLog) throws(InstallerError) {
        var n = 0
        for glob in Self.restoredGlobs {
            let dir = (glob as NSString).deletingLastPathComponent
            let pattern = (glob as NSString).lastPathComponent
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: backup + dir) else { continue }
            for name in names.sorted() where fnmatch(pattern, name, 0) == 0 {
                var st = stat()
                guard lstat(backup + dir + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
                      let data = FileManager.default.contents(atPath: backup + dir + "/" + name) else { continue }
                let host = try TargetPath.resolve(root: root, dir + "/" + name)
                unlink(host)
                try TargetPath.write(root: root, dir + "/" + name, [UInt8](data), mode: st.st_mode & 0o7777)
                lchown(host, st.st_uid, st.st_gid)
                n += 1
            }
        }
        try TargetPath.write(root: root, "/var/tmp/.previousInventory", inventoryText)
        try TargetPath.write(root: root, "/var/tmp/.previousVersion", "PRODUCT_VERSION='\(productVersion)'\n")
        try TargetPath.write(root: root, "/etc/firstboot.d/data/host.conf", "UPGRADE='true'\n")
        log.log("put back \(n) preserved files; the old inventory is /var/tmp/.previousInventory")
    }
}
