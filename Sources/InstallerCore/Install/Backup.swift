import Foundation

// Linux calls the Glibc module does not export.
private let linuxSeekData: Int32 = 3
private let linuxSeekHole: Int32 = 4
@_silgen_name("syncfs") private func syncfs(_ fd: Int32) -> Int32
@_silgen_name("llistxattr") private func llistxattr(_ path: UnsafePointer<CChar>, _ list: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int
@_silgen_name("lgetxattr") private func lgetxattr(_ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int
@_silgen_name("lsetxattr") private func lsetxattr(_ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ value: UnsafeRawPointer?, _ size: Int, _ flags: Int32) -> Int32

/// Copies one mounted filesystem tree onto another, keeping paths, modes, owners, times,
/// hard links, symlinks, device nodes, FIFOs, extended attributes and holes (SEEK_DATA /
/// SEEK_HOLE, so a swap file written without holes stays without holes).
///
/// Fault injection: `InstallEnvironment.failAtByte` set to N, the process kills itself
/// (SIGKILL) once N bytes of file data have been written.
public struct TreeCopy {
    public let source: String
    public let target: String
    /// Top-level names not copied (`lost+found` is made by mke2fs; the backup marker).
    public var skipTopLevel: Set<String> = ["lost+found"]
    public var log: EventLog
    public var failAtByte: UInt64?
    public private(set) var bytes: UInt64 = 0
    public private(set) var entries = 0
    private var links: [String: String] = [:]   // "dev:ino" -> target path already made
    private var dirTimes: [(String, stat)] = []
    private var progress: ((UInt64) -> Void)?

    public init(source: String, target: String, log: EventLog, environment: InstallEnvironment) {
        self.source = source; self.target = target; self.log = log
        self.failAtByte = environment.failAtByte
    }

    /// Bytes of file data under `root` (for progress), without following links.
    public static func dataBytes(_ root: String) -> UInt64 {
        var total: UInt64 = 0
        guard let e = FileManager.default.enumerator(atPath: root) else { return 0 }
        while let rel = e.nextObject() as? String {
            var st = stat()
            if lstat(root + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total += UInt64(st.st_blocks) * 512 }
        }
        return total
    }

    /// Copies everything; `progress` gets the bytes written so far.
    public mutating func run(progress: (UInt64) -> Void = { _ in }) throws(InstallerError) {
        var failure: InstallerError?
        withoutActuallyEscaping(progress) { p in
            self.progress = p
            do throws(InstallerError) { try copyAll() } catch { failure = error }
            self.progress = nil
        }
        if let failure { throw failure }
    }

    private mutating func copyAll() throws(InstallerError) {
        let names = try list(source)
        for n in names where !skipTopLevel.contains(n) { try copy(source + "/" + n, target + "/" + n) }
        // Directory times last (creating entries changes them).
        for (path, st) in dirTimes.reversed() { setTimes(path, st) }
        log.log("copied \(entries) entries, \(bytes) bytes of data from \(source) to \(target)")
    }

    private func list(_ dir: String) throws(InstallerError) -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw .failed("cannot read the directory: \(error.localizedDescription)", at: dir)
        }
    }

    private func fail(_ what: String, _ path: String) -> InstallerError {
        .failed("\(what): \(String(cString: strerror(errno)))", at: path)
    }

    private mutating func copy(_ src: String, _ dst: String) throws(InstallerError) {
        var st = stat()
        guard lstat(src, &st) == 0 else { throw fail("cannot stat", src) }
        entries += 1
        let type = st.st_mode & S_IFMT
        let key = "\(st.st_dev):\(st.st_ino)"
        if type != S_IFDIR, st.st_nlink > 1, let first = links[key] {
            guard link(first, dst) == 0 else { throw fail("cannot make a hard link", dst) }
            return
        }
        switch type {
        case S_IFDIR:
            guard mkdir(dst, 0o700) == 0 || errno == EEXIST else { throw fail("cannot create the directory", dst) }
            for n in try list(src) { try copy(src + "/" + n, dst + "/" + n) }
        case S_IFREG:
            try copyData(src, dst, st)
        case S_IFLNK:
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(src, &buf, buf.count - 1)
            guard n >= 0 else { throw fail("cannot read the link", src) }
            buf[n] = 0
            guard symlink(buf, dst) == 0 else { throw fail("cannot create the link", dst) }
        case S_IFCHR, S_IFBLK, S_IFIFO:
            guard mknod(dst, st.st_mode, st.st_rdev) == 0 else { throw fail("cannot create the node", dst) }
        case S_IFSOCK:
            log.log("backup: socket \(src) not copied")
            return
        default:
            return
        }
        if type != S_IFDIR, st.st_nlink > 1 { links[key] = dst }
        guard lchown(dst, st.st_uid, st.st_gid) == 0 else { throw fail("cannot set the owner", dst) }
        copyXattrs(src, dst)
        if type != S_IFLNK, chmod(dst, st.st_mode & 0o7777) != 0 { throw fail("cannot set the mode", dst) }
        if type == S_IFDIR { dirTimes.append((dst, st)) } else { setTimes(dst, st) }
    }

    private mutating func copyData(_ src: String, _ dst: String, _ st: stat) throws(InstallerError) {
        let inFD = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard inFD >= 0 else { throw fail("cannot open", src) }
        defer { close(inFD) }
        let outFD = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard outFD >= 0 else { throw fail("cannot create", dst) }
        defer { close(outFD) }
        let size = off_t(st.st_size)
        let chunk = 1 << 20
        let buf = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buf.deallocate() }
        var pos: off_t = 0
        while pos < size {
            // Data regions only: holes stay holes.
            var data = lseek(inFD, pos, linuxSeekData)
            if data < 0 { data = errno == ENXIO ? size : pos }
            if data >= size { break }
            var hole = lseek(inFD, data, linuxSeekHole)
            if hole < 0 { hole = size }
            var p = data
            while p < hole {
                let want = Int(Swift.min(off_t(chunk), hole - p))
                let n = pread(inFD, buf, want, p)
                guard n > 0 else { throw fail("cannot read", src) }
                var w = 0
                while w < n {
                    let m = pwrite(outFD, buf + w, n - w, p + off_t(w))
                    guard m > 0 else { throw fail("cannot write", dst) }
                    w += m
                    try counted(UInt64(m))
                }
                p += off_t(n)
            }
            pos = hole
        }
        guard ftruncate(outFD, size) == 0 else { throw fail("cannot set the size of", dst) }
    }

    private mutating func counted(_ n: UInt64) throws(InstallerError) {
        bytes += n
        if let f = failAtByte, bytes >= f {
            log.log("\(InstallEnvironment.Name.failAtByte)=\(f): killing the installer after \(bytes) bytes of the copy (fault injection)")
            kill(getpid(), SIGKILL)
        }
        progress?(bytes)
    }

    private func copyXattrs(_ src: String, _ dst: String) {
        let size = llistxattr(src, nil, 0)
        guard size > 0 else { return }
        var names = [CChar](repeating: 0, count: size)
        let got = llistxattr(src, &names, size)
        guard got > 0 else { return }
        var start = 0
        for i in 0..<got where names[i] == 0 {
            let name = String(cString: Array(names[start...i]))
            start = i + 1
            let vs = lgetxattr(src, name, nil, 0)
            guard vs >= 0 else { continue }
            var value = [UInt8](repeating: 0, count: max(vs, 1))
            let vn = lgetxattr(src, name, &value, vs)
            guard vn >= 0 else { continue }
            if lsetxattr(dst, name, value, vn, 0) != 0 { log.log("backup: cannot copy attribute \(name) of \(src)") }
        }
    }

    private func setTimes(_ path: String, _ st: stat) {
        var ts = [st.st_atim, st.st_mtim]
        utimensat(AT_FDCWD, path, &ts, AT_SYMLINK_NOFOLLOW)
    }

    /// Flushes the filesystem holding `path` to the disk (syncfs).
    public static func flush(_ path: String) throws(InstallerError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .failed("cannot open: \(String(cString: strerror(errno)))", at: path) }
        defer { close(fd) }
        guard syncfs(fd) == 0 else { throw .failed("cannot flush the filesystem: \(String(cString: strerror(errno)))", at: path) }
    }

    /// Writes the backup marker, then flushes it: called only after the copy is flushed, so
    /// a partition with the marker always holds a complete copy.
    public static func writeMarker(_ root: String, text: String) throws(InstallerError) {
        let path = root + InstallationDetector.backupMarker
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .failed("cannot create the backup marker: \(String(cString: strerror(errno)))", at: path) }
        let ok = text.utf8CString.withUnsafeBufferPointer { b in write(fd, b.baseAddress, b.count - 1) == b.count - 1 } && fsync(fd) == 0
        close(fd)
        guard ok else { throw .failed("cannot write the backup marker: \(String(cString: strerror(errno)))", at: path) }
        try flush(root)
    }
}
