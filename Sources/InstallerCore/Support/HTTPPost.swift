import CCurl
import Foundation

/// One HTTP(S) POST through libcurl: a body out, the status and a bounded reply back. Used for
/// the answerfile asked for with the host's description (`post:URL`) and for status reports.
/// Trusts the system's certificate authorities plus `TLSTrust`'s; verification is never turned
/// off. Credentials in the URL go to libcurl and never into a message (`shown`).
public enum HTTPPost {
    public struct Reply: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    public struct Timeouts: Sendable {
        public var connectMs: Int
        /// The whole request, connection and reply included.
        public var totalMs: Int
        public init(connectMs: Int, totalMs: Int) { self.connectMs = connectMs; self.totalMs = totalMs }
    }

    /// The URL without `user:password@`, for messages.
    public static func shown(_ url: String) -> String { HTTPAccessor.redact(url) }

    /// POSTs `body` (`contentType`) to `url`. Any HTTP status is returned (the caller decides);
    /// a transport failure (no connection, timeout, certificate) throws, naming the URL.
    public static func send(_ url: String, body: [UInt8], contentType: String = "application/json",
                            timeouts: Timeouts, limit: Int = 1 << 20) throws(InstallerError) -> Reply {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw .invalid(shown(url), "only http:// and https:// URLs can be sent to")
        }
        _ = HTTPAccessor.ensureGlobalInit
        guard let c = curl_easy_init() else { throw .failed("libcurl could not start", at: shown(url)) }
        defer { curl_easy_cleanup(c) }
        let errbuf = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errbuf.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errbuf.deallocate() }
        let sink = Sink(limit: limit)
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, "Content-Type: " + contentType)
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        let rc: CURLcode = body.withUnsafeBufferPointer { b in
            cc_setopt_str(c, CURLOPT_URL, url)
            cc_setopt_ptr(c, CURLOPT_ERRORBUFFER, errbuf)
            cc_setopt_str(c, CURLOPT_PROTOCOLS_STR, "http,https")
            cc_setopt_long(c, CURLOPT_NOSIGNAL, 1)
            cc_setopt_long(c, CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMs)
            cc_setopt_long(c, CURLOPT_TIMEOUT_MS, timeouts.totalMs)
            cc_setopt_str(c, CURLOPT_USERAGENT, "host-installer")
            cc_setopt_ptr(c, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
            cc_setopt_long(c, CURLOPT_POST, 1)
            cc_setopt_ptr(c, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: b.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            cc_setopt_off(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(b.count))
            if let ca = TLSTrust.caFile { cc_setopt_str(c, CURLOPT_CAINFO, ca) }
            cc_setopt_writefn(c) { ptr, size, n, ud in
                let sink = Unmanaged<Sink>.fromOpaque(ud!).takeUnretainedValue()
                let count = size * n
                guard let ptr, count > 0 else { return count }
                if sink.bytes.count + count > sink.limit { sink.tooBig = true; return 0 }
                sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: count))
                return count
            }
            return withExtendedLifetime(sink) {
                cc_setopt_ptr(c, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
                return curl_easy_perform(c)
            }
        }
        var status = 0
        cc_getinfo_long(c, CURLINFO_RESPONSE_CODE, &status)
        if sink.tooBig { throw .failed("the reply is larger than \(limit) bytes", at: shown(url)) }
        guard rc == CURLE_OK else { throw error(rc, String(cString: errbuf).trimmedWhitespace, url: shown(url), timeouts: timeouts) }
        return Reply(status: status, body: sink.bytes)
    }

    static func error(_ rc: CURLcode, _ text: String, url: String, timeouts: Timeouts) -> InstallerError {
        let reason = text.isEmpty ? String(cString: curl_easy_strerror(rc)) : text
        switch rc {
        case CURLE_COULDNT_CONNECT:
            return .failed("cannot connect to the server (connection refused or unreachable)", at: url,
                           hint: "check the address and port, and that the server is running")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .failed("unknown server name", at: url, hint: "check the name and the DNS settings")
        case CURLE_OPERATION_TIMEDOUT:
            return .failed("timed out: no answer within \(Double(timeouts.totalMs) / 1000) s (\(reason))", at: url)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
            return .failed("secure connection failed: \(reason)", at: url,
                           hint: "the server's certificate is not trusted: add its certificate authority (--ca-file, ca_file=, ca.pem on an XCP-ANSWER stick), or check the URL")
        default:
            return .failed("request failed: \(reason) (curl \(rc.rawValue))", at: url)
        }
    }

    /// The reply as it arrives (libcurl's write callback).
    final class Sink {
        var bytes: [UInt8] = []
        var tooBig = false
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }
}
