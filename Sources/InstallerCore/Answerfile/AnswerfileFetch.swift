import Foundation

/// Reads an answerfile from a path or a URL (file, http, https, ftp, nfs) through the same
/// accessors as the installation sources. Credentials in a URL are never logged.
public enum AnswerfileFetch {
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
