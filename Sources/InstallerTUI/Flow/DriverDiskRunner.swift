import Foundation
import InstallerCore

/// The runner's side of the driver disk sequence: reading the driver disk, loading its
/// drivers (insmod on real hardware), probing the hardware again (and looking again for
/// installations, which may sit on a disk that just appeared).
@MainActor
extension FlowRunner {
    func scanDriverDisk(_ source: Source) -> FlowAction {
        let machine = state.machine
        return ui.wait(BackgroundTask { () -> FlowAction in
            do throws(InstallerError) {
                let found = try DriverDisk.scan(source, machine: machine)
                EventLog.shared.log("driver disk \(source.displayName): " + found.map(\.summary).joined(separator: "; "))
                return .driverDiskScanned(found: found, error: nil)
            } catch {
                EventLog.shared.log("driver disk \(source.displayName): \(error.description)")
                return .driverDiskScanned(found: [], error: error.description + "\n\nCheck the location (and the network settings, for a server) and try again.")
            }
        }, "Please wait", "Searching for drivers at \(source.displayName)...")
    }

    func loadDrivers(_ source: Source) -> FlowAction {
        let machine = state.machine
        return ui.wait(BackgroundTask { () -> FlowAction in
            do throws(InstallerError) {
                var (loaded, m) = try DriverDisk.load(source, machine: machine)
                let found = InstallationDetector.detect(m)
                m.installations = found.installations
                m.backups = found.backups
                EventLog.shared.log("hardware probed again: \(m.visibleDisks.count) disks (\(m.visibleDisks.map(\.name).joined(separator: ", ")))")
                return .driversLoaded(loaded: loaded, machine: m, error: nil)
            } catch {
                EventLog.shared.log("loading drivers from \(source.displayName) failed: \(error.description)")
                return .driversLoaded(loaded: [], machine: nil, error: error.description)
            }
        }, "Please wait", "Loading drivers...")
    }
}
