import InstallerCore

/// Driver disks, first screen: where the driver disk is.
@MainActor
struct DriverSourceScreen: InstallerScreen {
    static let help = """
    A driver disk is a repository holding kernel modules (for example for a RAID card whose \
    disks are not found otherwise). Local media is the disc in this computer's CD drive; \
    HTTP or FTP and NFS read the driver disk from a server, after you set up networking. \
    The drivers are loaded into the installer now and installed on the new system too.
    """
    let form: Form
    private let list: ListBox

    init(state: FlowState) {
        (form, list) = FormKit.list(title: "Select Driver Source", text: "Please select where the driver disk you would like to load is:",
                                    items: SourceScreen.kinds.map(\.0),
                                    selected: SourceScreen.kinds.firstIndex { $0.1 == state.driverDisk.kind } ?? 0, rows: 3, width: 56,
                                    help: DriverSourceScreen.help)
    }

    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .driverSource(SourceScreen.kinds[list.selected].1) : nil }

    nonisolated static func apply(_ kind: SourceKind, to s: inout FlowState) -> Outcome {
        s.driverDisk.kind = kind
        s.driverDisk.found = []
        guard kind == .local else { return .next([]) }
        guard let cd = s.machine.cdrom, !cd.discs.isEmpty else {
            return .invalid(title: "Driver Disk", message: "There is no disc in the CD drive. Insert the driver disk, or choose HTTP or FTP, or NFS.")
        }
        s.driverDisk.source = .local(path: nil)
        return .pending([.scanDriverDisk(.local(path: nil))])
    }
}
