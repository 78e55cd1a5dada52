/// What a widget did with a key.
enum WidgetEvent: Equatable {
    case handled
    case ignored
    /// The form should finish as if this button were pressed (Enter in a list means "ok").
    case activate(String)
}

/// A piece of a form. Widgets draw on a `Canvas` and never call curses.
@MainActor
protocol Widget: AnyObject {
    var focusable: Bool { get }
    func height(width: Int) -> Int
    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool)
    func handle(_ key: Key) -> WidgetEvent
    /// Tab (forward) or Shift-Tab inside the widget: true when it moved to another of its
    /// own elements (a radio button group is one element per button, as in newt).
    func moveFocus(forward: Bool) -> Bool
    /// The focus arrives by Tab (forward) or Shift-Tab.
    func focusEntered(forward: Bool)
}

extension Widget {
    var focusable: Bool { false }
    func handle(_ key: Key) -> WidgetEvent { .ignored }
    func moveFocus(forward: Bool) -> Bool { false }
    func focusEntered(forward: Bool) {}
}

/// Word wrapping for dialog text; blank lines separate paragraphs.
enum TextWrap {
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            // Keep leading spaces (indented lists) on the first line of a paragraph.
            let indent = String(paragraph.prefix { $0 == " " })
            // A bullet ("* " or "- ") hangs: its continuation lines start under its text.
            let first = paragraph.dropFirst(indent.count)
            let hang = first.hasPrefix("* ") || first.hasPrefix("- ") ? indent + "  " : ""
            line = indent
            for word in paragraph.split(separator: " ") {
                var w = String(word)
                while w.count > width {
                    if !line.trimmingCharacters(in: .whitespaces).isEmpty { out.append(line); line = "" }
                    out.append(String(w.prefix(width)))
                    w = String(w.dropFirst(width))
                }
                if line.trimmingCharacters(in: .whitespaces).isEmpty {
                    line = indent.count + w.count <= width ? indent + w : w
                } else if line.count + 1 + w.count <= width {
                    line += " " + w
                } else {
                    out.append(line)
                    line = hang.count + w.count <= width ? hang + w : w
                }
            }
            out.append(line)
        }
        return out
    }
}
