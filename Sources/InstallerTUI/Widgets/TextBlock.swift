/// Wrapped text. Taller text than `maxRows` scrolls (it becomes focusable then).
@MainActor
final class TextBlock: Widget {
    var text: String
    let maxRows: Int
    var style: Style
    private var top = 0
    private var lastWidth = 0

    init(_ text: String, maxRows: Int = 12, style: Style = .window) {
        self.text = text; self.maxRows = maxRows; self.style = style
    }

    private func lines(_ width: Int) -> [String] { TextWrap.wrap(text, width: width) }

    var focusable: Bool { lines(lastWidth).count > maxRows }

    func height(width: Int) -> Int {
        lastWidth = width
        return min(lines(width).count, maxRows)
    }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        lastWidth = width
        let all = lines(width)
        let overflow = all.count > maxRows
        let w = overflow ? width - 2 : width   // a blank column before the scroll bar
        let shown = overflow ? TextWrap.wrap(text, width: w) : all
        top = min(top, max(0, shown.count - maxRows))
        for (i, l) in shown.dropFirst(top).prefix(maxRows).enumerated() {
            c.text(l, row: row + i, col: col, style: style, maxWidth: w)
        }
        if overflow {
            let h = min(shown.count, maxRows)
            ScrollBar.draw(into: &c, row: row, col: col + width - 1, height: h, top: top, total: shown.count, style: style)
        }
    }

    func handle(_ key: Key) -> WidgetEvent {
        let total = TextWrap.wrap(text, width: max(lastWidth - 2, 1)).count
        let maxTop = max(0, total - maxRows)
        switch key {
        case .down: top = min(top + 1, maxTop)
        case .up: top = max(top - 1, 0)
        case .pageDown: top = min(top + maxRows, maxTop)
        case .pageUp: top = max(top - maxRows, 0)
        case .home: top = 0
        case .end: top = maxTop
        default: return .ignored
        }
        return .handled
    }
}

enum ScrollBar {
    /// `↑`, `▒` track, `█` thumb, `↓`.
    static func draw(into c: inout Canvas, row: Int, col: Int, height: Int, top: Int, total: Int, style: Style) {
        guard height >= 2, total > height else { return }
        let track = max(height - 2, 1)
        let thumb = top * (track - 1) / max(total - height, 1)
        for i in 0..<height {
            let ch: String = i == 0 ? "↑" : i == height - 1 ? "↓" : (i - 1 == thumb ? "█" : "▒")
            c.text(ch, row: row + i, col: col, style: style)
        }
    }
}

/// A fixed one-line label.
@MainActor
final class Label: Widget {
    var text: String
    var style: Style
    init(_ text: String, style: Style = .window) { self.text = text; self.style = style }
    func height(width: Int) -> Int { 1 }
    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        c.text(text, row: row, col: col, style: style, maxWidth: width)
    }
}

/// Empty rows.
@MainActor
final class Spacer: Widget {
    let rows: Int
    init(_ rows: Int = 1) { self.rows = rows }
    func height(width: Int) -> Int { rows }
    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {}
}
