import InstallerCore

/// "Bond" for the management interface, reached with the Bond button of its NIC screen (and
/// shown again while a bond is set): the NICs to bond (each with its MAC and link state) and
/// the mode, active-backup or LACP (802.3ad). No NIC chosen removes the bond.
@MainActor
struct BondScreen: InstallerScreen {
    let form: Form
    private let list: CheckboxList
    private let mode: RadioGroup
    private let names: [String]

    init(state: FlowState) {
        let nics = state.machine.nics
        let names = nics.map(\.name)
        self.names = names
        let bond = state.answers.plan.adminInterface?.bond
        let members = bond?.members ?? state.answers.adminNIC.map { [$0] } ?? []
        list = CheckboxList(nics.map(\.label), checked: Set(members.compactMap { names.firstIndex(of: $0) }), rows: 4)
        mode = RadioGroup(["Active-backup (one carries the traffic)", "LACP (IEEE 802.3ad, the switch ports as a group)"],
                          selected: bond?.mode == .lacp ? 1 : 0)
        form = Form(title: "Bond", width: 60,
                    body: [TextBlock("Which network interfaces should be bonded as the management interface (bond0)?"), Spacer(), list, Spacer(), mode],
                    buttons: [.ok, .back],
                    help: "Choose two or more interfaces with <Space>. Active-backup needs nothing from the switch: one interface carries the traffic and another takes over when its link goes down. LACP (802.3ad) needs the switch ports configured as one LACP group; until the host speaks LACP such ports pass nothing. Interfaces shown [no link] have no cable or switch port detected. Choose none to use a single interface.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        return .bond(list.checked.sorted().map { names[$0] }, lacp: mode.selected == 1)
    }

    func focus(_ field: PlanField) {
        if field == .adminBond { form.focus(on: list) }
    }

    nonisolated static func apply(_ members: [String], lacp: Bool, to s: inout FlowState) -> Outcome {
        let bond = members.isEmpty ? nil : Bond(members: members, mode: lacp ? .lacp : .activeBackup)
        if let bond, let p = PlanRules.bondProblems(bond, machine: s.machine).first {
            return .invalid(title: p.screenTitle, message: p.screenMessage, field: p.field)
        }
        s.answers.adminBondAsked = bond != nil
        let first = bond?.members.first ?? s.answers.adminNIC
        guard let nic = first.flatMap({ s.machine.nic(named: $0) }) ?? s.machine.nics.first else {
            return .invalid(title: "Networking", message: "This computer has no network interface.")
        }
        s.answers.adminNIC = nic.name
        var a = s.answers.plan.adminInterface ?? AdminInterface(nic: nic.name, mac: nic.mac, config: s.answers.adminIPv4)
        a.nic = nic.name; a.mac = nic.mac; a.bond = bond
        s.answers.plan.adminInterface = a
        return .next([])
    }
}
