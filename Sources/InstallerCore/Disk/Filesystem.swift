import Foundation

/// Making filesystems and mounting them, through a `CommandRunning`.
public enum Filesystem {
    /// `root-` plus 8 random lowercase letters (the 2009 installer's label).
    public static func randomRootLabel() -> String {
        var g = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return "root-" + String((0..<8).map { _ in letters[Int(g.next(upperBound: UInt32(26)))] })
    }

    /// `mke2fs -q -F -t ext3 -L LABEL DEVICE`.
    public static func makeExt3(_ device: String, label: String, commands: any CommandRunning) throws(InstallerError) {
        let r = commands.run(["mke2fs", "-q", "-F", "-t", "ext3", "-L", label, device])
        guard r.ok else { throw .failed("cannot create the ext3 filesystem: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: device) }
    }

    /// A new empty directory under /tmp (mkdtemp), removed with rmdir when released.
    public static func makeTempDirectory(_ prefix: String) throws(InstallerError) -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw .failed("cannot create a temporary directory: \(String(cString: strerror(errno)))", at: "/tmp")
        }
        return String(cString: p)
    }
}

/// A filesystem this process mounted. Unmounted on `unmount()`, on deinit, or from the
/// cleanup registry; its temporary mount point is removed with rmdir (never recursively).
public final class MountedFilesystem: @unchecked Sendable {
    public let device: String
    public let mountPoint: String
    private let commands: any CommandRunning
    private let removeMountPoint: Bool
    private let lock = NSLock()
    private var token: CleanupRegistry.Token?

    /// Mounts `device` on a new directory under /tmp.
    public static func mount(_ device: String, type: String = "ext3", readOnly: Bool = false,
                             commands: any CommandRunning, registry: CleanupRegistry = .shared) throws(InstallerError) -> MountedFilesystem {
        let dir = try Filesystem.makeTempDirectory("host-installer-mnt")
        var argv = ["mount", "-t", type]
        if readOnly { argv += ["-o", "ro,noload"] }
        argv += [device, dir]
        let r = commands.run(argv)
        guard r.ok else {
            rmdir(dir)
            throw .failed("cannot mount \(device): \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: device)
        }
        let m = MountedFilesystem(device: device, mountPoint: dir, commands: commands, removeMountPoint: true)
        m.token = registry.register("unmount \(dir)") { [m] urgent in try? m.unmount(urgent: urgent) }
        return m
    }

    private init(device: String, mountPoint: String, commands: any CommandRunning, removeMountPoint: Bool) {
        self.device = device; self.mountPoint = mountPoint; self.commands = commands; self.removeMountPoint = removeMountPoint
    }

    deinit { try? unmount() }

    public var isMounted: Bool { lock.withLock { token != nil } }

    /// Unmounts (retrying, then lazily as a last resort; at once lazily when `urgent`, the
    /// signal path) and removes the mount point.
    public func unmount(urgent: Bool = false, registry: CleanupRegistry = .shared) throws(InstallerError) {
        lock.lock()
        defer { lock.unlock() }
        guard let t = token else { return }
        var ok = false
        for attempt in 0..<(urgent ? 0 : 5) {
            if commands.run(["umount", mountPoint]).ok { ok = true; break }
            usleep(UInt32(200_000 * (attempt + 1)))
        }
        if !ok { ok = commands.run(["umount", "-l", mountPoint]).ok }
        guard ok else { throw .failed("cannot unmount \(mountPoint)", at: device) }
        token = nil
        registry.remove(t)
        if removeMountPoint { rmdir(mountPoint) }
    }
}
