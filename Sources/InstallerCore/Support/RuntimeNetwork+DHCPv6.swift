import Foundation

/// DHCPv6 for reaching the installation source: `dhcpcd` (Debian's dhcpcd-base, which the
/// installer CD carries), IPv6 only, once (`-1`): it solicits the router (the default route
/// comes from its advertisement) and a DHCPv6 lease (IA_NA), adds the address and route
/// itself, and exits. Its script is ours: it only records the lease's address and name
/// servers, so no hook of the system touches resolv.conf or the host name; `apply` writes
/// resolv.conf as for every other configuration. The lease (an hour or more from common
/// servers) outlives an installation, so nothing has to renew it.
extension RuntimeNetwork {
    /// What the DHCPv6 server gave: the address (without prefix: IA_NA addresses are /128)
    /// and the name servers.
    struct DHCPv6Lease: Equatable {
        var address: String
        var nameservers: [String]
    }

    /// Runs the DHCPv6 client once; throws "no DHCPv6 answer" after the DHCP timeout.
    func dhcp6(_ dev: String) throws(InstallerError) -> DHCPv6Lease {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("host-installer-dhcp6.\(getpid()).\(UInt32.random(in: 0...UInt32.max))").path
        let out = dir + "/lease6.out"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Self.dhcp6Config(script: dir + "/lease6").write(toFile: dir + "/dhcpcd.conf", atomically: true, encoding: .utf8)
            try Self.lease6Script(out: out).write(toFile: dir + "/lease6", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir + "/lease6")
        } catch {
            throw .failed("cannot write the DHCPv6 client's files: \(error.localizedDescription)", at: dir)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = commands.run(dhcp6Client + ["-f", dir + "/dhcpcd.conf", "-1", "-B", "-w", "-t", "\(dhcpTimeout)", dev])
        if r.exitCode == 127 {
            throw .failed("the DHCPv6 client (\(dhcp6Client.joined(separator: " "))) could not be started: it is not on this system", at: dev,
                          hint: "use SLAAC (autoconf) or a static IPv6 address, or IPv4")
        }
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard let lease = Self.parseLease6(text) else {
            log.log("network: no DHCPv6 answer on \(dev) within \(dhcpTimeout) s")
            throw .failed("no DHCPv6 answer on \(dev) within \(dhcpTimeout) s",
                          hint: "check the DHCPv6 server (and that the router advertises it, the M flag), or use SLAAC or a static address")
        }
        log.log("network: DHCPv6 lease \(lease.address) on \(dev)" + (lease.nameservers.isEmpty ? "" : ", name servers \(lease.nameservers.joined(separator: " "))"))
        return lease
    }

    /// dhcpcd's configuration: IPv6 only, an address (IA_NA), the name servers, our script.
    static func dhcp6Config(script: String) -> String {
        """
        # written by host-installer: DHCPv6 once, to reach the installation source
        ipv6only
        ia_na
        option dhcp6_name_servers
        script \(script)

        """
    }

    /// dhcpcd runs it with the event in `reason` and the lease in `new_dhcp6_*`; only the
    /// events that bring a lease record anything.
    static func lease6Script(out: String) -> String {
        """
        #!/bin/sh
        # host-installer: record the DHCPv6 lease; dhcpcd has added the address itself.
        case "$reason" in
          BOUND6|REBIND6|RENEW6|REBOOT6)
            { echo "hi-lease6 address=$new_dhcp6_ia_na1_ia_addr1"
              echo "hi-lease6 dns=$new_dhcp6_name_servers"; } >> '\(out)' ;;
        esac
        exit 0

        """
    }

    /// The last lease recorded by `lease6Script`, or nil when none has an IPv6 address.
    static func parseLease6(_ text: String) -> DHCPv6Lease? {
        var lease: DHCPv6Lease?
        var current: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("hi-lease6 ") {
            let kv = line.dropFirst(10).split(separator: "=", maxSplits: 1)
            let key = String(kv[0]), value = kv.count == 2 ? kv[1].trimmingCharacters(in: .whitespaces) : ""
            current[key] = value
            if key == "dns", let a = current["address"], Net.isIPv6(a) {
                lease = DHCPv6Lease(address: a, nameservers: value.split(separator: " ").map(String.init).filter(Net.isIP))
            }
        }
        return lease
    }
}
