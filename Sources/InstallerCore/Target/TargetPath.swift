import Foundation

/// Paths inside the installed system, resolved as the installed system would see them
/// (as if chrooted into `root`): absolute symlinks start at `root`, `..` stops at `root`.
/// So a symlink in the target can never send a write outside it.
public enum TargetPath {
    /// The host path of `path` (absolute, target view) under `root`, following symlinks
    /// chroot-style. Missing components are kept as they are.
    public static func resolve(root: String, _ path: String) throws(InstallerError) -> String {
        var pending = path.split(separator: "/").map(String.init)
        var done: [String] = []
        var links = 0
        while !pending.isEmpty {
            let c = pending.removeFirst()
            if c == "." || c.isEmpty { continue }
            if c == ".." { if !done.isEmpty { done.removeLast() }; continue }
            let host = root + "/" + (done + [c]).joined(separator: "/")
            var st = stat()
            if lstat(host, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
                links += 1
                guard links <= 40 else { throw .failed("too many levels of symbolic links", at: path) }
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: host) else {
                    throw .failed("cannot read the symlink", at: host)
                }
                if target.hasPrefix("/") { done = [] }
                pending = target.split(separator: "/").map(String.init) + pending
                continue
            }
            done.append(c)
        }
        return done.isEmpty ? root : root + "/" + done.joined(separator: "/")
    }

    /// Creates `path` (target view) and its parents under `root`, chroot-style. Returns the host path.
    @discardableResult
    public static func makeDirectories(root: String, _ path: String, mode: mode_t = 0o755) throws(InstallerError) -> String {
        var prefix = ""
        for c in path.split(separator: "/") {
            prefix += "/" + c
            let host = try resolve(root: root, prefix)
            var st = stat()
            if stat(host, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .failed("exists and is not a directory", at: prefix) }
                continue
            }
            guard mkdir(host, mode) == 0 || errno == EEXIST else {
                throw .failed("cannot create the directory: \(String(cString: strerror(errno)))", at: host)
            }
        }
        return try resolve(root: root, path)
    }

    /// Writes `contents` to `path` (target view) with `mode`, replacing the file atomically
    /// (temporary file + rename); parents are created. Never follows a symlink out of `root`.
    public static func write(root: String, _ path: String, _ contents: [UInt8], mode: mode_t = 0o644) throws(InstallerError) {
        let dir = (path as NSString).deletingLastPathComponent
        let hostDir = try makeDirectories(root: root, dir.isEmpty ? "/" : dir)
        let host = hostDir + "/" + (path as NSString).lastPathComponent
        let tmp = hostDir + "/.host-installer.tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .failed("cannot write: \(String(cString: strerror(errno)))", at: host) }
        var ok = true
        contents.withUnsafeBytes { b in
            guard let base = b.baseAddress else { return }
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, base + off, b.count - off)
                if n <= 0 { ok = false; break }
                off += n
            }
        }
        fchmod(fd, mode)
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(tmp, host) == 0 else {
            let e = String(cString: strerror(errno))
            unlink(tmp)
            throw .failed("cannot write: \(e)", at: host)
        }
    }

    public static func write(root: String, _ path: String, _ text: String, mode: mode_t = 0o644) throws(InstallerError) {
        try write(root: root, path, Array(text.utf8), mode: mode)
    }

    /// The file's contents, or nil when it does not exist.
    public static func read(root: String, _ path: String) throws(InstallerError) -> String? {
        let host = try resolve(root: root, path)
        guard let d = FileManager.default.contents(atPath: host) else { return nil }
        return String(decoding: d, as: UTF8.self)
    }
}
