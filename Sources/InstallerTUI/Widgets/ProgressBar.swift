import Foundation

/// A progress bar with the percentage in the middle and, below it, the time left.
@MainActor
final class ProgressBar: Widget {
    var fraction: Double = 0
    /// Seconds left, when known.
    var secondsLeft: Double?

    func height(width: Int) -> Int { 2 }

    func draw(into c: inout Canvas, row: Int, col: Int, width: Int, focused: Bool) {
        let f = min(max(fraction, 0), 1)
        let done = Int((Double(width) * f).rounded(.down))
        let pct = "\(Int((f * 100).rounded(.down)))%"
        let start = (width - pct.count) / 2
        for i in 0..<width {
            let style: Style = i < done ? .scaleFull : .scaleEmpty
            var ch: Character = " "
            if i >= start && i < start + pct.count { ch = Array(pct)[i - start] }
            c.text(String(ch), row: row, col: col + i, style: style)
        }
        let left = secondsLeft.map { "Time left: " + ProgressText.duration($0) } ?? "Time left: estimating..."
        c.text(left, row: row + 1, col: col + width - left.count, style: .window)
    }
}
