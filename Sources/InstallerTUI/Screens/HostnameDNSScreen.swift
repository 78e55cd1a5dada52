import InstallerCore

/// Step 12: hostname and DNS, each from DHCP or given by hand.
@MainActor
struct HostnameDNSScreen: InstallerScreen {
    let form: Form
    private let hostRadio: RadioGroup?
    private let hostname: Entry
    private let dnsRadio: RadioGroup?
    private let dns: [Entry]

    init(state: FlowState) {
        let p = state.answers.plan
        let isStatic: Bool = { if case .static = p.adminInterface?.config { return true }; return false }()
        var hostValue = "", dnsValues = ["", "", ""]
        if case let .manual(h) = p.hostname { hostValue = h }
        if case let .manual(ns) = p.nameservers { for (i, n) in ns.prefix(3).enumerated() { dnsValues[i] = n } }
        hostname = Entry(isStatic ? "Hostname:" : "", value: hostValue, labelWidth: isStatic ? 16 : 0, fieldWidth: 40)
        dns = (1...3).map { Entry("DNS Server \($0):", value: dnsValues[$0 - 1], labelWidth: 16, fieldWidth: 20) }
        var body: [Widget] = [TextBlock("Hostname Configuration", style: .label)]
        if isStatic {
            hostRadio = nil
            body.append(hostname)
        } else {
            let r = RadioGroup(["Automatically set via DHCP", "Manually specify:"], selected: p.hostname == .dhcp ? 0 : 1)
            hostRadio = r
            body += [r, hostname]
            let host = hostname
            host.enabled = r.selected == 1
            r.onChange = { host.enabled = $0 == 1 }
        }
        body += [Spacer(), TextBlock("DNS Configuration", style: .label)]
        if isStatic {
            dnsRadio = nil
        } else {
            let r = RadioGroup(["Automatically set up via DHCP", "Manually specify:"], selected: p.nameservers == .dhcp ? 0 : 1)
            dnsRadio = r
            body.append(r)
            let fields = dns
            for f in fields { f.enabled = r.selected == 1 }
            r.onChange = { i in for f in fields { f.enabled = i == 1 } }
        }
        body += dns
        form = Form(title: "Hostname and DNS Configuration", width: 62, body: body, buttons: [.ok, .back],
                    help: "A hostname is letters, digits and hyphens, in dot-separated parts (for example xcp-host1.example.com). The first DNS server is required when you give them by hand; the second and third are optional. With a static management interface both must be given by hand.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        let h: String? = (hostRadio?.selected ?? 1) == 1 ? hostname.value.trimmingCharacters(in: .whitespaces) : nil
        let ns: [String]? = (dnsRadio?.selected ?? 1) == 1 ? dns.map { $0.value.trimmingCharacters(in: .whitespaces) } : nil
        return .hostnameDNS(hostname: h, nameservers: ns)
    }

    func focus(_ field: PlanField) {
        switch field {
        case .hostname: form.focus(on: hostname)
        case let .nameserver(i): form.focus(on: dns[min(max(i ?? 0, 0), dns.count - 1)])
        default: break
        }
    }

    nonisolated static func apply(hostname: String?, nameservers: [String]?, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.hostname = hostname.map { .manual($0) } ?? .dhcp
        p.nameservers = nameservers.map { .manual($0.filter { !$0.isEmpty }) } ?? .dhcp
        let problems = PlanRules.problems(p, PlanRules.Context(machine: s.machine)) { $0 == .hostname || $0.kind == "nameserver" }
        if let first = problems.first, first.field == .hostname {
            return .invalid(title: first.screenTitle, message: first.screenMessage, field: .hostname)
        }
        if let ns = nameservers, (ns.first ?? "").isEmpty {
            // The first box is the one that must be filled in.
            return .invalid(title: "Name Service Configuration", message: "Please give at least one nameserver (DNS Server 1).", field: .nameserver(0))
        }
        if let first = problems.first {
            var message = first.screenMessage
            var box = 0
            if case let .nameserver(i?) = first.field, let ns = nameservers {
                // The rule book counts the servers given; the screen names the box.
                let boxes = ns.indices.filter { !ns[$0].isEmpty }
                if i < boxes.count { box = boxes[i]; message = "DNS Server \(box + 1) is not a valid IP address." }
            }
            return .invalid(title: first.screenTitle, message: message, field: .nameserver(box))
        }
        s.answers.plan.hostname = p.hostname
        s.answers.plan.nameservers = p.nameservers
        return .next([])
    }
}
