import Foundation
import InstallerCore

/// A screen after Confirm: built from the state, it answers with an `EndAnswer` (these
/// screens have no Back) and follows the state while it is shown (the progress bar).
@MainActor
protocol EndScreen {
    var form: Form { get }
    /// The answer for the button pressed; nil: nothing to do (F12 on a progress window).
    func answer(button: String) -> EndAnswer?
    /// Shows what changed in the state while the screen is up.
    func update(_ state: FlowState)
}

extension EndScreen {
    func update(_ state: FlowState) {}
}

/// The screens after Confirm, by id.
@MainActor
enum EndScreens {
    static func make(_ id: EndScreenID, state: FlowState) -> EndScreen {
        switch id {
        case .progress: return ProgressScreen(state: state)
        case .setTime: return SetTimeScreen(state: state)
        case .linuxPackDisc: return LinuxPackDiscScreen(state: state)
        case .complete: return CompleteScreen(state: state)
        case .failed: return FailedScreen(state: state)
        case .saveBundle: return SaveBundleScreen(state: state)
        }
    }
}

/// The install's progress: the step and the time left, and Alt-F2/F3 meanwhile; then the
/// Linux Pack's, from its disc.
@MainActor
struct ProgressScreen: EndScreen {
    let form: Form
    private let step: TextBlock
    private let bar: ProgressBar

    init(state: FlowState) {
        let i = state.install ?? InstallState(mode: state.answers.plan.mode)
        let help = i.linuxPackRunning ? "The Linux Pack's packages are being installed onto the new system."
            : "The installation is running. Alt-F2 opens a shell and Alt-F3 the event log meanwhile; Alt-F1 comes back here."
        (form, step, bar) = FormKit.progress(title: i.title, text: i.progress.step, help: help)
        update(state)
    }

    func answer(button: String) -> EndAnswer? { nil }

    func update(_ state: FlowState) {
        guard let p = state.install?.progress else { return }
        bar.fraction = p.fraction
        bar.secondsLeft = p.secondsLeft
        step.text = p.step
    }
}

/// The guide's step 17: after the main installation, "insert the Linux Pack disc". Each
/// Use media reads the disc now in the drive; Skip finishes without it.
@MainActor
struct LinuxPackDiscScreen: EndScreen {
    static let help = """
    The Linux Pack is needed to run Linux VMs. Take the main disc out of the drive, put the \
    Linux Pack disc in, and choose "Use media". "Skip" finishes the installation without it; \
    it can be added later with install.sh from the Linux Pack disc.
    """
    let form: Form
    init(state: FlowState) {
        let main = state.install?.linuxPackDisc ?? MediaIdentity(product: "", version: "")
        form = Form(title: "Linux Pack", width: 60, body: [TextBlock("""
            The main installation is complete. Please eject the main disc, insert the Linux Pack \
            disc for \(main.product) \(main.version), then choose "Use media".
            """)], buttons: [FormButton("use", "Use media"), FormButton("skip", "Skip")],
            help: Self.help, focusButton: "use")
    }
    func answer(button: String) -> EndAnswer? { button == "skip" ? .skipDisc : .useDisc }
}

/// Step 18: Installation Complete. Ok reboots (on a profile machine the installer exits).
@MainActor
struct CompleteScreen: EndScreen {
    let form: Form
    init(state: FlowState) {
        let what = state.machine.isReal ? "press Enter to reboot" : "press Enter to leave the installer"
        let done: String
        switch state.answers.plan.mode {
        case .fresh: done = "The Xen Cloud Platform installation has completed."
        case .reinstall: done = "The upgrade of Xen Cloud Platform has completed. The previous installation is kept on the backup partition."
        case .restore: done = "The restore from the backup has completed; the backup itself is unchanged."
        }
        form = UI.messageForm("Installation Complete", "\(done)\n\nPlease remove any local media from the drive, and \(what).", width: 60)
    }
    func answer(button: String) -> EndAnswer? { .leave }
}

/// What failed, in plain words; the log, a shell, the support bundle and leaving are
/// offered, and nothing happens until the administrator chooses.
@MainActor
struct FailedScreen: EndScreen {
    let form: Form
    init(state: FlowState) {
        let error = state.install?.error ?? .failed("the installation did not finish")
        // What went wrong first (it starts a line, whatever the length of the path), then where.
        let what = error.message + (error.hint.map { " (\($0))" } ?? "")
        let place = error.location.isEmpty ? "" : "\n\nWhere: \(error.location)"
        let text = """
        The installation could not be completed:

        \(what)\(place)

        The event log (Alt-F3, or "View log") shows every step and command; it is also in \(state.options.logPath).
        """
        form = UI.messageForm("Installation Failed", text, buttons: [FormButton("log", "View log"), FormButton("shell", "Shell"),
                                                                     FormButton("bundle", "Save bundle"), FormButton("ok", "Leave")],
                              width: 68, focus: "log")
    }
    func answer(button: String) -> EndAnswer? {
        switch button {
        case "log": return .viewLog
        case "shell": return .shell
        case "bundle": return .saveBundle
        default: return .leave
        }
    }
}

/// Where to save the support bundle (a directory, ftp://host/dir/ or server:/dir).
@MainActor
struct SaveBundleScreen: EndScreen {
    let form: Form
    private let place: Entry
    init(state: FlowState) {
        place = Entry("Save to:", value: state.options.bundleDirectory, labelWidth: 10, fieldWidth: 48)
        form = Form(title: "Save Support Bundle", width: 64, body: [
            TextBlock("The bundle holds the event log, the hardware found and the answerfile, with the password removed. Save it to a directory (for example a USB stick), an FTP location (ftp://server/dir/) or an NFS location (server:/dir)."),
            Spacer(), place,
        ], buttons: [.ok, FormButton("back", "Cancel")], help: "Type where to save the bundle and press Enter.")
    }
    func answer(button: String) -> EndAnswer? { .bundle(to: button == "ok" ? place.value : nil) }
}
