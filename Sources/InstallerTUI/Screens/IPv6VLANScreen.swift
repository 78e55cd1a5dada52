import InstallerCore

/// "IPv6 and VLAN" for the management interface, reached with the IPv6/VLAN button of its
/// Networking screen (and shown again, with its values, once either is set): IPv4 as on the
/// Networking screen or none (IPv6 only); no IPv6, SLAAC, DHCPv6 or a static address/prefix
/// and gateway; and an optional VLAN tag, on which the management bridge sits.
@MainActor
struct IPv6VLANScreen: InstallerScreen {
    let form: Form
    private let ipv4: RadioGroup, ipv6: RadioGroup
    private let address: Entry, gateway: Entry, vlan: Entry

    init(state: FlowState) {
        let a = state.answers.plan.adminInterface
        let nicName = state.answers.adminNIC ?? a?.nic ?? "the interface"
        ipv4 = RadioGroup(["IPv4 as on the Networking screen", "No IPv4 (IPv6 only)"], selected: a?.config == IPConfig.none ? 1 : 0)
        var addr = "", gw = "", selected = 0
        switch a?.ipv6 ?? .none {
        case .none: selected = 0
        case .autoconf: selected = 1
        case .dhcp: selected = 2
        case let .static(ad, g): selected = 3; addr = ad; gw = g ?? ""
        }
        ipv6 = RadioGroup(["No IPv6", "Automatic (SLAAC)", "DHCPv6", "Static IPv6:"], selected: selected)
        address = Entry("Address/prefix:", value: addr, labelWidth: 16, fieldWidth: 30)
        gateway = Entry("Gateway:", value: gw, labelWidth: 16, fieldWidth: 30)
        vlan = Entry("VLAN tag:", value: state.answers.adminVLANText ?? a?.vlan.map(String.init) ?? "", labelWidth: 16, fieldWidth: 6)
        let fields = [address, gateway]
        let setEnabled = { (i: Int) in for f in fields { f.enabled = i == 3 } }
        setEnabled(ipv6.selected)
        ipv6.onChange = setEnabled
        form = Form(title: "IPv6 and VLAN", width: 60,
                    body: [TextBlock("IPv6 and the VLAN of the management interface \(nicName):"), Spacer(), ipv4, Spacer(), ipv6, address, gateway,
                           Spacer(), vlan, TextBlock("Leave the VLAN tag empty for an untagged network.")],
                    buttons: [.ok, .back],
                    help: "Choose whether the management interface keeps the IPv4 configuration of the Networking screen, and how it gets IPv6: none, by router advertisements (SLAAC), by DHCPv6, or a static address written with its prefix length, such as 2001:db8::5/64 (the gateway may be a link-local address such as fe80::1). Give a VLAN tag from 1 to 4094 when the switch port carries the management network tagged: the host then puts its management bridge on the tagged interface (eth0.N).")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        let v6: IPv6Config
        switch ipv6.selected {
        case 1: v6 = .autoconf
        case 2: v6 = .dhcp
        case 3:
            let g = gateway.value.trimmingCharacters(in: .whitespaces)
            v6 = .static(address: address.value.trimmingCharacters(in: .whitespaces), gateway: g.isEmpty ? nil : g)
        default: v6 = .none
        }
        return .ipv6VLAN(ipv4: ipv4.selected == 0, ipv6: v6, vlan: vlan.value.trimmingCharacters(in: .whitespaces))
    }

    func focus(_ field: PlanField) {
        switch field {
        case .adminIPv6: form.focus(on: address)
        case .adminGatewayV6: form.focus(on: gateway)
        case .adminVLAN: form.focus(on: vlan)
        case .adminInterface: form.focus(on: ipv6)
        default: break
        }
    }

    /// The IPv4 configuration "as on the Networking screen" (or as the answerfile gave it).
    nonisolated static func v4(_ s: FlowState) -> IPConfig {
        if let c = s.answers.plan.adminInterface?.config, c != .none { return c }
        return s.answers.adminIPv4
    }

    nonisolated static func apply(ipv4: Bool, ipv6: IPv6Config, vlan text: String, to s: inout FlowState) -> Outcome {
        s.answers.adminVLANText = text
        var tag: Int?
        if !text.isEmpty {
            guard let n = Int(text), text.allSatisfy(\.isNumber) else {
                return .invalid(title: "Networking", message: PlanRules.vlanScreenMessage, field: .adminVLAN)
            }
            tag = n
        }
        let nic = s.answers.adminNIC.flatMap { s.machine.nic(named: $0) } ?? s.machine.nics.first
        guard let nic else { return .invalid(title: "Networking", message: "This computer has no network interface.") }
        let a = AdminInterface(nic: nic.name, mac: nic.mac, config: ipv4 ? v4(s) : .none, ipv6: ipv6, vlan: tag, bond: s.answers.plan.adminInterface?.bond)
        if let p = PlanRules.adminProblems(a).first { return .invalid(title: p.screenTitle, message: p.screenMessage, field: p.field) }
        s.answers.plan.adminInterface = a
        NetworkScreen.askNamesWithoutDHCP(a, &s)
        return .next([])
    }
}
