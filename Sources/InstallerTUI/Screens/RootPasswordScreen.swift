import InstallerCore

/// Step 10: the root password, twice.
@MainActor
struct RootPasswordScreen: InstallerScreen {
    nonisolated static let minimumLength = PlanRules.minimumPasswordLength
    let form: Form
    private let password: Entry, confirm: Entry

    init(state: FlowState) {
        var current = ""
        if case let .plaintext(p) = state.answers.plan.rootPassword { current = p }
        password = Entry("Password:", value: current, labelWidth: 16, fieldWidth: 20, masked: true)
        confirm = Entry("Confirm:", value: current, labelWidth: 16, fieldWidth: 20, masked: true)
        form = Form(title: "Set Password", width: 56, body: [
            TextBlock("Please specify the root password for this installation. It must be at least \(RootPasswordScreen.minimumLength) characters long; you will use it to log in and when a management console connects to this host."),
            Spacer(), password, confirm,
        ], buttons: [.ok, .back], help: "Type the password twice. It is stored only as a SHA-512 hash on the installed host and never shown or logged.")
    }

    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .rootPassword(password.value, confirm: confirm.value) : nil }

    nonisolated static func apply(_ pw: String, confirm: String, to s: inout FlowState) -> Outcome {
        if pw != confirm { return .invalid(title: "Password Error", message: "The passwords you entered did not match. Please try again.") }
        var p = s.answers.plan
        p.rootPassword = .plaintext(pw)
        if let refused = ScreenRules.check(p, s, fields: { $0 == .rootPassword }) { return refused }
        s.answers.plan.rootPassword = .plaintext(pw)
        EventLog.shared.addSecret(pw)
        return .next([])
    }
}
