import Foundation
import InstallerCore

/// Step 13: the time zone's area.
@MainActor
struct TimezoneAreaScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let areas: [String]
    init(state: FlowState) {
        areas = TimezoneCatalogue.system.areas
        let current = state.answers.timezoneArea ?? state.answers.plan.timezone.split(separator: "/").first.map(String.init) ?? ""
        (form, list) = FormKit.list(title: "Select Time Zone", text: "Please select the geographical area that your host is in:",
                                    items: areas, selected: areas.firstIndex(of: current) ?? 0, rows: 8, width: 50,
                                    help: "Choose the area first, then the city on the next screen. Type the start of a name to jump to it (the same letter again goes to the next one).")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" && !areas.isEmpty ? .timezoneArea(areas[list.selected]) : nil }
}

/// Step 13, second screen: the city, with type-ahead.
@MainActor
struct TimezoneCityScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    private let cities: [String]
    private let area: String
    init(state: FlowState) {
        area = state.answers.timezoneArea ?? "Etc"
        cities = TimezoneCatalogue.system.cities(in: area)
        let current = state.answers.plan.timezone.hasPrefix(area + "/") ? String(state.answers.plan.timezone.dropFirst(area.count + 1)) : ""
        (form, list) = FormKit.list(title: "Select Time Zone", text: "Please select the city or area that the host is in (type a letter to jump to it):",
                                    items: cities.map(TimezoneCatalogue.display), selected: cities.firstIndex(of: current) ?? 0, rows: 8, width: 50,
                                    help: "The host's clock is kept in UTC; the time zone sets how local time is shown. Type the start of a city's name to jump to it (\"Zu\" for Zurich).")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" && !cities.isEmpty ? .timezoneCity(area + "/" + cities[list.selected]) : nil }

    nonisolated static func apply(_ zone: String, to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.timezone = zone
        if let refused = ScreenRules.check(p, s, fields: { $0 == .timezone }) { return refused }
        s.answers.plan.timezone = zone
        return .next([])
    }
}

/// Step 14: NTP or manual time entry.
@MainActor
struct TimeMethodScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    init(state: FlowState) {
        (form, list) = FormKit.list(title: "System Time", text: "How should the local time be determined? (With manual time entry you are asked for the time near the end of the installation.)",
                                    items: ["Using NTP", "Manual time entry"], selected: state.answers.manualTime ? 1 : 0, rows: 2, width: 56,
                                    help: "NTP keeps the clock right from time servers. Manual time entry asks you for the date and time when the installation is nearly done. The BIOS clock is taken to be UTC.")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .timeMethod(manual: list.selected == 1) : nil }

    nonisolated static func apply(manual: Bool, to s: inout FlowState) -> Outcome {
        s.answers.manualTime = manual
        if manual {
            s.answers.plan.time = .manual
        } else if case .manual = s.answers.plan.time {
            let dhcp: Bool = { if case .dhcp = s.answers.plan.adminInterface?.config ?? .dhcp { return true }; return false }()
            s.answers.plan.time = .ntp(servers: [], fromDHCP: dhcp)
        }
        return .next([])
    }
}

/// Step 15: NTP servers, or "NTP is configured by my DHCP server".
@MainActor
struct NTPScreen: InstallerScreen {
    let form: Form
    private let fromDHCP: Checkbox?
    private let servers: [Entry]
    init(state: FlowState) {
        var values = ["", "", ""], dhcp = true
        if case let .ntp(list, d) = state.answers.plan.time {
            dhcp = d
            for (i, v) in list.prefix(3).enumerated() { values[i] = v }
        }
        let isDHCP: Bool = { if case .dhcp = state.answers.plan.adminInterface?.config ?? .dhcp { return true }; return false }()
        servers = (1...3).map { Entry("NTP Server \($0):", value: values[$0 - 1], labelWidth: 15, fieldWidth: 36) }
        var body: [Widget] = [TextBlock("Please specify the NTP servers to use (for example pool.ntp.org), or let DHCP name them."), Spacer()]
        if isDHCP {
            let box = Checkbox("NTP is configured by my DHCP server", checked: dhcp)
            fromDHCP = box
            body += [box, Spacer()]
            let fields = servers
            for f in fields { f.enabled = !dhcp }
            box.onChange = { on in for f in fields { f.enabled = !on } }
        } else {
            fromDHCP = nil
        }
        body += servers
        form = Form(title: "NTP Configuration", width: 60, body: body, buttons: [.ok, .back],
                    help: "Tick the box with <Space> when your DHCP server names the time servers; otherwise give at least one server by name or address.")
    }
    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        return .ntp(fromDHCP: fromDHCP?.checked ?? false, servers: servers.map { $0.value.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    nonisolated static func apply(fromDHCP: Bool, servers: [String], to s: inout FlowState) -> Outcome {
        var p = s.answers.plan
        p.time = .ntp(servers: fromDHCP ? [] : servers, fromDHCP: fromDHCP)
        if let refused = ScreenRules.check(p, s, fields: { $0.kind == "ntpServer" }) { return refused }
        s.answers.plan.time = p.time
        return .next([])
    }
}

/// "Set local time" (manual time entry), after Confirm: today's date and time in the plan's
/// time zone to start from; the reducer checks the values (`InstallFlow.localTime`).
@MainActor
struct SetTimeScreen: EndScreen {
    let form: Form
    private let fields: [Entry]
    init(state: FlowState) {
        let zone = state.answers.plan.timezone
        let c = (ZoneInfo(zone: zone) ?? ZoneInfo.utc).components(at: Int64(Date().timeIntervalSince1970))
        func two(_ v: Int) -> String { let s = String(v); return s.count < 2 ? "0" + s : s }
        let year = Entry("Year (YYYY):", value: String(c.year), labelWidth: 14, fieldWidth: 5)
        let month = Entry("Month (MM):", value: two(c.month), labelWidth: 14, fieldWidth: 3)
        let day = Entry("Day (DD):", value: two(c.day), labelWidth: 14, fieldWidth: 3)
        let hour = Entry("Hour (HH):", value: two(c.hour), labelWidth: 14, fieldWidth: 3)
        let minute = Entry("Min (MM):", value: two(c.minute), labelWidth: 14, fieldWidth: 3)
        fields = [year, month, day, hour, minute]
        form = Form(title: "Set local time", width: 66, body: [
            TextBlock("Please set the current (local) date and time in \(zone)."), Spacer(),
            year, month, day, Spacer(), TextBlock("Time (24-hour clock):"), hour, minute,
        ], buttons: [.ok], help: "The installer sets the computer's clock from these values (kept in UTC).")
    }
    func answer(button: String) -> EndAnswer? {
        let v = fields.map(\.value)
        return .setTime(year: v[0], month: v[1], day: v[2], hour: v[3], minute: v[4])
    }
}
