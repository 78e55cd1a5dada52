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
