import Foundation

/// Installs one package of a repository into the mounted target root. The bytes are hashed
/// while they are read; everything lands in a staging directory on the target filesystem
/// first and is moved into place only after MD5 (and SHA-256 when given) match, so a
/// damaged package leaves nothing of itself behind.
public struct PackageInstaller {
    public let root: String
    public let log: EventLog
    /// Expands `${KERNEL_VERSION}` in package roots.
    public var kernelVersion: String?

    public init(root: String, log: EventLog, kernelVersion: String? = nil) {
        self.root = root; self.log = log; self.kernelVersion = kernelVersion
    }

    /// Reads `package` from `accessor` (at `repo.directory/package.file`) and installs it.
    /// `progress` receives the bytes read so far.
    public func install(_ package: Package, of repo: Repository, from accessor: Accessor,
                        progress: (UInt64) -> Void = { _ in }) throws(InstallerError) {
        let path = repo.directory.isEmpty ? package.file : repo.directory + "/" + package.file
        let where_ = "\(accessor.displayName): \(path)"
        guard !package.md5.isEmpty else { throw .invalid(where_, "the package has no MD5 checksum in XS-PACKAGES") }
        let stream = HashingStream(base: try accessor.open(path))
        defer { stream.close() }
        let staging = try makeStaging(package.label)
        defer { removeTree(staging) }
        log.log("installing package \(package.label) (\(package.kind.rawValue), \(package.size) bytes) from \(where_)")

        let targetDir: String
        switch package.kind {
        case .tbz2:
            let n = try ArchiveExtractor.extract(from: stream, into: staging, name: where_, progress: progress)
            try stream.drain()
            try verify(stream, package, where_)
            targetDir = try expand(package.root ?? "/")
            log.log("package \(package.label): \(n) entries verified, moving into \(targetDir)")
        case .driver, .firmware:
            let name = (package.file as NSString).lastPathComponent
            try copy(stream, to: staging + "/" + name, name: where_, progress: progress)
            try verify(stream, package, where_)
            targetDir = package.kind == .firmware ? "/lib/firmware" : try expand(package.root ?? "/lib/modules/${KERNEL_VERSION}/extra")
        }
        let dest = try TargetPath.makeDirectories(root: root, targetDir)
        try TreeMerge.merge(staged: staging, into: dest, root: root)
    }

    private func verify(_ s: HashingStream, _ p: Package, _ where_: String) throws(InstallerError) {
        let md5 = s.md5Hex ?? "", sha = s.sha256Hex ?? ""
        if md5 != p.md5.lowercased() {
            throw .failed("MD5 mismatch: expected \(p.md5), read \(md5) (\(s.bytesRead) bytes); nothing of this package was installed",
                          at: where_, hint: "the media is damaged; verify it or use another copy")
        }
        if let want = p.sha256, !want.isEmpty, sha != want.lowercased() {
            throw .failed("SHA-256 mismatch: expected \(want), read \(sha); nothing of this package was installed",
                          at: where_, hint: "the media is damaged; verify it or use another copy")
        }
        if p.size != 0 && p.size != s.bytesRead { log.log("note: \(where_): XS-PACKAGES says \(p.size) bytes, read \(s.bytesRead)") }
        log.log("package \(p.label): md5 \(md5) ok" + (p.sha256 != nil ? ", sha256 ok" : ""))
    }

    private func expand(_ r: String) throws(InstallerError) -> String {
        guard r.contains("${KERNEL_VERSION}") else { return r }
        guard let k = kernelVersion else { throw .failed("the package root \(r) needs the kernel version, but no kernel is installed yet") }
        return r.replacingOccurrences(of: "${KERNEL_VERSION}", with: k)
    }

    private func makeStaging(_ label: String) throws(InstallerError) -> String {
        var t = Array((root + "/.host-installer-staging.XXXXXX").utf8CString)
        guard let p = t.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw .failed("cannot create a staging directory: \(String(cString: strerror(errno)))", at: root)
        }
        return String(cString: p)
    }

    private func copy(_ s: ByteStream, to path: String, name: String, progress: (UInt64) -> Void) throws(InstallerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .failed("cannot write: \(String(cString: strerror(errno)))", at: path) }
        defer { close(fd) }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buf.deallocate() }
        var total: UInt64 = 0
        while true {
            let n = try s.read(into: buf)
            if n == 0 { break }
            guard Glibc.write(fd, buf.baseAddress, n) == n else { throw .failed("cannot write: \(String(cString: strerror(errno)))", at: path) }
            total += UInt64(n)
            progress(total)
        }
    }

    private func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Moves a staged tree into the target: entries that do not exist are renamed into place,
/// directories are merged, files replace files. A symlink met at a directory is followed
/// chroot-style (inside `root` only).
enum TreeMerge {
    static func merge(staged: String, into dest: String, root: String) throws(InstallerError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: staged) } catch {
            throw .failed("cannot read the staging directory: \(error.localizedDescription)", at: staged)
        }
        for n in names.sorted() {
            let src = staged + "/" + n
            var dst = dest + "/" + n
            var s = stat(), d = stat()
            guard lstat(src, &s) == 0 else { continue }
            let srcIsDir = (s.st_mode & S_IFMT) == S_IFDIR
            if lstat(dst, &d) != 0 {
                guard rename(src, dst) == 0 else { throw .failed("cannot move into place: \(String(cString: strerror(errno)))", at: dst) }
                continue
            }
            if srcIsDir && (d.st_mode & S_IFMT) == S_IFLNK {
                let rel = String(dst.dropFirst(root.count))
                dst = try TargetPath.resolve(root: root, rel)
                guard lstat(dst, &d) == 0 else {
                    guard rename(src, dst) == 0 else { throw .failed("cannot move into place: \(String(cString: strerror(errno)))", at: dst) }
                    continue
                }
            }
            let dstIsDir = (d.st_mode & S_IFMT) == S_IFDIR
            if srcIsDir && dstIsDir {
                try merge(staged: src, into: dst, root: root)
                chmod(dst, s.st_mode & 0o7777)
                lchown(dst, s.st_uid, s.st_gid)
                var times = [s.st_atim, s.st_mtim]
                utimensat(AT_FDCWD, dst, &times, AT_SYMLINK_NOFOLLOW)
                rmdir(src)
            } else {
                if dstIsDir {
                    guard rmdir(dst) == 0 else { throw .failed("a file in the package would replace a non-empty directory", at: dst) }
                }
                guard rename(src, dst) == 0 else { throw .failed("cannot move into place: \(String(cString: strerror(errno)))", at: dst) }
            }
        }
        // The staged top directory itself (the archive's "./" entry) gives the destination's metadata.
    }
}
