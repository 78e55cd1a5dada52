import Foundation
import Testing
@testable import InstallerTUI

/// Which consoles the installer uses. The kernel-VT mode itself (a shell with tty2 as its
/// controlling terminal, the log written to tty3) cannot run here: the tests have no VT, and
/// the machine's own consoles are not ours to take. Only the decision is tested.
@Suite struct ConsoleModeTests {
    let all: (String) -> Bool = { _ in true }
    let none: (String) -> Bool = { _ in false }

    @Test func realHardwareOnTty1UsesTheKernelsVTs() {
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: all, inUse: none)
                == .kernelVTs(shell: "/dev/tty2", log: "/dev/tty3", startShell: true, startLog: true))
    }

    @Test func aVTAlreadyInUseIsLeftAlone() {
        // The installer CD's init already runs a shell on tty2 and the log on tty3.
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: all, inUse: all)
                == .kernelVTs(shell: "/dev/tty2", log: "/dev/tty3", startShell: false, startLog: false))
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: all, inUse: { $0 == "/dev/tty2" })
                == .kernelVTs(shell: "/dev/tty2", log: "/dev/tty3", startShell: false, startLog: true))
    }

    @Test func openElsewhereSeesAnotherProcessHoldingAFile() throws {
        let path = NSTemporaryDirectory() + "held-\(getpid())"
        FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!KernelConsoles.openElsewhere(path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["30"]
        p.standardInput = FileHandle(forReadingAtPath: path)
        try p.run()
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }   // SIGTERM is blocked in Process children
        var seen = false
        // Up to 10 s: on a loaded machine the child may take a while to start.
        for _ in 0..<500 where !seen { seen = KernelConsoles.openElsewhere(path); if !seen { usleep(20_000) } }
        #expect(seen)
    }

    @Test func everythingElseStaysInside() {
        #expect(ConsoleMode.choose(realHardware: false, tty: "/dev/tty1", exists: all) == .inside)   // a profile machine
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/pts/3", exists: all) == .inside)   // ssh, tmux, a replay
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/ttyS0", exists: all) == .inside)   // serial console
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty2", exists: all) == .inside)    // another VT
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty10", exists: all) == .inside)
        #expect(ConsoleMode.choose(realHardware: true, tty: nil, exists: all) == .inside)            // not a terminal
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: { $0 != "/dev/tty3" }, inUse: none) == .inside)
    }

    @Test func vtNumbers() {
        #expect(KernelConsoles.vtNumber("/dev/tty2") == 2)
        #expect(KernelConsoles.vtNumber("/dev/tty3") == 3)
        #expect(KernelConsoles.vtNumber("/dev/pts/2") == nil)
    }

    @Test func theLogViewWrapsLongLinesWhole() {
        #expect(LogView.wrap("short", cols: 80) == ["short"])
        let line = String(repeating: "a", count: 80) + String(repeating: "b", count: 80) + "-> exit 0 in 0.81 s"
        let rows = LogView.wrap(line, cols: 80)
        #expect(rows.allSatisfy { $0.count <= 80 })
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix("    ") })
        #expect(rows.map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : $0 }.joined() == line)
        #expect(rows.last!.hasSuffix("-> exit 0 in 0.81 s"))
    }
}
