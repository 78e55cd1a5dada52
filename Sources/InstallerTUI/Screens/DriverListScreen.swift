import InstallerCore

/// Driver disks: the drivers found on the source, and the confirmation to load them.
@MainActor
struct DriverListScreen: InstallerScreen {
    let form: Form

    init(state: FlowState) {
        let d = state.driverDisk
        var lines: [String] = []
        for f in d.found {
            var entry = "  \(f.name) \(f.version)"
            if !f.description.isEmpty { entry += " - " + f.description }
            entry += "\n    modules: " + (f.modules.isEmpty ? "none" : f.modules.joined(separator: ", "))
            if !f.firmware.isEmpty { entry += "\n    firmware: " + f.firmware.joined(separator: ", ") }
            lines.append(entry)
        }
        let text = """
        The following drivers were found on \(d.source?.displayName ?? "the driver disk"):

        \(lines.joined(separator: "\n"))

        Load them into the installer now? They are installed on the new system too.
        """
        form = FormKit.message(title: "Load Drivers", text: text, width: 70,
                               help: "Load checks each driver's checksum, loads it into the running installer and probes the hardware again, so disks behind the driver appear in the disk lists. The drivers are also copied into the installed system (/lib/modules/VERSION/extra).",
                               buttons: [FormButton("load", "Load drivers"), .back], focus: "load")
    }

    func answer(button: String) -> ScreenAnswer? { button == "load" || button == "ok" ? .loadDrivers : nil }

    nonisolated static func apply(to s: inout FlowState) -> Outcome {
        guard let source = s.driverDisk.source, !s.driverDisk.found.isEmpty else {
            return .invalid(title: "Load Drivers", message: "No driver was found on this source. Go back and choose another one.")
        }
        return .pending([.loadDrivers(source)])
    }
}
