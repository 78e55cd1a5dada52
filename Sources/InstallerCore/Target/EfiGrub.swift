import Foundation
import CSystem

/// GRUB for UEFI on the EFI system partition (partition 4 of a GPT install): a FAT file
/// system made with mkfs.fat, written with mtools (no mount: the kernel may have no vfat),
/// holding a standalone GRUB at the removable-media path /EFI/BOOT/BOOTX64.EFI and its menu
/// /EFI/BOOT/grub.cfg with the entries of extlinux.conf. The kernels stay on the root
/// file system, which GRUB finds by its label.
public enum EfiGrub {
    public static let bootDir = "/EFI/BOOT"
    /// A GRUB image made beforehand (the installer image may carry one instead of grub-mkstandalone).
    public static let prebuiltImage = "/usr/lib/host-installer/BOOTX64.EFI"
    /// Modules built into the image: no insmod is needed in grub.cfg.
    public static let modules = "part_gpt part_msdos fat ext2 search search_label search_fs_file configfile normal test echo "
        + "multiboot2 linux gzio serial terminal sleep reboot halt"
    /// The image's own configuration: read the menu next to the image (`$cmdpath` is the
    /// directory the firmware loaded it from).
    public static let embeddedConfig = """
    if [ -e $cmdpath/grub.cfg ]; then
      configfile $cmdpath/grub.cfg
    else
      echo "no grub.cfg next to the GRUB image ($cmdpath)"
    fi

    """

    /// grub.cfg: the entries `xe` (default), `xe-serial` and `safe` of `Extlinux.config`, Xen
    /// through multiboot2 with the kernel and initrd as module2.
    public static func config(_ k: Extlinux.Kernels, rootLabel: String, machineMiB: Int) -> String {
        var s = """
        # grub.cfg written by host-installer (UEFI; the BIOS boots /boot/extlinux/extlinux.conf)
        search --no-floppy --label --set=root \(rootLabel)
        serial --unit=0 --speed=115200
        terminal_input serial console
        terminal_output serial console
        set default=xe
        set timeout=1

        """
        for e in Extlinux.entries(k, rootLabel: rootLabel, machineMiB: machineMiB) {
            s += "\nmenuentry '\(e.label)' --id \(e.label) {\n"
            if let xen = k.xen {
                s += "  multiboot2 \(xen) \(e.xenArgs)\n"
                s += "  module2 \(k.kernel) \(e.kernelArgs)\n"
                if let i = k.initrd { s += "  module2 --nounzip \(i)\n" }
            } else {
                s += "  linux \(k.kernel) \(e.kernelArgs)\n"
                if let i = k.initrd { s += "  initrd \(i)\n" }
            }
            s += "}\n"
        }
        return s
    }

    /// The EFI system partition of an existing disk (partition 4 named `esp`), nil without one:
    /// an installation made before the ESP existed keeps its BIOS boot only.
    public static func existingESP(_ table: PartitionTable) -> PartitionTable.Entry? {
        guard let e = table.entry(PartitionLayout.espNumber), e.name == PartitionLayout.Role.esp.rawValue else { return nil }
        return e
    }

    /// The tools needed, or the first one missing.
    static func missingTool() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":")
        func has(_ t: String) -> Bool { path.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(t)") } }
        for t in ["mkfs.fat", "mmd", "mcopy"] where !has(t) { return t }
        if !FileManager.default.fileExists(atPath: prebuiltImage) && !(has("grub-mkstandalone") && FileManager.default.fileExists(atPath: "/usr/lib/grub/x86_64-efi")) {
            return "grub-mkstandalone (grub-efi-amd64-bin)"
        }
        return nil
    }

    /// Formats `device` (the ESP) and writes GRUB and its menu. Without the tools the disk
    /// keeps its BIOS boot only, which the log says.
    public static func install(device: String, kernels: Extlinux.Kernels, rootLabel: String, machineMiB: Int,
                               commands: any CommandRunning) throws(InstallerError) {
        let log = commands.log
        if let t = missingTool() {
            log.log("warning: no UEFI bootloader written: \(t) is missing from this installer; the disk boots with BIOS only")
            return
        }
        let dir = try Filesystem.makeTempDirectory("host-installer-efi")
        defer {
            for f in ["BOOTX64.EFI", "grub.cfg", "embedded.cfg"] { unlink(dir + "/" + f) }
            rmdir(dir)
        }
        var image = prebuiltImage
        if !FileManager.default.fileExists(atPath: prebuiltImage) {
            image = dir + "/BOOTX64.EFI"
            try makeImage(image, workDirectory: dir, commands: commands)
        }
        try write(config(kernels, rootLabel: rootLabel, machineMiB: machineMiB), to: dir + "/grub.cfg")
        var env = ProcessInfo.processInfo.environment
        env["MTOOLS_SKIP_CHECK"] = "1"
        // FAT32 needs 65525 clusters: 64 MiB of 512-byte sectors has them, of 4 KiB sectors (a
        // 4Kn disk) only 16384, so there the ESP is FAT16 (which UEFI firmware reads as well).
        let fat = logicalSectorSize(device) > 512 ? ["-F", "16"] : ["-F", "32", "-s", "1"]
        let steps: [[String]] = [
            // -I: the device is a partition this installer made (a loop device at its offset on a
            // disk image); mkfs.fat otherwise refuses one that the kernel still shows with
            // partitions (a loop device just released by another user of it).
            ["mkfs.fat", "-I"] + fat + ["-n", "EFI", device],
            ["mmd", "-i", device, "::/EFI", "::" + bootDir],
            ["mcopy", "-i", device, image, "::" + bootDir + "/BOOTX64.EFI"],
            ["mcopy", "-i", device, dir + "/grub.cfg", "::" + bootDir + "/grub.cfg"],
        ]
        for argv in steps {
            let r = commands.run(argv, environment: env)
            guard r.ok else { throw .failed("\(argv[0]) failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: device) }
        }
        log.log("bootloader: GRUB for UEFI at \(bootDir)/BOOTX64.EFI on \(device)")
    }

    /// Builds the GRUB image (grub-mkstandalone with `modules` and `embeddedConfig`) at `path`.
    /// The installer CD carries one made this way at `prebuiltImage` (`host-installer
    /// make-efi-grub`, run by scripts/build-iso), so it needs no GRUB modules of its own.
    public static func makeImage(_ path: String, workDirectory dir: String, commands: any CommandRunning) throws(InstallerError) {
        try write(embeddedConfig, to: dir + "/embedded.cfg")
        let r = commands.run(["grub-mkstandalone", "-O", "x86_64-efi", "-o", path, "--modules=" + modules,
                              "--install-modules=" + modules, "--fonts=", "--locales=", "--themes=",
                              "boot/grub/grub.cfg=" + dir + "/embedded.cfg"])
        guard r.ok else { throw .failed("grub-mkstandalone failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: path) }
    }

    /// The logical sector size of a block device (BLKSSZGET); 512 for a file or on error.
    static func logicalSectorSize(_ device: String) -> Int {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 512 }
        defer { close(fd) }
        var size: Int32 = 0
        guard cs_ioctl_ptr(fd, 0x1268 /* BLKSSZGET */, &size) == 0, size >= 512 else { return 512 }
        return Int(size)
    }

    private static func write(_ text: String, to path: String) throws(InstallerError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw .failed("cannot write", at: path) }
    }
}
