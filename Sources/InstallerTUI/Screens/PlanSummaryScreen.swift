import InstallerCore

/// Shows the install plan gathered so far; Ok finishes the flow.
@MainActor
struct PlanSummaryScreen: InstallerScreen {
    let form: Form

    init(state: FlowState) {
        let p = state.answers.plan
        let text = """
        The installer has gathered this plan so far:

          Keymap:        \(p.keymap)
          Disks found:   \(state.machine.visibleDisks.map(\.label).joined(separator: ", "))
          Network cards: \(state.machine.nics.map(\.label).joined(separator: ", "))

        Choose Ok to print the plan and leave the installer. Nothing has been written to any disk.
        """
        form = Form(title: "Installation Plan", width: 70, body: [TextBlock(text, maxRows: 14)],
                    buttons: [.ok, .back], help: "This screen lists what you have chosen so far. Ok prints the plan as JSON and leaves; Back returns to the previous screen.")
    }

    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .planSummary : nil }
}
