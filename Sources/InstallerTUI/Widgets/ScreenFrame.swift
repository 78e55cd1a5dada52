/// The blue background: the product line at the top and the key help at the bottom.
enum ScreenFrame {
    static let minRows = 24
    static let minCols = 80
    static let title = "Welcome to Xen Cloud Platform - Version 0.1"
    static let help = " <Tab>/<Alt-Tab> move | <Space> select | <F12> next | <F1> help | <Esc>1-3 VTs"

    static func draw(into c: inout Canvas, helpLine: String = help) {
        c.fill(row: 0, col: 0, height: c.rows, width: c.cols, style: .root)
        c.text(title, row: 0, col: 1, style: .rootText)
        c.text(helpLine, row: c.rows - 1, col: 0, style: .helpLine, maxWidth: c.cols)
    }

    /// What a terminal below 80x24 shows instead of the installer.
    static func tooSmall(into c: inout Canvas) {
        c.fill(row: 0, col: 0, height: c.rows, width: c.cols, style: .root)
        let lines = TextWrap.wrap("The terminal is too small: the installer needs at least \(minCols)x\(minRows), this one is \(c.cols)x\(c.rows). Make the window larger to continue.", width: max(c.cols - 2, 10))
        for (i, l) in lines.enumerated() { c.text(l, row: i, col: 1, style: .root) }
    }
}
