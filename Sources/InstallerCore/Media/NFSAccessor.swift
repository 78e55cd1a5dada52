import CNFS
import Foundation

/// An NFS source read with libnfs in user space (the installer's kernel has no NFS client).
///
/// Takes `server:/path` (the guide's form) or `nfs://server/path?version=4&nfsport=N&mountport=N`
/// (libnfs URL options). The path is mounted as the export; when the server refuses it, the
/// parent directories are tried so that a repository inside an export works too. An RPC
/// timeout is always set (libnfs waits forever by default). libnfs contexts are not
/// thread-safe, so every call holds the accessor's lock.
public final class NFSAccessor: SourceAccessor {
    public let location: String
    public var displayName: String { "nfs \(location)" }
    private var nfs: OpaquePointer?
    /// The directory inside the mounted export that is the top of the source.
    private var prefix = ""
    private(set) var export = ""
    private let lock = NSLock()

    /// `timeoutSeconds`: how long one NFS request may take before it fails.
    public init(_ location: String, timeoutSeconds: Int = 15) throws(InstallerError) {
        self.location = location
        var url = location.trimmedWhitespace
        if !url.hasPrefix("nfs://") {
            guard let colon = url.firstIndex(of: ":"), url[url.index(after: colon)...].hasPrefix("/") else {
                throw .invalid(location, "not an NFS location (write it as server:/path)")
            }
            url = "nfs://" + url[..<colon] + url[url.index(after: colon)...]
        }
        // Split off ?options, so that the path can be walked up without them.
        var options = ""
        if let q = url.firstIndex(of: "?") { options = String(url[q...]); url = String(url[..<q]) }
        let rest = url.dropFirst("nfs://".count)
        guard let slash = rest.firstIndex(of: "/") else { throw .invalid(location, "the NFS location names no path") }
        let server = String(rest[..<slash])
        guard !server.isEmpty else { throw .invalid(location, "the NFS location names no server") }
        var parts = rest[slash...].split(separator: "/").map(String.init)
        var inner: [String] = []
        var lastError: InstallerError?
        while true {
            let export = "/" + parts.joined(separator: "/")
            if let failure = mount(server: server, export: export, options: options, timeoutSeconds: timeoutSeconds) {
                lastError = failure.error
                guard failure.retryable, !parts.isEmpty else { break }
                inner.insert(parts.removeLast(), at: 0)
                continue
            }
            self.export = export
            prefix = inner.joined(separator: "/")
            if !prefix.isEmpty {
                var st = nfs_stat_64()
                if nfs_stat64(nfs, "/" + prefix, &st) != 0 || (st.nfs_mode & Self.typeMask) != Self.directoryType {
                    throw .failed("the directory \(rest[slash...]) is not on the server (export \(export) has no \(prefix))",
                                  at: displayName)
                }
            }
            return
        }
        throw lastError ?? .failed("cannot mount", at: displayName)
    }

    /// Writes a new file (the support bundle) under the location; an existing file is refused.
    public func create(_ path: String, contents: [UInt8]) throws(InstallerError) {
        lock.lock(); defer { lock.unlock() }
        guard let ctx = nfs else { throw .failed("not connected", at: displayName) }
        let full = "/" + (prefix.isEmpty ? path : prefix + "/" + path)
        var fh: OpaquePointer?
        guard nfs_create(ctx, full, O_WRONLY | O_CREAT | O_EXCL, 0o600, &fh) == 0, let fh else {
            throw .failed("cannot create \(path) on the server (\(lastError(ctx)))", at: displayName)
        }
        defer { nfs_close(ctx, fh) }
        // At most the server's write size a call. Over NFSv4 libnfs 4.0.0 reports no write
        // size (0) and cannot encode a WRITE of about 4000 bytes or more ("ZDR error: Failed
        // to encode COMPOUND4args"; 3900 worked against ganesha, 4000 failed): 2 KiB then.
        let writeMax = Int(nfs_get_writemax(ctx))
        let chunk = writeMax > 0 ? min(writeMax, 1 << 20) : 2048
        var off = 0
        while off < contents.count {
            let n = contents.withUnsafeBytes { b in
                nfs_write(ctx, fh, UInt64(min(contents.count - off, chunk)), UnsafeMutableRawPointer(mutating: b.baseAddress! + off))
            }
            guard n > 0 else { throw .failed("cannot write \(path) on the server (\(lastError(ctx)))", at: displayName) }
            off += Int(n)
        }
    }

    static let typeMask: UInt64 = 0o170000
    static let directoryType: UInt64 = 0o040000
    static let fileType: UInt64 = 0o100000

    private struct MountFailure { var error: InstallerError; var retryable: Bool }

    /// Mounts `export` on a fresh context; nil on success.
    private func mount(server: String, export: String, options: String, timeoutSeconds: Int) -> MountFailure? {
        if let old = nfs { nfs_destroy_context(old); nfs = nil }
        guard let ctx = nfs_init_context() else {
            return MountFailure(error: .failed("libnfs could not start", at: displayName), retryable: false)
        }
        nfs = ctx
        nfs_set_timeout(ctx, Int32(timeoutSeconds * 1000))
        nfs_set_autoreconnect(ctx, 0)
        if !options.isEmpty {
            // nfs_parse_url_dir applies ?version=, nfsport=, mountport= ... to the context.
            if let u = nfs_parse_url_dir(ctx, "nfs://\(server)\(export)\(options)") {
                nfs_destroy_url(u)
            } else {
                return MountFailure(error: .invalid(location, "bad NFS options: \(lastError(ctx))"), retryable: false)
            }
        }
        let rc = nfs_mount(ctx, server, export)
        if rc != 0 {
            let msg = lastError(ctx)
            let missing = rc == -2 || rc == -13 || msg.contains("NOENT") || msg.contains("ACCES")
            let err: InstallerError
            if missing {
                err = .failed("the server has no export \(export) that this machine may mount (\(msg))", at: displayName,
                              hint: "check the path and the server's export list")
            } else if rc == -4 || msg.contains("timed out") || msg.contains("cancel") {
                err = .failed("timed out: the NFS server \(server) did not answer within \(timeoutSeconds) s", at: displayName)
            } else {
                err = .failed("cannot reach the NFS server \(server) (\(msg))", at: displayName,
                              hint: "check the address, and that the server is running and exports the path")
            }
            return MountFailure(error: err, retryable: missing)
        }
        return nil
    }

    private func lastError(_ ctx: OpaquePointer?) -> String {
        guard let ctx, let e = nfs_get_error(ctx) else { return "unknown error" }
        return String(cString: e).trimmedWhitespace
    }

    deinit { close() }

    private func remote(_ path: String) throws(InstallerError) -> String {
        "/" + SourcePath.join(prefix, try SourcePath.check(path, source: displayName))
    }

    public func open(_ path: String) throws(InstallerError) -> ByteStream {
        guard let s = try openIfPresent(path) else { throw .failed("\(path) is not there (file not found)", at: displayName) }
        return s
    }

    public func openIfPresent(_ path: String) throws(InstallerError) -> ByteStream? {
        let r = try remote(path)
        lock.lock(); defer { lock.unlock() }
        guard let nfs else { throw .failed("the NFS source is closed", at: displayName) }
        var fh: OpaquePointer?
        let rc = nfs_open(nfs, r, O_RDONLY, &fh)
        if rc != 0 {
            if rc == -2 || rc == -20 { return nil }
            throw error(rc, doing: "open \(path)")
        }
        return NFSStream(accessor: self, fh: fh!, name: path)
    }

    fileprivate func error(_ rc: Int32, doing what: String) -> InstallerError {
        let msg = lastError(nfs)
        if rc == -4 || msg.contains("timed out") {
            return .failed("timed out: the NFS server did not answer (\(what))", at: displayName)
        }
        return .failed("cannot \(what): \(msg)", at: displayName)
    }

    fileprivate func read(_ fh: OpaquePointer, _ buffer: UnsafeMutableRawBufferPointer, name: String) throws(InstallerError) -> Int {
        lock.lock(); defer { lock.unlock() }
        guard let nfs else { throw .failed("the NFS source is closed", at: displayName) }
        let n = nfs_read(nfs, fh, UInt64(min(buffer.count, 1 << 20)), buffer.baseAddress)
        if n < 0 { throw error(n, doing: "read \(name)") }
        return Int(n)
    }

    fileprivate func closeFile(_ fh: OpaquePointer) {
        lock.lock(); defer { lock.unlock() }
        if let nfs { nfs_close(nfs, fh) }
    }

    public func exists(_ path: String) -> Bool {
        guard let r = try? remote(path) else { return false }
        lock.lock(); defer { lock.unlock() }
        guard let nfs else { return false }
        var st = nfs_stat_64()
        return nfs_stat64(nfs, r, &st) == 0 && (st.nfs_mode & Self.typeMask) == Self.fileType
    }

    public func list(_ directory: String) throws(InstallerError) -> [String]? {
        let r = try remote(directory)
        lock.lock(); defer { lock.unlock() }
        guard let nfs else { return nil }
        var dir: OpaquePointer?
        guard nfs_opendir(nfs, r, &dir) == 0, let dir else { return nil }
        defer { nfs_closedir(nfs, dir) }
        var names: [String] = []
        while let e = nfs_readdir(nfs, dir) {
            let n = String(cString: e.pointee.name)
            if n != "." && n != ".." { names.append(n) }
        }
        return names.sorted()
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        if let n = nfs { nfs_destroy_context(n); nfs = nil }
    }
}

final class NFSStream: ByteStream {
    private let accessor: NFSAccessor
    private var fh: OpaquePointer?
    private let name: String
    init(accessor: NFSAccessor, fh: OpaquePointer, name: String) { self.accessor = accessor; self.fh = fh; self.name = name }
    deinit { close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        guard let fh else { return 0 }
        return try accessor.read(fh, buffer, name: name)
    }

    func close() {
        if let fh { accessor.closeFile(fh); self.fh = nil }
    }
}
