import InstallerCore

/// One screen of the installer: how it looks (built from the state, so earlier answers
/// are shown again) and what its answer does to the state (pure, in `apply`).
@MainActor
protocol InstallerScreen {
    init(state: FlowState)
    var form: Form { get }
    /// The answer for the button pressed; nil means Back.
    func answer(button: String) -> ScreenAnswer?
}

/// The screens by id: the views, and the pure rules that apply their answers.
enum Screens {
    @MainActor
    static func make(_ id: ScreenID, state: FlowState) -> InstallerScreen {
        switch id {
        case .keymap: return KeymapScreen(state: state)
        case .welcome: return WelcomeScreen(state: state)
        case .planSummary: return PlanSummaryScreen(state: state)
        }
    }
}

enum ScreenRules {
    static func apply(_ answer: ScreenAnswer, on screen: ScreenID, to s: inout FlowState) -> Outcome {
        switch answer {
        case let .keymap(k): return KeymapScreen.apply(keymap: k, to: &s)
        case let .welcome(c): return WelcomeScreen.apply(c, to: &s)
        case .planSummary: return .next([])
        }
    }
}
