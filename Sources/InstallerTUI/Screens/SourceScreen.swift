import InstallerCore

/// Step 8: where the packages come from.
@MainActor
struct SourceScreen: InstallerScreen {
    static let kinds: [(String, SourceKind)] = [("Local media", .local), ("HTTP or FTP", .url), ("NFS", .nfs)]
    let form: Form
    private let list: ListBox

    init(state: FlowState) {
        (form, list) = FormKit.list(title: "Select Installation Source", text: "Please select the type of source you would like to use for this installation:",
                                    items: SourceScreen.kinds.map(\.0),
                                    selected: SourceScreen.kinds.firstIndex { $0.1 == state.answers.sourceKind } ?? 0, rows: 3, width: 56,
                                    help: "Local media is the CD (or DVD) in this computer. HTTP or FTP and NFS read the packages from a server on the network; you set up networking and give the address next.")
    }

    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .source(SourceScreen.kinds[list.selected].1) : nil }

    nonisolated static func apply(_ kind: SourceKind, to s: inout FlowState) -> Outcome {
        if kind != s.answers.sourceKind {
            // Another kind of source: a Linux Pack answer given for the old one does not
            // carry over (it is asked again when the new source holds the Linux Pack).
            s.answers.plan.installLinuxPack = false
            s.answers.media = nil
        }
        s.answers.sourceKind = kind
        s.answers.verified = false
        guard kind == .local else { return .next([]) }
        s.answers.plan.sources = [.local(path: nil)]
        guard s.machine.cdrom != nil, !(s.machine.cdrom?.discs.isEmpty ?? true) else {
            return .invalid(title: "Problem With Location", message: "There is no installation CD in this computer. Insert the Xen Cloud Platform CD, or choose HTTP or FTP, or NFS.")
        }
        return .pending([.checkSource(.local(path: nil))])
    }
}

/// Step 8 (remote source) and step 11: which NIC to use.
@MainActor
struct NICScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let names: [String]
    private let forSource: Bool

    init(state: FlowState, forSource: Bool) {
        self.forSource = forSource
        let nics = state.machine.nics
        names = nics.map(\.name)
        let current = forSource ? state.answers.sourceNIC : state.answers.adminNIC
        let text = forSource
            ? "Setup needs network access to reach the \(state.driverDisk.active ? "driver disk" : "installation repository"). Which network interface would you like to use?"
            : "Which network interface would you like to use to connect to the management console of your host?"
        (form, list) = FormKit.list(title: "Networking", text: text, items: nics.map(\.label), selected: names.firstIndex(of: current ?? "") ?? 0,
                                    rows: 6, width: 56,
                                    help: "Each interface is shown with its MAC address; [no link] means no cable or switch port was detected on it."
                                        + (forSource ? "" : " Bond opens a screen to bond two or more interfaces (active-backup or LACP) as the management interface."),
                                    buttons: forSource ? [.ok, .back] : [.ok, .back, FormButton("bond", "Bond")])
    }

    func answer(button: String) -> ScreenAnswer? {
        switch button {
        case "ok": return .nic(names[list.selected])
        case "bond" where !forSource: return .nicThenBond(names[list.selected])
        default: return nil
        }
    }

    nonisolated static func apply(_ nic: String, forSource: Bool, to s: inout FlowState) -> Outcome {
        guard let n = s.machine.nic(named: nic) else { return .invalid(title: "Networking", message: "The interface \(nic) was not found.") }
        if forSource {
            s.answers.sourceNIC = nic
        } else {
            s.answers.adminNIC = nic
            // IPv6 and the VLAN (their own screen) are kept; a bond only when OK keeps its first member.
            let old = s.answers.plan.adminInterface
            s.answers.plan.adminInterface = AdminInterface(nic: n.name, mac: n.mac, config: old?.config ?? .dhcp, ipv6: old?.ipv6 ?? .none,
                                                           vlan: old?.vlan, bond: old?.bond?.members.first == nic ? old?.bond : nil)
        }
        return .next([])
    }
}
