import CCurl
import Foundation

/// Saves a file (the support bundle) to a local directory, an FTP location (libcurl) or an
/// NFS location (libnfs). Credentials in an FTP URL are never logged.
public enum Upload {
    /// `destination`: a directory path, `ftp://[user:pw@]host/dir/`, or `server:/dir` / `nfs://server/dir`.
    /// Returns where the file went (without credentials).
    @discardableResult
    public static func save(_ file: String, to destination: String) throws(InstallerError) -> String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        let lower = destination.lowercased()
        if lower.hasPrefix("ftp://") {
            return try ftp(file, to: destination.hasSuffix("/") ? destination + name : destination + "/" + name)
        }
        if lower.hasPrefix("nfs://") || (destination.contains(":/") && !destination.hasPrefix("/")) {
            guard let d = FileManager.default.contents(atPath: file) else { throw .failed("cannot read the bundle", at: file) }
            let nfs = try NFSAccessor(destination)
            defer { nfs.close() }
            try nfs.create(name, contents: Array(d))
            return destination + "/" + name
        }
        do {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            let target = destination + "/" + name
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.copyItem(atPath: file, toPath: target)
            return target
        } catch {
            throw .failed("cannot save the bundle: \(error.localizedDescription)", at: destination)
        }
    }

    static func ftp(_ file: String, to url: String) throws(InstallerError) -> String {
        var shown = url
        if let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") {
            shown = String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
        }
        guard let fp = fopen(file, "rb") else { throw .failed("cannot read the bundle", at: file) }
        defer { fclose(fp) }
        var st = stat()
        stat(file, &st)
        guard let c = curl_easy_init() else { throw .failed("libcurl could not start") }
        defer { curl_easy_cleanup(c) }
        _ = cc_setopt_str(c, CURLOPT_URL, url)
        _ = cc_setopt_long(c, CURLOPT_UPLOAD, 1)
        _ = cc_setopt_ptr(c, CURLOPT_READDATA, UnsafeMutableRawPointer(fp))
        _ = cc_setopt_off(c, CURLOPT_INFILESIZE_LARGE, curl_off_t(st.st_size))
        _ = cc_setopt_long(c, CURLOPT_CONNECTTIMEOUT, 15)
        _ = cc_setopt_long(c, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = cc_setopt_long(c, CURLOPT_LOW_SPEED_TIME, 30)
        _ = cc_setopt_long(c, CURLOPT_FTP_CREATE_MISSING_DIRS, Int(CURLFTP_CREATE_DIR.rawValue))
        let rc = curl_easy_perform(c)
        guard rc == CURLE_OK else {
            throw .failed("the upload failed: \(String(cString: curl_easy_strerror(rc)))", at: shown)
        }
        return shown
    }
}
