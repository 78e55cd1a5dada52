import InstallerCore

/// "Automatic configuration (DHCP)" or "Static configuration" for an interface: for the
/// remote source (with a nameserver field) and for the management interface.
@MainActor
struct NetworkScreen: InstallerScreen {
    let form: Form
    private let radio: RadioGroup
    private let ip: Entry, mask: Entry, gateway: Entry
    private let nameserver: Entry?
    private let forSource: Bool

    init(state: FlowState, forSource: Bool) {
        let nicName = (forSource ? state.answers.sourceNIC : state.answers.adminNIC) ?? "the interface"
        self.forSource = forSource
        let planV4 = state.answers.plan.adminInterface?.config
        let config = forSource ? state.answers.sourceConfig : (planV4 == nil || planV4 == IPConfig.none ? state.answers.adminIPv4 : planV4!)
        var ipv = "", maskv = "", gwv = ""
        if case let .static(i, m, g) = config { ipv = i; maskv = m; gwv = g ?? "" }
        radio = RadioGroup(["Automatic configuration (DHCP)", "Static configuration:"], selected: config == .dhcp ? 0 : 1)
        ip = Entry("IP Address:", value: ipv, labelWidth: 16, fieldWidth: 16)
        mask = Entry("Subnet mask:", value: maskv, labelWidth: 16, fieldWidth: 16)
        gateway = Entry("Gateway:", value: gwv, labelWidth: 16, fieldWidth: 16)
        nameserver = forSource ? Entry("Nameserver:", value: state.answers.sourceNameserver, labelWidth: 16, fieldWidth: 16) : nil
        var body: [Widget] = [
            TextBlock(forSource ? "How should networking be configured on \(nicName) to reach the \(state.driverDisk.active ? "driver disk" : "installation repository")?"
                                : "How should networking be configured for the management interface \(nicName)?"),
            Spacer(), radio, ip, mask, gateway,
        ]
        if let nameserver { body.append(nameserver) }
        let fields = [ip, mask, gateway] + (nameserver.map { [$0] } ?? [])
        let setEnabled = { (i: Int) in for f in fields { f.enabled = i == 1 } }
        setEnabled(radio.selected)
        radio.onChange = setEnabled
        // The management interface's IPv6 and VLAN are on a screen of their own, behind a button.
        form = Form(title: "Networking", width: 58, body: body, buttons: forSource ? [.ok, .back] : [.ok, .back, FormButton("ipv6vlan", "IPv6/VLAN")],
                    help: "DHCP asks the network for an address. For a static address, choose \"Static configuration\" with <Space>, then fill in the IP address and subnet mask (the gateway is optional). Hosts in a resource pool need static addresses (or a fixed DHCP reservation)."
                        + (forSource ? "" : " IPv6/VLAN opens a screen for IPv6 (SLAAC, DHCPv6 or static, or IPv6 only) and a VLAN tag for the management network."))
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" || (button == "ipv6vlan" && !forSource) else { return nil }
        let ns = nameserver.map { $0.value.trimmingCharacters(in: .whitespaces) }
        let config: IPConfig
        if radio.selected == 0 { config = .dhcp } else {
            let gw = gateway.value.trimmingCharacters(in: .whitespaces)
            config = .static(ip: ip.value.trimmingCharacters(in: .whitespaces), netmask: mask.value.trimmingCharacters(in: .whitespaces),
                             gateway: gw.isEmpty ? nil : gw)
        }
        return button == "ok" ? .network(config, nameserver: ns) : .networkThenIPv6VLAN(config)
    }

    func focus(_ field: PlanField) {
        switch field {
        case .adminIP: form.focus(on: ip)
        case .adminNetmask: form.focus(on: mask)
        case .adminGateway: form.focus(on: gateway)
        case .nameserver: if let nameserver { form.focus(on: nameserver) }
        default: break
        }
    }

    nonisolated static func apply(_ config: IPConfig, nameserver: String?, forSource: Bool, to s: inout FlowState) -> Outcome {
        if let p = PlanRules.ipConfigProblems(config).first { return .invalid(title: p.screenTitle, message: p.screenMessage, field: p.field) }
        if let ns = nameserver, !ns.isEmpty, !Net.isIP(ns) {
            return .invalid(title: "Networking", message: "Invalid Nameserver, please check the field and try again.", field: .nameserver(0))
        }
        if forSource {
            // The simulated lease of a profile machine; with runtime networking DHCP runs for real
            // when the source is checked.
            if config == .dhcp, let nic = s.machine.nic(named: s.answers.sourceNIC ?? ""), nic.dhcp == nil, !s.options.runtimeNetwork {
                return .invalid(title: "Networking", message: "\(nic.name) got no address from DHCP: the network still seems to be down. Check the cable and the DHCP server, or use a static configuration.")
            }
            s.answers.sourceConfig = config
            s.answers.sourceNameserver = nameserver ?? ""
        } else {
            let nic = s.answers.adminNIC.flatMap { s.machine.nic(named: $0) } ?? s.machine.nics.first
            guard let nic else { return .invalid(title: "Networking", message: "This computer has no network interface.") }
            s.answers.adminIPv4 = config
            // IPv6 and the VLAN tag (their own screen) are kept for the same NIC; "no IPv4"
            // stays as that screen set it.
            var a = AdminInterface(nic: nic.name, mac: nic.mac, config: config)
            if let old = s.answers.plan.adminInterface, old.nic == nic.name {
                a.ipv6 = old.ipv6; a.vlan = old.vlan; a.bond = old.bond
                if old.config == .none && old.ipv6 != .none { a.config = .none }
            }
            s.answers.plan.adminInterface = a
            askNamesWithoutDHCP(a, &s)
        }
        return .next([])
    }

    /// A management interface with nothing from the network (no DHCP, DHCPv6 or SLAAC) has
    /// nothing to give the hostname, DNS or NTP servers: their screens ask for them.
    nonisolated static func askNamesWithoutDHCP(_ a: AdminInterface, _ s: inout FlowState) {
        guard !a.usesDHCP else { return }
        if s.answers.plan.hostname == .dhcp { s.answers.plan.hostname = .manual("") }
        if s.answers.plan.nameservers == .dhcp { s.answers.plan.nameservers = .manual([]) }
        if case let .ntp(servers, true) = s.answers.plan.time { s.answers.plan.time = .ntp(servers: servers, fromDHCP: false) }
    }
}
