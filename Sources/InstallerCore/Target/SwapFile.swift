import CSystem
import Foundation
import Synchronization

/// The 512 MiB swap file, made on a second thread while the packages extract (issue 20):
/// it does not depend on them, and writing it is half of a clean install's time on one core.
///
/// `start` creates it under a private name at the top of the new root (no package owns that
/// name; /var/swap may not exist yet), writes it without holes (ext3 has no extents, so no
/// fallocate; a swap file may have no holes), starts writeback every 32 MiB so that dirty
/// pages never pile up in memory, and runs mkswap. `finish` waits for it and moves it to
/// /var/swap/swap.001; `abandon` (a failed or interrupted install) stops it and removes it.
/// mkswap is logged into a private log that `finish` copies into the install's log in one
/// piece, so the log reads the same whatever the two threads' timing.
public final class SwapFile: Sendable {
    public static let pendingName = ".host-installer-swap.pending"
    static let writebackEvery: UInt64 = 32 * Size.MiB

    private struct State {
        var done = false
        var error: InstallerError?
        var seconds: Double = 0
    }
    private let state = Mutex(State())
    private let stop = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let root: String
    private let size: UInt64
    private let preallocated: Bool
    private let commands: any CommandRunning
    private let privateLog: EventLog?
    public var pendingPath: String { root + "/" + Self.pendingName }

    /// Starts writing the swap file under `root` (the mounted new root) on a new thread.
    /// `preallocated`: `Ext2Preallocation` already made it, with all its blocks, before the
    /// filesystem was mounted; only mkswap is left to do.
    public static func start(root: String, size: UInt64 = SystemFiles.swapSize, preallocated: Bool = false,
                             commands: any CommandRunning) -> SwapFile {
        let s = SwapFile(root: root, size: size, preallocated: preallocated, commands: commands)
        if preallocated {
            // Only mkswap is left: run it now, on an empty filesystem, where its fsync has
            // nothing else to wait for (beside the packages it flushed their first files).
            s.make()
            return s
        }
        let t = Thread { s.make() }
        t.name = "swap-file"
        t.start()
        return s
    }

    private init(root: String, size: UInt64, preallocated: Bool, commands: any CommandRunning) {
        self.root = root; self.size = size; self.preallocated = preallocated
        // The real runner logs into a private log (copied in by `finish`); a test double stays as it is.
        if commands is SystemCommands {
            let l = EventLog()
            privateLog = l
            self.commands = SystemCommands(log: l)
        } else {
            privateLog = nil
            self.commands = commands
        }
    }

    private func make() {
        let t0 = Date()
        var error: InstallerError?
        do throws(InstallerError) { try write() } catch let e { error = e }
        if error != nil { unlink(pendingPath) }
        state.withLock { $0.done = true; $0.error = error; $0.seconds = Date().timeIntervalSince(t0) }
        finished.signal()
    }

    private func write() throws(InstallerError) {
        let path = pendingPath
        if preallocated {
            // Its blocks are allocated (no holes): check, then only mkswap's header page is written.
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, UInt64(st.st_size) == size,
                  UInt64(st.st_blocks) * 512 >= size else {
                throw .failed("the preallocated swap file is missing or has holes", at: path)
            }
            try mkswap(path)
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot create the swap file: \(String(cString: strerror(errno)))", at: path) }
        let chunk = [UInt8](repeating: 0, count: Int(Size.MiB))
        var written: UInt64 = 0
        var flushed: UInt64 = 0
        while written < size {
            if stop.load(ordering: .relaxed) || CleanupRegistry.shared.isDying {
                close(fd)
                throw InstallerError(.cancelled, "the swap file was abandoned")
            }
            let want = Int(min(UInt64(chunk.count), size - written))
            let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, want) }
            guard n > 0 else {
                let e = String(cString: strerror(errno))
                close(fd)
                throw .failed("cannot write the swap file: \(e)", at: path)
            }
            written += UInt64(n)
            if written - flushed >= Self.writebackEvery {
                // Start writing this stretch to the disk now, without waiting for it: the page
                // cache stays small and the final sync has little left to do.
                _ = cs_start_writeback(fd, Int64(flushed), Int64(written - flushed))
                flushed = written
            }
        }
        close(fd)
        try mkswap(path)
    }

    private func mkswap(_ path: String) throws(InstallerError) {
        let r = commands.run(["mkswap", path])
        guard r.ok else { throw .failed("mkswap failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: path) }
    }

    /// Waits for the swap file, then moves it to `SystemFiles.swapFile` in the target and
    /// logs what was done into `log`.
    public func finish(log: EventLog) throws(InstallerError) {
        finished.wait()
        finished.signal()           // later waits (abandon after finish) return at once
        let (error, seconds) = state.withLock { ($0.error, $0.seconds) }
        copyLog(into: log)
        if let error { throw error }
        let dir = try TargetPath.makeDirectories(root: root, (SystemFiles.swapFile as NSString).deletingLastPathComponent, mode: 0o700)
        let dest = dir + "/" + (SystemFiles.swapFile as NSString).lastPathComponent
        guard rename(pendingPath, dest) == 0 else {
            throw .failed("cannot move the swap file into place: \(String(cString: strerror(errno)))", at: dest)
        }
        log.log("swap file \(SystemFiles.swapFile): \(size / Size.MiB) MiB "
                + (preallocated ? "allocated before mounting (not written), made with mkswap in " + String(format: "%.2f s", seconds) + " before the packages"
                   : "written and made with mkswap in " + String(format: "%.2f s", seconds) + " on a second thread, beside the packages"))
    }

    /// Stops the swap file (if it is still being written), waits for its thread and removes it.
    public func abandon() {
        stop.store(true, ordering: .relaxed)
        finished.wait()
        finished.signal()
        unlink(pendingPath)
    }

    private func copyLog(into log: EventLog) {
        guard let privateLog else { return }
        for line in privateLog.lines {
            // "[stamp] message": the install's log stamps it again.
            if let r = line.range(of: "] ") { log.log(String(line[r.upperBound...])) } else { log.log(line) }
        }
    }
}
