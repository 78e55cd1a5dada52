import Foundation

/// A terminal screen: its text, and per cell the colours and boldness.
/// Stored as a golden `.screen` file: the rows of text, then a colour section where each
/// row is a list of runs `FG/BG*N` (`d` the default colour, `0`–`f` palette entries,
/// `+` after FG for bold).
public struct Snapshot: Equatable {
    public struct CellColour: Equatable {
        public var fg: Int
        public var bg: Int
        public var bold: Bool
    }

    public var text: [String]
    public var colours: [[CellColour]]?

    public init(text: [String], colours: [[CellColour]]?) { self.text = text; self.colours = colours }

    static let colourHeader = "-- colours: FG/BG*N runs per row (d default, 0-f palette, + bold)"

    public var trimmedText: [String] { text.map { String($0.reversed().drop { $0 == " " }.reversed()) } }

    /// The screen with each mask's matches replaced in every row (the colours are kept).
    /// The screen with every match of each mask in a row replaced: by the mask's template
    /// when it has one, else by as many `#` (the width stays, so the rest of the row and its
    /// colours are where they were).
    public func masked(_ masks: [(NSRegularExpression, String?)]) -> Snapshot {
        guard !masks.isEmpty else { return self }
        var out = self
        out.text = text.map { row in
            let ns = NSMutableString(string: row)
            for (re, template) in masks {
                if let template {
                    re.replaceMatches(in: ns, range: NSRange(location: 0, length: ns.length), withTemplate: template)
                    continue
                }
                for m in re.matches(in: ns as String, range: NSRange(location: 0, length: ns.length)) where m.range.length > 0 {
                    ns.replaceCharacters(in: m.range, with: String(repeating: "#", count: m.range.length))
                }
            }
            return ns as String
        }
        return out
    }

    public func contains(_ s: String) -> Bool { text.contains { $0.contains(s) } }

    /// The colour rows as run strings.
    public var colourRuns: [String]? {
        colours?.map { row in
            var runs: [String] = []
            var i = 0
            while i < row.count {
                var j = i
                while j < row.count && row[j] == row[i] { j += 1 }
                runs.append("\(Self.code(row[i].fg))\(row[i].bold ? "+" : "")/\(Self.code(row[i].bg))*\(j - i)")
                i = j
            }
            return runs.joined(separator: " ")
        }
    }

    static func code(_ c: Int) -> String {
        switch c {
        case -1: return "d"
        case 0..<16: return String(c, radix: 16)
        case -2: return "rgb"
        default: return "x\(c)"
        }
    }

    public var fileText: String {
        var out = trimmedText.joined(separator: "\n") + "\n"
        if let runs = colourRuns { out += Self.colourHeader + "\n" + runs.joined(separator: "\n") + "\n" }
        return out
    }

    /// A golden file: text rows and, when present, colour runs (kept as strings).
    public struct Golden {
        public var text: [String]
        public var colourRuns: [String]?

        public init(fileText: String) {
            var lines = fileText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            if let h = lines.firstIndex(where: { $0.hasPrefix("-- colours:") }) {
                text = Array(lines[..<h])
                colourRuns = Array(lines[(h + 1)...])
            } else {
                text = lines
                colourRuns = nil
            }
        }
    }

    /// Differences from a golden screen, as readable lines; empty when they match.
    public func differences(from golden: Golden) -> [String] {
        var out: [String] = []
        let mine = trimmedText
        for i in 0..<max(mine.count, golden.text.count) {
            let e = i < golden.text.count ? golden.text[i] : "(no row)"
            let a = i < mine.count ? mine[i] : "(no row)"
            if e != a {
                out.append(String(format2(i)) + " - " + e)
                out.append(String(format2(i)) + " + " + a)
            }
        }
        if let expected = golden.colourRuns, let actual = colourRuns {
            for i in 0..<max(expected.count, actual.count) {
                let e = i < expected.count ? expected[i] : "(no row)"
                let a = i < actual.count ? actual[i] : "(no row)"
                if e != a {
                    out.append("colours row " + format2(i) + " - " + e)
                    out.append("colours row " + format2(i) + " + " + a)
                }
            }
        }
        return out
    }

    func format2(_ i: Int) -> String { i < 10 ? "0\(i)" : "\(i)" }

    /// The screen with row numbers and a frame, for failure reports.
    public func framed(_ title: String) -> String {
        let width = text.map(\.count).max() ?? 0
        var out = "\(title)\n   +" + String(repeating: "-", count: width) + "+\n"
        for (i, l) in text.enumerated() { out += format2(i) + " |" + l + "|\n" }
        return out + "   +" + String(repeating: "-", count: width) + "+\n"
    }
}
