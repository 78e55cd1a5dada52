import Foundation

/// The mirrors of a mirrored installation (root, backup, storage: partitions 1, 2 and 3 of
/// its disks), assembled for an upgrade or a restore from the explicit members only (never
/// `--scan`, so no other array on the machine is touched), and stopped again at the end.
/// Arrays the kernel already runs over exactly these members are used as they are, and left running.
final class MirrorAssembly {
    private let commands: any CommandRunning
    /// Each partition number's md device (`1: /dev/md0`).
    private(set) var devices: [Int: String] = [:]
    /// The arrays, for mdadm.conf.
    private(set) var arrays: [SoftwareRAID.MDArray] = []
    private var assembled: [String] = []

    init(commands: any CommandRunning) { self.commands = commands }

    /// Assembles the mirror of partition `number` of `disks` (each its devices and table);
    /// `readOnly` (`--readonly`): nothing can write it while it runs (a restore's backup).
    /// Refuses when a disk's partition is not a current member of one array with the others.
    func assemble(_ number: Int, name: String, disks: [(PartitionDevices, PartitionTable)], readOnly: Bool) throws(InstallerError) -> String {
        if let d = devices[number] { return d }
        var members: [String] = []
        var uuids = Set<String>()
        for (d, t) in disks {
            guard let e = t.entry(number), let m = MDMember.read(d.disk.path, offset: e.start * t.sectorSize, length: e.length * t.sectorSize) else {
                throw .failed("partition \(number) is not a member of a mirror", at: d.disk.name, hint: "the disks are not the mirrored installation that was found")
            }
            uuids.insert(m.arrayUUID)
            members.append(try d.device(number, of: t))
        }
        guard uuids.count == 1 else {
            throw .failed("partitions \(members.joined(separator: " and ")) belong to different mirrors", at: members.joined(separator: ", "))
        }
        let names = members.map { ($0 as NSString).lastPathComponent }
        if let running = SoftwareRAID.arrays(holdingPartitions: names) {
            commands.log.log("md: /dev/\(running) already runs the mirror \(name) of \(members.joined(separator: " and ")); using it")
            devices[number] = "/dev/\(running)"
            arrays.append(SoftwareRAID.MDArray(device: "/dev/\(running)", name: name, members: members))
            return "/dev/\(running)"
        }
        let dev = "/dev/md\(SoftwareRAID.freeNumbers(1)[0])"
        // Without --run: an array that lacks a member is not started (a degraded mirror is refused before).
        let r = commands.run(["mdadm", "--assemble", dev] + (readOnly ? ["--readonly"] : []) + members)
        guard r.ok else {
            throw .failed("cannot assemble the mirror \(name) of \(members.joined(separator: " and ")): \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: dev)
        }
        assembled.append(dev)
        guard PartitionDevices.appears(dev, tenths: 50) else { throw .failed("the md device did not appear", at: dev) }
        commands.log.log("md: assembled \(dev), the mirror \(name) of \(members.joined(separator: " and "))" + (readOnly ? ", read-only" : ""))
        devices[number] = dev
        arrays.append(SoftwareRAID.MDArray(device: dev, name: name, members: members))
        return dev
    }

    /// Stops the arrays this assembled (newest first); those found running stay.
    func stop() {
        while let dev = assembled.popLast() { SoftwareRAID.stop(dev, commands: commands) }
    }
}
