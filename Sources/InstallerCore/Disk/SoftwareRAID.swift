import Foundation

/// Software RAID 1 of the control domain's partitions with mdadm (issue 19 item 2). The arrays
/// use metadata 1.0, whose superblock is at the end of each member, so that a member read on
/// its own (by the bootloader, or by a host booting one disk) is a plain filesystem.
/// Everything goes through `commands` (mdadm, wipefs, modprobe), so that it is logged.
public enum SoftwareRAID {
    /// Why a mirror cannot be built here, or nil: the disks must be real block devices (a
    /// machine profile's disks are image files) and the kernel must have md with raid1 (loaded
    /// with modprobe when missing), and mdadm must be installed. Checked before any disk is written.
    public static func unavailable(_ disks: [Machine.Disk], commands: any CommandRunning) -> String? {
        let images = disks.filter(\.isImage).map(\.name)
        if !images.isEmpty {
            return "a mirror (software RAID 1) needs real disks and the kernel's md driver; \(images.joined(separator: ", ")) "
                + (images.count == 1 ? "is an image file" : "are image files") + " of a machine profile, where md arrays cannot be built"
        }
        if !personalities().contains("raid1") { _ = commands.run(["modprobe", "raid1"]) }
        guard FileManager.default.fileExists(atPath: "/proc/mdstat") else {
            return "this kernel has no md (software RAID) support: /proc/mdstat is missing and modprobe raid1 did not add it"
        }
        guard personalities().contains("raid1") else {
            return "the kernel's md driver has no raid1 personality (/proc/mdstat), and modprobe raid1 did not load it"
        }
        guard commands.run(["mdadm", "--version"]).ok else {
            return "mdadm is missing from this installer (Debian package mdadm)"
        }
        return nil
    }

    /// Whether the partition of `length` bytes at `offset` in `path` is a member of an md array
    /// with metadata 1.0 (superblock magic 0xa92b4efc, major version 1, 8 KiB before the end,
    /// on a 4 KiB boundary: mdadm's super1.c). Read without md, so on any kernel and image.
    public static func isMember(_ path: String, offset: UInt64, length: UInt64) -> Bool {
        let sectors = length / 512
        guard sectors > 16 else { return false }
        let at = ((sectors - 16) & ~UInt64(7)) * 512
        guard let b = DiskBytes.read(path, at: offset + at, count: 8) else { return false }
        return Swift.Array(b[0..<4]) == [0xfc, 0x4e, 0x2b, 0xa9] && b[4] == 1
    }

    /// The md personalities the kernel has (`raid1`), from /proc/mdstat.
    static func personalities() -> [String] {
        guard let t = try? String(contentsOfFile: "/proc/mdstat", encoding: .utf8),
              let line = t.split(separator: "\n").first(where: { $0.hasPrefix("Personalities") }) else { return [] }
        return line.split(separator: " ").compactMap { w in
            w.hasPrefix("[") && w.hasSuffix("]") ? String(w.dropFirst().dropLast()) : nil
        }
    }

    /// The arrays (`md0`) that hold a partition (or the whole) of one of `disks` (`sda`), from
    /// /sys/block/md*/slaves.
    static func arrays(holding disks: [String]) -> [String] {
        let fm = FileManager.default
        let mds = ((try? fm.contentsOfDirectory(atPath: "/sys/block")) ?? []).filter { $0.hasPrefix("md") }.sorted()
        return mds.filter { md in
            let slaves = (try? fm.contentsOfDirectory(atPath: "/sys/block/\(md)/slaves")) ?? []
            return slaves.contains { s in disks.contains { d in s == d || fm.fileExists(atPath: "/sys/block/\(d)/\(s)") } }
        }
    }

    /// The array (`md0`) whose members are exactly the partitions `names` (`vda1`, `vdb1`), if one runs.
    static func arrays(holdingPartitions names: [String]) -> String? {
        let fm = FileManager.default
        let mds = ((try? fm.contentsOfDirectory(atPath: "/sys/block")) ?? []).filter { $0.hasPrefix("md") }.sorted()
        return mds.first { md in Set((try? fm.contentsOfDirectory(atPath: "/sys/block/\(md)/slaves")) ?? []) == Set(names) }
    }

    /// Stops the arrays that hold a part of `disks` (left by an earlier install, or assembled
    /// from old signatures), and only those.
    public static func stopArrays(holding disks: [String], commands: any CommandRunning) throws(InstallerError) {
        for md in arrays(holding: disks) {
            commands.log.log("md: stopping /dev/\(md), which holds a part of \(disks.joined(separator: " or "))")
            let r = commands.run(["mdadm", "--stop", "/dev/\(md)"])
            guard r.ok else {
                throw .failed("cannot stop the md array: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: "/dev/\(md)",
                              hint: "stop what uses it (a mounted filesystem, an LVM volume group) first")
            }
        }
    }

    /// Clears old md, LVM and filesystem signatures on a disk or partition (`mdadm
    /// --zero-superblock`, then `wipefs --all`).
    public static func clearSignatures(_ device: String, commands: any CommandRunning) throws(InstallerError) {
        _ = commands.run(["mdadm", "--zero-superblock", "--force", device])   // fails when there is none
        let r = commands.run(["wipefs", "--all", "--force", device])
        guard r.ok else { throw .failed("cannot clear the old signatures: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: device) }
    }

    /// `count` md device numbers that are not in use, from 0 up.
    static func freeNumbers(_ count: Int) -> [Int] {
        var out: [Int] = [], n = 0
        while out.count < count {
            if !FileManager.default.fileExists(atPath: "/sys/block/md\(n)") { out.append(n) }
            n += 1
        }
        return out
    }

    /// One array of the mirror: `/dev/mdN` made of `members`, named `name` (root, backup, storage).
    public struct MDArray: Equatable, Sendable {
        public var device: String
        public var name: String
        public var members: [String]
    }

    /// Creates a RAID 1 array (metadata 1.0). `--assume-clean`: no initial resync, since the
    /// installer writes every block it later reads through the array (mkfs, the files; LVM
    /// its own metadata), and a resync of unwritten space would take minutes on real disks
    /// and fill sparse test images.
    public static func create(_ a: MDArray, commands: any CommandRunning) throws(InstallerError) {
        let r = commands.run(["mdadm", "--create", a.device, "--run", "--metadata=1.0", "--level=1", "--raid-devices=\(a.members.count)",
                              "--assume-clean", "--name=\(a.name)", "--homehost=any"] + a.members)
        guard r.ok else {
            throw .failed("cannot create the mirror of \(a.members.joined(separator: " and ")): \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: a.device)
        }
        guard PartitionDevices.appears(a.device, tenths: 50) else { throw .failed("the md device did not appear", at: a.device) }
        commands.log.log("md: \(a.device) (\(a.name)) is a RAID 1 mirror of \(a.members.joined(separator: " and ")), metadata 1.0")
    }

    /// Stops an array this install made (so that it is left clean for the first boot).
    public static func stop(_ device: String, commands: any CommandRunning) {
        let r = commands.run(["mdadm", "--stop", device])
        if !r.ok { commands.log.log("warning: md: cannot stop \(device): \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))") }
    }

    /// mdadm.conf for the installed system: one ARRAY line per array (`mdadm --detail --brief`).
    public static func config(_ arrays: [MDArray], commands: any CommandRunning) -> String {
        var s = "# written by host-installer: the control domain's mirrors (software RAID 1)\nHOMEHOST <ignore>\n"
        for a in arrays {
            let r = commands.run(["mdadm", "--detail", "--brief", a.device])
            let line = r.output.split(separator: "\n").first { $0.hasPrefix("ARRAY") }
            if r.ok, let line { s += line + "\n" } else { s += "# \(a.device) (\(a.name)): mdadm --detail failed\n" }
        }
        return s
    }
}
