import Foundation

/// The checks made before any byte is written to a disk: big enough, not in use (mounted,
/// swap, or an attached loop device of an image that is mounted), not the install media.
public enum DiskSafety {
    public struct Mount: Equatable, Sendable {
        public var device: String
        public var mountPoint: String
    }

    /// Parses /proc/mounts (or /proc/swaps when `swaps`) text. Octal escapes (`\040`) are decoded.
    public static func parseMounts(_ text: String, swaps: Bool = false) -> [Mount] {
        text.split(separator: "\n").dropFirst(swaps ? 1 : 0).compactMap { line in
            let f = line.split(separator: swaps ? "\t" : " ", omittingEmptySubsequences: true)
                .flatMap { swaps ? $0.split(separator: " ") : [$0] }
            guard f.count >= (swaps ? 1 : 2) else { return nil }
            return Mount(device: unescape(String(f[0])), mountPoint: swaps ? "[swap]" : unescape(String(f[1])))
        }
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = [UInt8](), b = Array(s.utf8), i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count,
               let v = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(v); i += 4
            } else { out.append(b[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when `device` is `disk` itself or one of its partitions (`sda1`, `nvme0n1p2`, `loop3p1`).
    public static func belongs(_ device: String, to disk: String) -> Bool {
        guard device.hasPrefix(disk) else { return false }
        var rest = Substring(device.dropFirst(disk.count))
        if rest.isEmpty { return true }
        if disk.last?.isNumber == true {
            guard rest.first == "p" else { return false }
            rest = rest.dropFirst()
        }
        return !rest.isEmpty && rest.allSatisfy(\.isNumber)
    }

    /// The mounts (and swaps) that use `disk` or its partitions, through `devices` (the disk's
    /// device path and, for an image, the loop devices attached to it).
    public static func uses(of devices: [String], mounts: [Mount]) -> [Mount] {
        mounts.filter { m in devices.contains { belongs(m.device, to: $0) } }
    }

    /// Refuses a disk that must not be written: too small (primary only), in use, or the media.
    /// `mediaPaths` are where the installation source and the CD's discs live.
    public static func check(_ disk: Machine.Disk, primary: Bool, mediaPaths: [String],
                             log: EventLog) throws(InstallerError) {
        let label = "\(disk.name) (\(disk.path))"
        if primary && disk.sizeBytes < Size.minimumPrimaryDisk {
            throw .invalid(label, "the disk holds \(Size.humanGB(disk.sizeBytes)); the installation needs at least \(Size.humanGB(Size.minimumPrimaryDisk))",
                           hint: "choose a larger disk")
        }
        var st = stat()
        if disk.isImage {
            guard stat(disk.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG || isLoopOverFile(disk.path, st) else {
                throw .failed("the disk image does not exist or is not a regular file (or a loop device over one)", at: label)
            }
        } else {
            guard stat(disk.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK else {
                throw .failed("not a block device", at: label, hint: "check the disk name")
            }
        }
        var devices = [disk.path]
        if disk.isImage { devices += LoopDevice.attached(to: disk.path) }
        let mounts = parseMounts((try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? "")
            + parseMounts((try? String(contentsOfFile: "/proc/swaps", encoding: .utf8)) ?? "", swaps: true)
        let used = uses(of: devices, mounts: mounts)
        if let m = used.first {
            throw .failed("the disk is in use: \(m.device) is mounted on \(m.mountPoint)", at: label,
                          hint: "unmount it (and stop swap on it) before installing")
        }
        let realDisk = URL(fileURLWithPath: disk.path).resolvingSymlinksInPath().path
        for media in mediaPaths where !media.isEmpty {
            let realMedia = URL(fileURLWithPath: media).resolvingSymlinksInPath().path
            if realMedia == realDisk || devices.contains(media) {
                throw .failed("the disk is the installation media (\(media))", at: label, hint: "choose another disk")
            }
            if let m = mountHolding(realMedia, mounts: mounts), devices.contains(where: { belongs(m.device, to: $0) }) {
                throw .failed("the installation media (\(media)) is on this disk", at: label, hint: "choose another disk")
            }
        }
        if disk.isImage, devices.count > 1 {
            log.log("note: \(disk.path) is attached to \(devices.dropFirst().joined(separator: ", ")) (not mounted)")
        }
    }

    /// A profile disk may be a loop device attached to an image file (`losetup --sector-size
    /// 4096`: a 4Kn disk on this host); never any other block device.
    static func isLoopOverFile(_ path: String, _ st: stat) -> Bool {
        guard (st.st_mode & S_IFMT) == S_IFBLK, path.hasPrefix("/dev/loop"), path.dropFirst(9).allSatisfy(\.isNumber),
              let backing = try? String(contentsOfFile: "/sys/block/\(path.dropFirst(5))/loop/backing_file", encoding: .utf8) else { return false }
        var b = stat()
        return stat(backing.trimmingCharacters(in: .whitespacesAndNewlines), &b) == 0 && (b.st_mode & S_IFMT) == S_IFREG
    }

    /// The mount whose mount point is the longest prefix of `path`.
    static func mountHolding(_ path: String, mounts: [Mount]) -> Mount? {
        mounts.filter { $0.mountPoint == "/" || path == $0.mountPoint || path.hasPrefix($0.mountPoint + "/") }
            .max { $0.mountPoint.count < $1.mountPoint.count }
    }
}
