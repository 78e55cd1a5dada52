import InstallerCore

extension FlowState {
    /// Why the installation chosen for an upgrade cannot be upgraded from the source last
    /// checked (another product, or a newer version than the media); nil when it can, or
    /// when no upgrade is chosen or no source has been checked yet.
    var upgradeRefusal: String? {
        guard isUpgrade, let media = answers.media,
              let inst = machine.installations.first(where: { $0.isOn(answers.plan.primaryDisk) }) else { return nil }
        return UpgradeCompatibility.refusal(inst, mediaProduct: media.product, mediaVersion: media.version)
    }
}

/// After the source is checked, when the upgrade chosen is not possible from it: says why,
/// and offers a clean installation (which erases the disk) or Back to choose other media.
@MainActor
struct UpgradeRefusedScreen: InstallerScreen {
    let form: Form

    init(state: FlowState) {
        let why = state.upgradeRefusal ?? "this media cannot upgrade it"
        let media = state.answers.media.map { "\($0.product) \($0.version)" } ?? "this media"
        form = FormKit.message(title: "Upgrade Not Possible", text: """
        Setup cannot upgrade from this media (\(media)): \(why).

        Only a clean installation is possible from it, and a clean installation ERASES the \
        existing installation on \(state.answers.plan.primaryDisk).

        Choose Back to use other media, or "Clean installation" to go on with a clean \
        installation.
        """, width: 64, help: "An installation can only be upgraded by media of the same product with the same or a newer version. Back returns to the choice of installation source; nothing has been written to any disk.",
            buttons: [FormButton("clean", "Clean installation"), .back], focus: "back")
    }

    func answer(button: String) -> ScreenAnswer? { button == "clean" ? .cleanInstead : nil }

    /// A clean installation instead: the flow goes on from the installation type as if
    /// "Perform clean installation" had been chosen there.
    nonisolated static func applyClean(to s: inout FlowState) -> Outcome {
        s.answers.plan.mode = .fresh
        s.answers.existing = nil
        Flow.applyDefaults(&s)
        return .jump(after: .installType, [])
    }
}
