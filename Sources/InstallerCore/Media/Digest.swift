import CCrypto
import Glibc

/// MD5 and SHA-256 through OpenSSL's libcrypto (EVP), as fast as `md5sum`.
public enum Digest {
    /// The MD5 of a file, as 32 lower-case hex digits.
    public static func md5Hex(path: String) throws(InstallerError) -> String {
        try hexes(path: path, sha256: false).md5
    }

    /// The SHA-256 of a file, as 64 lower-case hex digits.
    public static func sha256Hex(path: String) throws(InstallerError) -> String {
        try hexes(path: path, sha256: true).sha256 ?? ""
    }

    /// MD5 (and SHA-256 when asked) of a file in one pass.
    public static func hexes(path: String, sha256: Bool) throws(InstallerError) -> (md5: String, sha256: String?) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .failed("cannot open: \(String(cString: strerror(errno)))", at: path) }
        defer { Glibc.close(fd) }
        let hasher = Hasher(md5: true, sha256: sha256)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .failed("cannot read: \(String(cString: strerror(errno)))", at: path)
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hasher.finish()
    }

    /// MD5 (and SHA-256 when asked) of everything a stream gives until its end; closes it.
    public static func hexes(of stream: ByteStream, sha256: Bool,
                             onBytes: (Int) -> Void = { _ in }) throws(InstallerError) -> (md5: String, sha256: String?) {
        defer { stream.close() }
        let hasher = Hasher(md5: true, sha256: sha256)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            onBytes(n)
        }
        return hasher.finish()
    }

    // In-memory helpers (also what the install backend's first Digest.swift offered).
    public static func md5Hex(_ bytes: [UInt8]) -> String { of(bytes, sha256: false).md5 }
    public static func md5Hex(_ text: String) -> String { md5Hex(Array(text.utf8)) }
    public static func sha256Hex(_ bytes: [UInt8]) -> String { of(bytes, sha256: true).sha256 ?? "" }

    /// Reads `stream` to its end (and closes it) and returns its MD5.
    public static func md5Hex(of stream: ByteStream) throws(InstallerError) -> String {
        try hexes(of: stream, sha256: false).md5
    }

    private static func of(_ bytes: [UInt8], sha256: Bool) -> (md5: String, sha256: String?) {
        let h = Hasher(md5: true, sha256: sha256)
        bytes.withUnsafeBytes { h.update($0) }
        return h.finish()
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for `count` hex digits (either case).
    static func isHex(_ s: String, count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}

/// Streaming MD5 and/or SHA-256: feed bytes with `update`, read the hex digests with `finish`.
/// Not thread-safe; one per stream.
public final class Hasher {
    private var md5Ctx: OpaquePointer?
    private var shaCtx: OpaquePointer?
    private var result: (md5: String, sha256: String?)?

    public init(md5: Bool = true, sha256: Bool = false) {
        if md5 {
            md5Ctx = EVP_MD_CTX_new()
            EVP_DigestInit_ex(md5Ctx, EVP_md5(), nil)
        }
        if sha256 {
            shaCtx = EVP_MD_CTX_new()
            EVP_DigestInit_ex(shaCtx, EVP_sha256(), nil)
        }
    }

    deinit {
        if let md5Ctx { EVP_MD_CTX_free(md5Ctx) }
        if let shaCtx { EVP_MD_CTX_free(shaCtx) }
    }

    public func update(_ p: UnsafeRawBufferPointer) {
        guard result == nil, let base = p.baseAddress, p.count > 0 else { return }
        if let md5Ctx { EVP_DigestUpdate(md5Ctx, base, p.count) }
        if let shaCtx { EVP_DigestUpdate(shaCtx, base, p.count) }
    }

    /// The digests (md5 is "" when it was not asked for). Later calls return the same values.
    public func finish() -> (md5: String, sha256: String?) {
        if let result { return result }
        func final(_ ctx: OpaquePointer?) -> String? {
            guard let ctx else { return nil }
            var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var len: UInt32 = 0
            EVP_DigestFinal_ex(ctx, &out, &len)
            return out.withUnsafeBytes { Digest.hex(UnsafeRawBufferPointer(rebasing: $0[0..<Int(len)])) }
        }
        let r = (md5: final(md5Ctx) ?? "", sha256: final(shaCtx))
        result = r
        return r
    }
}

/// A stream that hashes what passes through it; `md5Hex` and `sha256Hex` are set once the
/// base stream has reported its end.
public final class HashingStream: ByteStream {
    private let base: ByteStream
    private let hasher: Hasher
    public private(set) var md5Hex: String?
    public private(set) var sha256Hex: String?
    /// Bytes read so far.
    public private(set) var bytesRead: UInt64 = 0
    /// True once the base stream reported its end.
    public var reachedEnd: Bool { md5Hex != nil }

    public init(_ base: ByteStream, sha256: Bool) {
        self.base = base
        self.hasher = Hasher(md5: true, sha256: sha256)
    }

    /// MD5 and SHA-256 (the install backend's spelling).
    public convenience init(base: ByteStream) { self.init(base, sha256: true) }

    /// Reads and hashes whatever the consumer left unread, so that the digests are set.
    public func drain() throws(InstallerError) {
        guard !reachedEnd else { return }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buf.deallocate() }
        while try read(into: buf) > 0 {}
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        let n = try base.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            bytesRead += UInt64(n)
        } else if md5Hex == nil {
            let r = hasher.finish()
            md5Hex = r.md5
            sha256Hex = r.sha256
        }
        return n
    }

    public func close() { base.close() }
}
