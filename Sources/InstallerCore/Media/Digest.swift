import CCrypto

/// MD5 and SHA-256 through OpenSSL's EVP interface (libcrypto), as lowercase hex.
/// The one file that calls EVP; `Digest.Context` owns the C context and frees it.
public enum Digest {
    public enum Algorithm: Sendable { case md5, sha256 }

    /// An incremental digest. Not thread-safe; one owner at a time.
    public final class Context {
        private let ctx: OpaquePointer
        public let algorithm: Algorithm
        private var finished: String?

        public init(_ algorithm: Algorithm) {
            self.algorithm = algorithm
            guard let c = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
            ctx = c
            let md = algorithm == .md5 ? EVP_md5() : EVP_sha256()
            if EVP_DigestInit_ex(ctx, md, nil) != 1 { fatalError("EVP_DigestInit_ex failed for \(algorithm)") }
        }
        deinit { EVP_MD_CTX_free(ctx) }

        public func update(_ bytes: UnsafeRawBufferPointer) {
            precondition(finished == nil, "Digest.Context updated after finalHex")
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = EVP_DigestUpdate(ctx, base, bytes.count)
        }

        /// The digest as lowercase hex. Later calls return the same value.
        public func finalHex() -> String {
            if let finished { return finished }
            var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var len: UInt32 = 0
            _ = EVP_DigestFinal_ex(ctx, &out, &len)
            let hex = Digest.hex(out.prefix(Int(len)))
            finished = hex
            return hex
        }
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }

    public static func md5Hex(_ bytes: [UInt8]) -> String { digest(.md5, bytes) }
    public static func md5Hex(_ text: String) -> String { digest(.md5, Array(text.utf8)) }
    public static func sha256Hex(_ bytes: [UInt8]) -> String { digest(.sha256, bytes) }

    /// Reads `stream` to its end and returns its MD5 (and SHA-256) without keeping the bytes.
    public static func md5Hex(of stream: ByteStream) throws(InstallerError) -> String {
        let h = HashingStream(base: stream)
        try h.drain()
        return h.md5Hex
    }

    private static func digest(_ a: Algorithm, _ bytes: [UInt8]) -> String {
        let c = Context(a)
        bytes.withUnsafeBytes { c.update($0) }
        return c.finalHex()
    }
}

/// A `ByteStream` that passes bytes through unchanged and computes MD5 and SHA-256 of
/// everything read. Read `md5Hex` / `sha256Hex` after the end (a read that returned 0),
/// or call `drain()` first to read what is left.
public final class HashingStream: ByteStream {
    public let base: ByteStream
    private let md5 = Digest.Context(.md5)
    private let sha = Digest.Context(.sha256)
    public private(set) var bytesRead: UInt64 = 0
    public private(set) var reachedEnd = false

    public init(base: ByteStream) { self.base = base }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        let n = try base.read(into: buffer)
        if n == 0 { reachedEnd = true; return 0 }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        md5.update(chunk)
        sha.update(chunk)
        bytesRead += UInt64(n)
        return n
    }

    /// Reads and hashes whatever the consumer left unread (e.g. tar padding after the last entry).
    public func drain() throws(InstallerError) {
        guard !reachedEnd else { return }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buf.deallocate() }
        while try read(into: buf) > 0 {}
    }

    public func close() { base.close() }

    /// Lowercase hex; valid once the end was reached.
    public var md5Hex: String { md5.finalHex() }
    public var sha256Hex: String { sha.finalHex() }
}
