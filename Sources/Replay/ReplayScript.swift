import Foundation

/// A screen-replay script (SPEC section 6): one command a line, `#` comments.
public struct ReplayScript {
    public enum Command: Equatable {
        case size(rows: Int, cols: Int)
        case machine(String)
        case args([String])
        /// Runs another program instead of the installer (benchmarks against a baseline).
        case exec([String])
        case env(String, String)
        case wait(String, timeout: Double)
        case key([String])
        /// Literal text; with a delay, one character every that many milliseconds (serial consoles).
        case type(String, delayMs: Int)
        case screen(String)
        case resize(rows: Int, cols: Int)
        case sleep(Double)
        case plan(String)
        case exit(Int32)
        /// Creates (empty) the file NAME in the run's state directory: releases the installer's
        /// `pauseAt` test hook (`InstallEnvironment`) (`touch resume`).
        case touch(String)
        /// For later `screen` commands: text matching the regular expression is replaced, row
        /// by row, in both the recorded and the compared screen — by TEXT (a template) when
        /// given (time stamps, durations), else by as many `#` (same width: dates).
        case mask(String, String?)
        /// `random N SEED`: N random keys and resizes (RandomWalk); the installer must neither
        /// crash nor hang, and is started again when it leaves with 0 or 3.
        /// `RANDOM_KEYS=N` in the environment overrides N (`make soak`).
        case random(count: Int, seed: UInt64)
    }

    public struct Line: Equatable {
        public let number: Int
        public let command: Command
    }

    public let path: String
    public let lines: [Line]

    public init(path: String, text: String) throws {
        self.path = path
        var out: [Line] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = try Self.words(String(raw), at: "\(path):\(i + 1)")
            guard let verb = words.first else { continue }
            let rest = Array(words.dropFirst())
            func fail(_ m: String) -> ReplayError { ReplayError("\(path):\(i + 1): \(m)") }
            func one() throws -> String {
                guard rest.count == 1 else { throw fail("'\(verb)' takes one argument") }
                return rest[0]
            }
            func dims(_ s: String) throws -> (Int, Int) {
                let p = s.split(separator: "x")
                guard p.count == 2, let c = Int(p[0]), let r = Int(p[1]), c > 0, r > 0 else { throw fail("size must look like 80x25") }
                return (r, c)
            }
            let cmd: Command
            switch verb {
            case "size": let (r, c) = try dims(one()); cmd = .size(rows: r, cols: c)
            case "resize": let (r, c) = try dims(one()); cmd = .resize(rows: r, cols: c)
            case "machine": cmd = .machine(try one())
            case "args": cmd = .args(rest)
            case "exec":
                guard !rest.isEmpty else { throw fail("exec needs a program") }
                cmd = .exec(rest)
            case "env":
                let kv = try one()
                guard let eq = kv.firstIndex(of: "=") else { throw fail("env takes NAME=VALUE") }
                cmd = .env(String(kv[..<eq]), String(kv[kv.index(after: eq)...]))
            case "wait":
                guard rest.count == 1 || rest.count == 2 else { throw fail("wait takes a text and an optional timeout in seconds") }
                cmd = .wait(rest[0], timeout: rest.count == 2 ? (Double(rest[1]) ?? 10) : 10)
            case "key":
                guard !rest.isEmpty else { throw fail("key needs at least one key name") }
                for k in rest where ReplayKey.named(k) == nil { throw fail("unknown key name '\(k)'") }
                cmd = .key(rest)
            case "type":
                guard rest.count == 1 || rest.count == 2, rest.count == 1 || Int(rest[1]) != nil else {
                    throw fail("type takes a text and an optional delay in milliseconds between characters")
                }
                cmd = .type(rest[0], delayMs: rest.count == 2 ? Int(rest[1])! : 0)
            case "screen": cmd = .screen(try one())
            case "plan": cmd = .plan(try one())
            case "sleep":
                guard let s = Double(try one()) else { throw fail("sleep takes seconds") }
                cmd = .sleep(s)
            case "touch":
                let name = try one()
                guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else { throw fail("touch takes a file name (no '/')") }
                cmd = .touch(name)
            case "mask":
                guard rest.count == 1 || rest.count == 2 else { throw fail("mask takes a regular expression and, optionally, its replacement") }
                do { _ = try NSRegularExpression(pattern: rest[0]) } catch { throw fail("mask: bad regular expression '\(rest[0])': \(error)") }
                cmd = .mask(rest[0], rest.count == 2 ? rest[1] : nil)
            case "random":
                guard rest.count == 2, let n = Int(rest[0]), n > 0, let seed = UInt64(rest[1]) else {
                    throw fail("random takes a number of keys and a seed")
                }
                cmd = .random(count: n, seed: seed)
            case "exit":
                guard let s = Int32(try one()) else { throw fail("exit takes a status number") }
                cmd = .exit(s)
            default: throw fail("unknown command '\(verb)'")
            }
            out.append(Line(number: i + 1, command: cmd))
        }
        lines = out
    }

    /// Splits a line into words; "double quotes" group, `\"` and `\\` escape; `#` starts a comment.
    static func words(_ line: String, at loc: String) throws -> [String] {
        var words: [String] = []
        var cur = ""
        var inQuote = false, had = false
        var it = line.makeIterator()
        while let ch = it.next() {
            if inQuote {
                if ch == "\\", let n = it.next() { cur.append(n == "n" ? "\n" : n) }
                else if ch == "\"" { inQuote = false }
                else { cur.append(ch) }
            } else if ch == "\"" { inQuote = true; had = true }
            else if ch == "#" { break }
            else if ch == " " || ch == "\t" {
                if had || !cur.isEmpty { words.append(cur); cur = ""; had = false }
            } else { cur.append(ch) }
        }
        if inQuote { throw ReplayError("\(loc): unterminated quote") }
        if had || !cur.isEmpty { words.append(cur) }
        return words
    }
}
