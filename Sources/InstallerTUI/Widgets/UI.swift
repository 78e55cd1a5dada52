/// Runs forms on the terminal: draws the screen, reads keys, shows F1 help, redraws on
/// resize, and shows a plain message while the terminal is below 80x24.
@MainActor
final class UI {
    let term: Terminal
    /// Forms under the one being run (a dialog is drawn over its screen).
    private var stack: [Form] = []
    /// The screen under a dialog that is shown after the screen's form has returned.
    var backdrop: Form?
    /// Called when Alt-F1..F3 (or the fallback chord) is pressed; the form is redrawn afterwards.
    var onConsole: ((Int) -> Void)?
    /// Keys typed while a "Please wait" window was shown: the next form reads them first.
    private var typeahead: [Key] = []
    /// "Please wait" windows being run (a help window over one must not eat the kept keys).
    private var holding = 0

    init(term: Terminal) { self.term = term }

    func render(_ forms: [Form]) -> Canvas {
        let (rows, cols) = term.size
        var c = Canvas(rows: rows, cols: cols)
        if rows < ScreenFrame.minRows || cols < ScreenFrame.minCols {
            ScreenFrame.tooSmall(into: &c)
            return c
        }
        ScreenFrame.draw(into: &c)
        var all = forms
        if let b = backdrop, !forms.contains(where: { $0 === b }) { all.insert(b, at: 0) }
        for f in all {
            c.cursor = nil
            f.draw(into: &c)
        }
        return c
    }

    /// Runs a form until a button is chosen.
    func run(_ form: Form) -> String {
        while true {
            if let button = run(form, tickMs: -1, poll: nil) { return button }
        }
    }

    /// What a form's poll found at a tick.
    enum Tick { case idle, redraw, stop }

    /// Runs a form until a button is chosen (its id), or until `poll`, called every `tickMs`
    /// while background work goes on, says `.stop` (nil). Meanwhile keys work as on any
    /// form: F1 help, Alt-F1..F3 consoles, resize. With `holdKeys` (a "Please wait" window)
    /// other keys are kept for the next form, as they were when such work blocked the loop.
    func run(_ form: Form, tickMs: Int32, holdKeys: Bool = false, poll: (() -> Tick)?) -> String? {
        stack.append(form)
        if holdKeys { holding += 1 }
        defer {
            stack.removeLast()
            if holdKeys { holding -= 1 }
        }
        var dirty = true
        while true {
            if dirty { term.show(render(stack)); dirty = false }
            if let poll {
                switch poll() {
                case .stop: return nil
                case .redraw: dirty = true
                case .idle: break
                }
            }
            let key: Key
            if holding == 0, !typeahead.isEmpty {
                key = typeahead.removeFirst()
            } else {
                guard let k = term.readKey(timeoutMs: poll == nil ? -1 : tickMs) else { continue }
                key = k
            }
            dirty = true
            if key == .resize { term.repaintAll(); continue }
            let (rows, cols) = term.size
            if rows < ScreenFrame.minRows || cols < ScreenFrame.minCols { continue }
            if holdKeys {
                switch key {
                case .f(1): showHelp(for: form)
                case let .altF(n): onConsole?(n)
                default: typeahead.append(key)
                }
                continue
            }
            switch form.handle(key) {
            case nil: continue
            case let .button(id)?: return id
            case .help?: showHelp(for: form)
            case let .console(n)?: onConsole?(n)
            }
        }
    }

    /// A message box; returns the id of the button chosen.
    @discardableResult
    func message(_ title: String, _ text: String, buttons: [FormButton] = [.ok], width: Int = 56, focus: String? = nil) -> String {
        run(UI.messageForm(title, text, buttons: buttons, width: width, focus: focus))
    }

    /// The form of a message box (also the end screens').
    static func messageForm(_ title: String, _ text: String, buttons: [FormButton] = [.ok], width: Int = 56, focus: String? = nil) -> Form {
        Form(title: title, width: width, body: [TextBlock(text, maxRows: 14)], buttons: buttons,
             help: "Read the message, then choose a button with <Tab> and press <Enter>.", focusButton: focus)
    }

    /// Shows a message without buttons until `task` has finished, and returns its value.
    /// The screen stays alive meanwhile (F1, Alt-F2/F3, resize); other keys typed are kept
    /// for the next form.
    func wait<V>(_ task: BackgroundTask<V, Never>, _ title: String, _ text: String) -> V {
        let f = Form(title: title, width: 56, body: [TextBlock(text)], buttons: [],
                     help: "The installer is working; this window closes by itself when it is done. Alt-F2 opens a shell and Alt-F3 the event log meanwhile; Alt-F1 comes back here.")
        var value: V?
        while true {
            _ = run(f, tickMs: 20, holdKeys: true) {
                value = task.take().value
                return value == nil ? .idle : .stop
            }
            if let value { return value }
        }
    }

    func showHelp(for form: Form) {
        let general = """
        Keys: <Tab> and <Alt-Tab> (or <Shift-Tab>) move between the fields and buttons; arrows, \
        <PgUp>, <PgDn>, <Home> and <End> move in lists, and a letter jumps to the next entry \
        starting with it; <Space> ticks a box or chooses an option; <Enter> presses the \
        highlighted button; <F12> goes to the next screen as Ok does. <Alt-F1>, <Alt-F2> and \
        <Alt-F3> show the installer, a shell and the event log (virtual terminals 1 to 3); \
        where the terminal keeps <Alt-Fn> for itself, press <Esc> then 1, 2 or 3 instead \
        (the help line's "<Esc>1-3 VTs").
        """
        let f = Form(title: "Help: \(form.title)", width: 66, body: [TextBlock(form.help + "\n\n" + general, maxRows: 15)],
                     buttons: [.ok], help: "This is the help screen. Press <Enter> to return.")
        _ = run(f)
    }
}
