import Foundation
import Testing
@testable import InstallerTUI

/// Which consoles the installer uses. The kernel-VT mode itself (a shell with tty2 as its
/// controlling terminal, the log written to tty3) cannot run here: the tests have no VT, and
/// the machine's own consoles are not ours to take. Only the decision is tested.
@Suite struct ConsoleModeTests {
    let all: (String) -> Bool = { _ in true }

    @Test func realHardwareOnTty1UsesTheKernelsVTs() {
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: all) == .kernelVTs(shell: "/dev/tty2", log: "/dev/tty3"))
    }

    @Test func everythingElseStaysInside() {
        #expect(ConsoleMode.choose(realHardware: false, tty: "/dev/tty1", exists: all) == .inside)   // a profile machine
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/pts/3", exists: all) == .inside)   // ssh, tmux, a replay
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/ttyS0", exists: all) == .inside)   // serial console
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty2", exists: all) == .inside)    // another VT
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty10", exists: all) == .inside)
        #expect(ConsoleMode.choose(realHardware: true, tty: nil, exists: all) == .inside)            // not a terminal
        #expect(ConsoleMode.choose(realHardware: true, tty: "/dev/tty1", exists: { $0 != "/dev/tty3" }) == .inside)
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
