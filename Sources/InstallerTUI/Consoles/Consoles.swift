import Foundation
import InstallerCore
import Replay
import CVTerm

/// The guide's three virtual terminals inside the installer: Alt-F1 the installer itself,
/// Alt-F2 a root shell, Alt-F3 the event log. The fallback chord is Esc then 1, 2 or 3.
/// The flow is paused while a console is shown; work in the background goes on.
@MainActor
final class Consoles {
    let term: Terminal
    private var shell: PTYSession?
    private let logView = LogView()
    static let helpLine = " <Alt-F1> installer | <Alt-F2> shell | <Alt-F3> event log  (or <Esc> then 1, 2, 3)"

    /// Inside this screen, or (`--real-hardware` on tty1) on the kernel's tty2 and tty3.
    let mode: ConsoleMode

    init(term: Terminal, mode: ConsoleMode = .inside) {
        self.term = term; self.mode = mode
        if case let .kernelVTs(shellTTY, logTTY, startShell, startLog) = mode {
            KernelConsoles.start(shellTTY: shellTTY, logTTY: logTTY, startShell: startShell, startLog: startLog)
        }
    }

    /// Shows console `n` until the administrator switches back to the installer (1).
    /// On kernel VTs the kernel switches (the fallback chord and the failure screen's
    /// buttons switch with VT_ACTIVATE).
    func show(_ n: Int) {
        if case let .kernelVTs(shellTTY, logTTY, _, _) = mode {
            let tty = n == 2 ? shellTTY : n == 3 ? logTTY : nil
            if let vt = tty.flatMap(KernelConsoles.vtNumber) { KernelConsoles.activate(vt) }
            return
        }
        var current = n
        while current != 1 {
            switch current {
            case 2: current = runShell()
            case 3: current = runLog()
            default: return
            }
        }
    }

    // MARK: shell

    private func startShell(rows: Int, cols: Int) -> PTYSession? {
        // Test hook: the random-key walk runs a harmless program here, never a root shell.
        let hook = InstallEnvironment.process.consoleShell
        let shellPath = hook ?? (FileManager.default.isExecutableFile(atPath: "/bin/bash") ? "/bin/bash" : "/bin/sh")
        var env = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "LANG", "USER"].contains($0.key) }
        env["TERM"] = "xterm-256color"
        env["PS1"] = "[installer shell] \\w# "
        if env["PATH"] == nil { env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" }
        EventLog.shared.log("console: starting a shell (\(shellPath))")
        return try? PTYSession(executable: shellPath, arguments: ["--norc", "-i"].filter { _ in shellPath.hasSuffix("bash") },
                               environment: env, rows: rows, cols: cols)
    }

    private func runShell() -> Int {
        while true {
            let (rows, cols) = term.size
            if shell == nil || !(shell!.isRunning) { shell = startShell(rows: rows - 1, cols: cols) }
            guard let sh = shell else { return 1 }
            if sh.rows != rows - 1 || sh.cols != cols { sh.resize(rows: rows - 1, cols: cols) }
            sh.drain()
            var c = Canvas(rows: rows, cols: cols, fill: .console)
            let shot = sh.snapshot()
            for (r, line) in shot.text.enumerated() where r < rows - 1 {
                c.text(line, row: r, col: 0, style: .console)
            }
            c.text(Self.helpLine, row: rows - 1, col: 0, style: .helpLine, maxWidth: cols)
            let cur = sh.cursor
            c.cursor = (min(cur.row, rows - 2), min(cur.col, cols - 1))
            term.show(c)
            term.waitForInput(orPipe: sh.masterFD, timeoutMs: 200)
            guard let key = term.readKey(timeoutMs: 0) else { continue }
            switch key {
            case let .altF(n) where n != 2: return n
            case .altF, .resize: continue
            default: if let k = Self.vtermKey(key) { sh.send(k) }
            }
        }
    }

    static func vtermKey(_ key: Key) -> ReplayKey? {
        switch key {
        case let .char(ch): return ch.unicodeScalars.first.map { .char($0.value, VTERM_MOD_NONE) }
        case .space: return .char(32, VTERM_MOD_NONE)
        case let .ctrl(ch): return ch.unicodeScalars.first.map { .char($0.value, VTERM_MOD_CTRL) }
        case .enter: return ReplayKey.named("Enter")
        case .tab: return ReplayKey.named("Tab")
        case .backTab: return ReplayKey.named("BTab")
        case .escape: return ReplayKey.named("Esc")
        case .backspace: return ReplayKey.named("Backspace")
        case .delete: return ReplayKey.named("Delete")
        case .up: return ReplayKey.named("Up")
        case .down: return ReplayKey.named("Down")
        case .left: return ReplayKey.named("Left")
        case .right: return ReplayKey.named("Right")
        case .home: return ReplayKey.named("Home")
        case .end: return ReplayKey.named("End")
        case .pageUp: return ReplayKey.named("PgUp")
        case .pageDown: return ReplayKey.named("PgDn")
        case let .f(n): return ReplayKey.named("F\(n)")
        case .altF, .resize: return nil
        }
    }

    // MARK: event log

    private func runLog() -> Int {
        while true {
            let (rows, cols) = term.size
            shell?.drain()
            term.show(logView.render(rows: rows, cols: cols))
            guard let key = term.readKey(timeoutMs: 300) else { continue }
            if case let .altF(n) = key, n != 3 { return n }
            logView.handle(key)
        }
    }
}

/// The event log as a live view: follows the end, scrolls with arrows/PgUp/PgDn/Home/End,
/// and searches with `/` (then `n` for the next match).
@MainActor
final class LogView {
    private var top: Int?          // nil: follow the end
    private var searching: String?
    private var lastSearch = ""
    private var message = ""

    func render(rows: Int, cols: Int) -> Canvas {
        let lines = EventLog.shared.lines
        let height = rows - 2
        var c = Canvas(rows: rows, cols: cols, fill: .console)
        // Every line is shown whole (a command's exit status and duration come last):
        // wrapped onto further rows, indented by four.
        var shown: [String] = []
        let first: Int
        if let t = top {
            first = max(0, min(t, lines.count - 1))
            var i = first
            while shown.count < height && i < lines.count { shown += Self.wrap(lines[i], cols: cols); i += 1 }
            shown = Array(shown.prefix(height))
        } else {
            // Whole lines that fit, the newest at the bottom (only a line taller than the
            // window is cut, to its end).
            var i = lines.count
            while i > 0 {
                let rows = Self.wrap(lines[i - 1], cols: cols)
                if shown.count + rows.count > height && !shown.isEmpty { break }
                i -= 1
                shown = rows + shown
            }
            first = i
            shown = Array(shown.suffix(height))
        }
        c.text(" Event log: \(lines.count) lines" + (top == nil ? " (following)" : " (line \(first + 1))") + (message.isEmpty ? "" : " - " + message),
               row: 0, col: 0, style: .consoleBold, maxWidth: cols)
        for (i, l) in shown.enumerated() {
            c.text(l, row: 1 + i, col: 0, style: .console, maxWidth: cols)
        }
        if let s = searching {
            c.text("/" + s, row: rows - 1, col: 0, style: .helpLine, maxWidth: cols)
            c.cursor = (rows - 1, min(cols - 1, s.count + 1))
        } else {
            c.text(Consoles.helpLine + "  </> search", row: rows - 1, col: 0, style: .helpLine, maxWidth: cols)
        }
        return c
    }

    /// A log line cut into rows of `cols` characters, the continuation rows indented by four.
    nonisolated static func wrap(_ line: String, cols: Int) -> [String] {
        let width = max(cols, 8)
        guard line.count > width else { return [line] }
        var out = [String(line.prefix(width))]
        var rest = Substring(line).dropFirst(width)
        while !rest.isEmpty {
            out.append("    " + rest.prefix(width - 4))
            rest = rest.dropFirst(width - 4)
        }
        return out
    }

    func handle(_ key: Key) {
        let lines = EventLog.shared.lines
        if var s = searching {
            switch key {
            case .enter: searching = nil; lastSearch = s; find(s, from: (top ?? max(0, lines.count - 1)))
            case .escape: searching = nil
            case .backspace: if !s.isEmpty { s.removeLast() }; searching = s
            case let .char(ch): s.append(ch); searching = s
            case .space: s.append(" "); searching = s
            default: break
            }
            return
        }
        let page = 10
        let cur = top ?? max(0, lines.count - 20)
        message = ""
        switch key {
        case .up: top = max(0, cur - 1)
        case .down: top = cur + 1
        case .pageUp: top = max(0, cur - page)
        case .pageDown: top = cur + page
        case .home: top = 0
        case .end: top = nil
        case .char("/"): searching = ""
        case .char("n"): if !lastSearch.isEmpty { find(lastSearch, from: cur + 1) }
        default: break
        }
        if let t = top, t >= lines.count - 1 { top = nil }
    }

    private func find(_ text: String, from start: Int) {
        let lines = EventLog.shared.lines
        guard !text.isEmpty else { return }
        let n = lines.count
        for step in 0..<n {
            let i = (start + step) % max(n, 1)
            if lines[i].localizedCaseInsensitiveContains(text) { top = i; message = "found \"\(text)\""; return }
        }
        message = "\"\(text)\" not found"
    }
}
