import Foundation
import Testing
@testable import InstallerCore

/// The parts of runtime networking that need no network namespace (the namespace test is
/// tests/integration/32-runtime-network.sh): masks, refusals before any command runs.
@Suite struct RuntimeNetworkTests {
    @Test func prefixLengthOfMasks() {
        #expect(RuntimeNetwork.prefixLength("255.255.255.0") == 24)
        #expect(RuntimeNetwork.prefixLength("255.255.0.0") == 16)
        #expect(RuntimeNetwork.prefixLength("255.255.255.252") == 30)
        #expect(RuntimeNetwork.prefixLength("255.255.255.255") == 32)
    }

    @Test func remoteSources() {
        #expect(RuntimeNetwork.isRemote(.url("http://h/", credentials: nil)))
        #expect(RuntimeNetwork.isRemote(.nfs("h:/x")))
        #expect(!RuntimeNetwork.isRemote(.local(path: nil)))
        #expect(!RuntimeNetwork.isRemote(.local(path: "/media")))
    }

    /// A NIC that does not exist is refused by name before any command runs.
    @Test func missingInterfaceIsRefusedWithoutRunningCommands() {
        let log = EventLog()
        var net = RuntimeNetwork()
        net.log = log
        net.sysClassNet = FileManager.default.temporaryDirectory.appendingPathComponent("hi-no-sysfs-\(getpid())").path
        #expect(throws: InstallerError.failed("there is no network interface called eth7", hint: "choose another interface")) {
            try net.bringUp(.init(nic: "eth7", config: .dhcp))
        }
        #expect(!log.lines.contains { $0.contains("ran: ") })
        #expect(throws: InstallerError.self) { try net.bringUp(.init(nic: "../eth0", config: .dhcp)) }
    }

    /// A static configuration that is not valid is refused before the NIC is touched.
    @Test func invalidStaticConfigurationIsRefused() throws {
        let sys = FileManager.default.temporaryDirectory.appendingPathComponent("hi-sysfs-\(getpid())").path
        try FileManager.default.createDirectory(atPath: sys + "/eth0", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sys) }
        let log = EventLog()
        var net = RuntimeNetwork()
        net.log = log
        net.sysClassNet = sys
        #expect(throws: InstallerError.self) {
            try net.bringUp(.init(nic: "eth0", config: .static(ip: "10.0.0.300", netmask: "255.255.255.0", gateway: nil)))
        }
        #expect(throws: InstallerError.self) {
            try net.bringUp(.init(nic: "eth0", config: .static(ip: "10.0.0.3", netmask: "255.0.255.0", gateway: nil)))
        }
        #expect(!log.lines.contains { $0.contains("ran: ") })
    }

    @Test func emptyNameserverMeansNone() {
        #expect(RuntimeNetwork.Settings(nic: "eth0", config: .dhcp, nameserver: "").nameserver == nil)
        #expect(RuntimeNetwork.Settings(nic: "eth0", config: .dhcp, nameserver: "10.0.0.1").nameserver == "10.0.0.1")
    }
}
