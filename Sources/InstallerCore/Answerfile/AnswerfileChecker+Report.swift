/// `<report url="http://server/report"/>`: the installer POSTs its status there
/// (StatusReporter). A `report=` boot parameter or `--report` takes precedence.
extension AnswerfileChecker {
    mutating func checkReport(_ e: XElement?) {
        guard let e else { return }
        guard let url = Answerfile.reportURL(of: e) else {
            error(e, "<report> needs a url attribute (http:// or https://)")
            return
        }
        let lower = url.lowercased()
        if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) || url.contains(" ") {
            error(e, "the report URL \(Self.quoted(HTTPAccessor.redact(url))) is not an http:// or https:// URL")
        }
    }
}

extension Answerfile {
    /// The `<report>` URL of an answerfile, read even when the file is otherwise invalid
    /// (so that the failure itself can be reported); nil when there is none.
    public static func reportURL(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= maximumSize, let root = XMLTreeLoader.load(bytes, policy: .answerfile).0,
              root.name == "installation", let e = root.children.first(where: { $0.name == "report" }) else { return nil }
        return reportURL(of: e)
    }

    static func reportURL(of e: XElement) -> String? {
        let u = (e.attribute("url") ?? e.trimmedText).trimmedWhitespace
        return u.isEmpty ? nil : u
    }
}

extension Answerfile {
    /// Values of an answerfile that must never be reported or logged, read even from an
    /// invalid file: the root password (plain or hashed) and the password of any URL in it.
    public static func secretValues(_ bytes: [UInt8]) -> [String] {
        guard bytes.count <= maximumSize, let root = XMLTreeLoader.load(bytes, policy: .answerfile).0 else { return [] }
        var out: [String] = []
        func walk(_ e: XElement) {
            if e.name == "root-password" { out.append(e.trimmedText) }
            for v in [e.trimmedText] + e.attributes.map(\.value) {
                if let s = v.range(of: "://") {
                    let after = v[s.upperBound...]
                    let hostEnd = after.firstIndex(of: "/") ?? after.endIndex
                    if let at = after[..<hostEnd].lastIndex(of: "@"), let colon = after[..<at].firstIndex(of: ":") {
                        let pw = String(after[after.index(after: colon)..<at])
                        out.append(pw)
                        if let d = pw.removingPercentEncoding, d != pw { out.append(d) }
                    }
                }
            }
            e.children.forEach(walk)
        }
        walk(root)
        return out.filter { !$0.isEmpty }
    }
}
