import InstallerCore

/// The screens after Confirm, the reducer's second table (`InstallFlow`): they follow
/// the install's reports rather than a fixed order.
enum EndScreenID: String, CaseIterable, Sendable {
    /// The install's progress (or the Linux Pack's, once its disc is read).
    case progress
    /// "Set local time" (manual time entry), asked near 90 % or after the install.
    case setTime
    /// "Insert the Linux Pack disc": Use media / Skip (the guide's step 17).
    case linuxPackDisc
    /// Installation Complete (step 18).
    case complete
    /// Installation Failed: the error, the log, a shell, the support bundle, Leave.
    case failed
    /// Where to save the support bundle.
    case saveBundle
}

/// What the progress screen shows.
struct ProgressInfo: Equatable, Sendable {
    var fraction = 0.0
    var step: String
    var secondsLeft: Double?
}

/// The state after Confirm: pure data, as the rest of `FlowState`.
struct InstallState: Equatable, Sendable {
    var screen: EndScreenID = .progress
    /// The progress screen's title: the install's, then "Installing Linux Pack".
    var title: String
    var progress = ProgressInfo(step: "Preparing for installation...")
    /// The main install (or the Linux Pack's) is running.
    var running = true
    /// The set-time dialog has been shown (it is asked once).
    var timeAsked = false
    /// How the main install ended, once it has (kept while the time is still asked).
    var result: Result<InstallSummary, InstallerError>?
    /// The installed product, when the Linux Pack is asked for on its own disc.
    var linuxPackDisc: MediaIdentity?
    /// Why the install failed (the failure screen).
    var error: InstallerError?
    /// The Linux Pack is being installed from its disc (the progress screen shows it).
    var linuxPackRunning = false

    init(mode: InstallPlan.Mode) {
        switch mode {
        case .restore: title = "Restoring From Backup"
        case .reinstall: title = "Upgrading Xen Cloud Platform"
        case .fresh: title = "Installing Xen Cloud Platform"
        }
    }

    /// The set-time dialog is drawn over the progress window while the install runs.
    var overProgress: Bool { screen == .setTime && running }
}

/// The buttons of the screens after Confirm.
enum EndAnswer: Equatable, Sendable {
    /// Set local time: the fields as typed (validated by the reducer).
    case setTime(year: String, month: String, day: String, hour: String, minute: String)
    case useDisc, skipDisc
    case viewLog, shell, saveBundle
    /// Where to save the support bundle; nil: Cancel.
    case bundle(to: String?)
    /// Ok on Installation Complete, Leave on the failure screen.
    case leave
}

/// What "Use media" found in the drive.
enum DiscCheck: Equatable, Sendable {
    case noDisc
    /// Not the Linux Pack for this product: what it is (the error's message, without the drive).
    case wrongDisc(String)
    /// The right Linux Pack; `installLinuxPack` installs it.
    case ready
}
