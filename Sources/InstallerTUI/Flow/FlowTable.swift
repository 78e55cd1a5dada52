import InstallerCore

/// The screen sequence as data: each screen with the condition under which it is shown.
/// Going forward skips screens whose condition is false; Back returns along the history,
/// so skipped screens stay skipped.
struct FlowStep: Sendable {
    let screen: ScreenID
    let when: @Sendable (FlowState) -> Bool

    init(_ screen: ScreenID, when: @escaping @Sendable (FlowState) -> Bool = { _ in true }) {
        self.screen = screen; self.when = when
    }
}

enum FlowTable {
    static let main: [FlowStep] = [
        FlowStep(.keymap),
        FlowStep(.welcome),
        FlowStep(.planSummary),
    ]
}
