import Foundation

/// A file whose blocks are allocated in a new, unmounted ext2/ext3 filesystem without being
/// written (issue 20): the swap file. ext3 has no extents, so no fallocate, and a swap file
/// may have no holes; writing 512 MiB of zeros through the page cache and the disk was the
/// largest part of a clean install. libext2fs (e2fsprogs' own library, beside mke2fs on the
/// installer image) marks the blocks used and writes only the indirect blocks, the inode,
/// the root directory entry, the bitmaps and the group descriptors: about 130 blocks.
///
/// The data blocks keep whatever the disk held (zeros on a new or sparse disk). That is what
/// swap needs: mkswap writes its header page, and the kernel reads no swap page it has not
/// written. The file is root's, mode 0600, on a filesystem made a moment before.
/// (debugfs's `fallocate` does the same, but writes an indirect block once per data block:
/// 1.4 s for 512 MiB; this writes each once.)
///
/// libext2fs is opened with dlopen, so a system without it only loses the speed: `create`
/// returns why, and the caller writes the file instead.
public enum Ext2Preallocation {
    /// Allocates `size` bytes (a multiple of the block size) as the regular file `name`
    /// (mode 0600, owner root) in the root directory of the unmounted filesystem on `device`.
    /// Returns nil when done, or why it could not: then the filesystem is as mke2fs left it
    /// (libext2fs keeps its changes in memory until `ext2fs_close2`; only free blocks may have
    /// been written). Throws when `ext2fs_close2` itself fails: the filesystem may be damaged.
    public static func create(device: String, name: String, size: UInt64) throws(InstallerError) -> String? {
        guard !name.contains("/"), !name.isEmpty else { return "bad name \(name)" }
        // The superblock: block size, and no extents (a block-mapped file is made here).
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "cannot open \(device): \(String(cString: strerror(errno)))" }
        var sb = [UInt8](repeating: 0, count: 1024)
        let got = sb.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1024, 1024) }
        close(fd)
        guard got == 1024 else { return "cannot read the superblock of \(device)" }
        func u32(_ o: Int) -> UInt32 { UInt32(sb[o]) | UInt32(sb[o + 1]) << 8 | UInt32(sb[o + 2]) << 16 | UInt32(sb[o + 3]) << 24 }
        guard sb[56] == 0x53, sb[57] == 0xEF else { return "\(device) holds no ext2/ext3 filesystem" }
        guard u32(24) <= 6 else { return "unexpected block size" }
        let bs = UInt64(1024) << UInt64(u32(24))
        guard u32(96) & 0x40 == 0 else { return "the filesystem has extents" }
        guard size > 0, size % bs == 0 else { return "\(size) bytes is not a multiple of the block size \(bs)" }
        let p = Int(bs / 4)                         // block numbers per indirect block
        let n = Int(size / bs)                      // data blocks
        guard n <= 12 + p + p * p else { return "a file of \(size) bytes needs triple indirect blocks with \(bs)-byte blocks" }
        let singles = n > 12 + p ? (n - 12 - p + p - 1) / p : 0    // indirect blocks under the double indirect one
        let meta = (n > 12 ? 1 : 0) + (n > 12 + p ? 1 + singles : 0)

        guard let lib = LibExt2fs.shared else { return LibExt2fs.loadError }
        var fsp: OpaquePointer?
        var err = lib.open(device, 0x01 | 0x4000 | 0x20000, 0, 0, lib.unixIO, &fsp)   // RW, EXCLUSIVE, 64BITS
        guard err == 0, let fs = fsp else { return lib.describe(err, "ext2fs_open \(device)") }
        var closed = false
        defer { if !closed { lib.free(fs) } }
        err = lib.readBitmaps(fs)
        guard err == 0 else { return lib.describe(err, "ext2fs_read_bitmaps") }
        var ino: UInt32 = 0
        err = lib.newInode(fs, 2, 0o100600, nil, &ino)
        guard err == 0 else { return lib.describe(err, "ext2fs_new_inode") }
        lib.inodeAllocStats(fs, ino, 1, 0)

        var goal: UInt64 = 0
        func allocate() -> UInt64? {
            var b: UInt64 = 0
            guard lib.newBlock(fs, goal, nil, &b) == 0, b < UInt64(UInt32.max) else { return nil }
            lib.blockAllocStats(fs, b, 1)
            goal = b + 1
            return b
        }
        var data = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            guard let b = allocate() else { return "no free block for the file (\(i) of \(n))" }
            data[i] = UInt32(b)
        }
        var iblock = [UInt32](repeating: 0, count: 15)
        for i in 0..<min(n, 12) { iblock[i] = data[i] }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(bs), alignment: 16)
        defer { buf.deallocate() }
        func writeIndirect(_ entries: ArraySlice<UInt32>) -> UInt32? {
            guard let b = allocate() else { return nil }
            buf.initializeMemory(as: UInt8.self, repeating: 0)
            for (k, e) in entries.enumerated() { buf.storeBytes(of: e.littleEndian, toByteOffset: k * 4, as: UInt32.self) }
            guard lib.writeIndBlock(fs, UInt32(b), buf.baseAddress!) == 0 else { return nil }
            return UInt32(b)
        }
        if n > 12 {
            guard let b = writeIndirect(data[12..<min(n, 12 + p)]) else { return "cannot write an indirect block" }
            iblock[12] = b
        }
        if n > 12 + p {
            var singleBlocks: [UInt32] = []
            for j in 0..<singles {
                let from = 12 + p + j * p
                guard let b = writeIndirect(data[from..<min(n, from + p)]) else { return "cannot write an indirect block" }
                singleBlocks.append(b)
            }
            guard let d = writeIndirect(singleBlocks[...]) else { return "cannot write the double indirect block" }
            iblock[13] = d
        }

        // struct ext2_inode (the 128 bytes every inode size starts with), little-endian.
        var inode = [UInt8](repeating: 0, count: 128)
        func put16(_ o: Int, _ v: UInt16) { inode[o] = UInt8(v & 0xff); inode[o + 1] = UInt8(v >> 8) }
        func put32(_ o: Int, _ v: UInt32) { for k in 0..<4 { inode[o + k] = UInt8((v >> (8 * UInt32(k))) & 0xff) } }
        let now = UInt32(truncatingIfNeeded: time(nil))
        put16(0, 0o100600)                                  // i_mode
        put32(4, UInt32(truncatingIfNeeded: size))          // i_size
        put32(8, now); put32(12, now); put32(16, now)       // i_atime, i_ctime, i_mtime
        put16(26, 1)                                        // i_links_count
        put32(28, UInt32((UInt64(n + meta) * bs) / 512))    // i_blocks, in 512-byte sectors
        for (k, b) in iblock.enumerated() { put32(40 + 4 * k, b) }
        put32(108, UInt32(truncatingIfNeeded: size >> 32))  // i_size_high
        err = inode.withUnsafeMutableBytes { lib.writeNewInode(fs, ino, $0.baseAddress!) }
        guard err == 0 else { return lib.describe(err, "ext2fs_write_new_inode") }
        err = lib.link(fs, 2, name, ino, 1)                  // EXT2_FT_REG_FILE
        if err == LibExt2fs.dirNoSpace {
            err = lib.expandDir(fs, 2)
            if err == 0 { err = lib.link(fs, 2, name, ino, 1) }
        }
        guard err == 0 else { return lib.describe(err, "ext2fs_link \(name)") }
        err = lib.close2(fs, 0)
        guard err == 0 else {
            throw .failed("cannot write the swap file's allocation: \(lib.describe(err, "ext2fs_close2"))", at: device)
        }
        closed = true
        return nil
    }
}

/// The few libext2fs functions `Ext2Preallocation` calls, found with dlopen/dlsym.
final class LibExt2fs: Sendable {
    typealias Open = @convention(c) (UnsafePointer<CChar>, Int32, Int32, UInt32, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>) -> Int
    typealias FsOnly = @convention(c) (OpaquePointer) -> Int
    typealias NewInode = @convention(c) (OpaquePointer, UInt32, Int32, OpaquePointer?, UnsafeMutablePointer<UInt32>) -> Int
    typealias InodeStats = @convention(c) (OpaquePointer, UInt32, Int32, Int32) -> Void
    typealias NewBlock = @convention(c) (OpaquePointer, UInt64, OpaquePointer?, UnsafeMutablePointer<UInt64>) -> Int
    typealias BlockStats = @convention(c) (OpaquePointer, UInt64, Int32) -> Void
    typealias WriteInd = @convention(c) (OpaquePointer, UInt32, UnsafeMutableRawPointer) -> Int
    typealias WriteInode = @convention(c) (OpaquePointer, UInt32, UnsafeMutableRawPointer) -> Int
    typealias Link = @convention(c) (OpaquePointer, UInt32, UnsafePointer<CChar>, UInt32, Int32) -> Int
    typealias ExpandDir = @convention(c) (OpaquePointer, UInt32) -> Int
    typealias Close2 = @convention(c) (OpaquePointer, Int32) -> Int
    typealias Free = @convention(c) (OpaquePointer) -> Void
    typealias ErrorMessage = @convention(c) (Int) -> UnsafePointer<CChar>?

    /// EXT2_ET_DIR_NO_SPACE (lib/ext2fs/ext2_err.et: the table's base 2133571328, entry 38).
    static let dirNoSpace = 2133571366

    let open: Open, readBitmaps: FsOnly, newInode: NewInode, inodeAllocStats: InodeStats
    let newBlock: NewBlock, blockAllocStats: BlockStats, writeIndBlock: WriteInd
    let writeNewInode: WriteInode, link: Link, expandDir: ExpandDir, close2: Close2, free: Free
    let errorMessage: ErrorMessage?
    nonisolated(unsafe) let unixIO: OpaquePointer?

    static let shared: LibExt2fs? = load()
    nonisolated(unsafe) private(set) static var loadError = "libext2fs.so.2 is not available"

    private init?(_ h: UnsafeMutableRawPointer) {
        func f<T>(_ name: String, _: T.Type) -> T? { dlsym(h, name).map { unsafeBitCast($0, to: T.self) } }
        guard let open = f("ext2fs_open", Open.self), let rb = f("ext2fs_read_bitmaps", FsOnly.self),
              let ni = f("ext2fs_new_inode", NewInode.self), let ias = f("ext2fs_inode_alloc_stats2", InodeStats.self),
              let nb = f("ext2fs_new_block2", NewBlock.self), let bas = f("ext2fs_block_alloc_stats2", BlockStats.self),
              let wib = f("ext2fs_write_ind_block", WriteInd.self), let wni = f("ext2fs_write_new_inode", WriteInode.self),
              let link = f("ext2fs_link", Link.self), let ed = f("ext2fs_expand_dir", ExpandDir.self),
              let c2 = f("ext2fs_close2", Close2.self), let free = f("ext2fs_free", Free.self),
              let io = dlsym(h, "unix_io_manager") else { return nil }
        self.open = open; readBitmaps = rb; newInode = ni; inodeAllocStats = ias; newBlock = nb; blockAllocStats = bas
        writeIndBlock = wib; writeNewInode = wni; self.link = link; expandDir = ed; close2 = c2; self.free = free
        errorMessage = f("error_message", ErrorMessage.self)
        // `io_manager unix_io_manager`: a variable holding the manager's address.
        unixIO = io.load(as: OpaquePointer?.self)
    }

    private static func load() -> LibExt2fs? {
        guard let h = dlopen("libext2fs.so.2", RTLD_NOW | RTLD_LOCAL) else {
            loadError = "cannot load libext2fs.so.2: " + (dlerror().map { String(cString: $0) } ?? "unknown error")
            return nil
        }
        guard let lib = LibExt2fs(h) else { loadError = "libext2fs.so.2 lacks a function it should have"; return nil }
        // error_message() names libext2fs's codes once their table is registered.
        if let t = dlsym(h, "initialize_ext2_error_table") { unsafeBitCast(t, to: (@convention(c) () -> Void).self)() }
        return lib
    }

    func describe(_ err: Int, _ what: String) -> String {
        let m = errorMessage?(err).map { String(cString: $0) } ?? "error \(err)"
        return "\(what): \(m)"
    }
}
