import CNCurses
import Glibc
import InstallerCore

/// The only code that calls curses. It shows a `Canvas`, reads keys, and reports the size.
/// Every call happens on the main thread.
@MainActor
final class Terminal {
    private var screen: UnsafeMutablePointer<WINDOW>?
    private(set) var started = false
    private var restoreToken: CleanupRegistry.Token?

    /// Private key codes given to sequences that terminfo does not name the same way everywhere.
    private enum Code {
        static let altF1: Int32 = 1025, altF2: Int32 = 1026, altF3: Int32 = 1027
        static let altTab: Int32 = 1033
    }

    func start() {
        guard !started else { return }
        setlocale(LC_ALL, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_ALL, "C.UTF-8") }
        // If a signal ends the process during an install (CleanupRegistry's handlers), the
        // terminal is put back as it was, after the mounts and loop devices are released.
        var saved = termios()
        if tcgetattr(0, &saved) == 0 {
            nonisolated(unsafe) let original = saved
            restoreToken = CleanupRegistry.shared.register("restore the terminal", held: true) { _ in
                var t = original
                tcsetattr(0, TCSANOW, &t)
                let reset = "\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n"
                _ = reset.withCString { write(1, $0, strlen($0)) }
            }
        }
        guard let scr = initscr() else { return }
        screen = scr
        raw()
        noecho()
        nonl()
        keypad(scr, true)
        set_escdelay(60)
        curs_set(0)
        if has_colors() {
            start_color()
            for style in Style.allCases {
                let (fg, bg) = Terminal.colours(style)
                init_pair(Int16(style.rawValue + 1), fg, bg)
            }
        }
        defineKeys()
        started = true
    }

    func stop() {
        if let t = restoreToken { CleanupRegistry.shared.remove(t); restoreToken = nil }
        guard started else { return }
        curs_set(1)
        endwin()
        started = false
    }

    /// Make keys arrive as the same codes whatever TERM says (see swift-c-interop-notes §1).
    private func defineKeys() {
        let seqs: [(String, Int32)] = [
            ("\u{1b}[1;3P", Code.altF1), ("\u{1b}[1;3Q", Code.altF2), ("\u{1b}[1;3R", Code.altF3),
            ("\u{1b}\u{1b}OP", Code.altF1), ("\u{1b}\u{1b}OQ", Code.altF2), ("\u{1b}\u{1b}OR", Code.altF3),
            ("\u{1b}\t", Code.altTab), ("\u{1b}[Z", KEY_BTAB),
            ("\u{1b}OP", cn_key_f(1)), ("\u{1b}OQ", cn_key_f(2)), ("\u{1b}OR", cn_key_f(3)), ("\u{1b}OS", cn_key_f(4)),
            ("\u{1b}[[A", cn_key_f(1)), ("\u{1b}[[B", cn_key_f(2)), ("\u{1b}[[C", cn_key_f(3)),
            ("\u{1b}[11~", cn_key_f(1)), ("\u{1b}[12~", cn_key_f(2)), ("\u{1b}[13~", cn_key_f(3)),
            ("\u{1b}[24~", cn_key_f(12)), ("\u{1b}[1~", KEY_HOME), ("\u{1b}[4~", KEY_END),
            ("\u{1b}[H", KEY_HOME), ("\u{1b}[F", KEY_END), ("\u{1b}OH", KEY_HOME), ("\u{1b}OF", KEY_END),
            ("\u{1b}[A", KEY_UP), ("\u{1b}[B", KEY_DOWN), ("\u{1b}[C", KEY_RIGHT), ("\u{1b}[D", KEY_LEFT),
            ("\u{1b}OA", KEY_UP), ("\u{1b}OB", KEY_DOWN), ("\u{1b}OC", KEY_RIGHT), ("\u{1b}OD", KEY_LEFT),
        ]
        for (s, c) in seqs { _ = define_key(s, c) }
    }

    /// After a resize the next `show` repaints the whole screen: a terminal may have reflowed
    /// or cleared what it showed, while curses would send only the cells that changed (none,
    /// when a dialog stays where it was).
    func repaintAll() {
        if started { _ = cn_repaint_all() }
    }

    var size: (rows: Int, cols: Int) {
        started ? (Int(cn_lines()), Int(cn_cols())) : (25, 80)
    }

    /// Draws the canvas (curses sends only what changed).
    func show(_ canvas: Canvas) {
        guard started else { return }
        let (rows, cols) = size
        for r in 0..<min(rows, canvas.rows) {
            for c in 0..<min(cols, canvas.cols) {
                let cell = canvas[r, c]
                let scalar = cell.char.unicodeScalars.first!.value
                _ = cn_put(Int32(r), Int32(c), scalar, Terminal.attributes(cell.style), Int16(cell.style.rawValue + 1))
            }
        }
        if let cur = canvas.cursor {
            curs_set(1)
            move(Int32(cur.row), Int32(cur.col))
        } else {
            curs_set(0)
        }
        refresh()
    }

    /// Waits up to `timeoutMs` (-1: forever) for a key. nil on timeout.
    func readKey(timeoutMs: Int32) -> Key? {
        guard let scr = screen else { return nil }
        wtimeout(scr, timeoutMs)
        var ch: UInt32 = 0
        let rc = cn_get_wch(scr, &ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES { return decode(code: Int32(ch)) }
        if ch == 27 {
            // Esc alone, or Esc followed by a key (Alt-1..3 is the fallback console chord).
            wtimeout(scr, 30)
            var next: UInt32 = 0
            let rc2 = cn_get_wch(scr, &next)
            if rc2 == ERR { return .escape }
            if rc2 == OK {
                switch next {
                case 9: return .backTab
                case 0x31: return .altF(1)
                case 0x32: return .altF(2)
                case 0x33: return .altF(3)
                default: return .escape
                }
            }
            // Esc before a function key: the meta form of Alt-F1..F3.
            if let k = decode(code: Int32(next)), case let .f(n) = k, (1...3).contains(n) { return .altF(n) }
            return decode(code: Int32(next))
        }
        return Terminal.decode(char: ch)
    }

    static func decode(char ch: UInt32) -> Key? {
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 32: return .space
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(UnicodeScalar(ch + 96)!))
        default:
            guard let u = UnicodeScalar(ch) else { return nil }
            return .char(Character(u))
        }
    }

    private func decode(code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB, Code.altTab, 512: return .backTab   // 512: kcbt2 under TERM=linux
        case KEY_RESIZE: return .resize
        case Code.altF1: return .altF(1)
        case Code.altF2: return .altF(2)
        case Code.altF3: return .altF(3)
        case cn_key_f(49), cn_key_f(50), cn_key_f(51): return .altF(Int(code - cn_key_f(48)))
        case cn_key_f(1)...cn_key_f(12): return .f(Int(code - cn_key_f(0)))
        default: return nil
        }
    }

    /// Makes `readKey` return at once after another thread calls `wake()`.
    /// The pipe's read end is what the loop should poll next to stdin.
    func waitForInput(orPipe fd: Int32, timeoutMs: Int32) {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, timeoutMs)
    }

    static func colours(_ s: Style) -> (Int16, Int16) {
        let black = Int16(COLOR_BLACK), white = Int16(COLOR_WHITE), blue = Int16(COLOR_BLUE), red = Int16(COLOR_RED)
        switch s {
        case .root, .rootText, .helpLine: return (white, blue)
        case .window, .button, .list, .checkbox, .listSelected: return (black, white)
        case .label: return (blue, white)
        case .title, .error: return (red, white)
        case .shadow: return (black, black)
        case .buttonFocused, .listFocused, .checkboxFocused: return (white, red)
        case .entry, .entryFocused: return (white, blue)
        case .entryDisabled: return (blue, white)
        case .scaleFull: return (white, blue)
        case .scaleEmpty: return (black, white)
        case .console, .consoleBold: return (white, black)
        }
    }

    static func attributes(_ s: Style) -> attr_t {
        switch s {
        case .root, .helpLine, .rootText, .buttonFocused, .listFocused, .checkboxFocused, .entryFocused, .consoleBold: return cn_a_bold()
        case .listSelected: return cn_a_reverse()
        default: return cn_a_normal()
        }
    }
}
