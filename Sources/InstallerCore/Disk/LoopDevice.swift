import Foundation

/// A loop device this process attached to (part of) an image file. Detached by name
/// (`losetup -d /dev/loopN`), only after checking it is still backed by our image, on
/// `detach()`, on deinit, or from the cleanup registry (failure, SIGINT/SIGTERM).
public final class LoopDevice: @unchecked Sendable {
    public let device: String
    public let image: String
    public let offset: UInt64
    private let commands: any CommandRunning
    private var log: EventLog { commands.log }
    private let lock = NSLock()
    private var token: CleanupRegistry.Token?

    /// `losetup --find --show --offset O --sizelimit S [--read-only] IMAGE`. One loop per
    /// partition needs no partition scanning (the host kernel may have no partition parsers).
    /// `sectorSize` other than 512: `--sector-size` (a partition of a 4Kn disk keeps its 4 KiB
    /// logical sectors, so mke2fs and mkfs.fat see the disk's real sector size).
    public static func attach(image: String, offset: UInt64 = 0, size: UInt64? = nil, readOnly: Bool = false, sectorSize: UInt64 = 512,
                              commands: any CommandRunning, registry: CleanupRegistry = .shared) throws(InstallerError) -> LoopDevice {
        var argv = ["losetup", "--find", "--show", "--offset", String(offset)]
        if let size { argv += ["--sizelimit", String(size)] }
        if sectorSize != 512 { argv += ["--sector-size", String(sectorSize)] }
        if readOnly { argv.append("--read-only") }
        argv.append(image)
        let r = commands.run(argv)
        guard r.ok, let dev = r.output.split(separator: "\n").map(String.init).last(where: { $0.hasPrefix("/dev/loop") }) else {
            throw .failed("cannot attach a loop device: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: image,
                          hint: "the installer needs root and a free loop device")
        }
        let loop = LoopDevice(device: dev, image: image, offset: offset, commands: commands)
        loop.token = registry.register("detach \(dev)") { [loop] urgent in loop.detach(urgent: urgent) }
        return loop
    }

    private init(device: String, image: String, offset: UInt64, commands: any CommandRunning) {
        self.device = device; self.image = image; self.offset = offset; self.commands = commands
    }

    deinit { detach() }

    /// Detaches this loop device, once. Leaves it alone if it no longer backs our image.
    /// `urgent` (signal path): one attempt; a busy device is then detached by the kernel
    /// (autoclear) when its last user closes it.
    public func detach(urgent: Bool = false, registry: CleanupRegistry = .shared) {
        lock.lock()
        defer { lock.unlock() }
        guard let t = token else { return }
        token = nil
        // Unregistered only once released, so that the signal path waits for it.
        defer { registry.remove(t) }
        let name = (device as NSString).lastPathComponent
        let backing = (try? String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let off = (try? String(contentsOfFile: "/sys/block/\(name)/loop/offset", encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let realImage = URL(fileURLWithPath: image).resolvingSymlinksInPath().path
        guard let backing, backing == realImage || backing == image || backing.hasPrefix(realImage + " "), off == nil || off == offset else {
            log.log("not detaching \(device): it is no longer attached to \(image)")
            return
        }
        for attempt in 0..<(urgent ? 1 : 5) {
            if commands.run(["losetup", "-d", device]).ok { return }
            usleep(UInt32(100_000 * (attempt + 1)))
        }
        log.log("warning: could not detach \(device)")
    }

    /// Loop devices currently attached to `image` (from /sys/block/loop*/loop/backing_file).
    public static func attached(to image: String) -> [String] {
        let real = URL(fileURLWithPath: image).resolvingSymlinksInPath().path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/sys/block") else { return [] }
        return names.filter { $0.hasPrefix("loop") }.sorted().compactMap { n in
            guard let b = try? String(contentsOfFile: "/sys/block/\(n)/loop/backing_file", encoding: .utf8) else { return nil }
            let t = b.trimmingCharacters(in: .whitespacesAndNewlines)
            return t == real || t == image ? "/dev/\(n)" : nil
        }
    }
}
