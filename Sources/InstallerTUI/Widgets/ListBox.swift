import Glibc

/// A scrolling list with one selected row; Enter finishes the form as "ok".
/// Typing searches by prefix as a person types (case-insensitive): "Zu" reaches Zurich, not
/// Zagreb then the next entry starting with "u". A letter that extends no match, or one
/// typed after a pause, starts a new search from the entry after the selected one (so
/// typing the same letter again cycles). An entry's leading "[tag] " is not searched
/// (the keymap list: "[qwerty] us" is found by typing "us").
@MainActor
final class ListBox: Widget {
    var items: [String]
    private(set) var selected: Int
    let rows: Int
    private(set) var top = 0
    /// What has been typed so far, and when the last letter came (seconds, monotonic).
    private var typed = ""
    private var typedAt = -Double.infinity
    /// How long a pause starts a new search.
    static let typeAheadPause = 1.0
    /// The clock for the pause (tests set their own).
    var now: () -> Double = { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }

    init(_ items: [String], selected: Int = 0, rows: Int = 8) {
        self.items = items
        self.selected = items.isEmpty ? 0 : min(max(selected, 0), items.count - 1)
        self.rows = rows
        scrollToSelection()
    }

    /// The text a search matches: the entry without leading blanks or a leading "[tag] ".
    static func searchKey(_ item: String) -> String {
        var s = Substring(item.lowercased()).drop { $0 == " " }
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") { s = s[s.index(after: close)...].drop { $0 == " " } }
        return String(s)
    }

    private func typeAhead(_ ch: Character) {
        let t = now()
        let fresh = t - typedAt > Self.typeAheadPause
        typedAt = t
        let letter = String(ch).lowercased()
        // Go on with what was typed, starting at the selected entry itself.
        if !fresh, !typed.isEmpty, let i = find(typed + letter, from: 0) {
            typed += letter; select(i); return
        }
        typed = letter
        if let i = find(letter, from: 1) { select(i) }
    }

    /// The first entry from `selected + offset` on (cycling) whose search key starts with `prefix`.
    private func find(_ prefix: String, from offset: Int) -> Int? {
        for step in 0..<items.count {
            let idx = (selected + offset + step) % items.count
            if Self.searchKey(items[idx]).hasPrefix(prefix) { return idx }
        }
        return nil
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
        case let .char(ch) where ch.isLetter || ch.isNumber || ch == "-" || ch == "_" || ch == "/":
            typeAhead(ch)
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
