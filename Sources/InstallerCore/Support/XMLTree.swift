// libxml2 only through CLibXML2 (its shim keeps the system ICU headers out, see shim.h).
import CLibXML2

/// The one libxml2 reader of the installer (answerfiles and repository metadata): no network,
/// no DTD loading, no entity substitution.

/// An element of a parsed document, copied out of libxml2's tree so that the checks are
/// plain Swift. `line`/`column` are those of the element's `<` in the source text.
struct XElement: Sendable {
    var name: String
    var attributes: [(name: String, value: String)]
    var children: [XElement]
    /// The element's own text (text and CDATA children, concatenated, untrimmed).
    var text: String
    var line: Int
    var column: Int

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    var trimmedText: String { text.trimmedWhitespace }
}

/// A problem found while reading XML. `syntax` problems come from libxml2 (not well-formed);
/// the others from the installer's own rules (DOCTYPE, entities, empty document).
struct XMLProblem: Sendable {
    enum Severity: Sendable { case error, warning }
    var severity: Severity
    var line: Int
    var column: Int
    var message: String
    var syntax = false
}

/// What a kind of document allows.
struct XMLPolicy: Sendable {
    /// Refuse any DOCTYPE with this message; nil: an internal DOCTYPE is ignored with a
    /// warning (entity declarations and external DTDs are still refused).
    var doctypeRefusal: String?
    var emptyDocument: String
    var noRootElement: String

    static let answerfile = XMLPolicy(doctypeRefusal: nil, emptyDocument: "the answerfile is empty",
                                      noRootElement: "the answerfile has no root element")
    static let repositoryMetadata = XMLPolicy(doctypeRefusal: "a DOCTYPE is not allowed in repository metadata",
                                              emptyDocument: "the file is empty",
                                              noRootElement: "the document has no top element")
}

/// The source text of a document, with comments, processing instructions and CDATA
/// blanked out so that searching for `<name` finds only real tags.
struct SourceText {
    let bytes: [UInt8]
    private let searchable: [UInt8]
    private let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var s = bytes
        var i = 0
        let comment = Array("<!--".utf8), cdata = Array("<![CDATA[".utf8), pi = Array("<?".utf8)
        while i < s.count {
            if s[i] == UInt8(ascii: "<") {
                var close: [UInt8]? = nil
                var skip = 0
                if Self.matches(s, comment, at: i) { close = Array("-->".utf8); skip = comment.count }
                else if Self.matches(s, cdata, at: i) { close = Array("]]>".utf8); skip = cdata.count }
                else if Self.matches(s, pi, at: i) { close = Array("?>".utf8); skip = pi.count }
                if let close {
                    var end = i + skip
                    while end < s.count && !Self.matches(s, close, at: end) { end += 1 }
                    end = min(end + close.count, s.count)
                    for k in i..<end where s[k] != 10 { s[k] = 32 }
                    i = end
                    continue
                }
            }
            i += 1
        }
        searchable = s
        var starts = [0]
        for (k, b) in bytes.enumerated() where b == 10 { starts.append(k + 1) }
        lineStarts = starts
    }

    static func matches(_ s: [UInt8], _ pat: [UInt8], at i: Int) -> Bool {
        guard i + pat.count <= s.count else { return false }
        for k in 0..<pat.count where s[i + k] != pat[k] { return false }
        return true
    }

    /// The byte offset where line `n` (1-based) ends (the start of the next line).
    func endOfLine(_ n: Int) -> Int { n >= 1 && n < lineStarts.count ? lineStarts[n] : bytes.count }

    /// 1-based line and column (in characters) of a byte offset.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var k = lineStarts[lo]
        while k < offset && k < bytes.count {
            if bytes[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        return (lo + 1, col)
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        b >= 0x80 || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    /// The offset of the next `<name` (a whole tag name) at or after `from`, before `end`.
    func findTag(_ name: String, from: Int, before end: Int) -> Int? {
        let pat = Array(("<" + name).utf8)
        var i = from
        while i + pat.count <= min(end, searchable.count) {
            if Self.matches(searchable, pat, at: i) {
                let after = i + pat.count
                if after >= searchable.count || !SourceText.isNameByte(searchable[after]) { return i }
            }
            i += 1
        }
        return nil
    }

    /// The offset of the first occurrence of `text` outside comments.
    func find(_ text: String, from: Int = 0) -> Int? {
        let pat = Array(text.utf8)
        var i = from
        while i + pat.count <= searchable.count {
            if Self.matches(searchable, pat, at: i) { return i }
            i += 1
        }
        return nil
    }
}

/// Collects libxml2's errors and the DOCTYPE checks for one parse.
final class XMLParseSink {
    var problems: [XMLProblem] = []
    /// Set once the parser was stopped because of a forbidden declaration; later libxml2
    /// messages are consequences and are dropped.
    var stopped = false
    /// The "DOCTYPE is ignored" warning, added only if nothing worse follows.
    var doctypeWarning: XMLProblem?
    let source: SourceText
    let policy: XMLPolicy

    init(source: SourceText, policy: XMLPolicy) { self.source = source; self.policy = policy }

    func add(_ severity: XMLProblem.Severity, at search: String, fallbackLine: Int, _ message: String) {
        if let off = source.find(search) {
            let p = source.position(of: off)
            problems.append(XMLProblem(severity: severity, line: p.line, column: p.column, message: message))
        } else {
            problems.append(XMLProblem(severity: severity, line: max(fallbackLine, 1), column: 1, message: message))
        }
    }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> (XMLParseSink, xmlParserCtxtPtr)? {
        guard let ctx else { return nil }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let p = ctxt.pointee._private else { return nil }
        return (Unmanaged<XMLParseSink>.fromOpaque(p).takeUnretainedValue(), ctxt)
    }
}

/// Parses XML bytes with libxml2: no network, no DTD loading, no entity substitution; any
/// entity declaration or external DTD (or, when the policy says so, any DOCTYPE) stops the
/// parser at once.
enum XMLTreeLoader {
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// libxml2's structured error callback; `user` is the parser context.
    static let errorHandler: xmlStructuredErrorFunc = { user, err in
        guard let (sink, _) = XMLParseSink.from(user), let e = err?.pointee, !sink.stopped else { return }
        // One line per problem: libxml2 sometimes adds a second line ("Bytes: 0xFF ...").
        let msg = e.message.map { String(cString: $0) }?.trimmedWhitespace
            .split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace }.joined(separator: "; ") ?? "unknown XML error"
        sink.problems.append(XMLProblem(severity: e.level == XML_ERR_WARNING ? .warning : .error,
                                        line: max(Int(e.line), 1), column: max(Int(e.int2), 1), message: msg, syntax: true))
    }

    /// Any entity declaration stops the parser (no entity is ever expanded or loaded). Only
    /// answerfiles get this far: the metadata policy refuses the DOCTYPE before its entities.
    static func refuseEntity(_ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
        guard let (sink, ctxt) = XMLParseSink.from(ctx), !sink.stopped else { return }
        let n = name.map { String(cString: $0) } ?? "?"
        sink.add(.error, at: "<!ENTITY", fallbackLine: Int(ctxt.pointee.input?.pointee.line ?? 1),
                 "entity declarations are not allowed in an answerfile (<!ENTITY \(n) ...>); remove the DOCTYPE")
        sink.stopped = true
        xmlStopParser(ctxt)
    }

    static let options: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// The root element (nil when the XML is not well-formed) and the problems found.
    static func load(_ original: [UInt8], policy: XMLPolicy) -> (root: XElement?, problems: [XMLProblem]) {
        _ = initialized
        let bytes = moveXMLDeclarationToStart(original)
        let source = SourceText(bytes)
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) {
            return (nil, [XMLProblem(severity: .error, line: 1, column: 1, message: policy.emptyDocument)])
        }
        guard bytes.count < Int32.max else {
            return (nil, [XMLProblem(severity: .error, line: 1, column: 1, message: "the document is too large")])
        }
        let sink = XMLParseSink(source: source, policy: policy)
        let parsed: XElement? = bytes.withUnsafeBufferPointer { buf -> XElement? in
            // A push parser: its context is ours from the start (no reset clears _private).
            guard let base = buf.baseAddress, let ctxt = xmlCreatePushParserCtxt(nil, nil, nil, 0, nil) else {
                sink.problems.append(XMLProblem(severity: .error, line: 1, column: 1, message: "cannot start the XML parser"))
                return nil
            }
            defer {
                if let d = ctxt.pointee.myDoc { xmlFreeDoc(d); ctxt.pointee.myDoc = nil }
                ctxt.pointee._private = nil
                xmlFreeParserCtxt(ctxt)
            }
            _ = xmlCtxtUseOptions(ctxt, options)
            ctxt.pointee._private = Unmanaged.passUnretained(sink).toOpaque()
            ctxt.pointee.loadsubset = 0
            ctxt.pointee.replaceEntities = 0
            ctxt.pointee.validate = 0
            guard let sax = ctxt.pointee.sax else { return nil }
            sax.pointee.serror = errorHandler
            // Errors raised without the context (encoding, I/O) go to the thread's handler.
            xmlSetStructuredErrorFunc(UnsafeMutableRawPointer(ctxt), errorHandler)
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            sax.pointee.warning = nil
            sax.pointee.error = nil
            sax.pointee.fatalError = nil
            sax.pointee.entityDecl = { ctx, name, _, _, _, _ in XMLTreeLoader.refuseEntity(ctx, name) }
            sax.pointee.unparsedEntityDecl = { ctx, name, _, _, _ in XMLTreeLoader.refuseEntity(ctx, name) }
            sax.pointee.internalSubset = { ctx, name, externalID, systemID in
                guard let (sink, ctxt) = XMLParseSink.from(ctx), !sink.stopped else { return }
                let line = Int(ctxt.pointee.input?.pointee.line ?? 1)
                if let refusal = sink.policy.doctypeRefusal {
                    sink.add(.error, at: "<!DOCTYPE", fallbackLine: line, refusal)
                    sink.stopped = true
                    xmlStopParser(ctxt)
                    return
                }
                if externalID != nil || systemID != nil {
                    let what = systemID.map { String(cString: $0) } ?? externalID.map { String(cString: $0) } ?? ""
                    sink.add(.error, at: "<!DOCTYPE", fallbackLine: line,
                             "the DOCTYPE names an external DTD (\"\(what)\"); answerfiles never load DTDs: remove the DOCTYPE")
                    sink.stopped = true
                    xmlStopParser(ctxt)
                    return
                }
                sink.add(.warning, at: "<!DOCTYPE", fallbackLine: line, "the DOCTYPE is ignored (answerfiles are not validated against a DTD)")
                sink.doctypeWarning = sink.problems.removeLast()
                xmlSAX2InternalSubset(ctx, name, externalID, systemID)
            }
            sax.pointee.externalSubset = nil
            sax.pointee.resolveEntity = nil
            sax.pointee.reference = nil
            sax.pointee.getParameterEntity = nil

            _ = base.withMemoryRebound(to: CChar.self, capacity: buf.count) { xmlParseChunk(ctxt, $0, Int32(buf.count), 1) }
            if !sink.stopped, let w = sink.doctypeWarning { sink.problems.append(w) }
            if sink.stopped || ctxt.pointee.wellFormed == 0 {
                if sink.problems.allSatisfy({ $0.severity == .warning }) {
                    sink.problems.append(XMLProblem(severity: .error, line: 1, column: 1, message: "not well-formed", syntax: true))
                }
                return nil
            }
            guard let doc = ctxt.pointee.myDoc, let root = xmlDocGetRootElement(doc) else {
                sink.problems.append(XMLProblem(severity: .error, line: 1, column: 1, message: policy.noRootElement))
                return nil
            }
            var cursor = 0
            return convert(root, doc: doc, source: source, cursor: &cursor)
        }
        return (parsed, sink.problems)
    }

    /// Copies an element (and, in document order, its descendants) out of libxml2.
    private static func convert(_ node: xmlNodePtr, doc: xmlDocPtr, source: SourceText, cursor: inout Int) -> XElement {
        var name = node.pointee.name.map { String(cString: $0) } ?? ""
        if let ns = node.pointee.ns, let prefix = ns.pointee.prefix { name = String(cString: prefix) + ":" + name }
        var line = Int(xmlGetLineNo(node)), column = 1
        // libxml2 gives the line where the start tag ends; the `<` is at or before it.
        if line > 0, let off = source.findTag(name, from: cursor, before: source.endOfLine(line)) {
            let p = source.position(of: off)
            line = p.line; column = p.column; cursor = off + 1
        }
        var attrs: [(name: String, value: String)] = []
        var a = node.pointee.properties
        while let attr = a {
            var an = attr.pointee.name.map { String(cString: $0) } ?? ""
            if let ns = attr.pointee.ns, let prefix = ns.pointee.prefix { an = String(cString: prefix) + ":" + an }
            var value = ""
            if let v = xmlNodeListGetString(doc, attr.pointee.children, 1) {
                value = String(cString: v)
                cx_free(v)
            }
            attrs.append((an, value))
            a = attr.pointee.next
        }
        var children: [XElement] = []
        var text = ""
        var c = node.pointee.children
        while let child = c {
            switch child.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(convert(child, doc: doc, source: source, cursor: &cursor))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let t = child.pointee.content { text += String(cString: t) }
            default:
                break
            }
            c = child.pointee.next
        }
        return XElement(name: name, attributes: attrs, children: children, text: text, line: max(line, 1), column: column)
    }

    /// The guide's first example starts with a blank line before `<?xml ...?>`, which XML
    /// forbids. Move such a declaration to the very start, keeping every later line number.
    static func moveXMLDeclarationToStart(_ b: [UInt8]) -> [UInt8] {
        var i = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        let start = i
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
        guard i > start else { return b }
        let decl = Array("<?xml".utf8)
        guard i + decl.count < b.count, Array(b[i..<i + decl.count]) == decl, b[i + decl.count] == 32 || b[i + decl.count] == 9 else { return b }
        var j = i
        while j + 1 < b.count, !(b[j] == UInt8(ascii: "?") && b[j + 1] == UInt8(ascii: ">")) {
            if b[j] == 10 { return b }
            j += 1
        }
        guard j + 1 < b.count else { return b }
        let end = j + 2
        return Array(b[0..<start]) + Array(b[i..<end]) + Array(b[start..<i]) + Array(b[end...])
    }
}
