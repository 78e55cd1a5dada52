import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// Which NIC an unattended install brings up for a remote source, and how.
@Suite struct UnattendedNetworkTests {
    static let machine = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096, disks: [],
                                 nics: [Machine.NIC(name: "eth0", mac: "00:16:3e:00:00:01", link: false),
                                        Machine.NIC(name: "eth1", mac: "00:16:3E:00:00:02", link: true)],
                                 cdrom: nil)

    static func plan(_ source: Source, admin: AdminInterface? = nil) -> InstallPlan {
        var p = InstallPlan()
        p.sources = [source]
        p.adminInterface = admin
        return p
    }

    @Test func localSourceNeedsNoNetwork() {
        #expect(UnattendedInstall.networkSettings(Self.plan(.local(path: "/m")), machine: Self.machine, device: nil) == nil)
    }

    @Test func remotePostInstallScriptNeedsTheNetwork() {
        var p = Self.plan(.local(path: "/m"))
        p.postInstallScript = .url("http://h/script", credentials: nil)
        #expect(UnattendedInstall.networkSettings(p, machine: Self.machine, device: nil)?.nic == "eth1")
    }

    @Test func adminInterfaceWithItsStaticConfigurationAndNameserver() {
        var p = Self.plan(.url("http://h/", credentials: nil),
                          admin: AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: "10.0.0.1")))
        p.nameservers = .manual(["10.0.0.53", "10.0.0.54"])
        let s = UnattendedInstall.networkSettings(p, machine: Self.machine, device: nil)
        #expect(s == RuntimeNetwork.Settings(nic: "eth0", config: .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: "10.0.0.1"), nameserver: "10.0.0.53"))
    }

    @Test func networkDeviceByNameOrMACTakesDHCPWhenNotTheAdminInterface() {
        let p = Self.plan(.nfs("h:/x"), admin: AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: nil)))
        #expect(UnattendedInstall.networkSettings(p, machine: Self.machine, device: "eth1") == RuntimeNetwork.Settings(nic: "eth1", config: .dhcp))
        #expect(UnattendedInstall.networkSettings(p, machine: Self.machine, device: "00:16:3e:00:00:02")?.nic == "eth1")
        #expect(UnattendedInstall.networkSettings(p, machine: Self.machine, device: "all")?.nic == "eth0")
    }

    @Test func withoutAdminInterfaceTheFirstNICWithLink() {
        #expect(UnattendedInstall.networkSettings(Self.plan(.url("ftp://h/", credentials: nil)), machine: Self.machine, device: nil)
                == RuntimeNetwork.Settings(nic: "eth1", config: .dhcp))
    }
}
