import CArchive
import Foundation

/// An ISO 9660 image or a CD device (`/dev/sr0`), read with libarchive: no mount, no kernel
/// iso9660 driver. Rock Ridge and Joliet names are used when present; on plain ISO 9660 media
/// names are matched without case, without the `;1` version and in their 8.3 or `_` forms.
///
/// libarchive reads an image front to back. The entries are indexed once (a header walk, which
/// seeks over the data); each `open` then walks the headers again up to its entry, except that
/// a stream read to its end hands its position back, so reading files in disc order never
/// starts over.
public final class ISOAccessor: SourceAccessor {
    public let path: String
    public var displayName: String { path }

    struct Entry {
        var path: String
        var size: Int64
        /// Index (in libarchive's order) of the header that carries the data.
        var dataIndex: Int
    }
    private var entries: [Entry] = []
    private var byExact: [String: Int] = [:]
    private var byKey: [String: Int] = [:]
    private var directories: [String: Set<String>] = [:]
    private var directoriesByKey: [String: String] = [:]

    private let lock = NSLock()
    private var idle: (archive: OpaquePointer, nextIndex: Int)?
    /// Header walks started from the beginning of the image (for tests and measurements).
    public private(set) var reopenCount = 0

    public init(_ path: String) throws(InstallerError) {
        self.path = path
        try buildIndex()
    }

    deinit { close() }

    private func openArchive() throws(InstallerError) -> OpaquePointer {
        guard let a = archive_read_new() else { throw .failed("libarchive could not start", at: path) }
        archive_read_support_format_iso9660(a)
        let r = archive_read_open_filename(a, path, 64 * 1024)
        if r != ARCHIVE_OK {
            let msg = archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
            archive_read_free(a)
            if access(path, F_OK) != 0 {
                throw .failed("the disc image or device is not there", at: path)
            }
            throw .failed("cannot read it as an ISO 9660 disc: \(msg)", at: path,
                          hint: "is there a disc in the drive, and is it the product CD?")
        }
        lock.lock(); reopenCount += 1; lock.unlock()
        return a
    }

    private func buildIndex() throws(InstallerError) {
        let a = try openArchive()
        defer { archive_read_free(a) }
        var entry: OpaquePointer?
        var index = 0
        var pendingLinks: [(Int, String)] = []
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { break }
            if r < ARCHIVE_WARN {
                let msg = archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
                if index == 0 {
                    throw .failed("cannot read it as an ISO 9660 disc: \(msg)", at: path, hint: "is it the product CD?")
                }
                throw .failed("the disc is damaged or unreadable after \(index) entries: \(msg)", at: path)
            }
            defer { index += 1 }
            guard let entry, let cpath = archive_entry_pathname(entry) else { continue }
            var p = String(cString: cpath)
            while p.hasSuffix("/") { p.removeLast() }
            if p.hasPrefix("./") { p.removeFirst(2) }
            if p == "." || p.isEmpty { continue }
            let type = archive_entry_filetype(entry) & 0o170000
            addToParent(p)
            if type == 0o040000 {
                if directories[p] == nil { directories[p] = [] }
                continue
            }
            if let link = archive_entry_hardlink(entry) {
                pendingLinks.append((entries.count, String(cString: link)))
            } else if type != 0o100000 {
                continue
            }
            let i = entries.count
            entries.append(Entry(path: p, size: archive_entry_size(entry), dataIndex: index))
            byExact[p] = i
            if byKey[Self.key(p)] == nil { byKey[Self.key(p)] = i }
        }
        for (i, target) in pendingLinks {
            var t = target
            if t.hasPrefix("./") { t.removeFirst(2) }
            if let j = byExact[t] ?? byKey[Self.key(t)] {
                entries[i].dataIndex = entries[j].dataIndex
                entries[i].size = entries[j].size
            }
        }
        for k in directories.keys { directoriesByKey[Self.key(k)] = k }
    }

    private func addToParent(_ p: String) {
        var parts = p.split(separator: "/").map(String.init)
        guard let name = parts.popLast() else { return }
        directories[parts.joined(separator: "/"), default: []].insert(name)
    }

    /// The lookup key of an ISO name: lower case, no `;N` version, no trailing dot.
    static func key(_ path: String) -> String {
        path.split(separator: "/").map { comp -> String in
            var c = Substring(comp.lowercased())
            if let semi = c.lastIndex(of: ";"), c[c.index(after: semi)...].allSatisfy(\.isNumber) { c = c[..<semi] }
            while c.hasSuffix(".") && c.count > 1 { c = c.dropLast() }
            return String(c)
        }.joined(separator: "/")
    }

    /// The names a plain ISO 9660 writer may have given `name` (mkisofs / xorriso, level 1 and 2).
    static func variants(_ name: String) -> [String] {
        let n = name.lowercased()
        func clean(_ s: Substring) -> String {
            String(s.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" ? $0 : "_" })
        }
        var out = [n]
        let dots = n.split(separator: ".", omittingEmptySubsequences: false)
        if dots.count > 1 {
            let lastExt = clean(dots.last!)
            let baseAll = clean(Substring(dots.dropLast().joined(separator: "_")))
            out.append(baseAll + "." + lastExt)                                       // xorriso relaxed
            out.append(String(baseAll.prefix(8)) + "." + String(lastExt.prefix(3)))    // xorriso level 1
            out.append(String(clean(dots[0]).prefix(8)) + "." + String(clean(dots[1]).prefix(3)))   // mkisofs level 1
        } else {
            out.append(clean(Substring(n)))
            out.append(String(clean(Substring(n)).prefix(8)))
        }
        let dir = clean(Substring(n))                                                    // directories: dots become _
        out.append(dir)
        out.append(String(dir.prefix(8)))
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    private func find(_ rel: String) -> Int? {
        if let i = byExact[rel] { return i }
        if let i = byKey[Self.key(rel)] { return i }
        // Walk component by component through the 8.3 variants.
        var candidates = [""]
        for comp in rel.split(separator: "/") {
            var next: [String] = []
            for base in candidates {
                for v in Self.variants(String(comp)) {
                    let p = base.isEmpty ? v : base + "/" + v
                    if directoriesByKey[Self.key(p)] != nil || byKey[Self.key(p)] != nil { next.append(p) }
                }
            }
            if next.isEmpty { return nil }
            candidates = next
        }
        for c in candidates { if let i = byKey[Self.key(c)] { return i } }
        return nil
    }


    public func exists(_ rel: String) -> Bool {
        guard let r = try? SourcePath.check(rel, source: path) else { return false }
        lock.lock(); defer { lock.unlock() }
        return find(r) != nil
    }

    public func list(_ directory: String) throws(InstallerError) -> [String]? {
        let d = try SourcePath.check(directory, source: path)
        lock.lock(); defer { lock.unlock() }
        if let names = directories[d] { return names.sorted() }
        if let real = directoriesByKey[Self.key(d)], let names = directories[real] { return names.sorted() }
        return nil
    }

    public func open(_ rel: String) throws(InstallerError) -> ByteStream {
        guard let s = try openIfPresent(rel) else {
            throw .failed("\(rel) is not on the disc (file not found)", at: path)
        }
        return s
    }

    public func openIfPresent(_ rel: String) throws(InstallerError) -> ByteStream? {
        let r = try SourcePath.check(rel, source: path)
        lock.lock()
        guard let i = find(r) else { lock.unlock(); return nil }
        let target = entries[i]
        var cursor: (archive: OpaquePointer, nextIndex: Int)?
        if let c = idle, c.nextIndex <= target.dataIndex {
            cursor = c
            idle = nil
        }
        lock.unlock()
        var a: OpaquePointer
        var next: Int
        if let cursor { (a, next) = cursor } else { a = try openArchive(); next = 0 }
        var entry: OpaquePointer?
        while next <= target.dataIndex {
            let res = archive_read_next_header(a, &entry)
            if res < ARCHIVE_WARN || res == ARCHIVE_EOF {
                let msg = archive_error_string(a).map { String(cString: $0) } ?? "unexpected end of the disc"
                archive_read_free(a)
                throw .failed("cannot read \(rel): \(msg)", at: path)
            }
            next += 1
        }
        return ISOStream(accessor: self, archive: a, index: target.dataIndex, size: target.size, name: "\(path): \(rel)")
    }

    fileprivate func giveBack(_ a: OpaquePointer, nextIndex: Int) {
        lock.lock()
        let old = idle
        idle = (a, nextIndex)
        lock.unlock()
        if let old { archive_read_free(old.archive) }
    }

    public func close() {
        lock.lock()
        let old = idle
        idle = nil
        lock.unlock()
        if let old { archive_read_free(old.archive) }
    }
}

final class ISOStream: ByteStream {
    private weak var accessor: ISOAccessor?
    private var archive: OpaquePointer?
    private let index: Int
    private let size: Int64
    private var got: Int64 = 0
    private var ended = false
    private let name: String

    init(accessor: ISOAccessor, archive: OpaquePointer, index: Int, size: Int64, name: String) {
        self.accessor = accessor; self.archive = archive; self.index = index; self.size = size; self.name = name
    }
    deinit { close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        guard let archive, !ended else { return 0 }
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 {
            let msg = archive_error_string(archive).map { String(cString: $0) } ?? "read error"
            throw .failed("cannot read from the disc: \(msg)", at: name)
        }
        if n == 0 {
            ended = true
            if got != size { throw .failed("the disc gave \(got) of \(size) bytes", at: name) }
        }
        got += Int64(n)
        return n
    }

    func close() {
        guard let a = archive else { return }
        archive = nil
        if ended, let accessor { accessor.giveBack(a, nextIndex: index + 1) } else { archive_read_free(a) }
    }
}
