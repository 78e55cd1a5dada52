/// A labelled one-line text field; `masked` shows `*` for each character (passwords).
@MainActor
final class Entry: Widget {
    let label: String
    let labelWidth: Int
    var value: String
    let fieldWidth: Int
    let masked: Bool
    var enabled = true
    private var cursorPos: Int
    private var offset = 0

    init(_ label: String, value: String = "", labelWidth: Int = 14, fieldWidth: Int = 20, masked: Bool = false) {
        self.label = label; self.value = value; self.labelWidth = labelWidth
        self.fieldWidth = fieldWidth; self.masked = masked
        cursorPos = value.count
    }

    var focusable: Bool { enabled }
    func height(width: Int) -> Int { 1 }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        if !label.isEmpty { c.text(label, row: row, col: col, style: .window, maxWidth: labelWidth) }
        let fx = col + (label.isEmpty ? 0 : labelWidth)
        let fw = min(fieldWidth, width - (fx - col))
        let style: Style = !enabled ? .entryDisabled : (focused ? .entryFocused : .entry)
        c.fill(row: row, col: fx, height: 1, width: fw, style: style)
        if cursorPos < offset { offset = cursorPos }
        if cursorPos >= offset + fw { offset = cursorPos - fw + 1 }
        let shown = masked ? String(repeating: "*", count: value.count) : value
        c.text(String(shown.dropFirst(offset)), row: row, col: fx, style: style, maxWidth: fw)
        if focused && enabled { c.cursor = (row, fx + cursorPos - offset) }
    }

    func handle(_ key: Key) -> WidgetEvent {
        guard enabled else { return .ignored }
        switch key {
        case let .char(ch):
            let i = value.index(value.startIndex, offsetBy: cursorPos)
            value.insert(ch, at: i)
            cursorPos += 1
        case .space:
            let i = value.index(value.startIndex, offsetBy: cursorPos)
            value.insert(" ", at: i)
            cursorPos += 1
        case .backspace:
            guard cursorPos > 0 else { return .handled }
            value.remove(at: value.index(value.startIndex, offsetBy: cursorPos - 1))
            cursorPos -= 1
        case .delete:
            guard cursorPos < value.count else { return .handled }
            value.remove(at: value.index(value.startIndex, offsetBy: cursorPos))
        case .left: cursorPos = max(0, cursorPos - 1)
        case .right: cursorPos = min(value.count, cursorPos + 1)
        case .home: cursorPos = 0
        case .end: cursorPos = value.count
        case .enter: return .activate("ok")
        default: return .ignored
        }
        return .handled
    }
}
