import InstallerCore

/// Every screen of the interactive installer.
enum ScreenID: String, CaseIterable, Sendable {
    case keymap
    case welcome
    case planSummary
}

/// What the administrator has answered so far. Screens read their defaults from here,
/// which is how going Back shows the earlier answers.
struct Answers: Equatable, Sendable {
    var plan = InstallPlan()
}

struct FlowOptions: Equatable, Sendable {
    var dryRun = false
}

/// The whole state of the screen flow: pure data, so a flow can be tested without a terminal.
struct FlowState: Equatable, Sendable {
    var machine: Machine
    var answers = Answers()
    var options = FlowOptions()
    /// The screen shown now; nil once the flow has finished.
    var current: ScreenID?
    /// Screens shown before this one, for Back.
    var history: [ScreenID] = []

    init(machine: Machine, options: FlowOptions = FlowOptions()) {
        self.machine = machine; self.options = options
    }
}

/// What a screen answered when it was left with Ok (or F12, or Enter in a list).
enum ScreenAnswer: Equatable, Sendable {
    case keymap(String)
    case welcome(WelcomeChoice)
    case planSummary
}

enum WelcomeChoice: Equatable, Sendable { case install, driverDisks, reboot }

enum FlowAction: Equatable, Sendable {
    case start
    case submit(ScreenAnswer)
    case back
}

/// Work the runner does for the flow; its results come back as actions.
enum Effect: Equatable, Sendable {
    /// Load the keymap into the console (real Linux console only).
    case applyKeymap(String)
    /// A dialog naming what was wrong; the screen stays.
    case showError(title: String, message: String)
    /// The flow is done: print or install this plan.
    case finish(InstallPlan)
    /// Leave the installer with this status (3: cancelled).
    case exit(Int32)
}
