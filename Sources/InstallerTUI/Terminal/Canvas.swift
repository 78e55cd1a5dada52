/// A grid of character cells with styles. Widgets draw here; only `Terminal` copies it to curses,
/// so everything above the terminal layer can be tested without a terminal.
struct Canvas {
    struct Cell: Equatable {
        var char: Character = " "
        var style: Style = .root
    }

    let rows: Int
    let cols: Int
    private(set) var cells: [Cell]
    /// Where the terminal cursor should rest (a focused entry), if anywhere.
    var cursor: (row: Int, col: Int)?

    init(rows: Int, cols: Int, fill: Style = .root) {
        self.rows = max(rows, 0); self.cols = max(cols, 0)
        cells = Array(repeating: Cell(style: fill), count: self.rows * self.cols)
    }

    subscript(row: Int, col: Int) -> Cell {
        get { cells[row * cols + col] }
        set { if row >= 0 && row < rows && col >= 0 && col < cols { cells[row * cols + col] = newValue } }
    }

    /// Writes text from (row, col), clipped to `maxWidth` columns and to the canvas.
    mutating func text(_ s: String, row: Int, col: Int, style: Style, maxWidth: Int = .max) {
        guard row >= 0 && row < rows else { return }
        var c = col
        for ch in s {
            if c - col >= maxWidth || c >= cols { break }
            if c >= 0 { self[row, c] = Cell(char: ch, style: style) }
            c += 1
        }
    }

    mutating func fill(row: Int, col: Int, height: Int, width: Int, style: Style, char: Character = " ") {
        for r in row..<(row + max(height, 0)) {
            for c in col..<(col + max(width, 0)) where r >= 0 && r < rows && c >= 0 && c < cols {
                self[r, c] = Cell(char: char, style: style)
            }
        }
    }

    /// Changes only the style of a region (the shadow keeps the characters under it).
    mutating func restyle(row: Int, col: Int, height: Int, width: Int, style: Style) {
        for r in row..<(row + max(height, 0)) {
            for c in col..<(col + max(width, 0)) where r >= 0 && r < rows && c >= 0 && c < cols {
                self[r, c].style = style
            }
        }
    }

    /// A single-line box with an optional title `┤ Title ├`.
    mutating func box(row: Int, col: Int, height: Int, width: Int, style: Style, title: String? = nil, titleStyle: Style = .title) {
        guard height >= 2, width >= 2 else { return }
        fill(row: row, col: col, height: height, width: width, style: style)
        text("┌" + String(repeating: "─", count: width - 2) + "┐", row: row, col: col, style: style)
        for r in (row + 1)..<(row + height - 1) {
            text("│", row: r, col: col, style: style)
            text("│", row: r, col: col + width - 1, style: style)
        }
        text("└" + String(repeating: "─", count: width - 2) + "┘", row: row + height - 1, col: col, style: style)
        if let title, !title.isEmpty {
            let t = String(title.prefix(width - 6))
            let start = col + (width - t.count - 4) / 2
            text("┤ ", row: row, col: start, style: style)
            text(t, row: row, col: start + 2, style: titleStyle)
            text(" ├", row: row, col: start + 2 + t.count, style: style)
        }
    }

    /// The rows as plain text (tests).
    var lines: [String] {
        (0..<rows).map { r in String((0..<cols).map { self[r, $0].char }) }
    }
}

/// The colour roles of the newt look.
enum Style: Int, CaseIterable {
    case root            // screen background: white on blue
    case rootText        // the title line on the blue background
    case helpLine        // bottom help line
    case window          // dialog: black on light grey
    case title           // title text: red on grey
    case shadow          // black
    case button          // black on grey
    case buttonFocused   // white on red
    case entry           // entry field: white on blue
    case entryFocused
    case entryDisabled
    case list            // list: black on grey
    case listSelected    // the selected row of an unfocused list
    case listFocused     // the selected row of the focused list: white on red
    case checkbox
    case checkboxFocused
    case label           // field labels
    case scaleFull       // progress bar, done part
    case scaleEmpty
    case console         // the shell and log consoles: light grey on black
    case consoleBold
    case error           // a warning title
}
