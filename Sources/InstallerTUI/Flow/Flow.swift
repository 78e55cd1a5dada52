import InstallerCore

/// The reducer: state + action → new state + effects. It does no I/O.
enum Flow {
    static func reduce(_ s: inout FlowState, _ action: FlowAction, table: [FlowStep] = FlowTable.main) -> [Effect] {
        switch action {
        case .start:
            s.history = []
            s.current = nextScreen(after: nil, in: s, table: table)
            return []
        case .back:
            guard let prev = s.history.popLast() else { return [] }
            s.current = prev
            return []
        case let .submit(answer):
            guard let current = s.current else { return [] }
            let outcome = ScreenRules.apply(answer, on: current, to: &s)
            switch outcome {
            case let .invalid(title, message):
                return [.showError(title: title, message: message)]
            case let .leave(effects):
                return effects
            case let .next(effects):
                s.history.append(current)
                s.current = nextScreen(after: current, in: s, table: table)
                if s.current == nil { return effects + [.finish(s.answers.plan)] }
                return effects
            }
        }
    }

    static func nextScreen(after screen: ScreenID?, in s: FlowState, table: [FlowStep]) -> ScreenID? {
        var i = screen.flatMap { sc in table.firstIndex { $0.screen == sc } }.map { $0 + 1 } ?? 0
        while i < table.count {
            if table[i].when(s) { return table[i].screen }
            i += 1
        }
        return nil
    }
}

/// What submitting a screen leads to.
enum Outcome: Equatable {
    /// Go to the next screen shown, after these effects.
    case next([Effect])
    /// Stay on the screen; show this error.
    case invalid(title: String, message: String)
    /// Stay (or leave the installer) with these effects, e.g. exit.
    case leave([Effect])
}
