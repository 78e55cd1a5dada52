import InstallerCore

/// Driver disks, last screen: what was loaded and which disks appeared; Ok returns to Welcome.
@MainActor
struct DriverLoadedScreen: InstallerScreen {
    let form: Form

    init(state: FlowState) {
        let d = state.driverDisk
        var text = d.loaded.map { "Loaded: " + $0.summary + ($0.firmware.isEmpty ? "" : "\n  firmware: " + $0.firmware.joined(separator: ", ")) }
            .joined(separator: "\n")
        text += "\n\n"
        text += d.newDisks.isEmpty
            ? "No new disk was found with these drivers."
            : "Disks found with these drivers:\n" + d.newDisks.map { "  " + $0 }.joined(separator: "\n")
        text += "\n\nThe drivers will be installed on the new system too."
        form = FormKit.message(title: "Drivers Loaded", text: text, width: 70,
                               help: "Ok returns to the Welcome screen, where you can load another driver disk or go on with the installation.",
                               buttons: [.ok])
    }

    func answer(button: String) -> ScreenAnswer? { .driversDone }

    nonisolated static func apply(to s: inout FlowState) -> Outcome {
        s.driverDisk.active = false
        return .returnTo(.welcome, [])
    }
}
