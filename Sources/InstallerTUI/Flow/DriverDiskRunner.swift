import Foundation
import InstallerCore

/// The runner's side of the driver disk sequence: reading the driver disk, loading its
/// drivers (insmod on real hardware), probing the hardware again (and looking again for
/// installations, which may sit on a disk that just appeared).
@MainActor
extension FlowRunner {
    func scanDriverDisk(_ source: Source) -> FlowAction {
        let machine = state.machine
        return ui.wait(BackgroundTask { [effects] in effects.scanDriverDisk(source, machine: machine) }, "Please wait", "Searching for drivers at \(source.displayName)...")
    }

    func loadDrivers(_ source: Source) -> FlowAction {
        let machine = state.machine
        return ui.wait(BackgroundTask { [effects] in effects.loadDrivers(source, machine: machine) }, "Please wait", "Loading drivers...")
    }
}
