/// A button in a form's button row.
struct FormButton: Equatable {
    let id: String
    let label: String
    init(_ id: String, _ label: String) { self.id = id; self.label = label }
    static let ok = FormButton("ok", "Ok")
    static let back = FormButton("back", "Back")
}

/// What finished a form.
enum FormEvent: Equatable {
    case button(String)
    case help
    case console(Int)
}

/// A dialog window: a title, widgets stacked top to bottom, a row of buttons, and the help
/// text F1 shows. Tab/Shift-Tab move the focus; F12 means "ok".
@MainActor
final class Form {
    let title: String
    let width: Int
    var body: [Widget]
    var buttons: [FormButton]
    let help: String
    private(set) var focus = 0

    private enum Stop: Equatable { case widget(Int), button(Int) }

    init(title: String, width: Int = 60, body: [Widget], buttons: [FormButton] = [.ok, .back],
         help: String, focusButton: String? = nil) {
        self.title = title; self.width = width; self.body = body; self.buttons = buttons; self.help = help
        // Laid out first: a text that scrolls is a focus stop, before the buttons (else the
        // button focused here would be the one before it once drawn).
        for w in body { _ = w.height(width: innerWidth) }
        if let id = focusButton, let i = buttons.firstIndex(where: { $0.id == id }) {
            focus = stops.firstIndex(of: .button(i)) ?? 0
        }
    }

    private var stops: [Stop] {
        body.indices.filter { body[$0].focusable }.map { Stop.widget($0) } + buttons.indices.map { Stop.button($0) }
    }

    func focus(onButton id: String) {
        if let i = buttons.firstIndex(where: { $0.id == id }), let s = stops.firstIndex(of: .button(i)) { focus = s }
    }

    func focus(on widget: Widget) {
        if let i = body.firstIndex(where: { $0 === widget }), let s = stops.firstIndex(of: .widget(i)) { focus = s }
    }

    var focusedWidget: Widget? {
        let s = stops
        guard focus < s.count, case let .widget(i) = s[focus] else { return nil }
        return body[i]
    }

    var innerWidth: Int { width - 4 }

    var height: Int {
        body.reduce(0) { $0 + $1.height(width: innerWidth) } + (buttons.isEmpty ? 0 : 2) + 4
    }

    /// Draws the window centred in the area between the title line and the help line.
    func draw(into c: inout Canvas) {
        let w = min(width, c.cols - 2)
        let h = min(height, c.rows - 3)
        let top = 1 + max(0, (c.rows - 2 - h) / 2)
        let left = max(0, (c.cols - w) / 2)
        // shadow: one column to the right, one row below
        c.restyle(row: top + 1, col: left + w, height: h, width: 1, style: .shadow)
        c.restyle(row: top + h, col: left + 1, height: 1, width: w, style: .shadow)
        c.box(row: top, col: left, height: h, width: w, style: .window, title: title)
        let s = stops
        var row = top + 2
        for (i, widget) in body.enumerated() {
            let focused = focus < s.count && s[focus] == .widget(i)
            widget.draw(into: &c, row: row, col: left + 2, width: w - 4, focused: focused)
            row += widget.height(width: w - 4)
        }
        guard !buttons.isEmpty else { return }
        let labels = buttons.map { "< \($0.label) >" }
        let total = labels.reduce(0) { $0 + $1.count }
        let gap = max(1, (w - 4 - total) / (labels.count + 1))
        var col = left + 2 + max(0, (w - 4 - total - gap * (labels.count - 1)) / 2)
        let brow = top + h - 3
        for (i, l) in labels.enumerated() {
            let focused = focus < s.count && s[focus] == .button(i)
            c.text(l, row: brow, col: col, style: focused ? .buttonFocused : .button)
            col += l.count + gap
        }
    }

    /// Handles one key. nil: the form goes on.
    func handle(_ key: Key) -> FormEvent? {
        let s = stops
        switch key {
        case .f(12): return .button("ok")
        case .f(1): return .help
        case let .altF(n): return .console(n)
        case .tab, .backTab:
            let forward = key == .tab
            if focusedWidget?.moveFocus(forward: forward) == true { return nil }
            guard !s.isEmpty else { return nil }
            focus = (focus + (forward ? 1 : s.count - 1)) % s.count
            focusedWidget?.focusEntered(forward: forward)
            return nil
        default: break
        }
        guard focus < s.count else { return nil }
        switch s[focus] {
        case let .button(i):
            switch key {
            case .enter, .space: return .button(buttons[i].id)
            case .right, .down: focus = (focus + 1) % s.count
            case .left, .up: focus = (focus + s.count - 1) % s.count
            default: break
            }
            return nil
        case let .widget(i):
            switch body[i].handle(key) {
            case let .activate(id): return .button(id)
            case .handled: return nil
            case .ignored:
                // Arrows leave a widget that has nothing more to do with them, as in newt.
                if key == .down || key == .right { focus = (focus + 1) % s.count }
                if key == .up || key == .left { focus = (focus + s.count - 1) % s.count }
                if key == .enter { return .button(buttons.first?.id ?? "ok") }
                return nil
            }
        }
    }
}
