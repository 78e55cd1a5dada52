import Foundation

/// What the accessors of this module add to `Accessor`: telling a missing file apart from an
/// unreachable source, and listing a directory where the source can (not plain HTTP).
/// All of them may be used from several threads at once (the verifier reads two files at a time).
public protocol SourceAccessor: Accessor {
    /// Opens `path`, or returns nil when the source says it does not exist. Other failures
    /// (unreachable server, wrong password, timeout) throw.
    func openIfPresent(_ path: String) throws(InstallerError) -> ByteStream?
    /// The names in a directory ("" is the top), or nil when the source cannot list.
    func list(_ directory: String) throws(InstallerError) -> [String]?
}

extension Accessor {
    /// Everything a stream gives, up to `limit` bytes (metadata files are small).
    public func readAll(_ path: String, limit: Int = 16 << 20) throws(InstallerError) -> [UInt8] {
        try Self.drain(open(path), path: path, limit: limit, source: displayName)
    }

    /// Like `readAll`, but nil when the file does not exist.
    public func readIfPresent(_ path: String, limit: Int = 16 << 20) throws(InstallerError) -> [UInt8]? {
        if let s = self as? SourceAccessor {
            guard let stream = try s.openIfPresent(path) else { return nil }
            return try Self.drain(stream, path: path, limit: limit, source: displayName)
        }
        guard exists(path) else { return nil }
        return try readAll(path, limit: limit)
    }

    static func drain(_ stream: ByteStream, path: String, limit: Int, source: String) throws(InstallerError) -> [UInt8] {
        defer { stream.close() }
        var out = [UInt8]()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try stream.read(into: chunk)
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            if out.count > limit { throw .failed("\(path) is larger than \(limit) bytes, which is too large for metadata", at: source) }
        }
    }
}

enum SourcePath {
    /// `a/b` joined under `base` with single slashes; "" stays "".
    static func join(_ base: String, _ path: String) -> String {
        if base.isEmpty { return path }
        if path.isEmpty { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
    }

    /// Refuses paths that leave the source (`..`) so that metadata cannot point outside it.
    static func check(_ path: String, source: String) throws(InstallerError) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        if parts.contains("..") { throw .failed("the path \(path) leaves the installation source", at: source) }
        return parts.joined(separator: "/")
    }
}

/// A plain file read with read(2).
final class FileStream: ByteStream {
    private var fd: Int32
    private let name: String

    init(fd: Int32, name: String) { self.fd = fd; self.name = name }
    deinit { close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        guard fd >= 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .failed("cannot read: \(String(cString: strerror(errno)))", at: name)
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

/// A source that is a directory (a mounted disc, a copy of the media, a repository built by make-repo).
public final class DirectoryAccessor: SourceAccessor {
    public let path: String
    public var displayName: String { path }

    public init(_ path: String) { self.path = path }

    private func full(_ rel: String) throws(InstallerError) -> String {
        SourcePath.join(path, try SourcePath.check(rel, source: path))
    }

    public func open(_ rel: String) throws(InstallerError) -> ByteStream {
        guard let s = try openIfPresent(rel) else {
            throw .failed("\(rel) is not there (file not found)", at: path)
        }
        return s
    }

    public func openIfPresent(_ rel: String) throws(InstallerError) -> ByteStream? {
        let p = try full(rel)
        let fd = Glibc.open(p, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .failed("cannot open \(rel): \(String(cString: strerror(errno)))", at: path)
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            throw .failed("\(rel) is a directory, not a file", at: path)
        }
        return FileStream(fd: fd, name: p)
    }

    public func exists(_ rel: String) -> Bool {
        guard let p = try? full(rel) else { return false }
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    public func list(_ directory: String) throws(InstallerError) -> [String]? {
        let p = try full(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: p.isEmpty ? "." : p) else {
            return nil
        }
        return names.sorted()
    }

    public func close() {}
}
