import CCurl
import Foundation

/// HTTP, HTTPS and FTP sources through libcurl.
///
/// - Streaming: each file is one transfer on its own curl multi handle, driven from `read`,
///   so nothing is buffered beyond one network chunk and no thread is started.
/// - Credentials go through CURLOPT_USERNAME/PASSWORD, never into a URL, a message or the
///   log (the password is also registered with the event log as a secret).
/// - Timeouts are always set: a connect timeout, and a low-speed limit that ends a stalled
///   transfer.
/// - A transfer whose connection drops is resumed with a Range request (FTP: REST) from the
///   byte where it stopped, up to `maxResumes` times, when the server allows it.
public final class HTTPAccessor: SourceAccessor {
    public struct Timeouts: Sendable {
        public var connect: Int
        /// A transfer slower than `lowSpeedBytes` per second for `stallSeconds` fails.
        public var stallSeconds: Int
        public var lowSpeedBytes: Int
        public init(connect: Int = 20, stallSeconds: Int = 30, lowSpeedBytes: Int = 1024) {
            self.connect = connect; self.stallSeconds = stallSeconds; self.lowSpeedBytes = lowSpeedBytes
        }
    }

    /// The base URL without credentials, always ending in `/`.
    public let baseURL: String
    let credentials: Credentials?
    let timeouts: Timeouts
    public var maxResumes = 3
    /// A PEM file of certificate authorities to trust for HTTPS instead of `TLSTrust.caFile`
    /// (the system's bundle plus those a site added); nil uses that.
    public var caFile: String?
    public let isFTP: Bool

    public var displayName: String {
        baseURL + (credentials.map { " (user \($0.user))" } ?? "")
    }

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()
    /// libcurl's global set-up, done once (also for `HTTPPost`).
    static var ensureGlobalInit: Bool { globalInit }

    /// `url` may carry `user:password@`; it is taken out of the URL and used as credentials
    /// unless `credentials` are given.
    public init(_ url: String, credentials: Credentials? = nil, timeouts: Timeouts = Timeouts()) throws(InstallerError) {
        _ = Self.globalInit
        var u = url.trimmedWhitespace
        if !u.contains("://") { u = "http://" + u }
        guard let schemeEnd = u.range(of: "://") else { throw .invalid(url, "not a URL") }
        let scheme = u[..<schemeEnd.lowerBound].lowercased()
        guard ["http", "https", "ftp", "ftps"].contains(scheme) else {
            throw .invalid(Self.redact(url), "unsupported URL scheme \"\(scheme)\" (use http, https or ftp)")
        }
        var rest = String(u[schemeEnd.upperBound...])
        var creds = credentials
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if creds == nil {
                let parts = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let user = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let pass = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                creds = Credentials(user: user, password: pass)
            }
            rest = String(rest[rest.index(after: at)...])
        }
        guard !rest.isEmpty, !rest.hasPrefix("/") else { throw .invalid(Self.redact(url), "the URL names no server") }
        if !rest.hasSuffix("/") { rest += "/" }
        baseURL = scheme + "://" + rest
        self.credentials = creds
        self.timeouts = timeouts
        isFTP = scheme.hasPrefix("ftp")
        if let p = creds?.password { EventLog.shared.addSecret(p) }
    }

    /// `redact`, for the front ends.
    public static func redactedURL(_ url: String) -> String { redact(url) }

    /// The URL with any `user:password@` removed (for messages about a URL that was not accepted).
    static func redact(_ url: String) -> String {
        guard let s = url.range(of: "://") else { return url }
        let after = url[s.upperBound...]
        let hostEnd = after.firstIndex(where: { $0 == "/" }) ?? after.endIndex
        guard let at = after[..<hostEnd].lastIndex(of: "@") else { return url }
        return String(url[..<s.upperBound]) + after[after.index(after: at)...]
    }

    /// The URL of `path` under the base, each component percent-encoded.
    func url(for path: String) throws(InstallerError) -> String {
        let clean = try SourcePath.check(path, source: baseURL)
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")
        let enc = clean.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
        return baseURL + enc.joined(separator: "/") + (path.hasSuffix("/") && !enc.isEmpty ? "/" : "")
    }

    public func open(_ path: String) throws(InstallerError) -> ByteStream {
        let u = try url(for: path)
        let t = try CurlTransfer(url: u, accessor: self, listOnly: false)
        try t.prime()
        if let nf = t.notFoundError { throw nf }
        return t
    }

    public func openIfPresent(_ path: String) throws(InstallerError) -> ByteStream? {
        let t = try CurlTransfer(url: try url(for: path), accessor: self, listOnly: false)
        try t.prime()
        if t.notFoundError != nil { t.close(); return nil }
        return t
    }

    public func exists(_ path: String) -> Bool {
        guard let s = try? openIfPresent(path) else { return false }
        s.close()
        return true
    }

    /// FTP directories can be listed (NLST); HTTP ones cannot (nil).
    public func list(_ directory: String) throws(InstallerError) -> [String]? {
        guard isFTP else { return nil }
        let dir = directory.isEmpty ? "" : (directory.hasSuffix("/") ? directory : directory + "/")
        let t = try CurlTransfer(url: try url(for: dir), accessor: self, listOnly: true)
        try t.prime()
        if t.notFoundError != nil { t.close(); return nil }
        let bytes = try Self.drain(t, path: directory, limit: 4 << 20, source: displayName)
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { String($0).trimmedWhitespace }.filter { !$0.isEmpty && $0 != "." && $0 != ".." }
            .map { $0.split(separator: "/").last.map(String.init) ?? $0 }.sorted()
    }

    public func close() {}
}

/// One download: an easy handle on its own multi handle, pumped by `read`.
final class CurlTransfer: ByteStream {
    private let easy: UnsafeMutableRawPointer
    private let multi: UnsafeMutableRawPointer
    private let errbuf = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let url: String
    private unowned let accessor: HTTPAccessor
    private let listOnly: Bool

    /// Bytes received and not yet read, at most `pendingLimit` plus one libcurl write: past
    /// the limit the write callback pauses the transfer (libcurl keeps that chunk and hands
    /// it over again when `pump` resumes), so memory does not grow with the file.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var paused = false
    static let pendingLimit = 1 << 20
    private var attached = false
    private var done = false
    private var closed = false
    private var result = CURLE_OK
    /// Bytes handed to the reader (across resumed attempts).
    private(set) var delivered: UInt64 = 0
    /// Bytes received in the current attempt, and where it started.
    private var attemptStart: UInt64 = 0
    private var attemptBytes: UInt64 = 0
    private var expectedTotal: UInt64?
    private var resumes = 0
    private(set) var notFoundError: InstallerError?
    private var finalError: InstallerError?

    init(url: String, accessor: HTTPAccessor, listOnly: Bool) throws(InstallerError) {
        guard let e = curl_easy_init(), let m = curl_multi_init() else {
            throw .failed("libcurl could not start a transfer", at: url)
        }
        easy = e; multi = m
        self.url = url; self.accessor = accessor; self.listOnly = listOnly
        errbuf.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try start(from: 0)
    }

    deinit {
        close()
        errbuf.deallocate()
    }

    private func setup(from offset: UInt64) {
        curl_easy_reset(easy)
        errbuf[0] = 0
        let t = accessor.timeouts
        cc_setopt_str(easy, CURLOPT_URL, url)
        cc_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errbuf)
        cc_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps")
        cc_setopt_str(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp,ftps")
        cc_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        cc_setopt_long(easy, CURLOPT_MAXREDIRS, 5)
        cc_setopt_long(easy, CURLOPT_FAILONERROR, 1)
        cc_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        cc_setopt_long(easy, CURLOPT_CONNECTTIMEOUT, t.connect)
        cc_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, t.lowSpeedBytes)
        cc_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, t.stallSeconds)
        cc_setopt_long(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(t.stallSeconds, t.connect))
        cc_setopt_long(easy, CURLOPT_BUFFERSIZE, 256 * 1024)
        cc_setopt_str(easy, CURLOPT_USERAGENT, "host-installer")
        if listOnly { cc_setopt_long(easy, CURLOPT_DIRLISTONLY, 1) }
        if let ca = accessor.caFile ?? TLSTrust.caFile { cc_setopt_str(easy, CURLOPT_CAINFO, ca) }
        if let c = accessor.credentials {
            cc_setopt_str(easy, CURLOPT_USERNAME, c.user)
            cc_setopt_str(easy, CURLOPT_PASSWORD, c.password)
            cc_setopt_long(easy, CURLOPT_HTTPAUTH, 3 /* CURLAUTH_BASIC | CURLAUTH_DIGEST (macros Swift cannot import) */)
        }
        if offset > 0 { cc_setopt_off(easy, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset)) }
        cc_setopt_writefn(easy) { ptr, size, n, ud in
            let me = Unmanaged<CurlTransfer>.fromOpaque(ud!).takeUnretainedValue()
            let count = size * n
            guard count > 0, let ptr else { return count }
            return me.received(UnsafeRawBufferPointer(start: ptr, count: count)) ? count : Int(CURL_WRITEFUNC_PAUSE)
        }
        cc_setopt_ptr(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    private func start(from offset: UInt64) throws(InstallerError) {
        setup(from: offset)
        attemptStart = offset
        attemptBytes = 0
        done = false
        paused = false
        let rc = curl_multi_add_handle(multi, easy)
        guard rc == CURLM_OK else { throw .failed("libcurl could not start the transfer (multi error \(rc.rawValue))", at: url) }
        attached = true
    }

    /// Keeps `bytes` for `read`, or returns false (pause) when enough is waiting already.
    private func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if pending.count - pendingStart >= Self.pendingLimit {
            paused = true
            return false
        }
        if attemptBytes == 0 && expectedTotal == nil {
            var cl: curl_off_t = -1
            if cc_getinfo_off(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK, cl >= 0 {
                expectedTotal = attemptStart + UInt64(cl)
            }
        }
        attemptBytes += UInt64(bytes.count)
        if pendingStart == pending.count { pending.removeAll(keepingCapacity: true); pendingStart = 0 }
        pending.append(contentsOf: bytes)
        return true
    }

    /// Drives the transfer one step: waits up to a second for the network, then collects the result.
    private func pump() {
        if paused && !hasPending {
            paused = false
            curl_easy_pause(easy, 0 /* CURLPAUSE_CONT */)   // may call the write callback at once
        }
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        if !hasPending {
            var msgs: Int32 = 0
            while let msg = curl_multi_info_read(multi, &msgs) {
                if msg.pointee.msg == CURLMSG_DONE {
                    result = msg.pointee.data.result
                    done = true
                }
            }
            if !done && !hasPending {
                var fds: Int32 = 0
                curl_multi_poll(multi, nil, 0, 1000, &fds)
            }
        }
    }

    private var hasPending: Bool { pendingStart < pending.count }

    /// Runs until the first bytes arrive or the transfer ends, so that a missing file or an
    /// unreachable server shows at open time. A missing file sets `notFoundError`.
    func prime() throws(InstallerError) {
        while !hasPending && !done { pump() }
        if done && result != CURLE_OK {
            let e = error(for: result)
            if isNotFound(result) { notFoundError = e; return }
            throw e
        }
    }

    private var status: Int {
        var s = 0
        cc_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &s)
        return s
    }

    private func isNotFound(_ rc: CURLcode) -> Bool {
        if rc == CURLE_REMOTE_FILE_NOT_FOUND || rc == CURLE_REMOTE_ACCESS_DENIED && accessor.isFTP { return true }
        if rc == CURLE_HTTP_RETURNED_ERROR { return status == 404 || status == 410 }
        return false
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        if closed { return 0 }
        if let finalError { throw finalError }
        while true {
            if hasPending {
                let n = min(buffer.count, pending.count - pendingStart)
                pending.withUnsafeBytes { src in
                    buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingStart, byteCount: n)
                }
                pendingStart += n
                delivered += UInt64(n)
                return n
            }
            if done {
                if result == CURLE_OK {
                    if let total = expectedTotal, delivered < total, !listOnly {
                        // The server closed the connection early without libcurl noticing.
                        if try resume() { continue }
                        finalError = truncated(total: total, why: "the connection was closed early")
                        throw finalError!
                    }
                    return 0
                }
                if isDrop(result), let total = expectedTotal, delivered == total {
                    return 0   // everything arrived; only the connection's end was untidy
                }
                if isDrop(result), try resume() { continue }
                finalError = error(for: result)
                throw finalError!
            }
            pump()
        }
    }

    private func isDrop(_ rc: CURLcode) -> Bool {
        rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR
    }

    /// Starts a new attempt from `delivered`, when it makes sense.
    private func resume() throws(InstallerError) -> Bool {
        guard !listOnly, resumes < accessor.maxResumes, attemptBytes > 0 || resumes == 0 else { return false }
        resumes += 1
        EventLog.shared.log("download of \(url) dropped after \(delivered) bytes; resuming (attempt \(resumes) of \(accessor.maxResumes))")
        detach()
        try start(from: delivered)
        return true
    }

    private func truncated(total: UInt64, why: String) -> InstallerError {
        .failed("the download was cut short: got \(delivered) of \(total) bytes (\(why))", at: url,
                hint: "the server or the network dropped the connection; try again")
    }

    private func error(for rc: CURLcode) -> InstallerError {
        let text = String(cString: errbuf).trimmedWhitespace
        let t = accessor.timeouts
        switch rc {
        case CURLE_HTTP_RETURNED_ERROR:
            let s = status
            if s == 404 || s == 410 { return .failed("not found (HTTP \(s))", at: url, hint: "check the URL") }
            if s == 401 || s == 403 {
                return .failed("the server refused the user name or password (HTTP \(s))", at: url,
                               hint: "check the user name and password")
            }
            if s == 416 { return .failed("the server refused the byte range to resume from (HTTP 416)", at: url) }
            return .failed("the server answered HTTP \(s)", at: url)
        case CURLE_REMOTE_FILE_NOT_FOUND:
            return .failed("not found (FTP \(status))", at: url, hint: "check the URL")
        case CURLE_REMOTE_ACCESS_DENIED:
            return .failed("not found: the server denied access to the directory (FTP \(status))", at: url, hint: "check the URL")
        case CURLE_LOGIN_DENIED:
            return .failed("the server refused the user name or password (FTP \(status))", at: url,
                           hint: "check the user name and password")
        case CURLE_COULDNT_CONNECT:
            return .failed("cannot connect to the server (connection refused or unreachable)", at: url,
                           hint: "check the address and port, and that the server is running")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .failed("unknown server name", at: url, hint: "check the name and the DNS settings")
        case CURLE_OPERATION_TIMEDOUT:
            if delivered == 0 && attemptBytes == 0 && (text.contains("onnect") || text.contains("onnection")) {
                return .failed("timed out: the server did not answer within \(t.connect) s", at: url)
            }
            return .failed("timed out: the transfer stalled (less than \(t.lowSpeedBytes) bytes/s for \(t.stallSeconds) s) after \(delivered) bytes",
                           at: url, hint: "the server or the network stopped sending; try again")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SEND_ERROR:
            if let total = expectedTotal { return truncated(total: total, why: "the connection was dropped") }
            return .failed("the download was cut short after \(delivered) bytes (the connection was dropped)", at: url)
        case CURLE_RANGE_ERROR:
            return .failed("the download was cut short after \(delivered) bytes, and the server cannot resume it (no byte ranges)",
                           at: url)
        case CURLE_PEER_FAILED_VERIFICATION:
            return .failed("secure connection failed: \(text)", at: url,
                           hint: "the server's certificate is not trusted: add its certificate authority (--ca-file, ca_file=, ca.pem on an XCP-ANSWER stick), or check the URL")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
            return .failed("secure connection failed: \(text)", at: url)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .failed("unsupported protocol: \(text)", at: url)
        default:
            return .failed("download failed: \(text.isEmpty ? String(cString: curl_easy_strerror(rc)) : text) (curl \(rc.rawValue))", at: url)
        }
    }

    private func detach() {
        if attached { curl_multi_remove_handle(multi, easy); attached = false }
    }

    func close() {
        guard !closed else { return }
        closed = true
        detach()
        curl_easy_cleanup(easy)
        curl_multi_cleanup(multi)
    }
}
