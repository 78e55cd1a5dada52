import InstallerCore

/// Driver disks of an unattended install (`<driver-source>`): loaded before the plan is
/// checked against the disks, so a disk that needs one of their drivers is there (on a
/// profile machine it becomes visible; with --real-hardware the modules are insmod'ed and
/// the hardware probed again). Remote driver sources need the network up first.
extension UnattendedInstall {
    static func loadDriverSources(_ plan: InstallPlan, machine: Machine, backend: InstallerBackend,
                                  say: (String) -> Void) throws(InstallerError) -> Machine {
        var m = machine
        for source in plan.driverSources {
            let (loaded, probed) = try backend.loadDrivers(source, machine: m, detect: false)
            m = probed
            say("Loaded drivers from \(source.displayName): " + loaded.map(\.summary).joined(separator: ", "))
        }
        return m
    }
}
