import Foundation

/// Reads an answerfile from a path or a URL (file, http, https, ftp, nfs) through the same
/// accessors as the installation sources. Credentials in a URL are never logged.
public enum AnswerfileFetch {
    /// For one host: the location's `${mac}`, `${serial}`, `${uuid}` expanded; with `post:`,
    /// the host's description (JSON) is POSTed and the reply is the answerfile. `url` is the
    /// location used (without credentials), for messages and reports.
    public static func fetch(_ location: AnswerfileLocation, host: HostDescription) throws(InstallerError) -> (name: String, bytes: [UInt8], url: String) {
        let expanded = try location.expanded(for: host)
        let shown = HTTPAccessor.redact(expanded)
        if expanded != location.template { EventLog.shared.log("answerfile location for this host: \(shown)") }
        guard location.post else {
            let (name, bytes) = try fetch(expanded)
            return (name, bytes, shown)
        }
        let body = Array((host.json.rendered() + "\n").utf8)
        EventLog.shared.log("answerfile: sending this host's description to \(shown)")
        let reply = try HTTPPost.send(expanded, body: body, timeouts: .init(connectMs: 20_000, totalMs: 60_000), limit: Answerfile.maximumSize)
        guard (200..<300).contains(reply.status) else {
            let first = String(decoding: reply.body.prefix(200), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if reply.status == 404 || reply.status == 410 {
                throw .failed("not found (HTTP \(reply.status)): the server has no answerfile for this host" + (first.isEmpty ? "" : ": \(first)"), at: shown, hint: "check the URL and the server's list of hosts")
            }
            throw .failed("the server answered HTTP \(reply.status)" + (first.isEmpty ? "" : ": \(first)"), at: shown)
        }
        guard !reply.body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) else {
            throw .failed("the server sent an empty answer (HTTP \(reply.status))", at: shown)
        }
        let name = URL(string: expanded)?.lastPathComponent ?? "answerfile"
        return (name.isEmpty || name == "/" ? "answerfile" : name, reply.body, shown)
    }

    public static func fetch(_ location: String) throws(InstallerError) -> (name: String, bytes: [UInt8]) {
        let lower = location.lowercased()
        if lower.hasPrefix("file://") {
            return try local(String(location.dropFirst("file://".count)))
        }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ftp://") {
            let (dir, file) = split(location)
            let accessor = try HTTPAccessor(dir, credentials: nil)
            defer { accessor.close() }
            return (file, try accessor.readAll(file, limit: Answerfile.maximumSize))
        }
        if lower.hasPrefix("nfs://") || (location.contains(":/") && !location.hasPrefix("/")) {
            let (dir, file) = split(location)
            let accessor = try NFSAccessor(dir)
            defer { accessor.close() }
            return (file, try accessor.readAll(file, limit: Answerfile.maximumSize))
        }
        return try local(location)
    }

    static func local(_ path: String) throws(InstallerError) -> (name: String, bytes: [UInt8]) {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw .invalid(path, "cannot read the answerfile", hint: "check the path or URL given with --answerfile or answerfile=")
        }
        guard d.count <= Answerfile.maximumSize else { throw .invalid(path, "the answerfile is larger than 1 MiB") }
        return (path, Array(d))
    }

    /// `http://h/dir/file.xml` → (`http://h/dir/`, `file.xml`). A query (the NFS options,
    /// `nfs://h/export/a.xml?version=4&nfsport=2049`) stays with the directory.
    static func split(_ url: String) -> (String, String) {
        var path = Substring(url), query = Substring("")
        if url.lowercased().hasPrefix("nfs://"), let q = url.firstIndex(of: "?") { path = url[..<q]; query = url[q...] }
        guard let slash = path.lastIndex(of: "/") else { return (url, "") }
        return (String(path[...slash]) + query, String(path[path.index(after: slash)...]))
    }
}
