/// Radio buttons: each button is an element of the Tab order (Tab and Shift-Tab move from
/// one button to the next, as in newt and as the guide says), Up/Down move among them too,
/// and Space chooses the highlighted one.
@MainActor
final class RadioGroup: Widget {
    let options: [String]
    private(set) var selected: Int
    private var cursor: Int
    var onChange: ((Int) -> Void)?

    init(_ options: [String], selected: Int = 0) {
        self.options = options; self.selected = selected; self.cursor = selected
    }

    var focusable: Bool { true }
    func height(width: Int) -> Int { options.count }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        for (i, o) in options.enumerated() {
            let style: Style = (focused && i == cursor) ? .checkboxFocused : .window
            c.text("(\(i == selected ? "*" : " ")) " + o, row: row + i, col: col, style: style, maxWidth: width)
        }
    }

    func moveFocus(forward: Bool) -> Bool {
        let next = cursor + (forward ? 1 : -1)
        guard options.indices.contains(next) else { return false }
        cursor = next
        return true
    }

    func focusEntered(forward: Bool) { cursor = forward ? 0 : options.count - 1 }

    func handle(_ key: Key) -> WidgetEvent {
        switch key {
        case .up:
            guard cursor > 0 else { return .ignored }
            cursor -= 1
        case .down:
            guard cursor < options.count - 1 else { return .ignored }
            cursor += 1
        case .space:
            selected = cursor
            onChange?(selected)
        default: return .ignored
        }
        return .handled
    }
}

/// One check box.
@MainActor
final class Checkbox: Widget {
    let label: String
    var checked: Bool
    var onChange: ((Bool) -> Void)?

    init(_ label: String, checked: Bool) { self.label = label; self.checked = checked }

    var focusable: Bool { true }
    func height(width: Int) -> Int { 1 }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        c.text("[\(checked ? "*" : " ")] " + label, row: row, col: col, style: focused ? .checkboxFocused : .window, maxWidth: width)
    }

    func handle(_ key: Key) -> WidgetEvent {
        guard key == .space else { return .ignored }
        checked.toggle()
        onChange?(checked)
        return .handled
    }
}
