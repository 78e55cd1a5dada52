import InstallerCore

/// Step 16: the last chance; lists the disks that will be erased. Back is the default.
@MainActor
struct ConfirmScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        let p = state.answers.plan
        let text: String
        let button: String
        switch p.mode {
        case .fresh:
            var disks = [p.primaryDisk]
            for g in p.guestDisks where !disks.contains(g) { disks.append(g) }
            text = "Setup has all the information it needs to install Xen Cloud Platform.\n\nPlease confirm you wish to proceed: ALL DATA on these disks will be destroyed:\n\n"
                + disks.map { d in "  * " + (state.machine.disk(named: d)?.label ?? d) }.joined(separator: "\n")
            button = "Install Xen Cloud Platform"
        case .reinstall:
            text = "Setup has all the information it needs to upgrade \(state.answers.existing?.label ?? "the existing installation").\n\nThe existing installation is first copied to the backup partition of \(p.primaryDisk); its settings and VMs are kept."
            button = "Install Xen Cloud Platform"
        case .restore:
            text = "Setup will restore the backup on \(p.primaryDisk) over the installation on the same disk. The installation there now is overwritten; the VMs stay.\n\nTHIS CANNOT BE UNDONE."
            button = "Restore from backup"
        }
        form = FormKit.message(title: "Confirm Installation", text: text, width: 64,
                               help: "This is the last screen before the disks are written. Back returns to change anything.",
                               buttons: [FormButton("ok", button), .back], focus: "back")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .confirm : nil }
}
