import CSystem
import CVTerm
import Glibc

/// A program running on a pseudo-terminal, seen through libvterm: what a person would see.
public final class PTYSession {
    public private(set) var rows: Int
    public private(set) var cols: Int
    private let vt: OpaquePointer
    private let screen: OpaquePointer
    public let pid: pid_t
    private let master: Int32
    /// The terminal's master side (to poll for output).
    public var masterFD: Int32 { master }
    public private(set) var exitStatus: Int32?
    /// When output last arrived, or input was last sent (monotonic seconds).
    private var lastOutput: Double = 0
    /// When output last arrived (monotonic seconds), for hang checks.
    public private(set) var lastOutputTime: Double = 0

    public init(executable: String, arguments: [String], environment: [String: String], rows: Int, cols: Int) throws {
        self.rows = rows; self.cols = cols
        vt = vterm_new(Int32(rows), Int32(cols))
        vterm_set_utf8(vt, 1)
        screen = vterm_obtain_screen(vt)
        vterm_screen_enable_altscreen(screen, 1)
        vterm_screen_reset(screen, 1)

        // Everything the child needs is built before the fork: it only calls execve.
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var ws = winsize(ws_row: UInt16(rows), ws_col: UInt16(cols), ws_xpixel: 0, ws_ypixel: 0)
        var fd: Int32 = -1
        let child = forkpty(&fd, nil, nil, &ws)
        if child < 0 { throw ReplayError("forkpty failed: \(String(cString: strerror(cs_errno())))") }
        if child == 0 {
            execve(executable, argv, envp)
            _exit(127)
        }
        pid = child
        master = fd
        lastOutput = Self.now()
    }

    /// A program still running is hung up on first (closing the terminal sends it SIGHUP, so
    /// an installer releases its mounts and loop devices, giving its install 5 s to stop), and
    /// killed if it is still there after 10 seconds.
    deinit {
        close(master)
        if exitStatus == nil {
            var st: Int32 = 0
            let deadline = Self.now() + 10
            var reaped = waitpid(pid, &st, WNOHANG) == pid
            while !reaped && Self.now() < deadline {
                usleep(20_000)
                reaped = waitpid(pid, &st, WNOHANG) == pid
            }
            if !reaped {
                kill(pid, SIGKILL)
                waitpid(pid, &st, 0)
            }
        }
        vterm_free(vt)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Reads whatever output arrives within `timeout` seconds into the emulator.
    /// Returns false once the program has closed the terminal.
    @discardableResult
    public func pump(timeout: Double) -> Bool {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let r = poll(&pfd, 1, Int32(max(0, timeout * 1000)))
        guard r > 0 else { return true }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = read(master, &buf, buf.count)
        if n <= 0 { reap(); return false }
        buf.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n) { _ = vterm_input_write(vt, $0, n) }
        }
        flushKeyboard()   // answers to terminal queries
        lastOutput = Self.now()
        lastOutputTime = lastOutput
        return true
    }

    /// Pumps until no output has come for `quiet` seconds, or `limit` seconds passed.
    public func settle(quiet: Double = 0.05, limit: Double = 2) {
        let end = Self.now() + limit
        while Self.now() < end {
            let idle = Self.now() - lastOutput
            if idle >= quiet { return }
            if !pump(timeout: quiet - idle) { return }
        }
    }

    private func reap() {
        guard exitStatus == nil else { return }
        var st: Int32 = 0
        if waitpid(pid, &st, 0) == pid {
            exitStatus = cs_wifexited(st) != 0 ? cs_wexitstatus(st) : 128 + cs_wtermsig(st)
        }
    }

    /// Waits for the program to end; its exit status, or nil on timeout.
    public func waitExit(timeout: Double) -> Int32? {
        let end = Self.now() + timeout
        while exitStatus == nil && Self.now() < end {
            if !pump(timeout: 0.05) { break }
            var st: Int32 = 0
            if waitpid(pid, &st, WNOHANG) == pid {
                exitStatus = cs_wifexited(st) != 0 ? cs_wexitstatus(st) : 128 + cs_wtermsig(st)
            }
        }
        return exitStatus
    }

    private func flushKeyboard() {
        var out = [CChar](repeating: 0, count: 4096)
        while true {
            let n = vterm_output_read(vt, &out, out.count)
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = out.withUnsafeBufferPointer { write(master, $0.baseAddress! + off, n - off) }
                if w <= 0 { break }
                off += w
            }
        }
        // The quiet time of `settle` counts from the input too: a `screen` right after a key
        // must not be compared with what was drawn before the program read that key.
        lastOutput = Self.now()
    }

    public func send(_ key: ReplayKey) {
        switch key {
        case let .key(k, mod): vterm_keyboard_key(vt, k, mod)
        case let .char(c, mod): vterm_keyboard_unichar(vt, c, mod)
        }
        flushKeyboard()
    }

    public func type(_ text: String) {
        for u in text.unicodeScalars { vterm_keyboard_unichar(vt, u.value, VTERM_MOD_NONE) }
        flushKeyboard()
    }

    /// Where the emulated terminal's cursor is.
    public var cursor: (row: Int, col: Int) {
        var pos = VTermPos()
        vterm_state_get_cursorpos(vterm_obtain_state(vt), &pos)
        return (Int(pos.row), Int(pos.col))
    }

    /// True while the program is running.
    public var isRunning: Bool {
        if exitStatus != nil { return false }
        var st: Int32 = 0
        if waitpid(pid, &st, WNOHANG) == pid {
            exitStatus = cs_wifexited(st) != 0 ? cs_wexitstatus(st) : 128 + cs_wtermsig(st)
            return false
        }
        return true
    }

    /// Reads all output already waiting, without blocking.
    public func drain() {
        while isRunning {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 0) > 0 else { return }
            if !pump(timeout: 0) { return }
        }
    }

    public func resize(rows: Int, cols: Int) {
        self.rows = rows; self.cols = cols
        vterm_set_size(vt, Int32(rows), Int32(cols))
        _ = cs_set_winsize(master, UInt16(rows), UInt16(cols))
    }

    /// The screen as it stands: text and colours of every cell.
    public func snapshot() -> Snapshot {
        var text: [String] = []
        var colours: [[Snapshot.CellColour]] = []
        var cell = VTermScreenCell()
        for r in 0..<rows {
            var line = ""
            var cl: [Snapshot.CellColour] = []
            for c in 0..<cols {
                vterm_screen_get_cell(screen, VTermPos(row: Int32(r), col: Int32(c)), &cell)
                let ch = cv_cell_char(&cell)
                if ch == 0xFFFF_FFFF { continue }   // right half of a wide character
                line.unicodeScalars.append(ch == 0 ? " " : (UnicodeScalar(ch) ?? "?"))
                var fg = withUnsafePointer(to: &cell.fg) { Int(cv_color_index($0, 0)) }
                var bg = withUnsafePointer(to: &cell.bg) { Int(cv_color_index($0, 1)) }
                if cv_cell_reverse(&cell) != 0 { swap(&fg, &bg) }
                cl.append(Snapshot.CellColour(fg: fg, bg: bg, bold: cv_cell_bold(&cell) != 0))
            }
            text.append(line)
            colours.append(cl)
        }
        return Snapshot(text: text, colours: colours)
    }
}

public enum ReplayKey {
    case key(VTermKey, VTermModifier)
    case char(UInt32, VTermModifier)

    /// The key names of replay scripts (SPEC section 6).
    public static func named(_ name: String) -> ReplayKey? {
        switch name {
        case "Tab": return .key(VTERM_KEY_TAB, VTERM_MOD_NONE)
        case "BTab": return .key(VTERM_KEY_TAB, VTERM_MOD_SHIFT)
        case "AltTab": return .key(VTERM_KEY_TAB, VTERM_MOD_ALT)
        case "Space": return .char(32, VTERM_MOD_NONE)
        case "Enter": return .key(VTERM_KEY_ENTER, VTERM_MOD_NONE)
        case "Esc": return .key(VTERM_KEY_ESCAPE, VTERM_MOD_NONE)
        case "Up": return .key(VTERM_KEY_UP, VTERM_MOD_NONE)
        case "Down": return .key(VTERM_KEY_DOWN, VTERM_MOD_NONE)
        case "Left": return .key(VTERM_KEY_LEFT, VTERM_MOD_NONE)
        case "Right": return .key(VTERM_KEY_RIGHT, VTERM_MOD_NONE)
        case "PgUp": return .key(VTERM_KEY_PAGEUP, VTERM_MOD_NONE)
        case "PgDn": return .key(VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE)
        case "Home": return .key(VTERM_KEY_HOME, VTERM_MOD_NONE)
        case "End": return .key(VTERM_KEY_END, VTERM_MOD_NONE)
        case "Backspace": return .key(VTERM_KEY_BACKSPACE, VTERM_MOD_NONE)
        case "Delete": return .key(VTERM_KEY_DEL, VTERM_MOD_NONE)
        case "Ctrl-C": return .char(UInt32(UInt8(ascii: "c")), VTERM_MOD_CTRL)
        default:
            if name.hasPrefix("AltF"), let n = Int(name.dropFirst(4)), (1...12).contains(n) {
                return .key(cv_key_function(Int32(n)), VTERM_MOD_ALT)
            }
            if name.hasPrefix("F"), let n = Int(name.dropFirst(1)), (1...12).contains(n) {
                return .key(cv_key_function(Int32(n)), VTERM_MOD_NONE)
            }
            if name.count == 1, let u = name.unicodeScalars.first { return .char(u.value, VTERM_MOD_NONE) }
            return nil
        }
    }
}

public struct ReplayError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
