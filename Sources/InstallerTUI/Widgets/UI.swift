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

    /// Runs a form until a button is chosen. `tick` runs every `tickMs` while waiting
    /// (background work); returning a button id from it finishes the form.
    func run(_ form: Form, tickMs: Int32 = -1, tick: (() -> String?)? = nil) -> String {
        stack.append(form)
        defer { stack.removeLast() }
        while true {
            term.show(render(stack))
            if let tick, let done = tick() { return done }
            guard let key = term.readKey(timeoutMs: tickMs) else { continue }
            if key == .resize { continue }
            let (rows, cols) = term.size
            if rows < ScreenFrame.minRows || cols < ScreenFrame.minCols { continue }
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
        let f = Form(title: title, width: width, body: [TextBlock(text, maxRows: 14)], buttons: buttons,
                     help: "Read the message, then choose a button with <Tab> and press <Enter>.", focusButton: focus)
        return run(f)
    }

    /// Shows a message without buttons while `work` runs on this thread (short checks).
    func working<T, E: Error>(_ title: String, _ text: String, work: () throws(E) -> T) throws(E) -> T {
        let f = Form(title: title, width: 56, body: [TextBlock(text)], buttons: [], help: "")
        stack.append(f)
        term.show(render(stack))
        defer { stack.removeLast() }
        return try work()
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
