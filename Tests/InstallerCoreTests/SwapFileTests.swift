import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// The swap file written on its own thread (issue 20): moved into place by `finish`, valid
/// for swapon (mkswap's signature, no holes, mode 0600), its mkswap logged in one piece;
/// removed by `abandon` whatever point it had reached.
@Suite(.enabled(if: IntegrationEnv.canRun)) struct SwapFileTests {
    private func tempRoot() throws -> String {
        let dir = NSTemporaryDirectory() + "swapfile-test.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func finishMovesAValidSwapFileIntoPlaceAndLogsMkswap() throws {
        let root = try tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = EventLog()
        let size = 40 * Size.MiB           // crosses the 32 MiB writeback stretch
        let s = SwapFile.start(root: root, size: size, commands: SystemCommands(log: log))
        try s.finish(log: log)
        let path = root + SystemFiles.swapFile
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(UInt64(st.st_size) == size && st.st_mode & 0o777 == 0o600)
        #expect(UInt64(st.st_blocks) * 512 >= size, "no holes")
        #expect(stat(root + "/" + SwapFile.pendingName, &st) != 0)
        let fh = try #require(FileHandle(forReadingAtPath: path))
        try fh.seek(toOffset: 4086)
        #expect(String(decoding: fh.readData(ofLength: 10), as: UTF8.self) == "SWAPSPACE2")
        try fh.close()
        let lines = log.lines
        #expect(lines.contains { $0.contains("mkswap") })
        #expect(lines.contains { $0.contains("on a second thread") })
    }

    @Test func abandonStopsAndRemovesIt() throws {
        let root = try tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let s = SwapFile.start(root: root, size: 4096 * Size.MiB, commands: SystemCommands(log: EventLog()))
        usleep(50_000)
        s.abandon()
        #expect(!FileManager.default.fileExists(atPath: root + "/" + SwapFile.pendingName))
        #expect(!FileManager.default.fileExists(atPath: root + SystemFiles.swapFile))
        #expect(throws: InstallerError.self) { try s.finish(log: EventLog()) }
    }

    /// The swap file's blocks allocated in a new ext3 filesystem by libext2fs: e2fsck finds
    /// the filesystem clean, the file has its size and every block (no holes), mode 0600.
    @Test(arguments: [(4096, 16), (1024, 12)])
    func preallocatedInANewFilesystem(_ blockSize: Int, _ mib: Int) throws {
        let dir = try tempRoot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let img = dir + "/fs.img"
        #expect(Shell.run("truncate -s 64M \(img) && mke2fs -q -F -t ext3 -b \(blockSize) \(img)").0 == 0)
        let size = UInt64(mib) * Size.MiB
        #expect(try Ext2Preallocation.create(device: img, name: SwapFile.pendingName, size: size) == nil)
        let (rc, out) = Shell.run("e2fsck -fn \(img) 2>&1")
        #expect(rc == 0, "\(out)")
        let (_, st) = Shell.run("debugfs -R 'stat /\(SwapFile.pendingName)' \(img) 2>/dev/null")
        #expect(st.contains("Size: \(size)") && st.contains("Mode:  0600") && st.contains("Type: regular"), "\(st)")
        #expect(try Ext2Preallocation.create(device: img, name: "x", size: 1000) != nil, "not a multiple of the block size")
        #expect(try Ext2Preallocation.create(device: dir, name: "x", size: 4096) != nil, "not a filesystem")
    }
}
