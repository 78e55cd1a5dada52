/// A scrolling list with one selected row. Typing a letter jumps to the next entry that
/// starts with it (cycling, case-insensitive); Enter finishes the form as "ok".
@MainActor
final class ListBox: Widget {
    var items: [String]
    private(set) var selected: Int
    let rows: Int
    private(set) var top = 0

    init(_ items: [String], selected: Int = 0, rows: Int = 8) {
        self.items = items
        self.selected = items.isEmpty ? 0 : min(max(selected, 0), items.count - 1)
        self.rows = rows
        scrollToSelection()
    }

    var focusable: Bool { !items.isEmpty }
    func height(width: Int) -> Int { min(max(items.count, 1), rows) }

    private func scrollToSelection() {
        let visible = min(items.count, rows)
        if selected < top { top = selected }
        if selected >= top + visible { top = selected - visible + 1 }
    }

    func select(_ i: Int) {
        guard !items.isEmpty else { return }
        selected = min(max(i, 0), items.count - 1)
        scrollToSelection()
    }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        let visible = height(width: width)
        let overflow = items.count > rows
        let w = overflow ? width - 1 : width
        for i in 0..<visible {
            let idx = top + i
            guard idx < items.count else { break }
            let style: Style = idx == selected ? (focused ? .listFocused : .listSelected) : .list
            c.fill(row: row + i, col: col, height: 1, width: w, style: style)
            c.text(" " + items[idx], row: row + i, col: col, style: style, maxWidth: w)
        }
        if overflow { ScrollBar.draw(into: &c, row: row, col: col + width - 1, height: visible, top: top, total: items.count, style: .list) }
    }

    func handle(_ key: Key) -> WidgetEvent {
        guard !items.isEmpty else { return .ignored }
        switch key {
        case .up: select(selected - 1)
        case .down: select(selected + 1)
        case .pageUp: select(selected - rows)
        case .pageDown: select(selected + rows)
        case .home: select(0)
        case .end: select(items.count - 1)
        case .enter: return .activate("ok")
        case let .char(ch) where ch.isLetter || ch.isNumber:
            let target = String(ch).lowercased()
            for step in 1...items.count {
                let idx = (selected + step) % items.count
                if items[idx].trimmingCharacters(in: .whitespaces).lowercased().hasPrefix(target) { select(idx); break }
            }
        default: return .ignored
        }
        return .handled
    }
}

/// A scrolling list of check boxes: Space ticks or clears the highlighted entry.
@MainActor
final class CheckboxList: Widget {
    var items: [String]
    var checked: Set<Int>
    private(set) var cursor = 0
    let rows: Int
    private var top = 0

    init(_ items: [String], checked: Set<Int>, rows: Int = 4) {
        self.items = items; self.checked = checked; self.rows = rows
    }

    var focusable: Bool { !items.isEmpty }
    func height(width: Int) -> Int { min(max(items.count, 1), rows) }

    private func move(_ i: Int) {
        cursor = min(max(i, 0), max(items.count - 1, 0))
        if cursor < top { top = cursor }
        if cursor >= top + rows { top = cursor - rows + 1 }
    }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        let overflow = items.count > rows
        let w = overflow ? width - 1 : width
        for i in 0..<height(width: width) {
            let idx = top + i
            guard idx < items.count else { break }
            let style: Style = (idx == cursor && focused) ? .listFocused : .list
            c.fill(row: row + i, col: col, height: 1, width: w, style: style)
            c.text("[\(checked.contains(idx) ? "*" : " ")] " + items[idx], row: row + i, col: col, style: style, maxWidth: w)
        }
        if overflow { ScrollBar.draw(into: &c, row: row, col: col + width - 1, height: height(width: width), top: top, total: items.count, style: .list) }
    }

    func handle(_ key: Key) -> WidgetEvent {
        switch key {
        case .up: move(cursor - 1)
        case .down: move(cursor + 1)
        case .pageUp: move(cursor - rows)
        case .pageDown: move(cursor + rows)
        case .home: move(0)
        case .end: move(items.count - 1)
        case .space:
            if checked.contains(cursor) { checked.remove(cursor) } else if !items.isEmpty { checked.insert(cursor) }
        default: return .ignored
        }
        return .handled
    }
}
