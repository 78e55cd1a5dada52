import Foundation

/// The firmware's boot entry for an installed disk (issue 14 item 4): when the installer itself
/// runs under UEFI on real hardware, `efibootmgr` adds an entry named `label` for the GRUB
/// on the EFI system partition, first in BootOrder. Earlier entries with the same label (an
/// earlier installation) are removed first, so reinstalling does not pile them up. The
/// removable-media path /EFI/BOOT/BOOTX64.EFI boots the disk anyway, so a firmware that refuses
/// the entry (or an installer without efibootmgr) costs a warning in the log, not the install.
public enum EfiBootEntry {
    public static let label = "Xen Cloud Platform"
    public static let loader = "\\EFI\\BOOT\\BOOTX64.EFI"

    /// True when this computer booted the installer under UEFI with its variables readable.
    public static var firmwareIsUEFI: Bool { FileManager.default.fileExists(atPath: "/sys/firmware/efi/efivars") }

    /// The `BootNNNN` numbers of entries named `label` in `efibootmgr`'s listing
    /// ("Boot0003* Xen Cloud Platform\tHD(...)" or without the path).
    public static func numbers(labelled label: String, in listing: String) -> [String] {
        listing.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("Boot"), line.count > 9 else { return nil }
            let num = line.dropFirst(4).prefix(4)
            guard num.count == 4, num.allSatisfy(\.isHexDigit) else { return nil }
            var rest = line.dropFirst(8)
            if rest.first == "*" { rest = rest.dropFirst() }
            let name = rest.drop { $0 == " " }.prefix { $0 != "\t" }.trimmingCharacters(in: .whitespaces)
            return name == label ? String(num) : nil
        }
    }

    /// Adds the entry for partition `partition` of `disk` (a block device). Never throws.
    public static func add(disk: String, partition: Int, commands: any CommandRunning) {
        let log = commands.log
        let list = commands.run(["efibootmgr"])
        guard list.ok else {
            log.log("warning: no UEFI boot entry made (efibootmgr: \(list.output.trimmingCharacters(in: .whitespacesAndNewlines))); the disk boots by the removable-media path \(loader)")
            return
        }
        for n in numbers(labelled: label, in: list.output) {
            let r = commands.run(["efibootmgr", "--quiet", "--bootnum", n, "--delete-bootnum"])
            log.log(r.ok ? "bootloader: removed the earlier UEFI boot entry Boot\(n) \"\(label)\""
                         : "warning: could not remove the earlier UEFI boot entry Boot\(n): \(r.output)")
        }
        let r = commands.run(["efibootmgr", "--create", "--disk", disk, "--part", String(partition),
                              "--label", label, "--loader", loader])
        guard r.ok else {
            log.log("warning: no UEFI boot entry made (efibootmgr: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))); the disk boots by the removable-media path \(loader)")
            return
        }
        let made = numbers(labelled: label, in: r.output)
        log.log("bootloader: UEFI boot entry \(made.first.map { "Boot" + $0 } ?? "") \"\(label)\" for \(disk) partition \(partition) \(loader), first in BootOrder")
    }
}
