import Foundation

/// Restore from the backup partition (mode `restore`, reference 5.6): the backup on
/// partition 2 (read-only, never written) is copied onto a new root filesystem on
/// partition 1, which boots again with the backup's root label.
final class Restore: InstallProcedure {
    private let context: InstallContext
    private var log: EventLog { context.log }
    private var mounts = MountStack()
    private var assembly: MirrorAssembly?
    private var others: [(PartitionDevices, PartitionTable)] = []

    init(_ context: InstallContext) { self.context = context }

    func release() {
        mounts.release(log: log)
        assembly?.stop()
        for (d, _) in others { d.release() }
    }

    /// The root label the backup's system boots with: extlinux.conf's `root=LABEL=`, else fstab's `/`.
    static func rootLabel(backup: String) -> String? {
        for p in [Extlinux.configPath, "/boot/extlinux.conf"] {
            if let t = try? String(contentsOfFile: backup + p, encoding: .utf8), let r = t.range(of: "root=LABEL=") {
                let label = t[r.upperBound...].prefix { !$0.isWhitespace }
                if !label.isEmpty { return String(label) }
            }
        }
        if let t = try? String(contentsOfFile: backup + "/etc/fstab", encoding: .utf8) {
            for line in t.split(separator: "\n") {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if f.count >= 2, f[1] == "/", f[0].hasPrefix("LABEL=") { return String(f[0].dropFirst(6)) }
            }
        }
        return nil
    }

    func run(_ steps: StepRunner) throws(InstallerError) -> InstallSummary {
        let mirror = try Upgrade.validate(context.plan, context.machine, repositories: [], postInstallAccessor: false, log: log)
        let (devices, table) = try Upgrade.diskAndTable(context)
        let disk = devices.disk
        others = try Upgrade.mirrorDisks(mirror, context, primary: disk, field: "backup-disk")
        let others = self.others
        var backup = "", label = "", rootDev = "", root = ""
        try steps.run(.check) { _ throws(InstallerError) in
            try DiskSafety.check(disk, primary: true, mediaPaths: context.machine.cdrom?.discs ?? [], log: log)
            for (d, _) in others { try DiskSafety.check(d.disk, primary: true, mediaPaths: context.machine.cdrom?.discs ?? [], log: log) }
            let backupDev: String
            if !others.isEmpty {
                // The backup mirror read-only (--readonly: md itself refuses any write to it).
                let a = MirrorAssembly(commands: context.commands)
                assembly = a
                backupDev = try a.assemble(2, name: "backup", disks: [(devices, table)] + others, readOnly: true)
            } else {
                backupDev = try devices.device(2, of: table, readOnly: true)
            }
            backup = try mounts.mount(backupDev, devices: devices, readOnly: true, commands: context.commands)
            guard FileManager.default.fileExists(atPath: backup + InstallationDetector.backupMarker) else {
                throw .failed("partition 2 holds no complete backup (no \(InstallationDetector.backupMarker))", at: disk.name)
            }
            guard let l = Self.rootLabel(backup: backup) else {
                throw .failed("the backup names no root label (extlinux.conf root=LABEL=, fstab)", at: disk.name)
            }
            label = l
            log.log("restoring the backup on \(disk.name)2 onto \(disk.name)1, root label \(label)")
        }
        try steps.run(.filesystems) { _ throws(InstallerError) in
            if let a = assembly {
                rootDev = try a.assemble(1, name: "root", disks: [(devices, table)] + others, readOnly: false)
            } else {
                rootDev = try devices.device(1, of: table)
            }
            try Filesystem.makeExt3(rootDev, label: label, commands: context.commands)
        }
        try steps.run(.mount) { _ throws(InstallerError) in root = try mounts.mount(rootDev, devices: devices, readOnly: false, commands: context.commands) }
        try steps.run(.restore) { progress throws(InstallerError) in
            let total = max(TreeCopy.dataBytes(backup), 1)
            let t0 = Date()
            var copy = TreeCopy(source: backup, target: root, log: log, environment: context.environment)
            copy.skipTopLevel = ["lost+found", String(InstallationDetector.backupMarker.dropFirst())]
            try copy.run { n in progress(Double(n) / Double(total)) }
            try TreeCopy.flush(root)
            log.log(String(format: "restore: %.1f MiB in %.2f s", Double(copy.bytes) / 1048576, Date().timeIntervalSince(t0)))
        }
        try steps.run(.bootloader) { _ throws(InstallerError) in
            let dir = root + "/boot/extlinux"
            guard FileManager.default.fileExists(atPath: dir + "/extlinux.conf") else {
                throw .failed("the backup has no /boot/extlinux/extlinux.conf", at: disk.name, hint: "only extlinux backups can be restored by this build")
            }
            let r = context.commands.run(["extlinux", "--install", dir])
            guard r.ok else { throw .failed("extlinux failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dir) }
            // A mirror: the MBR code and the ESP's GRUB on each disk, so that either boots alone.
            for (d, t) in [(devices, table)] + others {
                let mbr = Extlinux.mbrFile(label: t.label == "gpt" ? .gpt : .msdos)
                guard let code = FileManager.default.contents(atPath: mbr), code.count >= 440 else {
                    throw .failed("the MBR boot code is missing", at: mbr, hint: "install the syslinux-common package")
                }
                try DiskBytes.write(Array(code.prefix(440)), to: d.disk.path, at: 0)
                // UEFI: the ESP's menu must name the restored root's label and kernels.
                if let e = EfiGrub.existingESP(t) {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/boot")) ?? []
                    guard let k = Extlinux.findKernels(bootNames: names) else { throw .failed("the backup has no kernel in /boot", at: disk.name) }
                    let dev = try d.device(e.number, of: t)
                    defer { d.release(dev) }
                    try EfiGrub.install(device: dev, kernels: k, rootLabel: label, machineMiB: context.machine.memoryMiB, commands: context.commands)
                }
            }
        }
        var version = ""
        try steps.run(.finish) { _ throws(InstallerError) in
            version = SystemFiles.parseKeyValues((try? String(contentsOfFile: root + InstallationDetector.inventoryPath, encoding: .utf8)) ?? "")["PRODUCT_VERSION"] ?? ""
            try mounts.unmountAll()
            assembly?.stop()
        }
        return InstallSummary(rootLabel: label, primaryDisk: disk.name, productVersion: version)
    }
}
