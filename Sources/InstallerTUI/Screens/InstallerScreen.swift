import InstallerCore

/// One screen of the installer: how it looks (built from the state, so earlier answers
/// are shown again) and what its answer does to the state (pure, in its `apply`).
@MainActor
protocol InstallerScreen {
    var form: Form { get }
    /// The answer for the button pressed; nil means Back.
    func answer(button: String) -> ScreenAnswer?
    /// Puts the focus on the widget of a field a validation dialog named.
    func focus(_ field: PlanField)
}

extension InstallerScreen {
    func focus(_ field: PlanField) {}
}

/// The screens by id.
enum Screens {
    @MainActor
    static func make(_ id: ScreenID, state: FlowState) -> InstallerScreen {
        switch id {
        case .keymap: return KeymapScreen(state: state)
        case .welcome: return WelcomeScreen(state: state)
        case .setupWarning: return SetupWarningScreen(state: state)
        case .hardwareWarning: return HardwareWarningScreen(state: state)
        case .installType: return InstallTypeScreen(state: state)
        case .backupNotice: return BackupNoticeScreen(state: state)
        case .primaryDisk: return PrimaryDiskScreen(state: state)
        case .mirrorDisk: return MirrorDiskScreen(state: state)
        case .noDisks: return NoDisksScreen(state: state)
        case .guestDisks: return GuestDisksScreen(state: state)
        case .source: return SourceScreen(state: state)
        case .sourceNIC: return NICScreen(state: state, forSource: true)
        case .sourceNetwork: return NetworkScreen(state: state, forSource: true)
        case .sourceLocation: return SourceLocationScreen(state: state)
        case .linuxPack: return LinuxPackScreen(state: state)
        case .verify: return VerifyScreen(state: state)
        case .rootPassword: return RootPasswordScreen(state: state)
        case .adminNIC: return NICScreen(state: state, forSource: false)
        case .adminNetwork: return NetworkScreen(state: state, forSource: false)
        case .adminIPv6VLAN: return IPv6VLANScreen(state: state)
        case .adminBond: return BondScreen(state: state)
        case .hostnameDNS: return HostnameDNSScreen(state: state)
        case .timezoneArea: return TimezoneAreaScreen(state: state)
        case .timezoneCity: return TimezoneCityScreen(state: state)
        case .timeMethod: return TimeMethodScreen(state: state)
        case .ntpServers: return NTPScreen(state: state)
        case .confirm: return ConfirmScreen(state: state)
        case .driverSource: return DriverSourceScreen(state: state)
        case .driverNIC: return NICScreen(state: state, forSource: true)
        case .driverNetwork: return NetworkScreen(state: state, forSource: true)
        case .driverLocation: return DriverLocationScreen(state: state)
        case .driverList: return DriverListScreen(state: state)
        case .driverLoaded: return DriverLoadedScreen(state: state)
        case .backupChoice: return BackupChoiceScreen(state: state)
        case .upgradeRefused: return UpgradeRefusedScreen(state: state)
        }
    }
}

/// The pure rules: what each answer does to the state.
enum ScreenRules {
    static func apply(_ answer: ScreenAnswer, on screen: ScreenID, to s: inout FlowState) -> Outcome {
        switch answer {
        case let .keymap(k): return KeymapScreen.apply(keymap: k, to: &s)
        case let .welcome(c): return WelcomeScreen.apply(c, to: &s)
        case .acknowledge: return .next([])
        case let .installType(mode, disk, label): return InstallTypeScreen.apply(mode, disk: disk, label: label, to: &s)
        case let .primaryDisk(d): return PrimaryDiskScreen.apply(d, mirror: false, to: &s)
        case let .primaryDiskThenMirror(d): return PrimaryDiskScreen.apply(d, mirror: true, to: &s)
        case let .mirrorDisk(d): return MirrorDiskScreen.apply(d, to: &s)
        case let .guestDisks(d, none): return GuestDisksScreen.apply(d, confirmedNone: none, to: &s)
        case let .source(k): return SourceScreen.apply(k, to: &s)
        case let .nic(n):
            if screen == .adminNIC { s.answers.adminBondAsked = false }
            return NICScreen.apply(n, forSource: screen == .sourceNIC || screen == .driverNIC, to: &s)
        case let .network(c, ns):
            if screen == .adminNetwork { s.answers.adminIPv6VLANAsked = false }
            return NetworkScreen.apply(c, nameserver: ns, forSource: screen == .sourceNetwork || screen == .driverNetwork, to: &s)
        case let .networkThenIPv6VLAN(c):
            let o = NetworkScreen.apply(c, nameserver: nil, forSource: false, to: &s)
            if case .next = o { s.answers.adminIPv6VLANAsked = true }
            return o
        case let .ipv6VLAN(v4, v6, vlan): return IPv6VLANScreen.apply(ipv4: v4, ipv6: v6, vlan: vlan, to: &s)
        case let .nicThenBond(n):
            let o = NICScreen.apply(n, forSource: false, to: &s)
            if case .next = o { s.answers.adminBondAsked = true }
            return o
        case let .bond(members, lacp): return BondScreen.apply(members, lacp: lacp, to: &s)
        case let .url(u, user, pw): return SourceLocationScreen.apply(url: u, user: user, password: pw, to: &s)
        case let .nfs(p): return SourceLocationScreen.apply(nfs: p, to: &s)
        case let .linuxPack(yes): s.answers.plan.installLinuxPack = yes; return .next([])
        case let .verify(v): return VerifyScreen.apply(v, to: &s)
        case let .rootPassword(p, c): return RootPasswordScreen.apply(p, confirm: c, to: &s)
        case let .hostnameDNS(h, ns): return HostnameDNSScreen.apply(hostname: h, nameservers: ns, to: &s)
        case let .timezoneArea(a): s.answers.timezoneArea = a; return .next([])
        case let .timezoneCity(c): return TimezoneCityScreen.apply(c, to: &s)
        case let .timeMethod(manual): return TimeMethodScreen.apply(manual: manual, to: &s)
        case let .ntp(dhcp, servers): return NTPScreen.apply(fromDHCP: dhcp, servers: servers, to: &s)
        case .confirm: return ScreenRules.check(s.answers.plan, s) ?? .next([])
        case let .driverSource(k): return DriverSourceScreen.apply(k, to: &s)
        case let .driverURL(u, user, pw): return DriverLocationScreen.apply(url: u, user: user, password: pw, to: &s)
        case let .driverNFS(p): return DriverLocationScreen.apply(nfs: p, to: &s)
        case .loadDrivers: return DriverListScreen.apply(to: &s)
        case .driversDone: return DriverLoadedScreen.apply(to: &s)
        case let .backup(disk, label): return BackupChoiceScreen.apply(disk: disk, label: label, to: &s)
        case .cleanInstead: return UpgradeRefusedScreen.applyClean(to: &s)
        }
    }
}

extension ScreenRules {
    /// The installed keymap catalogue, read once (nil: keymap names are checked for their form only).
    static let keymaps: KeymapCatalogue? = try? KeymapCatalogue.load()

    /// The rule book's first problem with the plan among the fields `keep` selects, as the
    /// screen's dialog; nil when there is none.
    static func check(_ plan: InstallPlan, _ s: FlowState, fields keep: (PlanField) -> Bool = { _ in true }) -> Outcome? {
        // The installer looks for installations and backups before the first screen.
        PlanRules.problems(plan, PlanRules.Context(machine: s.machine, keymaps: keymaps, installationsDetected: true), where: keep).first.map {
            .invalid(title: $0.screenTitle, message: $0.screenMessage)
        }
    }
}

/// Builders for the common screen shapes.
@MainActor
enum FormKit {
    /// Text above a list, Ok and Back.
    static func list(title: String, text: String, items: [String], selected: Int, rows: Int = 8, width: Int = 60,
                     help: String, buttons: [FormButton] = [.ok, .back]) -> (Form, ListBox) {
        let list = ListBox(items, selected: selected, rows: rows)
        let form = Form(title: title, width: width, body: [TextBlock(text), Spacer(), list], buttons: buttons, help: help)
        return (form, list)
    }

    /// A progress window without buttons: a line saying what is being done, then the bar
    /// (verification, the install, the Linux Pack); the caller updates both as work goes on.
    static func progress(title: String, text: String, width: Int = 66, help: String) -> (Form, TextBlock, ProgressBar) {
        let step = TextBlock(text)
        let bar = ProgressBar()
        return (Form(title: title, width: width, body: [step, Spacer(), bar], buttons: [], help: help), step, bar)
    }

    /// A message with Ok and Back.
    static func message(title: String, text: String, width: Int = 60, help: String,
                        buttons: [FormButton] = [.ok, .back], focus: String? = nil) -> Form {
        Form(title: title, width: width, body: [TextBlock(text, maxRows: 14)], buttons: buttons, help: help, focusButton: focus)
    }
}
