import Foundation
import InstallerCore

/// Step 18: Installation Complete. Ok reboots (on a profile machine the installer exits).
@MainActor
enum EndScreens {
    static func complete(_ ui: UI, machine: Machine, mode: InstallPlan.Mode = .fresh) {
        let what = machine.isReal ? "press Enter to reboot" : "press Enter to leave the installer"
        let done: String
        switch mode {
        case .fresh: done = "The Xen Cloud Platform installation has completed."
        case .reinstall: done = "The upgrade of Xen Cloud Platform has completed. The previous installation is kept on the backup partition."
        case .restore: done = "The restore from the backup has completed; the backup itself is unchanged."
        }
        ui.message("Installation Complete", "\(done)\n\nPlease remove any local media from the drive, and \(what).", width: 60)
    }

    /// What failed, in plain words; the log, a shell and leaving are offered, and nothing
    /// happens until the administrator chooses (the error can always be read first).
    static func failed(_ ui: UI, consoles: Consoles?, error: InstallerError, logPath: String,
                       bundle: SupportBundle.Contents, bundleDirectory: String) {
        // What went wrong first (it starts a line, whatever the length of the path), then where.
        let what = error.message + (error.hint.map { " (\($0))" } ?? "")
        let place = error.location.isEmpty ? "" : "\n\nWhere: \(error.location)"
        let text = """
        The installation could not be completed:

        \(what)\(place)

        The event log (Alt-F3, or "View log") shows every step and command; it is also in \(logPath).
        """
        var buttons = [FormButton("log", "View log"), FormButton("shell", "Shell"), FormButton("bundle", "Save bundle"), FormButton("ok", "Leave")]
        if consoles == nil { buttons.removeFirst(2) }
        while true {
            let choice = ui.message("Installation Failed", text, buttons: buttons, width: 68, focus: "log")
            switch choice {
            case "log": consoles?.show(3)
            case "shell": consoles?.show(2)
            case "bundle": saveBundle(ui, bundle, defaultDirectory: bundleDirectory)
            default: return
            }
        }
    }

    /// Asks where to save the support bundle (a directory, ftp://host/dir/ or server:/dir).
    static func saveBundle(_ ui: UI, _ contents: SupportBundle.Contents, defaultDirectory: String) {
        let place = Entry("Save to:", value: defaultDirectory, labelWidth: 10, fieldWidth: 48)
        let form = Form(title: "Save Support Bundle", width: 64, body: [
            TextBlock("The bundle holds the event log, the hardware found and the answerfile, with the password removed. Save it to a directory (for example a USB stick), an FTP location (ftp://server/dir/) or an NFS location (server:/dir)."),
            Spacer(), place,
        ], buttons: [.ok, FormButton("back", "Cancel")], help: "Type where to save the bundle and press Enter.")
        guard ui.run(form) == "ok" else { return }
        let log = EventLog.shared
        do throws(InstallerError) {
            let path = try ui.working("Please wait", "Saving the support bundle...") { () throws(InstallerError) -> String in
                let tmp = try SupportBundle.write(contents, toDirectory: NSTemporaryDirectory() + "hi-bundle-\(getpid())", secrets: log.secrets)
                defer { try? FileManager.default.removeItem(atPath: (tmp as NSString).deletingLastPathComponent) }
                return try Upload.save(tmp, to: place.value.trimmingCharacters(in: .whitespaces))
            }
            log.log("support bundle saved: \(path)")
            ui.message("Support Bundle Saved", "The support bundle was saved as:\n\n\(path)")
        } catch {
            ui.message("Support Bundle Not Saved", error.description)
        }
    }
}
