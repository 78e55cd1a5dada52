import InstallerCore

/// Step 18: Installation Complete. Ok reboots (on a profile machine the installer exits).
@MainActor
enum EndScreens {
    static func complete(_ ui: UI, machine: Machine) {
        let what = machine.isReal ? "press Enter to reboot" : "press Enter to leave the installer"
        ui.message("Installation Complete", "The Xen Cloud Platform installation has completed.\n\nPlease remove any local media from the drive, and \(what).", width: 60)
    }

    /// What failed, in plain words; the log, a shell and leaving are offered, and nothing
    /// happens until the administrator chooses (the error can always be read first).
    static func failed(_ ui: UI, consoles: Consoles?, error: InstallerError, logPath: String) {
        let text = """
        The installation could not be completed:

        \(error.description)

        The event log (Alt-F3, or "View log") shows every step and command; it is also in \(logPath).
        """
        var buttons = [FormButton("log", "View log"), FormButton("shell", "Shell"), FormButton("ok", "Leave")]
        if consoles == nil { buttons.removeFirst(2) }
        while true {
            let choice = ui.message("Installation Failed", text, buttons: buttons, width: 68, focus: "log")
            switch choice {
            case "log": consoles?.show(3)
            case "shell": consoles?.show(2)
            default: return
            }
        }
    }
}
