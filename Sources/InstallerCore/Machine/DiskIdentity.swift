import Foundation

/// The names a disk has besides its kernel name: the `/dev/disk/by-id` names that udev's
/// `60-persistent-storage.rules` give it (from bus, vendor, model, serial and WWN), and the
/// WWN written the way udev writes it (`0x5000c500a1b2c3d4`, or `eui.…` for NVMe).
///
/// The installer CD runs without udev, and a machine profile has no udev at all, so both probes
/// derive the by-id names here from the same facts; the real probe adds any names it finds
/// under /dev/disk/by-id.
public enum DiskIdentity {
    /// The bus a disk hangs on, which decides the prefix of its by-id names.
    public enum Bus: String, Sendable, CaseIterable {
        case ata, scsi, virtio, nvme, usb
    }

    /// The bus from the kernel name and vendor: `vd*` virtio, `nvme*` NVMe, vendor `ATA` (libata
    /// reports every SATA/PATA disk with that vendor) ATA, other `sd*` SCSI.
    public static func bus(name: String, vendor: String) -> Bus {
        if name.hasPrefix("vd") { return .virtio }
        if name.hasPrefix("nvme") { return .nvme }
        if vendor.trimmingCharacters(in: .whitespaces).uppercased() == "ATA" { return .ata }
        return .scsi
    }

    /// udev's `/dev/disk/by-id` names, in udev's order (the serial-based name first, then the WWN):
    /// - ATA (ata_id): `ata-MODEL_SERIAL` (`ata-WDC_WD5000AAKS_WMAS1234`), and `wwn-0x…`;
    /// - virtio: `virtio-SERIAL`;
    /// - NVMe: `nvme-MODEL_SERIAL`, and `nvme-eui.…` from the WWID;
    /// - SCSI (scsi_id): `scsi-3WWN` for a disk with an NAA identifier, else
    ///   `scsi-0VENDOR_MODEL_SERIAL` (what qemu's scsi-hd gives), and `wwn-0x…`;
    /// - USB: `usb-VENDOR_MODEL_SERIAL-0:0`.
    /// A disk without a serial (and without a WWN) has no by-id name.
    public static func byIdNames(bus: Bus, vendor: String, model: String, serial: String, wwn: String) -> [String] {
        let m = udevString(model), s = udevString(serial), v = udevString(vendor)
        var out: [String] = []
        switch bus {
        case .ata:
            if !s.isEmpty { out.append("ata-" + joined([m, s])) }
            if wwn.hasPrefix("0x") { out.append("wwn-" + wwn) }
        case .virtio:
            if !s.isEmpty { out.append("virtio-" + s) }
        case .nvme:
            if !s.isEmpty { out.append("nvme-" + joined([m, s])) }
            if wwn.hasPrefix("eui.") || wwn.hasPrefix("nvme.") { out.append("nvme-" + wwn) }
        case .scsi:
            if wwn.hasPrefix("0x") {
                out.append("scsi-3" + wwn.dropFirst(2))
            } else if !s.isEmpty {
                out.append("scsi-0" + joined([v, m, s]))
            }
            if wwn.hasPrefix("0x") { out.append("wwn-" + wwn) }
        case .usb:
            if !s.isEmpty { out.append("usb-" + joined([v, m, s]) + "-0:0") }
        }
        return out
    }

    static func joined(_ parts: [String]) -> String { parts.filter { !$0.isEmpty }.joined(separator: "_") }

    /// udev's `udev_replace_whitespace` then `udev_replace_chars`: leading and trailing white
    /// space dropped, each run of white space one `_`, and every character other than ASCII
    /// letters, digits and `#+-.:=@_` (and non-ASCII letters) replaced by `_`.
    public static func udevString(_ s: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in s.trimmingCharacters(in: .whitespacesAndNewlines) {
            if ch.isWhitespace { pendingSpace = true; continue }
            if pendingSpace { out.append("_"); pendingSpace = false }
            if ch.isASCII {
                out.append(ch.isLetter || ch.isNumber || "#+-.:=@_".contains(ch) ? ch : "_")
            } else {
                out.append(ch.isLetter || ch.isNumber ? ch : "_")
            }
        }
        return out
    }

    /// A WWN as udev writes it, from sysfs's `wwid` (`naa.5000c500…` → `0x5000c500…`,
    /// `eui.…` kept), or from a profile or answerfile (`0x…`, `naa.…`, bare hex). Empty for
    /// identifiers that are not WWNs (`t10.ATA …`).
    public static func normalisedWWN(_ raw: String) -> String {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if t.isEmpty { return "" }
        if t.hasPrefix("eui.") || t.hasPrefix("nvme.") { return t }
        var hex = Substring(t)
        if hex.hasPrefix("naa.") || hex.hasPrefix("0x") { hex = hex.dropFirst(hex.hasPrefix("0x") ? 2 : 4) }
        guard !hex.isEmpty, hex.allSatisfy(\.isHexDigit) else { return "" }
        return "0x" + hex
    }

    /// The serial number from a SCSI VPD page 0x80 (Unit Serial Number): four header bytes, the
    /// length in byte 3, then the serial in ASCII (padded with spaces).
    public static func serial(fromVPD80 bytes: [UInt8]) -> String {
        guard bytes.count > 4, bytes[1] == 0x80 else { return "" }
        let n = min(Int(bytes[3]), bytes.count - 4)
        let text = String(decoding: bytes[4..<(4 + n)].filter { $0 >= 0x20 && $0 < 0x7f }, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A `/dev/disk/by-path` name like udev's path_id, from the disk's device path in sysfs
    /// (`/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda` → `pci-0000:00:04.0`):
    /// virtio `pci-ADDR`, NVMe `pci-ADDR-nvme-NSID`, ATA `pci-ADDR-ata-PORT`, SCSI
    /// `pci-ADDR-scsi-CHANNEL:TARGET:LUN`. Nil when the disk is not under a PCI device.
    public static func byPathName(devicePath: String, name: String) -> String? {
        let parts = devicePath.split(separator: "/").map(String.init)
        guard let pciIndex = parts.lastIndex(where: isPCIAddress) else { return nil }
        let pci = "pci-" + parts[pciIndex]
        let rest = parts[(pciIndex + 1)...]
        if rest.contains(where: { $0.hasPrefix("virtio") }) { return pci }
        if name.hasPrefix("nvme"), let n = name.split(separator: "n").last, let nsid = Int(n.split(separator: "p").first ?? "") {
            return pci + "-nvme-\(nsid)"
        }
        if let ata = rest.first(where: { $0.hasPrefix("ata") && Int($0.dropFirst(3)) != nil }) {
            return pci + "-ata-" + ata.dropFirst(3)
        }
        if let hctl = rest.last(where: { $0.split(separator: ":").count == 4 && $0.split(separator: ":").allSatisfy { Int($0) != nil } }) {
            return pci + "-scsi-" + hctl.split(separator: ":").dropFirst().joined(separator: ":")
        }
        return pci
    }

    static func isPCIAddress(_ s: String) -> Bool {
        // dddd:bb:dd.f
        let p = s.split(separator: ":")
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p.allSatisfy({ $0.allSatisfy { $0.isHexDigit || $0 == "." } }) else { return false }
        return p[2].contains(".")
    }
}
