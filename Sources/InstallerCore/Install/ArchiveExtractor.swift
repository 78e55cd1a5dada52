import CArchive
import Foundation

/// libarchive behind one file: streams a tar archive (any compression libarchive knows:
/// gzip, bzip2, xz, zstd, lz4…) from a `ByteStream` through `archive_read_open` callbacks
/// and writes it to disk under a destination directory, keeping owners (numeric), modes,
/// times, hard links, symlinks and device nodes.
///
/// Refused before anything is written for that entry: absolute paths, `..` components
/// (names and hard-link targets), and any write through a symlink (the entry's parent
/// directories, or a hard-link target's, may not be symlinks). libarchive's own
/// ARCHIVE_EXTRACT_SECURE_SYMLINKS / SECURE_NODOTDOT are set as well.
public enum ArchiveExtractor {
    final class ReadContext {
        let stream: ByteStream
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        var error: InstallerError?
        var bytes: UInt64 = 0
        init(stream: ByteStream) { self.stream = stream }
        deinit { buffer.deallocate() }
    }

    /// Bytes already read from a stream, then the rest of it.
    final class PrefixedStream: ByteStream {
        private var prefix: [UInt8]
        private var offset = 0
        private let base: ByteStream
        init(_ prefix: [UInt8], _ base: ByteStream) { self.prefix = prefix; self.base = base }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
            if offset < prefix.count {
                let n = min(buffer.count, prefix.count - offset)
                prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
                offset += n
                if offset == prefix.count { prefix = []; offset = 0 }
                return n
            }
            return try base.read(into: buffer)
        }
        func close() { base.close() }
    }

    /// Worker threads for bzip2 (`ParallelBzip2`): one per core (at most 4) when the cores are
    /// free; 1 (libarchive alone, on this thread) on one core, or when other programs keep the
    /// cores busy (a 1-minute load average above the cores less one half): there the extra
    /// threads only took turns with them and the install was slower (measured in DECISIONS.md,
    /// issue 20). HOST_INSTALLER_BZIP2_THREADS=N chooses.
    static var bzip2Workers: Int {
        if let v = ProcessInfo.processInfo.environment["HOST_INSTALLER_BZIP2_THREADS"], let n = Int(v) { return n }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var load = [Double](repeating: 0, count: 1)
        if getloadavg(&load, 1) == 1 && load[0] > Double(cores) - 0.5 { return 1 }
        return min(cores, 4)
    }

    /// Extracts every entry into `destination` (an existing directory, given as a real path
    /// without symlinks). `progress` gets the number of compressed bytes read so far.
    /// `workers`: bzip2's decoding threads (`bzip2Workers` when nil).
    /// Returns the number of entries.
    @discardableResult
    public static func extract(from stream: ByteStream, into destination: String, name: String,
                               workers: Int? = nil, progress: (UInt64) -> Void = { _ in }) throws(InstallerError) -> Int {
        guard let a = archive_read_new() else { throw .failed("libarchive: out of memory", at: name) }
        defer { archive_read_free(a) }
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_cpio(a)
        guard let w = archive_write_disk_new() else { throw .failed("libarchive: out of memory", at: name) }
        defer { archive_write_free(w) }
        let flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR
            | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT
        archive_write_disk_set_options(w, flags)

        // bzip2 (the packages' format) is decoded on every core; anything else by libarchive.
        var first = [UInt8]()
        do {
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
            defer { b.deallocate() }
            while first.count < 10 {
                let n = try stream.read(into: b)
                if n == 0 { break }
                first += UnsafeRawBufferPointer(rebasing: b[0..<n])
            }
        }
        let workers = workers ?? bzip2Workers
        let bzip2 = workers >= 2 && first.withUnsafeBytes { ParallelBzip2.recognises($0) }
            ? ParallelBzip2(stream, initial: first, name: name, workers: workers) : nil
        defer { bzip2?.close() }
        let source: ByteStream = bzip2 ?? PrefixedStream(first, stream)
        let ctx = ReadContext(stream: source)
        let compressedRead: () -> UInt64 = { bzip2?.compressedBytesRead ?? ctx.bytes }
        let opened = archive_read_open(a, Unmanaged.passUnretained(ctx).toOpaque(), nil, { _, client, out in
            guard let client, let out else { return -1 }
            let ctx = Unmanaged<ReadContext>.fromOpaque(client).takeUnretainedValue()
            do {
                try CleanupRegistry.shared.checkNotDying()
                guard let base = ctx.buffer.baseAddress else { throw InstallerError.failed("no read buffer") }
                let n = try ctx.stream.read(into: ctx.buffer)
                ctx.bytes += UInt64(n)
                out.pointee = UnsafeRawPointer(base)
                return n
            } catch {
                ctx.error = (error as? InstallerError) ?? .failed("\(error)")
                return -1
            }
        }, nil)
        func fail(_ what: String, _ arch: OpaquePointer?) -> InstallerError {
            if let e = ctx.error { return e }
            let detail = arch.flatMap { archive_error_string($0) }.map { String(cString: $0) } ?? "unknown error"
            return .failed("\(what): \(detail)", at: name)
        }
        guard opened == ARCHIVE_OK else { throw fail("cannot read the archive", a) }

        let dest = Array(destination.utf8)
        var count = 0
        var entry: OpaquePointer?
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { break }
            guard r >= ARCHIVE_WARN, let entry else { throw fail("cannot read the archive", a) }
            guard let rawPath = archive_entry_pathname(entry) else { throw .failed("an entry has no name", at: name) }
            let path = Array(UnsafeBufferPointer(start: rawPath, count: strlen(rawPath))).map { UInt8(bitPattern: $0) }
            let shown = String(decoding: path, as: UTF8.self)
            if let why = unsafeReason(path) { throw .failed("refusing entry \"\(shown)\": \(why)", at: name, hint: "the package is damaged or malicious") }
            try checkNoSymlinkParents(destination, path, entry: shown, name: name)
            var full = dest + [UInt8(ascii: "/")] + path
            full.append(0)
            full.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { archive_entry_copy_pathname(entry, $0.baseAddress) } }
            if let rawLink = archive_entry_hardlink(entry) {
                let link = Array(UnsafeBufferPointer(start: rawLink, count: strlen(rawLink))).map { UInt8(bitPattern: $0) }
                let linkShown = String(decoding: link, as: UTF8.self)
                if let why = unsafeReason(link) { throw .failed("refusing hard link \"\(shown)\" to \"\(linkShown)\": \(why)", at: name, hint: "the package is damaged or malicious") }
                try checkNoSymlinkParents(destination, link, entry: shown, name: name)
                var fullLink = dest + [UInt8(ascii: "/")] + link
                fullLink.append(0)
                fullLink.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { archive_entry_copy_hardlink(entry, $0.baseAddress) } }
            }
            let wr = archive_write_header(w, entry)
            guard wr >= ARCHIVE_WARN else { throw fail("cannot extract \"\(shown)\"", w) }
            if archive_entry_size(entry) > 0 {
                var buf: UnsafeRawPointer?
                var size = 0
                var offset: la_int64_t = 0
                while true {
                    let dr = archive_read_data_block(a, &buf, &size, &offset)
                    if dr == ARCHIVE_EOF { break }
                    guard dr >= ARCHIVE_WARN else { throw fail("cannot read \"\(shown)\"", a) }
                    guard archive_write_data_block(w, buf, size, offset) >= ARCHIVE_WARN else { throw fail("cannot write \"\(shown)\"", w) }
                }
            }
            guard archive_write_finish_entry(w) >= ARCHIVE_WARN else { throw fail("cannot finish \"\(shown)\"", w) }
            count += 1
            progress(compressedRead())
        }
        guard archive_write_close(w) >= ARCHIVE_WARN else { throw fail("cannot finish extracting", w) }
        if let e = ctx.error { throw e }
        return count
    }

    /// Why a path from an archive may not be written, or nil when it is a plain relative path.
    public static func unsafeReason(_ path: [UInt8]) -> String? {
        if path.isEmpty { return "empty name" }
        if path.first == UInt8(ascii: "/") { return "absolute path" }
        if path.split(separator: UInt8(ascii: "/")).contains(where: { $0.elementsEqual("..".utf8) }) { return "contains .." }
        return nil
    }
    public static func unsafeReason(_ path: String) -> String? { unsafeReason(Array(path.utf8)) }

    /// Refuses when a parent directory of `path` (or `path` itself with `includeLast`) already
    /// exists under `root` as a symlink: writing there would leave the tree.
    static func checkNoSymlinkParents(_ root: String, _ path: [UInt8], entry: String, name: String, includeLast: Bool = false) throws(InstallerError) {
        let parts = path.split(separator: UInt8(ascii: "/")).filter { !$0.elementsEqual(".".utf8) }
        var cur = Array(root.utf8)
        for (i, p) in parts.enumerated() {
            if i == parts.count - 1 && !includeLast { break }
            cur += [UInt8(ascii: "/")] + p
            var st = stat()
            let r = (cur + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &st) } }
            if r != 0 { return }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                throw .failed("refusing entry \"\(entry)\": it would be written through the symlink \"\(String(decoding: cur.dropFirst(root.utf8.count + 1), as: UTF8.self))\"",
                              at: name, hint: "the package is damaged or malicious")
            }
        }
    }
}
