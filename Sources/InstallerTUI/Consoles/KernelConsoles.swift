import CSystem
import Foundation
import Glibc
import InstallerCore

/// Where the shell and the event log are shown. Inside the installer's own screen (a shell
/// on a pseudo-terminal drawn through libvterm, the log view) everywhere except on a real
/// Linux console: started with `--real-hardware` on tty1, the shell runs on tty2 and the
/// log is followed on tty3, so the kernel's own Alt-F1/F2/F3 switch between them.
enum ConsoleMode: Equatable {
    case inside
    /// `startShell`/`startLog` are false where another program already has that VT open
    /// (the installer CD's init runs its own shell on tty2 and `tail -F` on tty3; a getty):
    /// the installer then leaves it alone and only switches to it.
    case kernelVTs(shell: String, log: String, startShell: Bool, startLog: Bool)

    /// The decision: kernel virtual terminals only for `--real-hardware` on /dev/tty1 when
    /// /dev/tty2 and /dev/tty3 exist; a serial console, a pseudo-terminal (ssh, tmux, a
    /// replay), another VT or a profile machine keep everything inside.
    static func choose(realHardware: Bool, tty: String?,
                       exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
                       inUse: (String) -> Bool = KernelConsoles.openElsewhere) -> ConsoleMode {
        guard realHardware, tty == "/dev/tty1" else { return .inside }
        let shell = "/dev/tty2", log = "/dev/tty3"
        guard exists(shell), exists(log) else { return .inside }
        return .kernelVTs(shell: shell, log: log, startShell: !inUse(shell), startLog: !inUse(log))
    }

    /// The mode for this process (standard input's terminal).
    static func current(realHardware: Bool) -> ConsoleMode {
        choose(realHardware: realHardware, tty: ttyname(0).map { String(cString: $0) })
    }
}

/// The shell on tty2 (its controlling terminal; a fresh one when it exits) and the event log
/// written to tty3 as it grows. Threads of their own: they go on whatever the installer shows.
/// Not exercised by the tests (no VT there, and the machine's consoles are not ours to take).
enum KernelConsoles {
    static func start(shellTTY: String, logTTY: String, startShell: Bool, startLog: Bool, log: EventLog = .shared) {
        log.log("console: the shell is on \(shellTTY)\(startShell ? "" : " (already running there)") and the event log on \(logTTY)\(startLog ? "" : " (already shown there)") (Alt-F2, Alt-F3)")
        if startShell { Thread.detachNewThread { runShells(on: shellTTY, log: log) } }
        if startLog { Thread.detachNewThread { followLog(on: logTTY, log: log) } }
    }

    /// Whether another process has `tty` open (any /proc/PID/fd link to it).
    static func openElsewhere(_ tty: String) -> Bool {
        let me = String(getpid())
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for pid in pids where pid != me && pid.allSatisfy(\.isNumber) {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds where (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) == tty {
                return true
            }
        }
        return false
    }

    /// VT number of `/dev/ttyN`.
    static func vtNumber(_ tty: String) -> Int? {
        guard tty.hasPrefix("/dev/tty") else { return nil }
        return Int(tty.dropFirst("/dev/tty".count))
    }

    /// Switches the kernel to VT `n` (the fallback chord on a real console).
    static func activate(_ n: Int) {
        _ = cs_ioctl_int(0, 0x5606 /* VT_ACTIVATE */, UInt(n))
    }

    private static func runShells(on tty: String, log: EventLog) {
        let shell = FileManager.default.isExecutableFile(atPath: "/bin/bash") ? "/bin/bash" : "/bin/sh"
        var failures = 0
        while failures < 5 {
            let started = Date()
            guard let pid = spawnShell(shell, on: tty) else {
                log.log("console: cannot start \(shell) on \(tty): \(String(cString: strerror(errno)))")
                failures += 1
                sleep(2)
                continue
            }
            log.log("console: started \(shell) on \(tty) (pid \(pid))")
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            log.log("console: the shell on \(tty) ended; starting a fresh one")
            // A shell that dies at once (no such terminal) must not spin.
            failures = Date().timeIntervalSince(started) < 1 ? failures + 1 : 0
            sleep(1)
        }
        log.log("console: gave up starting a shell on \(tty)")
    }

    /// A new session whose controlling terminal is `tty` (opened first after setsid).
    private static func spawnShell(_ shell: String, on tty: String) -> pid_t? {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(0x80 /* POSIX_SPAWN_SETSID: glibc, _GNU_SOURCE only */ | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attr, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, tty, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let argv = [shell, "-i"]
        let env = ["TERM=linux", "HOME=/root", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "PS1=[installer shell] \\w# "]
        var cargv = argv.map { strdup($0) } + [nil]
        var cenv = env.map { strdup($0) } + [nil]
        defer { (cargv + cenv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, shell, &actions, &attr, &cargv, &cenv)
        if rc != 0 { errno = rc; return nil }
        return pid
    }

    private static func followLog(on tty: String, log: EventLog) {
        let fd = open(tty, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { log.log("console: cannot open \(tty) for the event log: \(String(cString: strerror(errno)))"); return }
        func put(_ s: String) {
            let bytes = Array(s.utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        put("\u{1b}[H\u{1b}[2J host-installer event log (Alt-F1 installer, Alt-F2 shell)\r\n")
        var next = 0
        while true {
            let lines = log.lines(from: next)
            next += lines.count
            for l in lines { put(l + "\r\n") }
            usleep(250_000)
        }
    }
}
