import InstallerCore

/// Select Keymap: the first screen. Only an Ok button, as in the guide.
@MainActor
struct KeymapScreen: InstallerScreen {
    static let help = """
    Choose the keyboard layout of the console. The list shows each keymap with its \
    layout family in brackets; "us" and "uk" come first. Type the start of a keymap's \
    name ("fr", "de-l") to jump to it; the same letter again goes to the next one. The \
    keymap is used by the installer now and by the installed host.
    """

    let form: Form
    private let list: ListBox
    private let names: [String]

    init(state: FlowState) {
        let catalogue = (try? KeymapCatalogue.load()) ?? KeymapCatalogue(text: "qwerty/us\nqwerty/uk")
        names = catalogue.entries.map(\.name)
        let current = names.firstIndex(of: state.answers.plan.keymap) ?? 0
        list = ListBox(catalogue.entries.map(\.label), selected: current, rows: 8)
        form = Form(title: "Select Keymap", width: 52,
                    body: [TextBlock("Please select the keymap you would like to use:"), Spacer(), list],
                    buttons: [.ok], help: KeymapScreen.help)
    }

    func answer(button: String) -> ScreenAnswer? {
        names.isEmpty ? .keymap("us") : .keymap(names[list.selected])
    }

    nonisolated static func apply(keymap: String, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.keymap = keymap
        if let refused = ScreenRules.check(p, s, fields: { $0 == .keymap }) { return refused }
        s.answers.plan.keymap = keymap
        return .next([.applyKeymap(keymap)])
    }
}
