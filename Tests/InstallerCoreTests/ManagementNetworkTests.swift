import Foundation
import Testing
@testable import InstallerCore

/// Issue 18: IPv6 and a VLAN tag on the management interface — the rule book, the boot line,
/// the files written to the host, the recorded answerfile and the upgrade's kept settings.
@Suite struct ManagementNetworkRuleTests {
    static func problems(_ a: AdminInterface, nameservers: NameserverConfig = .manual(["2001:db8::53"])) -> [PlanProblem] {
        var p = PlanRulesTests.plan
        p.adminInterface = a
        p.hostname = .manual("xcp1")
        p.nameservers = nameservers
        p.time = .ntp(servers: ["2001:db8::123"], fromDHCP: false)
        return PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine))
    }
    static func v6(_ c: IPv6Config, v4: IPConfig = .none, vlan: Int? = nil) -> AdminInterface {
        AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: v4, ipv6: c, vlan: vlan)
    }

    @Test func addressesOfBothFamilies() {
        #expect(Net.isIPv6("2001:db8::1") && Net.isIPv6("::1") && Net.isIPv6("fe80::1") && Net.isIPv6("::ffff:10.0.0.1"))
        #expect(!Net.isIPv6("2001:db8::zz") && !Net.isIPv6("10.0.0.1") && !Net.isIPv6("1:2:3:4:5:6:7:8:9") && !Net.isIPv6("2001:db8::1/64")
                && !Net.isIPv6("fe80::1%eth0") && !Net.isIPv6(":::") && !Net.isIPv6(""))
        #expect(Net.isIP("10.0.0.1") && Net.isIP("2001:db8::53") && !Net.isIP("dns.example.com"))
    }

    @Test func aStaticIPv6NeedsAnAddressWithAPrefixOf1To128() {
        #expect(Self.problems(Self.v6(.static(address: "2001:db8::5/64", gateway: "fe80::1"))) == [])
        #expect(Self.problems(Self.v6(.static(address: "2001:db8::5/128", gateway: nil))) == [])
        let cases: [(String, String, String)] = [
            ("", "protov6=\"static\" needs an address: <ipv6>2001:db8::5/64</ipv6>", "Invalid IPv6 address, please check the field and try again."),
            ("2001:db8::zz/64", "ipv6 \"2001:db8::zz\" is not an IPv6 address (such as 2001:db8::5/64)", "Invalid IPv6 address, please check the field and try again."),
            ("2001:db8::5", "ipv6 \"2001:db8::5\" has no prefix length: write it as 2001:db8::5/64", "Invalid IPv6 prefix, please check the field and try again."),
            ("2001:db8::5/0", "the prefix length of ipv6 \"2001:db8::5/0\" must be a number from 1 to 128", "Invalid IPv6 prefix, please check the field and try again."),
            ("2001:db8::5/129", "the prefix length of ipv6 \"2001:db8::5/129\" must be a number from 1 to 128", "Invalid IPv6 prefix, please check the field and try again."),
            ("2001:db8::5/x", "the prefix length of ipv6 \"2001:db8::5/x\" must be a number from 1 to 128", "Invalid IPv6 prefix, please check the field and try again."),
            ("fe80::5/64", "ipv6 fe80::5 is a link-local address (fe80::/10); give a global or unique local address", "Invalid IPv6 address, please check the field and try again."),
        ]
        for (addr, message, screen) in cases {
            let p = Self.problems(Self.v6(.static(address: addr, gateway: nil)))
            #expect(p.map(\.field) == [.adminIPv6], "\(addr)")
            #expect(p.first?.message == message)
            #expect(p.first?.screenMessage == screen && p.first?.screenTitle == "Networking")
        }
        let gw = Self.problems(Self.v6(.static(address: "2001:db8::5/64", gateway: "10.0.0.1")))
        #expect(gw.map(\.field) == [.adminGatewayV6] && gw[0].message == "gatewayv6 \"10.0.0.1\" is not an IPv6 address")
        #expect(PlanRules.elementName(.adminIPv6) == "ipv6" && PlanRules.elementName(.adminGatewayV6) == "gatewayv6")
    }

    @Test func aVLANTagIsFrom1To4094() {
        #expect(Self.problems(Self.v6(.none, v4: .dhcp, vlan: 1)) == [])
        #expect(Self.problems(Self.v6(.none, v4: .dhcp, vlan: 4094)) == [])
        for (tag, why) in [(0, "0 only marks priority"), (4095, "4095 is reserved"), (5000, "it is out of range"), (-1, "it is out of range")] {
            let p = Self.problems(Self.v6(.none, v4: .dhcp, vlan: tag))
            #expect(p.map(\.field) == [.adminVLAN])
            #expect(p.first?.message == "vlan=\"\(tag)\" is not a VLAN tag (\(why)): use 1 to 4094, or leave vlan= out for an untagged interface")
            #expect(p.first?.screenMessage == PlanRules.vlanScreenMessage)
        }
    }

    @Test func anInterfaceNeedsIPv4OrIPv6() {
        let p = Self.problems(Self.v6(.none, v4: .none))
        #expect(p.map(\.field) == [.adminInterface])
        #expect(p.first?.screenMessage == "Please choose IPv4, IPv6 or both.")
    }

    @Test func nameserversOfEitherFamily() {
        #expect(Self.problems(Self.v6(.autoconf), nameservers: .manual(["10.0.0.2", "2001:db8::53"])) == [])
        let p = Self.problems(Self.v6(.autoconf), nameservers: .manual(["2001:db8::53", "dns.example.com"]))
        #expect(p.map(\.field) == [.nameserver(1)])
        #expect(p.first?.message == "nameserver \"dns.example.com\" is not an IPv4 or IPv6 address")
    }

    @Test func slaacOrDHCPv6CountsAsConfigurationFromTheNetwork() {
        // IPv6 by SLAAC with no IPv4: DNS may come from the network, so none is required.
        var p = PlanRulesTests.plan
        p.adminInterface = Self.v6(.autoconf)
        #expect(PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine)) == [])
        // Static IPv6 and no IPv4: the plan must name the host and its nameservers.
        p.adminInterface = Self.v6(.static(address: "2001:db8::5/64", gateway: nil))
        #expect(PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine)).map(\.field) == [.hostname, .nameserver(nil), .ntpServer(nil)])
    }
}

@Suite struct BootNetworkTests {
    @Test func networkConfigOnTheBootLine() throws {
        let b = BootParameters.parse("answerfile=http://[2001:db8::1]/a.xml install network_device=eth1 network_config=dhcp;vlan=42")
        #expect(b.networkDevice == "eth1")
        #expect(try b.network() == BootNetwork(config: .dhcp, vlan: 42))
        let s = try BootNetwork.parse("static:ip=10.0.0.5;netmask=255.255.255.0;gateway=10.0.0.1;dns=10.0.0.2,2001:db8::53;vlan=7")
        #expect(s == BootNetwork(config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1"), vlan: 7, nameservers: ["10.0.0.2", "2001:db8::53"]))
        #expect(try BootNetwork.parse("none;ipv6=autoconf") == BootNetwork(config: .none, ipv6: .autoconf))
        #expect(try BootNetwork.parse("none;ipv6=2001:db8::5/64;gatewayv6=2001:db8::1")
                == BootNetwork(config: .none, ipv6: .static(address: "2001:db8::5/64", gateway: "2001:db8::1")))
        #expect(try BootParameters.parse("install").network() == nil)
    }

    /// `bond=` in network_config=: the members, then the mode (active-backup by default); the
    /// bond rules of the answerfile (two or more NICs, none twice), with the text named.
    @Test func bootLineBond() throws {
        #expect(try BootNetwork.parse("dhcp;bond=eth0,eth1:lacp") == BootNetwork(config: .dhcp, bond: Bond(members: ["eth0", "eth1"], mode: .lacp)))
        #expect(try BootNetwork.parse("dhcp;bond=eth0,eth1:802.3ad;vlan=42")
                == BootNetwork(config: .dhcp, vlan: 42, bond: Bond(members: ["eth0", "eth1"], mode: .lacp)))
        #expect(try BootNetwork.parse("static:ip=10.0.0.5;netmask=255.255.255.0;bond=eth2,eth3,eth4")
                == BootNetwork(config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: nil), bond: Bond(members: ["eth2", "eth3", "eth4"], mode: .activeBackup)))
        func refused(_ text: String, _ why: String) {
            #expect(throws: InstallerError.invalid("network_config=\(text)", why,
                                                   hint: "write network_config=dhcp;vlan=N, or network_config=static;ip=A;netmask=M;gateway=G;dns=D")) {
                try BootNetwork.parse(text)
            }
        }
        refused("dhcp;bond=eth0", "a bond needs two or more network interfaces, not 1 (eth0); for one interface leave <bond> out")
        refused("dhcp;bond=eth0,eth0:lacp", "the bond names \"eth0\" twice")
        refused("dhcp;bond=eth0,eth1:balance-rr", "the bond's mode must be lacp (802.3ad) or active-backup, not \"balance-rr\"")
        refused("dhcp;bond=eth0,,eth1", "bond=eth0,,eth1 names \"\", not a network interface")
    }

    @Test func aBadNetworkConfigIsRefusedAtStart() {
        for (text, why) in [("dhcp;vlan=4095", "vlan=\"4095\" is not a VLAN tag (4095 is reserved): use 1 to 4094, or leave vlan= out for an untagged interface"),
                            ("dhcp;vlan=x", "vlan=x is not a number from 1 to 4094"),
                            ("bootp", "it must start with dhcp, static or none"),
                            ("static;ip=10.0.0.5", "static needs ip= and netmask="),
                            ("none;ipv6=2001:db8::5/200", "the prefix length of ipv6 \"2001:db8::5/200\" must be a number from 1 to 128"),
                            ("dhcp;colour=blue", "unknown key colour="),
                            ("none", "the management interface has neither IPv4 nor IPv6: give proto=\"dhcp\" or \"static\", or protov6=")] {
            let b = BootParameters.parse("network_config=\(text)")
            #expect(throws: InstallerError.invalid("network_config=\(text)", why,
                                                   hint: "write network_config=dhcp;vlan=N, or network_config=static;ip=A;netmask=M;gateway=G;dns=D")) {
                try b.checkSupported()
            }
        }
    }
}

@Suite struct ManagementNetworkFilesTests {
    static let scripts = "/etc/sysconfig/network-scripts/ifcfg-"

    @Test func aVLANPutsTheManagementBridgeOnTheTaggedInterface() {
        var p = Fixtures.staticPlan
        p.adminInterface?.vlan = 42
        let f = NetworkFiles.files(p, Fixtures.machine)
        #expect(f[Self.scripts + "eth0"] == "DEVICE=eth0\nHWADDR=00:16:3e:00:00:01\nONBOOT=yes\nBOOTPROTO=none\nXEMANAGED=yes\n")
        #expect(f[Self.scripts + "eth0.42"] == "DEVICE=eth0.42\nVLAN=yes\nPHYSDEV=eth0\nVLAN_ID=42\nONBOOT=yes\nBRIDGE=xenbr0\nXEMANAGED=yes\n")
        #expect(f[Self.scripts + "xenbr0"]?.hasPrefix("DEVICE=xenbr0\nTYPE=Bridge\nSTP=off\nONBOOT=yes\nBOOTPROTO=none\nIPADDR=10.0.0.5\n") == true)
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:01.conf"]?.contains("VLAN='42'\n") == true)
        // A NIC not called ethN: the VLAN interface holds the addresses itself.
        var other = Fixtures.machine
        other.nics = [.init(name: "enp1s0", mac: "00:16:3e:00:00:09", link: true)]
        p.adminInterface = AdminInterface(nic: "enp1s0", mac: "00:16:3e:00:00:09", config: .dhcp, vlan: 7)
        let g = NetworkFiles.files(p, other)
        #expect(g[Self.scripts + "enp1s0.7"] == "DEVICE=enp1s0.7\nVLAN=yes\nPHYSDEV=enp1s0\nVLAN_ID=7\nONBOOT=yes\nBOOTPROTO=dhcp\nPEERDNS=no\nDNS1=10.0.0.2\nDNS2=10.0.0.3\nDOMAIN=example.com\n")
    }

    @Test func ipv6KeysForEachMethod() {
        var p = Fixtures.staticPlan
        p.nameservers = .manual(["2001:db8::53"])
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .none,
                                          ipv6: .static(address: "2001:db8::5/64", gateway: "2001:db8::1"))
        let f = NetworkFiles.files(p, Fixtures.machine)
        #expect(f[Self.scripts + "xenbr0"] == """
            DEVICE=xenbr0
            TYPE=Bridge
            STP=off
            ONBOOT=yes
            BOOTPROTO=none
            IPV6INIT=yes
            IPV6_AUTOCONF=no
            IPV6ADDR=2001:db8::5/64
            IPV6_DEFAULTGW=2001:db8::1
            DNS1=2001:db8::53
            DOMAIN=example.com

            """)
        #expect(f["/etc/resolv.conf"] == "# written by host-installer\nsearch example.com\nnameserver 2001:db8::53\n")
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:01.conf"] == """
            LABEL='eth0'
            MODE='none'
            MODEV6='static'
            IPv6='2001:db8::5/64'
            IPv6_GATEWAY='2001:db8::1'
            DNS1='2001:db8::53'
            DOMAIN='example.com'

            """)
        p.adminInterface?.config = .dhcp
        p.adminInterface?.ipv6 = .autoconf
        #expect(NetworkFiles.files(p, Fixtures.machine)[Self.scripts + "xenbr0"]?.contains("BOOTPROTO=dhcp\nPEERDNS=no\nIPV6INIT=yes\nIPV6_AUTOCONF=yes\nDNS1") == true)
        p.adminInterface?.ipv6 = .dhcp
        #expect(NetworkFiles.files(p, Fixtures.machine)[Self.scripts + "xenbr0"]?.contains("IPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=yes\n") == true)
    }

    @Test func anUpgradeKeepsIPv6AndTheVLAN() throws {
        let root = NSTemporaryDirectory() + "mgmt-net-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var p = Fixtures.staticPlan
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .none,
                                          ipv6: .static(address: "2001:db8::5/64", gateway: "fe80::1"), vlan: 42)
        let files = NetworkFiles.files(p, Fixtures.machine).merging(SystemFiles.files(p, Fixtures.machine, Fixtures.facts)) { a, _ in a }
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        let kept = try PreservedSettings.read(root: root, log: EventLog())
        #expect(kept.adminInterface == p.adminInterface)
    }
}

@Suite struct RecordedManagementNetworkTests {
    @Test func theWriterKeepsProtov6TheAddressAndTheVLAN() throws {
        var p = RecordedChoicesTests.plan
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1"),
                                          ipv6: .static(address: "2001:db8::5/64", gateway: "fe80::1"), vlan: 42)
        p.hostname = .manual("xcp1")
        p.nameservers = .manual(["2001:db8::53"])
        p.time = .ntp(servers: ["ntp.example.com"], fromDHCP: false)
        let (text, back) = try RecordedChoicesTests.roundTrip(p)
        #expect(text.contains("""
              <admin-interface name="eth0" hwaddr="00:16:3e:00:00:01" proto="static" protov6="static" vlan="42">
                <ip>10.0.0.5</ip>
                <subnet-mask>255.255.255.0</subnet-mask>
                <gateway>10.0.0.1</gateway>
                <ipv6>2001:db8::5/64</ipv6>
                <gatewayv6>fe80::1</gatewayv6>
              </admin-interface>
            """))
        #expect(back.adminInterface == p.adminInterface)
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .none, ipv6: .autoconf, vlan: 7)
        let (text2, back2) = try RecordedChoicesTests.roundTrip(p)
        #expect(text2.contains("<admin-interface name=\"eth0\" hwaddr=\"00:16:3e:00:00:01\" proto=\"none\" protov6=\"autoconf\" vlan=\"7\"/>"))
        #expect(back2.adminInterface == p.adminInterface)
    }
}

/// The commands runtime networking runs for a VLAN with static IPv4 and IPv6. A stand-in
/// for `ip` records them (and makes the VLAN's sysfs entry with its carrier): this machine's
/// kernel has no 802.1Q, so tests/integration/33 runs its VLAN cases only where it has.
@Suite struct RuntimeVLANCommandTests {
    final class FakeIP: CommandRunning, @unchecked Sendable {
        let log = EventLog()
        let sys: String
        var ran: [String] = []
        /// As the kernel of the CD: loading the bonding module makes bond0 (max_bonds=1).
        let modprobeMakesBond0: Bool
        init(sys: String, modprobeMakesBond0: Bool = false) { self.sys = sys; self.modprobeMakesBond0 = modprobeMakesBond0 }
        private func makeLink(_ name: String) {
            try? FileManager.default.createDirectory(atPath: sys + "/" + name + "/bonding", withIntermediateDirectories: true)
            try? "1\n".write(toFile: sys + "/" + name + "/carrier", atomically: true, encoding: .utf8)
        }
        func run(_ argv: [String], environment: [String: String]?) -> CommandRunner.Result {
            ran.append(argv.joined(separator: " "))
            if argv == ["modprobe", "-q", "bonding"], modprobeMakesBond0, !FileManager.default.fileExists(atPath: sys + "/bond0") {
                makeLink("bond0")
            }
            if argv.starts(with: ["ip", "link", "add"]) {
                let name = argv.firstIndex(of: "name").map { argv[$0 + 1] } ?? argv[3]
                if FileManager.default.fileExists(atPath: sys + "/" + name) {
                    return .init(exitCode: 2, output: "RTNETLINK answers: File exists\n")
                }
                try? FileManager.default.createDirectory(atPath: sys + "/" + name + "/bonding", withIntermediateDirectories: true)
                try? "1\n".write(toFile: sys + "/" + name + "/carrier", atomically: true, encoding: .utf8)
            }
            if argv.first == "dhcpcd", let f = argv.firstIndex(of: "-f"),
               let conf = try? String(contentsOfFile: argv[f + 1], encoding: .utf8),
               let script = conf.split(separator: "\n").first(where: { $0.hasPrefix("script ") })?.dropFirst(7) {
                // As dhcpcd does: the script runs with the lease in its environment.
                let r = CommandRunner.run(["/bin/sh", String(script)], log: EventLog(), environment: [
                    "reason": "BOUND6", "new_dhcp6_ia_na1_ia_addr1": "2001:db8::1c", "new_dhcp6_name_servers": "2001:db8::53 fe80::1"])
                return .init(exitCode: r.exitCode, output: "eth0: adding address 2001:db8::1c/128\n")
            }
            if argv.starts(with: ["ip", "-6", "route", "show", "default"]) {
                return .init(exitCode: 0, output: "default via fe80::1 dev eth0 proto ra metric 1024\n")
            }
            if argv.starts(with: ["ip", "-6", "-o", "addr", "show"]) {
                return .init(exitCode: 0, output: "5: eth0.42    inet6 2001:db8::5/64 scope global \\       valid_lft forever preferred_lft forever\n"
                             + "5: eth0.42    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever\n")
            }
            return .init(exitCode: 0, output: "")
        }
    }

    /// Runtime networking whose commands go to a FakeIP and whose sysfs, IPv6 settings and
    /// resolv.conf are under `dir` (never this machine's own), eth0 there with its carrier up.
    static func stubbedNetwork(_ dir: String) throws -> (RuntimeNetwork, FakeIP) {
        for d in ["/eth0", "/ipv6/eth0"] { try FileManager.default.createDirectory(atPath: dir + d, withIntermediateDirectories: true) }
        try "1\n".write(toFile: dir + "/eth0/carrier", atomically: true, encoding: .utf8)
        let fake = FakeIP(sys: dir)
        var net = RuntimeNetwork()
        net.commands = fake
        net.sysClassNet = dir
        net.procSysIPv6 = dir + "/ipv6"
        net.resolvConf = dir + "/resolv.conf"
        return (net, fake)
    }

    @Test func aVLANInterfaceThenItsAddresses() throws {
        let dir = NSTemporaryDirectory() + "vlan-net-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (net, fake) = try Self.stubbedNetwork(dir)
        let s = RuntimeNetwork.Settings(nic: "eth0", config: .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: "10.0.0.1"),
                                        nameserver: "2001:db8::53", ipv6: .static(address: "2001:db8::5/64", gateway: "2001:db8::1"), vlan: 42)
        #expect(s.label == "static and static IPv6, VLAN 42")
        let done = try net.bringUp(s)
        #expect(fake.ran == [
            "ip link set dev eth0 up",
            "modprobe -q 8021q",
            "ip link add link eth0 name eth0.42 type vlan id 42",
            "ip addr flush dev eth0.42",
            "ip link set dev eth0.42 up",
            "ip -6 addr add 2001:db8::5/64 dev eth0.42",
            "ip -6 -o addr show dev eth0.42",
            "ip -6 route replace default via 2001:db8::1 dev eth0.42",
            "ip addr add 10.0.0.9/24 dev eth0.42",
            "ip route replace default via 10.0.0.1 dev eth0.42",
        ])
        #expect(done.summary == "eth0.42 10.0.0.9/24 (static), gateway 10.0.0.1, 2001:db8::5/64, gateway 2001:db8::1, nameserver 2001:db8::53")
        #expect(try String(contentsOfFile: dir + "/resolv.conf", encoding: .utf8).contains("nameserver 2001:db8::53\n"))
    }

    @Test func dhcpv6RunsDHCPcdOnceWithOurScriptAndTakesItsNameServers() throws {
        let dir = NSTemporaryDirectory() + "dhcp6-net-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (stub, fake) = try Self.stubbedNetwork(dir)
        var net = stub
        net.dhcpTimeout = 7
        let s = RuntimeNetwork.Settings(nic: "eth0", config: .none, ipv6: .dhcp)
        #expect(s.label == "DHCPv6")
        let done = try net.bringUp(s)
        #expect(fake.ran.count == 5)
        #expect(Array(fake.ran.prefix(2)) == ["ip addr flush dev eth0", "ip link set dev eth0 up"])
        #expect(fake.ran[2].hasPrefix("dhcpcd -f ") && fake.ran[2].hasSuffix("/dhcpcd.conf -1 -B -w -t 7 eth0"))
        #expect(Array(fake.ran.suffix(2)) == ["ip -6 -o addr show dev eth0", "ip -6 route show default dev eth0"])
        // IPv6, router advertisements and autoconfiguration on, in the test's own tree.
        #expect(try String(contentsOfFile: dir + "/ipv6/eth0/accept_ra", encoding: .utf8) == "1")
        #expect(done.ipv6 == ["2001:db8::5/64"] && done.gateway6 == "fe80::1")
        #expect(done.nameservers == ["2001:db8::53", "fe80::1"])
        #expect(try String(contentsOfFile: dir + "/resolv.conf", encoding: .utf8).contains("nameserver 2001:db8::53\n"))
        // The client's files are gone; without it, a clear error.
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())).contains { $0.hasPrefix("host-installer-dhcp6.\(getpid()).") })
        net.dhcp6Client = ["/nonexistent/dhcpcd"]
        #expect(throws: InstallerError.self) { try net.dhcp6("eth0") }
    }

    @Test func dhcpv6LeaseLines() {
        #expect(RuntimeNetwork.parseLease6("") == nil)
        #expect(RuntimeNetwork.parseLease6("hi-lease6 address=\nhi-lease6 dns=2001:db8::53\n") == nil)
        #expect(RuntimeNetwork.parseLease6("hi-lease6 address=2001:db8::7\nhi-lease6 dns=\n")
                == .init(address: "2001:db8::7", nameservers: []))
        // The last complete lease wins; junk among the name servers is dropped.
        #expect(RuntimeNetwork.parseLease6("hi-lease6 address=2001:db8::7\nhi-lease6 dns=x\nhi-lease6 address=2001:db8::8\nhi-lease6 dns=2001:db8::53 bad\n")
                == .init(address: "2001:db8::8", nameservers: ["2001:db8::53"]))
    }

    @Test func aBondOfTwoNICsInLACPModeThenItsVLAN() throws {
        let dir = NSTemporaryDirectory() + "bond-net-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for n in ["eth0", "eth1"] { try FileManager.default.createDirectory(atPath: dir + "/" + n, withIntermediateDirectories: true) }
        let fake = FakeIP(sys: dir)
        var net = RuntimeNetwork()
        net.commands = fake
        net.sysClassNet = dir
        net.resolvConf = dir + "/resolv.conf"
        let s = RuntimeNetwork.Settings(nic: "eth0", config: .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: nil),
                                        vlan: 42, bond: Bond(members: ["eth0", "eth1"], mode: .lacp))
        #expect(s.device == "bond0.42" && s.label == "static, VLAN 42, bond of eth0 eth1 (lacp)")
        _ = try net.bringUp(s)
        #expect(fake.ran == [
            "modprobe -q bonding",
            "ip link add bond0 type bond",
            "ip link set dev bond0 down",
            "ip addr flush dev eth0", "ip link set dev eth0 down", "ip link set dev eth0 master bond0",
            "ip addr flush dev eth1", "ip link set dev eth1 down", "ip link set dev eth1 master bond0",
            "ip link set dev bond0 up",
            "modprobe -q 8021q",
            "ip link add link bond0 name bond0.42 type vlan id 42",
            "ip addr flush dev bond0.42",
            "ip link set dev bond0.42 up",
            "ip addr add 10.0.0.9/24 dev bond0.42",
        ])
        #expect(try String(contentsOfFile: dir + "/bond0/bonding/mode", encoding: .utf8) == "802.3ad")
        #expect(try String(contentsOfFile: dir + "/bond0/bonding/miimon", encoding: .utf8) == "100")
        #expect(try String(contentsOfFile: dir + "/bond0/bonding/lacp_rate", encoding: .utf8) == "fast")
        // A bond of one NIC, or with a NIC this computer lacks, is refused before any command.
        let before = fake.ran.count
        #expect(throws: InstallerError.self) { try net.bringUp(.init(nic: "eth0", config: .dhcp, bond: Bond(members: ["eth0"], mode: .activeBackup))) }
        #expect(throws: InstallerError.failed("there is no network interface called eth7 (a member of the bond)", hint: "choose other interfaces for the bond")) {
            try net.bringUp(.init(nic: "eth0", config: .dhcp, bond: Bond(members: ["eth0", "eth7"], mode: .activeBackup)))
        }
        #expect(fake.ran.count == before)
    }

    /// On the CD `modprobe bonding` makes bond0 itself: no `ip link add` then (it would fail
    /// with "File exists"); the mode and miimon are still written while bond0 is down.
    @Test func bond0MadeByTheModuleIsUsedAsItIs() throws {
        let dir = NSTemporaryDirectory() + "bond-module-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for n in ["eth0", "eth1"] { try FileManager.default.createDirectory(atPath: dir + "/" + n, withIntermediateDirectories: true) }
        let fake = FakeIP(sys: dir, modprobeMakesBond0: true)
        var net = RuntimeNetwork()
        net.commands = fake
        net.sysClassNet = dir
        net.resolvConf = dir + "/resolv.conf"
        // The CD's init left a DHCP client running on eth1 (its PID file): it is stopped before
        // eth1 is enslaved, its PID file removed; eth0 has none.
        net.bootDHCPPidDir = dir
        try "4321\n".write(toFile: dir + "/udhcpc-eth1.pid", atomically: true, encoding: .utf8)
        let s = RuntimeNetwork.Settings(nic: "eth0", config: .static(ip: "10.0.2.15", netmask: "255.255.255.0", gateway: "10.0.2.2"),
                                        bond: Bond(members: ["eth0", "eth1"], mode: .activeBackup))
        let done = try net.bringUp(s)
        #expect(!FileManager.default.fileExists(atPath: dir + "/udhcpc-eth1.pid"))
        #expect(fake.ran == [
            "modprobe -q bonding",
            "ip link set dev bond0 down",
            "ip addr flush dev eth0", "ip link set dev eth0 down", "ip link set dev eth0 master bond0",
            "kill 4321",
            "ip addr flush dev eth1", "ip link set dev eth1 down", "ip link set dev eth1 master bond0",
            "ip addr flush dev bond0",
            "ip link set dev bond0 up",
            "ip addr add 10.0.2.15/24 dev bond0",
            "ip route replace default via 10.0.2.2 dev bond0",
        ])
        #expect(done.nic == "bond0")
        #expect(try String(contentsOfFile: dir + "/bond0/bonding/mode", encoding: .utf8) == "active-backup")
        #expect(try String(contentsOfFile: dir + "/bond0/bonding/miimon", encoding: .utf8) == "100")
    }

    /// /proc/net/bonding/bond0 after the active member lost its link (kernel 6.1's text).
    @Test func bondStatusAfterAFailover() throws {
        let text = """
        Ethernet Channel Bonding Driver: v6.1.0-28-amd64

        Bonding Mode: fault-tolerance (active-backup)
        Primary Slave: None
        Currently Active Slave: eth1
        MII Status: up
        MII Polling Interval (ms): 100
        Up Delay (ms): 0
        Down Delay (ms): 0
        Peer Notification Delay (ms): 0

        Slave Interface: eth0
        MII Status: down
        Speed: Unknown
        Duplex: Unknown
        Link Failure Count: 1
        Permanent HW addr: 52:54:00:12:34:56
        Slave queue ID: 0

        Slave Interface: eth1
        MII Status: up
        Speed: Unknown
        Duplex: Unknown
        Link Failure Count: 0
        Permanent HW addr: 52:54:00:12:34:57
        Slave queue ID: 0

        """
        #expect(RuntimeNetwork.bondStatus(text) == "bond0: active member eth1; eth0 down (1 link failure), eth1 up (0 link failures)")
        let dir = NSTemporaryDirectory() + "bond-proc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var net = RuntimeNetwork()
        net.procNetBonding = dir
        #expect(net.bondStatus() == nil)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.replacingOccurrences(of: "Currently Active Slave: eth1\n", with: "").write(toFile: dir + "/bond0", atomically: true, encoding: .utf8)
        #expect(net.bondStatus() == "bond0: eth0 down (1 link failure), eth1 up (0 link failures)")
    }

    /// /proc/net/bonding/bond0 of an 802.3ad bond whose two members joined one aggregator with
    /// a switch (kernel 6.1's text, the per-member LACPDU details cut short), then the same
    /// bond before any partner answered.
    @Test func bondStatusOfAnLACPBond() {
        let text = """
        Ethernet Channel Bonding Driver: v6.1.0-28-amd64

        Bonding Mode: IEEE 802.3ad Dynamic link aggregation
        Transmit Hash Policy: layer2 (0)
        MII Status: up
        MII Polling Interval (ms): 100
        Up Delay (ms): 0
        Down Delay (ms): 0
        Peer Notification Delay (ms): 0

        802.3ad info
        LACP active: on
        LACP rate: fast
        Min links: 0
        Aggregator selection policy (ad_select): stable
        System priority: 65535
        System MAC address: 52:54:00:78:00:01
        Active Aggregator Info:
        \tAggregator ID: 1
        \tNumber of ports: 2
        \tActor Key: 15
        \tPartner Key: 78
        \tPartner Mac Address: 02:1a:c9:00:00:01

        Slave Interface: eth0
        MII Status: up
        Speed: 1000 Mbps
        Duplex: full
        Link Failure Count: 0
        Permanent HW addr: 52:54:00:78:00:01
        Slave queue ID: 0
        Aggregator ID: 1
        Actor Churn State: none
        Partner Churn State: none
        details partner lacp pdu:
            system mac address: 02:1a:c9:00:00:01
            port state: 61

        Slave Interface: eth1
        MII Status: up
        Speed: 1000 Mbps
        Duplex: full
        Link Failure Count: 0
        Permanent HW addr: 52:54:00:78:00:02
        Slave queue ID: 0
        Aggregator ID: 1
        details partner lacp pdu:
            system mac address: 02:1a:c9:00:00:01

        """
        #expect(RuntimeNetwork.bondStatus(text) == "bond0: 802.3ad, partner 02:1a:c9:00:00:01 (aggregator 1, 2 ports); "
            + "eth0 up (0 link failures, aggregator 1), eth1 up (0 link failures, aggregator 1)")
        let alone = text.replacingOccurrences(of: "02:1a:c9:00:00:01", with: "00:00:00:00:00:00")
            .replacingOccurrences(of: "Number of ports: 2", with: "Number of ports: 1")
            .replacingOccurrences(of: "Aggregator ID: 1\nActor Churn", with: "Aggregator ID: 2\nActor Churn")
        #expect(RuntimeNetwork.bondStatus(alone) == "bond0: 802.3ad, no LACP partner; "
            + "eth0 up (0 link failures, aggregator 2), eth1 up (0 link failures, aggregator 1)")
    }

    @Test func badSettingsAreRefusedBeforeAnyCommand() throws {
        let dir = NSTemporaryDirectory() + "vlan-bad-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/eth0", withIntermediateDirectories: true)
        let fake = FakeIP(sys: dir)
        var net = RuntimeNetwork()
        net.commands = fake
        net.sysClassNet = dir
        let why = "vlan=\"4095\" is not a VLAN tag (4095 is reserved): use 1 to 4094, or leave vlan= out for an untagged interface"
        #expect(throws: InstallerError.invalid("eth0", why)) { try net.bringUp(.init(nic: "eth0", config: .dhcp, vlan: 4095)) }
        #expect(fake.ran.isEmpty)
    }
}

@Suite struct BondTests {
    static let scripts = "/etc/sysconfig/network-scripts/ifcfg-"

    @Test func aBondNeedsTwoDistinctKnownMembers() {
        func problems(_ b: Bond) -> [String] {
            var p = PlanRulesTests.plan
            p.adminInterface = AdminInterface(nic: b.members.first ?? "", mac: "00:16:3e:00:00:01", config: .dhcp, bond: b)
            return PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine)).filter { $0.field == .adminBond }.map(\.screenMessage)
        }
        #expect(problems(Bond(members: ["eth0", "eth1"], mode: .activeBackup)) == [])
        #expect(problems(Bond(members: ["eth0"], mode: .lacp)) == ["Please choose two or more interfaces for a bond."])
        #expect(problems(Bond(members: ["eth0", "eth0"], mode: .lacp)) == ["The interface eth0 is chosen twice."])
        #expect(problems(Bond(members: ["eth0", "eth9"], mode: .lacp)) == ["The interface eth9 does not exist."])
        #expect(PlanRules.elementName(.adminBond) == "bond")
    }

    @Test func theHostGetsBond0WithItsMembersUnderTheBridge() {
        var p = Fixtures.staticPlan
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp, bond: Bond(members: ["eth0", "eth1"], mode: .activeBackup))
        let f = NetworkFiles.files(p, Fixtures.machine)
        #expect(f[Self.scripts + "eth0"] == "DEVICE=eth0\nHWADDR=00:16:3e:00:00:01\nONBOOT=yes\nMASTER=bond0\nSLAVE=yes\nBOOTPROTO=none\nXEMANAGED=yes\n")
        #expect(f[Self.scripts + "eth1"] == "DEVICE=eth1\nHWADDR=00:16:3E:00:00:02\nONBOOT=yes\nMASTER=bond0\nSLAVE=yes\nBOOTPROTO=none\nXEMANAGED=yes\n")
        #expect(f[Self.scripts + "bond0"] == "DEVICE=bond0\nTYPE=Bond\nBONDING_MASTER=yes\nBONDING_OPTS=\"mode=active-backup miimon=100\"\nONBOOT=yes\nBRIDGE=xenbr0\nXEMANAGED=yes\n")
        #expect(f[Self.scripts + "xenbr0"]?.hasPrefix("DEVICE=xenbr0\nTYPE=Bridge\nSTP=off\nONBOOT=yes\nBOOTPROTO=dhcp\n") == true)
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:01.conf"]?.contains("BOND_MEMBERS='eth0 eth1'\nBOND_MODE='active-backup'\n") == true)
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:02.conf"] == "LABEL='eth1'\nMODE='none'\nBOND='bond0'\n")
        // LACP with a VLAN: bond0 carries bond0.42, the bridge's port.
        p.adminInterface?.bond?.mode = .lacp
        p.adminInterface?.vlan = 42
        let g = NetworkFiles.files(p, Fixtures.machine)
        #expect(g[Self.scripts + "bond0"] == "DEVICE=bond0\nTYPE=Bond\nBONDING_MASTER=yes\nBONDING_OPTS=\"mode=802.3ad miimon=100 lacp_rate=fast\"\nONBOOT=yes\nBOOTPROTO=none\nXEMANAGED=yes\n")
        #expect(g[Self.scripts + "bond0.42"] == "DEVICE=bond0.42\nVLAN=yes\nPHYSDEV=bond0\nVLAN_ID=42\nONBOOT=yes\nBRIDGE=xenbr0\nXEMANAGED=yes\n")
    }

    @Test func recordedAndKeptOnUpgrade() throws {
        var p = RecordedChoicesTests.plan
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp, bond: Bond(members: ["eth0", "eth1"], mode: .lacp))
        let (text, back) = try RecordedChoicesTests.roundTrip(p)
        #expect(text.contains("  <admin-interface proto=\"dhcp\">\n    <bond mode=\"lacp\">eth0 eth1</bond>\n  </admin-interface>\n"))
        #expect(back.adminInterface == p.adminInterface)
        let root = NSTemporaryDirectory() + "bond-kept-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = NetworkFiles.files(p, Fixtures.machine).merging(SystemFiles.files(p, Fixtures.machine, Fixtures.facts)) { a, _ in a }
        for (path, t) in files {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try t.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        #expect(try PreservedSettings.read(root: root, log: EventLog()).adminInterface == p.adminInterface)
    }
}
