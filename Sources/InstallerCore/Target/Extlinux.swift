import Foundation

/// The extlinux bootloader: which kernels the product installed, extlinux.conf, and
/// installing it (`extlinux --install`, syslinux MBR code in the first 440 bytes).
public enum Extlinux {
    public struct Kernels: Equatable, Sendable {
        /// `6.1.0-56-cloud-amd64`
        public var version: String
        /// `/boot/vmlinuz-VERSION`
        public var kernel: String
        /// `/boot/initrd.img-VERSION`, nil when the product has none.
        public var initrd: String?
        /// `/boot/xen-3.4.gz` when a hypervisor is installed (multiboot entries).
        public var xen: String?
    }

    public static let configPath = "/boot/extlinux/extlinux.conf"
    public static let syslinuxDir = "/usr/lib/syslinux"
    public static let serialAppend = "console=tty0 console=ttyS0,115200"

    /// Picks the newest kernel from the names in /boot (pure). Initrds may be called
    /// `initrd.img-V`, `initrd-V.img` or `initrd-V`.
    public static func findKernels(bootNames: [String]) -> Kernels? {
        let versions = bootNames.filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst("vmlinuz-".count)) }
        guard let v = versions.sorted(by: versionLess).last else { return nil }
        let initrd = ["initrd.img-\(v)", "initrd-\(v).img", "initrd-\(v)"].first { bootNames.contains($0) }
        let xens = bootNames.filter { $0.hasPrefix("xen") && $0.hasSuffix(".gz") }
        let xen = xens.contains("xen.gz") ? "xen.gz" : xens.sorted(by: versionLess).last
        return Kernels(version: v, kernel: "/boot/vmlinuz-\(v)", initrd: initrd.map { "/boot/" + $0 }, xen: xen.map { "/boot/" + $0 })
    }

    /// Orders kernel and Xen file-name versions by their numeric runs (`6.1.10` > `6.1.9`,
    /// `6.1` < `6.1.0`). Only for file names under /boot: product versions use `VersionCompare`.
    static func versionLess(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [Either] {
            var out: [Either] = [], cur = "", num = false
            for c in s {
                if c.isNumber != num && !cur.isEmpty { out.append(num ? .n(Int(cur) ?? 0) : .s(cur)); cur = "" }
                num = c.isNumber; cur.append(c)
            }
            if !cur.isEmpty { out.append(num ? .n(Int(cur) ?? 0) : .s(cur)) }
            return out
        }
        let pa = parts(a), pb = parts(b)
        for (x, y) in zip(pa, pb) where x != y {
            switch (x, y) {
            case let (.n(i), .n(j)): return i < j
            case let (.s(i), .s(j)): return i < j
            case (.n, .s): return false
            case (.s, .n): return true
            }
        }
        return pa.count < pb.count
    }
    enum Either: Equatable { case n(Int), s(String) }

    /// One boot entry: its label and the command lines of the kernel and of Xen.
    public struct Entry: Equatable, Sendable {
        public var label: String, kernelArgs: String, xenArgs: String
    }

    /// The entries `xe`, `xe-serial` and `safe` (shared with GRUB for UEFI, `EfiGrub`).
    public static func entries(_ k: Kernels, rootLabel: String, machineMiB: Int) -> [Entry] {
        let root = "root=LABEL=\(rootLabel) ro"
        if k.xen != nil {
            let mem = Dom0Memory.option(machineMiB: machineMiB)
            let xenBase = "\(mem) lowmem_emergency_pool=1M crashkernel=64M@32M"
            let serial = "com1=115200,8n1"
            return [Entry(label: "xe", kernelArgs: "\(root) console=tty0 console=hvc0 quiet", xenArgs: "\(xenBase) \(serial) console=vga,com1"),
                    Entry(label: "xe-serial", kernelArgs: "\(root) console=tty0 console=hvc0", xenArgs: "\(xenBase) \(serial) console=com1,vga"),
                    Entry(label: "safe", kernelArgs: "\(root) nousb console=tty0 console=hvc0",
                          xenArgs: "nosmp noreboot noirqbalance acpi=off noapic \(mem) \(serial) console=com1,vga")]
        }
        return [Entry(label: "xe", kernelArgs: "\(root) console=tty0 quiet", xenArgs: ""),
                Entry(label: "xe-serial", kernelArgs: "\(root) \(serialAppend)", xenArgs: ""),
                Entry(label: "safe", kernelArgs: "\(root) nosmp noapic acpi=off \(serialAppend)", xenArgs: "")]
    }

    /// extlinux.conf: entries `xe` (normal, default), `xe-serial` (serial console) and `safe`,
    /// as XCP 0.1 wrote them, with a 1 s timeout. With a hypervisor the entries boot it through
    /// mboot.c32 (`xen.gz OPTIONS --- kernel ARGS --- initrd`), the kernel as the control domain
    /// with `dom0_mem` from `Dom0Memory` and the machine's memory. Unlike XCP 0.1's `xe`
    /// (VGA only), the default entry also puts Xen on com1, so that a host without a screen
    /// shows its boot on the serial line; the control domain's console is hvc0, which Xen
    /// copies to its own.
    public static func config(_ k: Kernels, rootLabel: String, machineMiB: Int, timeoutTenths: Int = 10) -> String {
        var s = """
        # extlinux.conf written by host-installer
        SERIAL 0 115200
        DEFAULT xe
        PROMPT 1
        TIMEOUT \(timeoutTenths)

        """
        for e in entries(k, rootLabel: rootLabel, machineMiB: machineMiB) {
            s += "\nLABEL \(e.label)\n"
            if let xen = k.xen {
                s += "  KERNEL mboot.c32\n"
                s += "  APPEND \(xen) \(e.xenArgs) --- \(k.kernel) \(e.kernelArgs)" + (k.initrd.map { " --- \($0)" } ?? "") + "\n"
            } else {
                s += "  KERNEL \(k.kernel)\n"
                if let i = k.initrd { s += "  INITRD \(i)\n" }
                s += "  APPEND \(e.kernelArgs)\n"
            }
        }
        return s
    }

    /// The MBR boot code for a partition table label.
    public static func mbrFile(label: PartitionLayout.Label) -> String {
        syslinuxDir + "/mbr/" + (label == .gpt ? "gptmbr.bin" : "mbr.bin")
    }

    /// Writes extlinux.conf, runs `extlinux --install ROOT/boot/extlinux`, copies mboot.c32 and
    /// its library for hypervisor entries, and (location mbr) writes the MBR code to `disk`.
    public static func install(root: String, disk: String, label: PartitionLayout.Label, kernels: Kernels,
                               rootLabel: String, machineMiB: Int, location: Bootloader.Location,
                               commands: any CommandRunning) throws(InstallerError) {
        let log = commands.log
        try TargetPath.write(root: root, configPath, config(kernels, rootLabel: rootLabel, machineMiB: machineMiB))
        if kernels.xen != nil { log.log("bootloader: \(Dom0Memory.option(machineMiB: machineMiB)) for \(machineMiB) MiB of memory") }
        let dir = try TargetPath.resolve(root: root, "/boot/extlinux")
        if kernels.xen != nil {
            for m in ["mboot.c32", "libcom32.c32"] {
                guard let d = FileManager.default.contents(atPath: syslinuxDir + "/modules/bios/" + m) else {
                    throw .failed("\(m) is missing from this installer", at: syslinuxDir + "/modules/bios", hint: "install the syslinux-common package")
                }
                try TargetPath.write(root: root, "/boot/extlinux/" + m, [UInt8](d))
            }
        }
        let r = commands.run(["extlinux", "--install", dir])
        guard r.ok else { throw .failed("extlinux failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dir) }
        guard location == .mbr else {
            log.log("bootloader location is the partition: the MBR of \(disk) is left as it is")
            return
        }
        try writeMBR(disk: disk, label: label, log: log)
    }

    /// Writes the syslinux MBR code for `label` (440 bytes) to `disk` (also the second disk of
    /// a mirror, whose partition 1 is a member of the same filesystem).
    public static func writeMBR(disk: String, label: PartitionLayout.Label, log: EventLog) throws(InstallerError) {
        let mbr = mbrFile(label: label)
        guard let code = FileManager.default.contents(atPath: mbr), code.count >= 440 else {
            throw .failed("the MBR boot code is missing", at: mbr, hint: "install the syslinux-common package")
        }
        try DiskBytes.write(Array(code.prefix(440)), to: disk, at: 0)
        log.log("wrote \(mbr) (440 bytes) to the MBR of \(disk)")
    }
}

/// Raw writes to a disk or image (MBR code, wiping signatures).
public enum DiskBytes {
    public static func write(_ bytes: [UInt8], to path: String, at offset: UInt64) throws(InstallerError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .failed("cannot open for writing: \(String(cString: strerror(errno)))", at: path) }
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard n == bytes.count, fsync(fd) == 0 else { throw .failed("cannot write \(bytes.count) bytes at \(offset): \(String(cString: strerror(errno)))", at: path) }
    }

    /// Zeroes `length` bytes at `offset` (old filesystem or LVM signatures at a partition start).
    public static func zero(_ path: String, at offset: UInt64, length: UInt64) throws(InstallerError) {
        try write([UInt8](repeating: 0, count: Int(length)), to: path, at: offset)
    }

    public static func read(_ path: String, at offset: UInt64, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var b = [UInt8](repeating: 0, count: count)
        let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n == count ? b : nil
    }
}
