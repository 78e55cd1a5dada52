import InstallerCore

/// Before Select Primary Disk, for a clean installation on a computer with no disk Setup can
/// install on: says so, names the disks it examined and why each was left out, and offers
/// driver disks (a RAID card's disks appear once its driver is loaded) or Reboot. Nothing
/// has been written. Back returns to the screen before.
@MainActor
struct NoDisksScreen: InstallerScreen {
    let form: Form

    init(state: FlowState) {
        form = FormKit.message(title: "No Disk Found", text: NoDisksScreen.text(state.machine), width: 64,
            help: "Setup needs a disk of at least \(Size.humanGB(Size.minimumPrimaryDisk)) that is not removable and is not the installation media. If the disks sit behind a RAID or SAS card, choose \"Driver Disks\" to load its driver; the root shell (Alt+F2) and the event log (Alt+F3) show what the kernel found. Nothing has been written to any disk.",
            buttons: [FormButton("drivers", "Driver Disks"), FormButton("reboot", "Reboot"), .back], focus: "drivers")
    }

    nonisolated static func text(_ machine: Machine) -> String {
        let examined = machine.visibleDisks.map { d -> String in
            let why = d.removable ? "removable" : "smaller than \(Size.humanGB(Size.minimumPrimaryDisk))"
            return "  \(d.name) \(Size.humanGB(d.sizeBytes)): \(why)"
        }
        let list = examined.isEmpty ? "  (no disk at all)" : examined.joined(separator: "\n")
        return """
        Setup found no disk to install Xen Cloud Platform on. Disks examined:

        \(list)

        The installation media is never offered. Load a driver for the disk controller \
        with "Driver Disks", or switch the computer off, add a disk and start again.
        """
    }

    func answer(button: String) -> ScreenAnswer? {
        switch button {
        case "drivers": return .welcome(.driverDisks)
        case "reboot": return .welcome(.reboot)
        default: return nil
        }
    }
}
