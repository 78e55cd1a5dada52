import Foundation
import Synchronization
import Testing
@testable import InstallerCore

/// A command runner that records what it is asked and runs nothing (the seam the backend
/// exposes; the real `SystemCommands` is exercised by every integration test).
final class RecordingCommands: CommandRunning {
    let log = EventLog()
    let ran = Mutex<[[String]]>([])
    func run(_ argv: [String], environment: [String: String]?) -> CommandRunner.Result {
        ran.withLock { $0.append(argv) }
        return CommandRunner.Result(exitCode: 0, output: "")
    }
}

@Suite struct InstallEnvironmentTests {
    @Test func readsEveryHookAndIgnoresEmptyOrInvalidValues() {
        let e = InstallEnvironment([
            "HOST_INSTALLER_STATE": "/s", "HOST_INSTALLER_DATA": "/d", "HOST_INSTALLER_FAIL_AFTER": "packages",
            "HOST_INSTALLER_FAIL_AT_BYTE": "4096", "HOST_INSTALLER_STEP_DELAY_MS": " 250 ", "HOST_INSTALLER_PAUSE_AT": "mount",
            "HOST_INSTALLER_RUNTIME_NETWORK": "1", "HOST_INSTALLER_RESOLV_CONF": "/r", "HOST_INSTALLER_DHCP_TIMEOUT": "7",
            "HOST_INSTALLER_LINK_TIMEOUT": "2.5", "HOST_INSTALLER_REPLAY_STATE": "/k",
        ])
        #expect(e.stateDirectory == "/s" && e.resumeFile == "/s/resume" && e.dataDirectory == "/d")
        #expect(e.failAfter == "packages" && e.failAtByte == 4096 && e.stepDelayMs == 250 && e.pauseAt == "mount")
        #expect(e.runtimeNetwork && e.resolvConf == "/r" && e.dhcpTimeout == 7 && e.linkTimeout == 2.5 && e.replayState == "/k")
        let bad = InstallEnvironment(["HOST_INSTALLER_STATE": "", "HOST_INSTALLER_FAIL_AFTER": "", "HOST_INSTALLER_DHCP_TIMEOUT": "0",
                                      "HOST_INSTALLER_LINK_TIMEOUT": "-1", "HOST_INSTALLER_RUNTIME_NETWORK": "yes", "HOST_INSTALLER_FAIL_AT_BYTE": "x"])
        #expect(bad.stateOverride == nil && bad.failAfter == nil && bad.dhcpTimeout == nil && bad.linkTimeout == nil)
        #expect(!bad.runtimeNetwork && bad.failAtByte == nil)
        #expect(InstallEnvironment.empty.stateDirectory.hasSuffix("/.demo"))
    }

    @Test func theStepNamesTheHooksMatchAreStable() {
        #expect(InstallStepName.allCases.map(\.rawValue) == ["preserve", "backup", "check", "partition", "filesystems", "mount",
                                                             "packages", "configure", "bootloader", "post-install", "restore", "finish"])
    }
}

@Suite struct InstallerBackendTests {
    @Test func theClockAndTheKeymapGoThroughTheCommandRunner() {
        let commands = RecordingCommands()
        let backend = InstallerBackend(environment: .empty, log: commands.log, commands: commands)
        var real = Fixtures.machine
        real.isReal = true
        backend.setClock(Date(timeIntervalSince1970: 1_800_000_000), machine: real)
        #expect(backend.loadKeymap("de") == 0)
        #expect(commands.ran.withLock { $0 } == [["date", "-u", "-s", "@1800000000"], ["hwclock", "--systohc", "--utc"], ["loadkeys", "de"]])
    }

    @Test func aProfileMachineKeepsItsClock() {
        let commands = RecordingCommands()
        let backend = InstallerBackend(environment: .empty, log: commands.log, commands: commands)
        backend.setClock(Date(), machine: Fixtures.machine)
        #expect(commands.ran.withLock { $0 }.isEmpty)
        #expect(commands.log.lines.contains { $0.contains("the clock of a profile machine is left alone") })
    }

    @Test func runtimeNetworkingFollowsTheEnvironment() {
        let off = InstallerBackend(environment: .empty, log: EventLog())
        let on = InstallerBackend(environment: InstallEnvironment(["HOST_INSTALLER_RUNTIME_NETWORK": "1", "HOST_INSTALLER_DHCP_TIMEOUT": "3"]), log: EventLog())
        #expect(!off.runtimeNetworkEnabled(for: Fixtures.machine))
        #expect(on.runtimeNetworkEnabled(for: Fixtures.machine))
        #expect(on.runtimeNetwork.dhcpTimeout == 3)
    }
}

/// The UEFI boot entry (issue 14 item 4): efibootmgr's listing parsed, an earlier entry of the
/// same name removed, then the new one made; a failing efibootmgr costs a warning only.
@Suite struct EfiBootEntryTests {
    final class FakeEfibootmgr: CommandRunning, @unchecked Sendable {
        let log = EventLog()
        let ran = Mutex<[[String]]>([])
        let listing: String, listOK: Bool
        init(listing: String, listOK: Bool = true) { self.listing = listing; self.listOK = listOK }
        func run(_ argv: [String], environment: [String: String]?) -> CommandRunner.Result {
            ran.withLock { $0.append(argv) }
            if argv == ["efibootmgr"] { return CommandRunner.Result(exitCode: listOK ? 0 : 2, output: listing) }
            if argv.contains("--create") { return CommandRunner.Result(exitCode: 0, output: "BootCurrent: 0001\nBootOrder: 0004,0001\nBoot0004* Xen Cloud Platform\tHD(4,GPT,...)\n") }
            return CommandRunner.Result(exitCode: 0, output: "")
        }
    }

    @Test func parsesTheEntriesOfALabel() {
        let listing = """
        BootCurrent: 0001
        Timeout: 0 seconds
        BootOrder: 0003,0001,0000
        Boot0000* UiApp\tFvVol(7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1)/FvFile(462caa21-7614-4503-836e-8ab6f4662331)
        Boot0001* UEFI QEMU DVD-ROM QM00001 \tPciRoot(0x0)/Pci(0x1f,0x2)/Sata(0,65535,0){auto_created_boot_option}
        Boot0003* Xen Cloud Platform\tHD(4,GPT,0f1e...,0x800,0x20000)/File(\\EFI\\BOOT\\BOOTX64.EFI)
        Boot000A  Xen Cloud Platform
        BootNext: 0003
        """
        #expect(EfiBootEntry.numbers(labelled: "Xen Cloud Platform", in: listing) == ["0003", "000A"])
        #expect(EfiBootEntry.numbers(labelled: "UiApp", in: listing) == ["0000"])
        #expect(EfiBootEntry.numbers(labelled: "Xen", in: listing).isEmpty)
    }

    @Test func removesTheEarlierEntryThenMakesTheNewOne() {
        let c = FakeEfibootmgr(listing: "BootOrder: 0002,0001\nBoot0001* UEFI Shell\nBoot0002* Xen Cloud Platform\tHD(4,GPT)\n")
        EfiBootEntry.add(disk: "/dev/sda", partition: 4, commands: c)
        #expect(c.ran.withLock { $0 } == [
            ["efibootmgr"],
            ["efibootmgr", "--quiet", "--bootnum", "0002", "--delete-bootnum"],
            ["efibootmgr", "--create", "--disk", "/dev/sda", "--part", "4", "--label", "Xen Cloud Platform", "--loader", "\\EFI\\BOOT\\BOOTX64.EFI"],
        ])
        #expect(c.log.lines.contains { $0.contains("UEFI boot entry Boot0004 \"Xen Cloud Platform\" for /dev/sda partition 4") })
    }

    @Test func withoutEfivarsItWarnsAndMakesNothing() {
        let c = FakeEfibootmgr(listing: "EFI variables are not supported on this system.", listOK: false)
        EfiBootEntry.add(disk: "/dev/sda", partition: 4, commands: c)
        #expect(c.ran.withLock { $0 } == [["efibootmgr"]])
        #expect(c.log.lines.contains { $0.contains("warning: no UEFI boot entry made") && $0.contains("removable-media path") })
    }
}
