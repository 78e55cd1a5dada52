import Foundation

/// The real probe: reads /sys/block, /proc/partitions, /proc/cpuinfo, /proc/meminfo and
/// /sys/class/net. It only reads; it never opens a device for writing.
///
/// `media` is the device the installer image was booted from (`HOST_INSTALLER_MEDIA`, set by
/// the image's init: `/dev/sr0`, a USB stick `/dev/sdb` or a partition of it): it is the
/// machine's CD, and neither it nor the disk holding it is offered as a target disk.
public struct HardwareProbe: Sendable {
    public var sysRoot: String
    public var procRoot: String
    public var media: String?
    /// Where /dev/disk/by-id and by-path are looked for (udev's links, when udev runs).
    public var devRoot: String

    public init(sysRoot: String = "/sys", procRoot: String = "/proc",
                media: String? = InstallEnvironment.process.installerMedia, devRoot: String = "/dev") {
        self.sysRoot = sysRoot; self.procRoot = procRoot; self.media = media; self.devRoot = devRoot
    }

    public func probe() -> Machine {
        var m = Machine(cpu: cpu(), memoryMiB: memoryMiB(), disks: disks(), nics: nics(), cdrom: cdrom(), isReal: true)
        m.dmi = dmi()
        return m
    }

    /// /sys/class/dmi/id/product_serial and product_uuid (readable by root only).
    func dmi() -> Machine.DMI {
        Machine.DMI(serial: read(sysRoot + "/class/dmi/id/product_serial") ?? "",
                    uuid: (read(sysRoot + "/class/dmi/id/product_uuid") ?? "").lowercased())
    }

    func read(_ path: String) -> String? {
        guard let d = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func list(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    func cpu() -> Machine.CPU {
        let text = read(procRoot + "/cpuinfo") ?? ""
        var model = "unknown", cores = 0, hvm = false
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "model name": model = kv[1]
            case "processor": cores += 1
            case "flags":
                let flags = Set(kv[1].split(separator: " "))
                hvm = hvm || flags.contains("vmx") || flags.contains("svm")
            default: break
            }
        }
        return Machine.CPU(model: model, cores: max(cores, 1), hvm: hvm)
    }

    func memoryMiB() -> Int {
        for line in (read(procRoot + "/meminfo") ?? "").split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    /// Names of whole disks in /proc/partitions (a cross-check of /sys/block).
    func partitionTableNames() -> Set<String> {
        var names = Set<String>()
        for line in (read(procRoot + "/partitions") ?? "").split(separator: "\n").dropFirst() {
            if let n = line.split(separator: " ").last { names.insert(String(n)) }
        }
        return names
    }

    static let ignoredPrefixes = ["loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"]

    /// The name of the media device (`sdb1` for `/dev/sdb1`) and of the whole disk holding it
    /// (`sdb`: the one whose /sys/block entry has it as a partition, or itself).
    func mediaNames() -> (device: String, disk: String)? {
        guard let media, !media.isEmpty else { return nil }
        let device = URL(fileURLWithPath: media).lastPathComponent
        let disks = list(sysRoot + "/block")
        if disks.contains(device) { return (device, device) }
        let disk = disks.first { FileManager.default.fileExists(atPath: "\(sysRoot)/block/\($0)/\(device)") }
        return (device, disk ?? device)
    }

    func disks() -> [Machine.Disk] {
        let known = partitionTableNames()
        let mediaDisk = mediaNames()?.disk
        var out: [Machine.Disk] = []
        for name in list(sysRoot + "/block") {
            if Self.ignoredPrefixes.contains(where: { name.hasPrefix($0) }) { continue }
            if name == mediaDisk { continue }
            if !known.isEmpty && !known.contains(name) { continue }
            let base = "\(sysRoot)/block/\(name)"
            let sectors = UInt64(read(base + "/size") ?? "") ?? 0
            if sectors == 0 { continue }
            let vendor = read(base + "/device/vendor") ?? ""
            let model = read(base + "/device/model") ?? ""
            let serial = [read(base + "/device/serial"), read(base + "/serial")].compactMap { $0 }.first { !$0.isEmpty }
                ?? DiskIdentity.serial(fromVPD80: bytes(base + "/device/vpd_pg80"))
            let wwn = [read(base + "/wwid"), read(base + "/device/wwid")].compactMap { $0 }
                .map(DiskIdentity.normalisedWWN).first { !$0.isEmpty } ?? ""
            let bus: DiskIdentity.Bus = isUSB(base) ? .usb : DiskIdentity.bus(name: name, vendor: vendor)
            let byId = links(devRoot + "/disk/by-id", to: name)
            let devicePath = (try? FileManager.default.destinationOfSymbolicLink(atPath: base)) ?? ""
            let byPath = links(devRoot + "/disk/by-path", to: name)
            var disk = Machine.Disk(
                name: name, vendor: vendor, model: model, serial: serial,
                sizeBytes: sectors * 512, path: "/dev/" + name, isImage: false,
                removable: read(base + "/removable") == "1", bus: bus, wwn: wwn)
            // udev's names when udev runs; the same rules applied here when it does not (the CD).
            for n in byId where !disk.byId.contains(n) { disk.byId.append(n) }
            disk.byPath = byPath.isEmpty ? DiskIdentity.byPathName(devicePath: devicePath, name: name).map { [$0] } ?? [] : byPath
            out.append(disk)
        }
        return out
    }

    func bytes(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map(Array.init) ?? [] }

    /// A disk behind a USB bridge (its sysfs device path passes through a `usbN` bus).
    func isUSB(_ base: String) -> Bool {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: base)) ?? ""
        return target.split(separator: "/").contains { $0.hasPrefix("usb") && Int($0.dropFirst(3)) != nil }
    }

    /// The names in a /dev/disk/by-* directory whose link leads to /dev/NAME.
    func links(_ dir: String, to name: String) -> [String] {
        list(dir).filter { link in
            guard let t = try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + link) else { return false }
            return URL(fileURLWithPath: t).lastPathComponent == name
        }
    }

    func nics() -> [Machine.NIC] {
        var out: [Machine.NIC] = []
        for name in list(sysRoot + "/class/net") where name != "lo" {
            let base = "\(sysRoot)/class/net/\(name)"
            // Only physical interfaces have a device link (skip bridges, bonds, veth peers).
            guard FileManager.default.fileExists(atPath: base + "/device") else { continue }
            let driverLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: base + "/device/driver")) ?? ""
            out.append(Machine.NIC(name: name, mac: read(base + "/address") ?? "",
                                   driver: URL(fileURLWithPath: driverLink).lastPathComponent,
                                   link: read(base + "/carrier") == "1"))
        }
        return out
    }

    func cdrom() -> Machine.CDROM? {
        if let m = mediaNames(), let media { return Machine.CDROM(name: m.device, discs: [media]) }
        guard let name = list(sysRoot + "/block").first(where: { $0.hasPrefix("sr") }) else { return nil }
        return Machine.CDROM(name: name, discs: ["/dev/" + name])
    }
}
