import Foundation
import Testing
import TestSupport
@testable import InstallerCore
@testable import InstallerTUI

/// The driver disk sequence (Welcome → Driver Disks), without a terminal. The effects are
/// carried out as the runner does it, with the real driver disk code on the fixture media
/// (a directory, or a real HTTP server on 127.0.0.1). Loading on a profile machine checks
/// each driver's checksum and marks it loaded; `insmod` (the --real-hardware path) is not
/// run here: the tests must not load modules into this computer's kernel.
@Suite struct DriverDiskFlowTests {
    static let fixtures = TestPaths.fixtures

    /// The fixture machine with a MegaRAID disk that needs the megaraid_sas driver.
    static func needsDriverMachine() throws -> Machine {
        try MachineProfile.load(path: fixtures + "/machines/needs-driver.json", createImages: false)
    }

    /// Reduces `action`, then carries out the driver disk effects for real (scan, load).
    @discardableResult
    static func run(_ s: inout FlowState, _ action: FlowAction) -> [Effect] {
        var out: [Effect] = []
        for e in Flow.reduce(&s, action) {
            switch e {
            case let .scanDriverDisk(source):
                do throws(InstallerError) {
                    out += run(&s, .driverDiskScanned(found: try DriverDisk.scan(source, machine: s.machine), error: nil))
                } catch {
                    out += run(&s, .driverDiskScanned(found: [], error: error.description))
                }
            case let .loadDrivers(source):
                do throws(InstallerError) {
                    let (loaded, m) = try DriverDisk.load(source, machine: s.machine, copyParent: NSTemporaryDirectory())
                    // The copy is for a later install; these flows install nothing.
                    #expect(DriverDisk.localCopy(of: source).map { FileManager.default.fileExists(atPath: $0 + "/driver.1/XS-PACKAGES") } == true)
                    try? FileManager.default.removeItem(atPath: DriverDisk.localCopy(of: source) ?? "/nonexistent")
                    out += run(&s, .driversLoaded(loaded: loaded, machine: m, error: nil))
                } catch {
                    out += run(&s, .driversLoaded(loaded: [], machine: nil, error: error.description))
                }
            default: out.append(e)
            }
        }
        return out
    }

    static func submit(_ s: inout FlowState, on screen: ScreenID, _ answer: ScreenAnswer) -> [Effect] {
        #expect(s.current == screen, "expected \(screen), at \(String(describing: s.current))")
        return run(&s, .submit(answer))
    }

    @Test func withoutTheDriverTheRAIDDiskIsHiddenAndPrimaryDiskIsSkipped() throws {
        var s = FlowState(machine: try Self.needsDriverMachine())
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        _ = Self.submit(&s, on: .welcome, .welcome(.install))
        _ = Self.submit(&s, on: .setupWarning, .acknowledge)
        #expect(s.current == .source)
        #expect(s.machine.eligibleDisks.map(\.name) == ["sda"])
        #expect(s.answers.plan.driverSources.isEmpty)
    }

    /// The no-disks fixture (8 GB, a USB stick, a RAID disk without its driver) walked from the
    /// start to just past the setup warning of a clean installation.
    static func afterSetupWarningWithNoUsableDisk() throws -> FlowState {
        var s = FlowState(machine: try MachineProfile.load(path: fixtures + "/machines/no-disks.json", createImages: false))
        _ = Flow.reduce(&s, .start)
        _ = submit(&s, on: .keymap, .keymap("us"))
        _ = submit(&s, on: .welcome, .welcome(.install))
        _ = submit(&s, on: .setupWarning, .acknowledge)
        return s
    }

    /// Issue 14 test f: no disk Setup can use (8 GB, a USB stick, a RAID disk without its
    /// driver): No Disk Found instead of an empty primary disk; its Driver Disks starts the
    /// driver sequence, after which the RAID disk is the primary disk.
    @Test func noUsableDiskShowsNoDiskFoundWhoseDriverDisksLoadsTheRAIDDisk() throws {
        var s = try Self.afterSetupWarningWithNoUsableDisk()
        #expect(s.current == .noDisks)
        let text = NoDisksScreen.text(s.machine)
        #expect(text.contains("sda 8 GB: smaller than 16 GB") && text.contains("sdb 32 GB: removable") && !text.contains("sdc"))
        #expect(Self.submit(&s, on: .noDisks, .welcome(.driverDisks)) == [])
        #expect(s.current == .driverSource && s.driverDisk.active)
        _ = Self.submit(&s, on: .driverSource, .driverSource(.local))
        _ = Self.submit(&s, on: .driverList, .loadDrivers)
        _ = Self.submit(&s, on: .driverLoaded, .driversDone)
        #expect(s.current == .welcome)
        _ = Self.submit(&s, on: .welcome, .welcome(.install))
        _ = Self.submit(&s, on: .setupWarning, .acknowledge)
        #expect(s.current == .source && s.answers.plan.primaryDisk == "sdc")
    }

    @Test func noDiskFoundRebootLeaves() throws {
        var s = try Self.afterSetupWarningWithNoUsableDisk()
        #expect(Self.submit(&s, on: .noDisks, .welcome(.reboot)) == [.exit(3)])
    }

    @Test func localDriverDiskMakesTheHiddenDiskAppear() throws {
        var s = FlowState(machine: try Self.needsDriverMachine())
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        #expect(Self.submit(&s, on: .welcome, .welcome(.driverDisks)) == [])
        #expect(s.current == .driverSource)
        // Back from the first screen of the sequence returns to Welcome.
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .welcome)
        _ = Self.submit(&s, on: .welcome, .welcome(.driverDisks))
        #expect(Self.submit(&s, on: .driverSource, .driverSource(.local)) == [])
        // Local media: no networking or location screens.
        #expect(s.current == .driverList)
        #expect(s.driverDisk.found.map(\.id) == ["xs:driver.megaraid_sas"])
        #expect(s.driverDisk.found.first?.modules == ["megaraid_sas"] && s.driverDisk.found.first?.firmware == ["megaraid_fw.bin"])
        // Back keeps the choice.
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .driverSource && s.driverDisk.kind == .local)
        _ = Self.submit(&s, on: .driverSource, .driverSource(.local))
        #expect(Self.submit(&s, on: .driverList, .loadDrivers) == [])
        #expect(s.current == .driverLoaded)
        #expect(s.machine.loadedDrivers == ["megaraid_sas"])
        #expect(s.driverDisk.newDisks == ["sdc - 100 GB [LSI MegaRAID]"])
        #expect(s.driverDisk.loaded.map(\.summary) == ["megaraid_sas (modules megaraid_sas)"])
        #expect(s.answers.plan.driverSources == [.local(path: nil)])
        // The summary's Ok returns to Welcome, and Back from there goes to the keymap.
        _ = Self.submit(&s, on: .driverLoaded, .driversDone)
        #expect(s.current == .welcome && s.history == [.keymap] && !s.driverDisk.active)
        _ = Self.submit(&s, on: .welcome, .welcome(.install))
        _ = Self.submit(&s, on: .setupWarning, .acknowledge)
        // The primary-disk list gains the disk; it was skipped with one disk before.
        #expect(s.current == .primaryDisk)
        #expect(s.machine.eligibleDisks.map(\.label) == ["sda - 60 GB [ATA ST3500418AS] S/N 9VM1", "sdc - 100 GB [LSI MegaRAID]"])
        _ = Self.submit(&s, on: .primaryDisk, .primaryDisk("sdc"))
        _ = Self.submit(&s, on: .guestDisks, .guestDisks(["sdc", "sda"], confirmedNone: false))
        #expect(s.current == .source)
        #expect(s.answers.plan.primaryDisk == "sdc" && s.answers.plan.guestDisks == ["sda"])
        // Back through the install screens never re-enters the driver sequence.
        for _ in 0..<4 { _ = Flow.reduce(&s, .back) }
        #expect(s.current == .welcome)
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .keymap)
    }

    @Test func aSourceWithoutDriversIsRefusedAndTheScreenStays() throws {
        var m = try Self.needsDriverMachine()
        m.cdrom = Machine.CDROM(name: "sr0", discs: [Self.fixtures + "/media/sample"])
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        _ = Self.submit(&s, on: .welcome, .welcome(.driverDisks))
        let effects = Self.submit(&s, on: .driverSource, .driverSource(.local))
        guard case let .showError(title, message)? = effects.first else { Issue.record("no error: \(effects)"); return }
        #expect(title == "Driver Disk" && message.contains("not a driver disk"))
        #expect(s.current == .driverSource && s.machine.loadedDrivers.isEmpty)

        // No disc at all.
        s.machine.cdrom = Machine.CDROM(name: "sr0", discs: [])
        guard case let .showError(_, m2)? = Self.submit(&s, on: .driverSource, .driverSource(.local)).first else { Issue.record("no error"); return }
        #expect(m2.contains("no disc in the CD drive"))
    }

    @Test func aDamagedDriverIsNotLoaded() throws {
        let dir = NSTemporaryDirectory() + "driver-damaged-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixtures + "/media/driver-disk/driver.megaraid_sas", toPath: dir + "/driver.megaraid_sas")
        try Data("changed after make-repo\n".utf8).write(to: URL(fileURLWithPath: dir + "/driver.megaraid_sas/megaraid_sas.ko"))
        var m = try Self.needsDriverMachine()
        m.cdrom = Machine.CDROM(name: "sr0", discs: [dir])
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        _ = Self.submit(&s, on: .welcome, .welcome(.driverDisks))
        _ = Self.submit(&s, on: .driverSource, .driverSource(.local))
        guard case let .showError(title, message)? = Self.submit(&s, on: .driverList, .loadDrivers).first else { Issue.record("no error"); return }
        #expect(title == "Loading Drivers" && message.contains("MD5 mismatch") && message.contains("megaraid_sas.ko"))
        #expect(s.current == .driverList && s.machine.loadedDrivers.isEmpty && s.answers.plan.driverSources.isEmpty)
        #expect(s.machine.eligibleDisks.map(\.name) == ["sda"])
    }

    @Test func remoteDriverDiskOverHTTPWithStaticNetworking() throws {
        let server = try TestServer(script: "testhttpd.py", root: Self.fixtures + "/media")
        defer { server.stop() }
        var m = try Self.needsDriverMachine()
        m.nics.append(Machine.NIC(name: "eth1", mac: "00:16:3e:00:00:02", link: true))
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        _ = Self.submit(&s, on: .welcome, .welcome(.driverDisks))
        _ = Self.submit(&s, on: .driverSource, .driverSource(.url))
        #expect(s.current == .driverNIC)
        _ = Self.submit(&s, on: .driverNIC, .nic("eth1"))
        // Validation names the field; the screen stays.
        let bad = Self.submit(&s, on: .driverNetwork, .network(.static(ip: "10.0.0.300", netmask: "255.255.255.0", gateway: nil), nameserver: nil))
        #expect(bad == [.showError(title: "Networking", message: "Invalid IP Address, please check the field and try again."), .focus(.adminIP)])
        let config = IPConfig.static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: "10.0.0.1")
        _ = Self.submit(&s, on: .driverNetwork, .network(config, nameserver: "10.0.0.1"))
        #expect(s.current == .driverLocation)
        #expect(Self.submit(&s, on: .driverLocation, .driverURL("htp://x", user: "", password: "")).first
                == .showError(title: "Specify Driver Repository", message: "The URL must start with http://, https:// or ftp:// and name a server."))
        // A server that holds no driver disk there: the screen stays with the reason.
        let wrong = Self.submit(&s, on: .driverLocation, .driverURL("http://127.0.0.1:\(server.port)/pool/sample/", user: "", password: ""))
        guard case let .showError(_, why)? = wrong.first else { Issue.record("no error: \(wrong)"); return }
        #expect(why.contains("not a driver disk"))
        #expect(s.current == .driverLocation)
        let url = "http://127.0.0.1:\(server.port)/pool/driver-disk/driver.megaraid_sas/"
        #expect(Self.submit(&s, on: .driverLocation, .driverURL(url, user: "", password: "")) == [])
        #expect(s.current == .driverList && s.driverDisk.found.map(\.modules) == [["megaraid_sas"]])
        // Back to the location and the network screen keeps what was typed.
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .driverLocation && s.driverDisk.url == url)
        _ = Flow.reduce(&s, .back)
        #expect(s.current == .driverNetwork && s.answers.sourceConfig == config && s.answers.sourceNIC == "eth1")
        _ = Self.submit(&s, on: .driverNetwork, .network(config, nameserver: "10.0.0.1"))
        _ = Self.submit(&s, on: .driverLocation, .driverURL(url, user: "", password: ""))
        _ = Self.submit(&s, on: .driverList, .loadDrivers)
        #expect(s.current == .driverLoaded && s.driverDisk.newDisks == ["sdc - 100 GB [LSI MegaRAID]"])
        #expect(s.answers.plan.driverSources == [.url(url, credentials: nil)])
        _ = Self.submit(&s, on: .driverLoaded, .driversDone)
        #expect(s.current == .welcome)
        // The installation source's networking screens show the same values (asked once).
        _ = Self.submit(&s, on: .welcome, .welcome(.install))
        _ = Self.submit(&s, on: .setupWarning, .acknowledge)
        _ = Self.submit(&s, on: .primaryDisk, .primaryDisk("sda"))
        _ = Self.submit(&s, on: .guestDisks, .guestDisks(["sda"], confirmedNone: false))
        _ = Self.submit(&s, on: .source, .source(.url))
        #expect(s.current == .sourceNIC && s.answers.sourceNIC == "eth1")
        _ = Self.submit(&s, on: .sourceNIC, .nic("eth1"))
        #expect(s.current == .sourceNetwork && s.answers.sourceConfig == config)
    }

    @Test func nfsDriverPathIsValidated() throws {
        var s = FlowState(machine: try Self.needsDriverMachine())
        _ = Flow.reduce(&s, .start)
        _ = Self.submit(&s, on: .keymap, .keymap("us"))
        _ = Self.submit(&s, on: .welcome, .welcome(.driverDisks))
        _ = Self.submit(&s, on: .driverSource, .driverSource(.nfs))
        _ = Self.submit(&s, on: .driverNetwork, .network(.dhcp, nameserver: nil))
        #expect(Self.submit(&s, on: .driverLocation, .driverNFS("server-without-path")).first
                == .showError(title: "Specify Driver Repository", message: "The NFS path must look like server:/path/to/driver-disk."))
        #expect(s.current == .driverLocation && s.driverDisk.nfsPath == "")
    }
}
