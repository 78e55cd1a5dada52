import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// Drives a pure reducer one action at a time and checks the WHOLE state after each one
/// (the Composable Architecture's test store, without the package): the test says what the
/// action changes, the tester applies that to a copy of the state before the action and
/// requires the reducer's state to equal it, so a change the test did not expect fails with
/// the differing lines of both states. The effects are checked the same way.
///
///     var t = FlowTester(FlowState(machine: m))
///     t.send(.start) { $0.current = .keymap; ... }
///     t.send(.submit(.keymap("uk")), effects: [.applyKeymap("uk")]) {
///         $0.answers.plan.keymap = "uk"; $0.history = [.keymap]; $0.current = .welcome
///     }
struct ReducerTester<State: Equatable, Action, Effect: Equatable> {
    private(set) var state: State
    let reduce: (inout State, Action) -> [Effect]
    /// Where a mismatch is reported: a test issue (the tester's own test collects them).
    var report: (String, SourceLocation) -> Void = { text, at in Issue.record(Comment(rawValue: text), sourceLocation: at) }

    init(_ state: State, reduce: @escaping (inout State, Action) -> [Effect]) {
        self.state = state; self.reduce = reduce
    }

    /// Sends `action`; `expect` makes, on the state before it, every change the action must make.
    @discardableResult
    mutating func send(_ action: Action, effects expectedEffects: [Effect] = [],
                       sourceLocation: SourceLocation = #_sourceLocation,
                       _ expect: (inout State) -> Void = { _ in }) -> [Effect] {
        var expected = state
        expect(&expected)
        let effects = reduce(&state, action)
        if state != expected {
            let text = "the state after \(action) is not the expected one:\n" + Self.difference(expected, state)
            report(text, sourceLocation)
        }
        if effects != expectedEffects {
            let text = "the effects of \(action) are not the expected ones:\n" + Self.difference(expectedEffects, effects)
            report(text, sourceLocation)
        }
        return effects
    }

    /// The lines of `dump` that differ (a longest-common-subsequence diff): "- expected",
    /// "+ actual", each run after the unchanged line above it (the field it belongs to).
    static func difference<T>(_ expected: T, _ actual: T) -> String {
        var e = "", a = ""
        dump(expected, to: &e); dump(actual, to: &a)
        let x = e.split(separator: "\n").map(String.init), y = a.split(separator: "\n").map(String.init)
        // lcs[i][j]: the common subsequence length of x[i...] and y[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = [], i = 0, j = 0, context: String?
        func change(_ line: String) {
            if let c = context { out.append("  " + c); context = nil }
            out.append(line)
        }
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] { context = x[i]; i += 1; j += 1 }
            else if i < x.count, j == y.count || lcs[i + 1][j] >= lcs[i][j + 1] { change("- " + x[i]); i += 1 }
            else { change("+ " + y[j]); j += 1 }
            if out.count > 60 { out.append("…"); break }
        }
        return out.joined(separator: "\n")
    }
}

/// The screen flow's tester: `Flow.reduce` over `FlowState`.
typealias FlowTester = ReducerTester<FlowState, FlowAction, Effect>

extension ReducerTester where State == FlowState, Action == FlowAction, Effect == InstallerTUI.Effect {
    init(_ state: FlowState, table: [FlowStep] = FlowTable.main) {
        self.init(state) { s, a in Flow.reduce(&s, a, table: table) }
    }
}
