import Foundation

/// The rule book: what the installer can install, checked over an `InstallPlan` (and the
/// machine, where disks and NICs matter). Both front ends call it — the screens show a
/// problem in the dialog of the screen that asks for its field, the answerfile checker at
/// the element it came from — and `Installation.validate` (FreshInstall, Upgrade) calls it again before any disk is
/// touched. Only what can be known without the media is checked here.
///
///     let problems = PlanRules.problems(plan, PlanRules.Context(machine: machine))
///
/// Problems come in the order the screens ask for the fields.
public enum PlanRules {
    /// What the plan is checked against.
    public struct Context: Sendable {
        /// Nil: no disk or NIC lookups (`validate-answerfile --no-machine`).
        public var machine: Machine?
        /// Nil: keymap names are only checked for their form.
        public var keymaps: KeymapCatalogue?
        public var timezones: TimezoneCatalogue
        /// True when the plan's driver sources have been loaded already (the installer): a
        /// disk still waiting for its driver is then an error even with a `<driver-source>`.
        public var driversLoaded: Bool
        /// True once the installations and backups on the disks were looked for
        /// (`machine.installations`, `machine.backups`): an upgrade must then name a disk
        /// holding an installation, a restore one holding a backup.
        public var installationsDetected: Bool

        public init(machine: Machine?, keymaps: KeymapCatalogue? = nil, timezones: TimezoneCatalogue = .system,
                    driversLoaded: Bool = false, installationsDetected: Bool = false) {
            self.machine = machine; self.keymaps = keymaps; self.timezones = timezones
            self.driversLoaded = driversLoaded; self.installationsDetected = installationsDetected
        }
    }

    /// The shortest plaintext root password accepted (the guide's Set Password screen).
    public static let minimumPasswordLength = 6

    /// Every problem of the plan, in the order the screens ask for the fields.
    public static func problems(_ plan: InstallPlan, _ context: Context) -> [PlanProblem] {
        var out: [PlanProblem] = []
        if plan.mode != .restore { out += keymap(plan, context) }
        out += disks(plan, context)
        if plan.mode != .restore {
            out += sources(plan, context)
            out += rootPassword(plan)
            out += network(plan, context)
            out += timezone(plan, context)
            out += time(plan)
            out += bootloader(plan)
            out += postInstallScript(plan)
        }
        out += driverSources(plan, context)
        return out
    }

    /// The problems of the given fields only (a screen checks what it asks for).
    public static func problems(_ plan: InstallPlan, _ context: Context, where keep: (PlanField) -> Bool) -> [PlanProblem] {
        problems(plan, context).filter { keep($0.field) }
    }

    /// `Installation.validate`: the first problem as the installer's refusal (exit status 2),
    /// named by the answerfile element of its field.
    public static func require(_ plan: InstallPlan, _ context: Context) throws(InstallerError) {
        if let p = problems(plan, context).first { throw .invalid(elementName(p.field), p.message) }
    }

    /// The answerfile element a field is written in.
    public static func elementName(_ f: PlanField) -> String {
        switch f {
        case .mode: return "installation"
        case .primaryDisk: return "primary-disk"
        case .mirrorDisk: return "primary-disk"
        case .guestDisk: return "guest-disk"
        case .keymap: return "keymap"
        case .rootPassword: return "root-password"
        case .source: return "source"
        case .driverSource: return "driver-source"
        case .postInstallScript: return "post-install-script"
        case .adminInterface: return "admin-interface"
        case .adminIP: return "ip"
        case .adminNetmask: return "subnet-mask"
        case .adminGateway: return "gateway"
        case .adminIPv6: return "ipv6"
        case .adminGatewayV6: return "gatewayv6"
        case .adminVLAN: return "admin-interface"
        case .adminBond: return "bond"
        case .nameserver: return "nameserver"
        case .hostname: return "hostname"
        case .timezone: return "timezone"
        case .ntpServer: return "ntp-server"
        case .bootloader: return "bootloader"
        }
    }

    /// `"value"`, shortened, for messages.
    static func quoted(_ s: String) -> String {
        let shown = s.count > 60 ? String(s.prefix(57)) + "..." : s
        return "\"" + shown.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    // MARK: Keymap, time zone, password, bootloader

    static func keymap(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        let k = plan.keymap
        if let keymaps = c.keymaps, !keymaps.contains(k) {
            return [PlanProblem(.keymap, "unknown keymap \(quoted(k)) (the keymaps are listed in keymaps/catalogue, such as us, uk, de)",
                                screenTitle: "Select Keymap", screenMessage: "The keymap \(k) is not known.")]
        }
        if k.isEmpty || !k.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            return [PlanProblem(.keymap, "unknown keymap \(quoted(k))", screenTitle: "Select Keymap", screenMessage: "The keymap \(k) is not known.")]
        }
        return []
    }

    static func timezone(_ plan: InstallPlan, _ c: Context) -> [PlanProblem] {
        let tz = plan.timezone
        if tz.isEmpty {
            return plan.mode == .fresh ? [PlanProblem(.timezone, "no time zone was given", screenTitle: "Select Time Zone",
                                                      screenMessage: "Please select a time zone.")] : []
        }
        let known = c.timezones.isAvailable ? c.timezones.contains(tz) : TimezoneCatalogue.hasZoneForm(tz)
        return known ? [] : [PlanProblem(.timezone, "unknown time zone \(quoted(tz)) (expected a tzdata name such as Europe/London or America/Los_Angeles)",
                                         screenTitle: "Select Time Zone", screenMessage: "\(tz) is not a known time zone.")]
    }

    static func rootPassword(_ plan: InstallPlan) -> [PlanProblem] {
        switch plan.rootPassword {
        case nil:
            return plan.mode == .fresh ? [PlanProblem(.rootPassword, "no root password was given", screenTitle: "Password Error",
                                                      screenMessage: "The password has to be \(minimumPasswordLength) characters or longer.")] : []
        case let .plaintext(pw)?:
            return pw.count >= minimumPasswordLength ? [] : [PlanProblem(.rootPassword,
                "the root password is \(pw.count) character\(pw.count == 1 ? "" : "s") long; at least \(minimumPasswordLength) are needed",
                screenTitle: "Password Error", screenMessage: "The password has to be \(minimumPasswordLength) characters or longer.")]
        case let .hash(h)?:
            return PasswordHash.looksLikeCryptHash(h) ? [] : [PlanProblem(.rootPassword,
                "the root password hash is not a crypt(3) hash (such as $6$salt$hash, as in /etc/shadow)", screenTitle: "Password Error")]
        }
    }

    static func bootloader(_ plan: InstallPlan) -> [PlanProblem] {
        plan.bootloader.kind == .grub ? [PlanProblem(.bootloader, "grub is not supported by this build; use extlinux (the default)",
                                                     screenTitle: "Confirm Installation")] : []
    }
}
