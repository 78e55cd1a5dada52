import InstallerCore

/// Step 4 of the guide: the installer will overwrite the disks chosen.
@MainActor
struct SetupWarningScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        form = FormKit.message(title: "Xen Cloud Platform Setup", text: """
        Setup will install Xen Cloud Platform on this computer.

        WARNING: all data on the hard disks you choose to use for the installation will be \
        overwritten and lost. If the disks hold anything you want to keep, go back and make \
        a copy of it first.
        """, help: "Ok goes on to choose the disks; nothing is written before the last confirmation screen. Back returns to the welcome screen.")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .acknowledge : nil }
}

/// Step 5: no hardware virtualization, or less than 1 GiB of memory.
@MainActor
struct HardwareWarningScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        var problems: [String] = []
        if state.machine.lacksHVM {
            problems.append("  * The CPU does not support hardware virtualization, or it is switched off in the BIOS. You will not be able to run Windows VMs.")
        }
        if state.machine.lowMemory {
            problems.append("  * Xen Cloud Platform needs at least 1024 MB of memory; this computer has \(state.machine.memoryMiB) MB. The host may not start properly.")
        }
        form = FormKit.message(title: "System Hardware", text: "These problems were found with the hardware:\n\n"
            + problems.joined(separator: "\n") + "\n\nYou can go on, but Xen Cloud Platform may only partly work until they are fixed.",
            help: "Some BIOSes report hardware virtualization wrongly: if this warning looks wrong, switch the computer off and on again and restart the installation, and look for a BIOS update.")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .acknowledge : nil }
}

/// Step 6, upgrade: a backup of the existing installation will be made.
@MainActor
struct BackupNoticeScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        let what = state.answers.existing?.label ?? "the existing installation"
        form = FormKit.message(title: "Back-up Existing Installation", text: """
        Before it upgrades \(what), Setup will copy the whole installation to the backup \
        partition of the same disk. Any earlier backup there is replaced.

        If the upgrade fails, you can restore the backup with "Restore from backup".
        """, help: "Continue goes on; Back returns to the choice of installation type.",
            buttons: [FormButton("ok", "Continue"), .back])
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .acknowledge : nil }
}
