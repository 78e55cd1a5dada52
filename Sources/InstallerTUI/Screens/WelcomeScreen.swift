import InstallerCore

/// Welcome: install or upgrade, load driver disks, or reboot.
@MainActor
struct WelcomeScreen: InstallerScreen {
    static let help = """
    Choose "Install or upgrade" to install Xen Cloud Platform on this host, upgrade an \
    existing installation, or restore one from its backup. Choose "Driver Disks" first \
    if a disk or network card needs a driver that is not built in (for example a RAID \
    card): its disks appear once the driver is loaded. "Reboot" leaves the installer \
    without changing anything.
    """

    static let choices: [(String, WelcomeChoice)] = [
        ("Install or upgrade Xen Cloud Platform", .install),
        ("Driver Disks", .driverDisks),
        ("Reboot", .reboot),
    ]

    let form: Form
    private let list: ListBox

    init(state: FlowState) {
        list = ListBox(WelcomeScreen.choices.map(\.0), selected: 0, rows: 3)
        let text = """
        This setup tool installs Xen Cloud Platform on your server, upgrades an existing \
        installation, or restores one from its backup.

        Installing erases all data on the disks you choose to use. Back up any data you \
        want to keep before you go on.
        """
        form = Form(title: "Welcome to Xen Cloud Platform Setup", width: 62,
                    body: [TextBlock(text), Spacer(), list], buttons: [.ok], help: WelcomeScreen.help)
    }

    func answer(button: String) -> ScreenAnswer? {
        .welcome(WelcomeScreen.choices[list.selected].1)
    }

    nonisolated static func apply(_ choice: WelcomeChoice, to s: inout FlowState) -> Outcome {
        switch choice {
        case .install:
            s.driverDisk.active = false
            return .next([])
        case .reboot: return .leave([.exit(3)])
        case .driverDisks:
            s.driverDisk.active = true
            s.driverDisk.found = []
            s.driverDisk.loaded = []
            // The screens after Welcome: the same from Welcome itself and from No Disk Found.
            return .jump(after: .welcome, [])
        }
    }
}
