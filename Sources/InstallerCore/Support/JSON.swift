/// A small JSON reader that remembers the line of every value, so that a bad machine
/// profile is reported as `PROFILE:LINE: message`, and a writer with a stable key order.
public indirect enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        if case let .object(pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    /// Pretty, deterministic output (two-space indent, keys in insertion order).
    public func rendered(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case let .string(s): return JSON.quote(s)
        case let .array(items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .string = $0 { return true }; if case .number = $0 { return true }; return false }) {
                return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let .object(pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { "\(inner)\(JSON.quote($0.0)): \($0.1.rendered(indent: inner))" }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// A JSON value together with the line it starts on.
public struct JSONNode: Sendable {
    public let value: JSONNodeValue
    public let line: Int

    public subscript(key: String) -> JSONNode? {
        if case let .object(pairs) = value { return pairs.first { $0.key == key }?.node }
        return nil
    }
    public var keys: [(key: String, line: Int)] {
        if case let .object(pairs) = value { return pairs.map { ($0.key, $0.node.line) } }
        return []
    }
}

public indirect enum JSONNodeValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([(key: String, node: JSONNode)])
}

public struct JSONSyntaxError: Error, Sendable {
    public let line: Int
    public let message: String
}

/// Recursive-descent parser over UTF-8 bytes, tracking line numbers.
public struct JSONParser {
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let node = try p.value(depth: 0)
        p.skipSpace()
        if p.pos < p.bytes.count { throw JSONSyntaxError(line: p.line, message: "unexpected text after the end of the document") }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case UInt8(ascii: "\n"): line += 1; pos += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): pos += 1
            default: return
            }
        }
    }

    private func describe(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7f ? "'\(Character(UnicodeScalar(b)))'" : "byte \(b)"
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth < 64 else { throw JSONSyntaxError(line: line, message: "nesting is too deep") }
        guard pos < bytes.count else { throw JSONSyntaxError(line: line, message: "unexpected end of file, a value was expected") }
        let start = line
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var pairs: [(key: String, node: JSONNode)] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return JSONNode(value: .object(pairs), line: start) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(line: line, message: pos < bytes.count ? "expected a quoted key, found \(describe(bytes[pos]))" : "unexpected end of file inside an object")
                }
                let key = try string()
                if pairs.contains(where: { $0.key == key }) { throw JSONSyntaxError(line: line, message: "duplicate key \"\(key)\"") }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw JSONSyntaxError(line: line, message: "expected ':' after key \"\(key)\"") }
                pos += 1
                skipSpace()
                pairs.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw JSONSyntaxError(line: line, message: "unexpected end of file inside an object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return JSONNode(value: .object(pairs), line: start) }
                throw JSONSyntaxError(line: line, message: "expected ',' or '}', found \(describe(bytes[pos]))")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONNode] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return JSONNode(value: .array(items), line: start) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw JSONSyntaxError(line: line, message: "unexpected end of file inside an array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return JSONNode(value: .array(items), line: start) }
                throw JSONSyntaxError(line: line, message: "expected ',' or ']', found \(describe(bytes[pos]))")
            }
        case UInt8(ascii: "\""):
            return JSONNode(value: .string(try string()), line: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(value: .bool(true), line: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(value: .bool(false), line: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(value: .null, line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let s = pos
            while pos < bytes.count, "+-.eE0123456789".utf8.contains(bytes[pos]) { pos += 1 }
            let text = String(decoding: bytes[s..<pos], as: UTF8.self)
            guard let d = Double(text) else { throw JSONSyntaxError(line: line, message: "malformed number \(text)") }
            return JSONNode(value: .number(d), line: start)
        default:
            throw JSONSyntaxError(line: line, message: "unexpected \(describe(bytes[pos])), a value was expected")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
            throw JSONSyntaxError(line: line, message: "unexpected word, expected \(word)")
        }
        pos += w.count
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        pos += 1
        var out = [UInt8]()
        while pos < bytes.count {
            let b = bytes[pos]
            pos += 1
            switch b {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\n"): throw JSONSyntaxError(line: line, message: "line break inside a string")
            case UInt8(ascii: "\\"):
                guard pos < bytes.count else { break }
                let e = bytes[pos]; pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16),
                          let scalar = UnicodeScalar(v) else { throw JSONSyntaxError(line: line, message: "malformed \\u escape") }
                    pos += 4
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            default: out.append(b)
            }
        }
        throw JSONSyntaxError(line: line, message: "unterminated string")
    }
}
