import Foundation

/// Time, keyboard, filesystems, storage and inventory files. Pure functions of the plan,
/// the machine and the facts; the configurator writes them.
public enum SystemFiles {
    public static let swapFile = "/var/swap/swap.001"
    public static let swapSize: UInt64 = 512 * Size.MiB
    public static let defaultNTPServers = ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org"]

    public static func files(_ plan: InstallPlan, _ machine: Machine, _ facts: TargetFacts) -> [String: String] {
        var f: [String: String] = [:]
        // Time: NTP (servers, or DHCP's), or manual entry (no ntp.conf written).
        if case let .ntp(servers, fromDHCP) = plan.time {
            var ntp = "# written by host-installer\ndriftfile /var/lib/ntp/drift\nrestrict default kod nomodify notrap nopeer noquery\nrestrict 127.0.0.1\n"
            let list = servers.isEmpty && !fromDHCP ? defaultNTPServers : servers
            ntp += list.map { "server \($0) iburst\n" }.joined()
            if fromDHCP { ntp += "# servers given by DHCP on the management interface are added at boot\n" }
            f["/etc/ntp.conf"] = ntp
        }
        let zone = plan.timezone.isEmpty ? "UTC" : plan.timezone
        f["/etc/sysconfig/clock"] = "ZONE=\"\(zone)\"\nUTC=true\nARC=false\n"
        f["/etc/timezone"] = zone + "\n"
        f["/etc/sysconfig/keyboard"] = "KEYBOARDTYPE=\"pc\"\nKEYTABLE=\"\(plan.keymap)\"\n"
        f["/etc/sysconfig/i18n"] = "LANG=\"en_US.UTF-8\"\nSYSFONT=\"drdos8x8\"\n"
        f["/etc/fstab"] = fstab(rootLabel: facts.rootLabel)
        f["/etc/xensource-inventory"] = inventory(plan, machine, facts)
        f["/etc/firstboot.d/data/default-storage.conf"] = ShellQuote.lines([
            ("XSPARTITIONS", facts.storagePartitions.joined(separator: " ")), ("XSTYPE", "lvm"),
            ("PARTITIONS", facts.storagePartitions.joined(separator: " ")), ("TYPE", "lvm")])
        f["/etc/firstboot.d/data/host.conf"] = ShellQuote.lines([("UPGRADE", "false")])
        return f
    }

    public static func fstab(rootLabel: String) -> String {
        """
        LABEL=\(rootLabel)    /          ext3     defaults        1  1
        \(swapFile)    swap       swap     defaults        0  0
        none    /dev/pts   devpts   gid=5,mode=620  0  0
        none    /dev/shm   tmpfs    defaults        0  0
        none    /proc      proc     defaults        0  0
        none    /sys       sysfs    defaults        0  0

        """
    }

    /// The management bridge of a NIC, as XCP names it (`eth0` → `xenbr0`).
    public static func bridge(for nic: String) -> String {
        let digits = nic.reversed().prefix { $0.isNumber }
        return nic.hasPrefix("eth") && !digits.isEmpty ? "xenbr" + String(digits.reversed()) : nic
    }

    /// /etc/xensource-inventory, `KEY='value'` lines in a fixed order.
    public static func inventory(_ plan: InstallPlan, _ machine: Machine, _ facts: TargetFacts) -> String {
        ShellQuote.lines([
            ("PRODUCT_BRAND", facts.productBrand),
            ("PRODUCT_VERSION", facts.productVersion),
            ("BUILD_NUMBER", facts.buildNumber),
            ("INSTALLATION_DATE", facts.installationDate),
            ("PRIMARY_DISK", facts.primaryDisk),
            ("BACKUP_PARTITION", facts.backupPartition),
            ("INSTALLATION_UUID", facts.installationUUID),
            ("CONTROL_DOMAIN_UUID", facts.controlDomainUUID),
            ("MANAGEMENT_INTERFACE", plan.effectiveAdminInterface(on: machine).map { bridge(for: $0.nic) } ?? ""),
            ("DEFAULT_SR_PHYSDEVS", facts.storagePartitions.joined(separator: " ")),
        ])
    }

    /// Parses `KEY='value'` / `KEY="value"` / `KEY=value` lines (inventory, sysconfig files).
    public static func parseKeyValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let l = line.trimmingCharacters(in: .whitespaces)
            guard !l.hasPrefix("#"), let eq = l.firstIndex(of: "=") else { continue }
            let k = String(l[..<eq])
            guard !k.isEmpty, k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            var v = String(l[l.index(after: eq)...])
            if v.count >= 2, let q = v.first, q == "'" || q == "\"", v.last == q { v = String(v.dropFirst().dropLast()) }
            out[k] = v.replacingOccurrences(of: "'\\''", with: "'")
        }
        return out
    }
}
