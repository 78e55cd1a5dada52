import Foundation

/// The forms of a location both front ends accept: http, https and ftp URLs (credentials
/// kept apart), NFS `server:/path`.
public enum SourceForms {
    /// `http://user:pw@host/path` → (`http://host/path`, credentials); nil when it is not an
    /// http, https or ftp URL naming a server.
    public static func splitURL(_ text: String) -> (String, Credentials?)? {
        guard let r = text.range(of: "://") else { return nil }
        let scheme = text[..<r.lowerBound].lowercased()
        guard ["http", "https", "ftp"].contains(scheme) else { return nil }
        let rest = text[r.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        var creds: Credentials?
        if let at = authority.lastIndex(of: "@") {
            let info = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let parts = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let user = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let pw = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            guard !user.isEmpty else { return nil }
            creds = Credentials(user: user, password: pw)
        }
        let host = authority.hasPrefix("[") ? authority : authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if authority.hasPrefix("[") == false, let colon = authority.firstIndex(of: ":") {
            let port = authority[authority.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isNumber), let p = Int(port), p > 0, p < 65536 else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" }) else { return nil }
        guard tail.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return ("\(scheme)://\(authority)\(tail)", creds)
    }

    /// The URL with any password replaced, for messages.
    public static func withoutPassword(_ text: String) -> String {
        guard let r = text.range(of: "://"), let at = text[r.upperBound...].firstIndex(of: "@") else { return text }
        let info = text[r.upperBound..<at]
        guard let colon = info.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// `server:/path` (or `server/path` from an nfs:// URL) → `server:/path`; nil when it has
    /// no server, no path or a space. The path is kept as written (`isNFSPath` checks it).
    public static func nfsPath(_ t: String, fromURL: Bool) -> String? {
        guard !t.contains(where: { $0.isWhitespace }) else { return nil }
        if fromURL && !t.contains(":") {
            guard let slash = t.firstIndex(of: "/") else { return nil }
            let server = t[..<slash]
            guard !server.isEmpty else { return nil }
            return "\(server):\(t[slash...])"
        }
        let parts = t.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[0].contains("/") else { return nil }
        return t
    }

    /// A URL the installer can open: http, https or ftp with a server.
    public static func isURL(_ u: String) -> Bool { splitURL(u) != nil }

    /// An NFS location the installer can mount: `server:/absolute/path`, no spaces.
    public static func isNFSPath(_ p: String) -> Bool {
        guard let t = nfsPath(p, fromURL: false) else { return false }
        return t.split(separator: ":", maxSplits: 1).last?.hasPrefix("/") == true
    }

    /// The file part of a script's location (`http://h/dir/script` → `script`); empty when the
    /// location ends with a slash.
    public static func fileName(_ location: String) -> String {
        guard let slash = location.lastIndex(of: "/") else { return "" }
        return String(location[location.index(after: slash)...])
    }
}
