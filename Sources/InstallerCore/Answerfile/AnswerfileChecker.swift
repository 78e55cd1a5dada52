import Foundation

/// Walks the element tree, filling the plan and collecting problems. The checker itself
/// reports what is wrong with the file (structure, attributes, types, empty elements); the
/// values then go through the rule book (`PlanRules`), whose problems are reported at the
/// element or attribute each field came from (`locations`).
struct AnswerfileChecker {
    let options: AnswerfileOptions
    let keymaps: KeymapCatalogue?
    var problems: [AnswerfileProblem] = []
    var missing: [String] = []
    var plan = InstallPlan()
    var mode: InstallPlan.Mode = .fresh
    /// Where each field of the plan was written.
    var locations: [PlanField: XElement] = [:]
    /// Line and column of every element the checker already reported an error at.
    var errorPlaces: Set<[Int]> = []
    /// Where `<linux-pack>` was written (the refusal of `yes` without a Linux Pack points there).
    var linuxPackAt: (line: Int, column: Int)?
    /// Which disk each disk element named (`validate-answerfile` prints them).
    var diskMatches: [DiskMatch] = []
    /// Disk fields given by a rule that could not be matched (no machine): not checked further.
    var unresolvedDiskFields: Set<PlanField> = []

    init(options: AnswerfileOptions) {
        self.options = options
        self.keymaps = options.keymaps ?? (try? KeymapCatalogue.load())
    }

    var machine: Machine? { options.machine }

    mutating func error(_ e: XElement, _ message: String, field: PlanField? = nil) {
        errorPlaces.insert([e.line, e.column])
        problems.append(AnswerfileProblem(.error, line: e.line, column: e.column, message, field: field ?? Self.field(of: e.name)))
    }
    mutating func warning(_ e: XElement, _ message: String) {
        problems.append(AnswerfileProblem(.warning, line: e.line, column: e.column, message, field: Self.field(of: e.name)))
    }

    /// The plan field an element holds (the first of its kind, for repeated elements).
    static func field(of element: String) -> PlanField? {
        switch element {
        case "primary-disk", "existing-installation", "backup-disk": return .primaryDisk
        case "raid": return .mirrorDisk
        case "guest-disk": return .guestDisk(0)
        case "keymap": return .keymap
        case "root-password": return .rootPassword
        case "source": return .source(0)
        case "driver-source": return .driverSource(0)
        case "post-install-script": return .postInstallScript
        case "admin-interface": return .adminInterface
        case "ip": return .adminIP
        case "subnet-mask": return .adminNetmask
        case "gateway": return .adminGateway
        case "nameserver": return .nameserver(0)
        case "hostname": return .hostname
        case "timezone": return .timezone
        case "ntp-server": return .ntpServer(0)
        case "time-config-method": return .ntpServer(nil)
        case "bootloader": return .bootloader
        default: return nil
        }
    }

    static func quoted(_ s: String) -> String { PlanRules.quoted(s) }

    mutating func check(_ root: XElement) -> InstallPlan {
        guard root.name == "installation" else {
            error(root, "the root element must be <installation>, not <\(root.name)>")
            return plan
        }
        for a in root.attributes where a.name != "mode" {
            warning(root, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <installation> is ignored")
        }
        if let m = root.attribute("mode") {
            let t = m.trimmingCharacters(in: .whitespaces)
            if t.isEmpty {
                mode = .fresh
            } else if let mm = InstallPlan.Mode(rawValue: t) {
                mode = mm
            } else {
                error(root, "unknown mode \(Self.quoted(m)) (expected fresh, reinstall or restore)", field: .mode)
                return plan
            }
        }
        plan.mode = mode
        if !root.trimmedText.isEmpty {
            error(root, "text \(Self.quoted(root.trimmedText)) directly inside <installation>; put every value in its element")
        }
        let byName = sortChildren(root)

        // Required elements for the mode.
        for rule in ElementRule.all where rule.need(mode) == .required && byName[rule.name] == nil {
            missing.append(rule.name)
            if !options.allowMissing {
                problems.append(AnswerfileProblem(.error, line: root.line, column: root.column,
                    "missing <\(rule.name)> (required when mode is \"\(mode.rawValue)\")", missingElement: rule.name,
                    field: Self.field(of: rule.name)))
            }
        }
        readValues(byName, root: root)
        checkReport(byName["report"]?.first)
        applyRules(root)
        return plan
    }

    /// What an upgrade keeps instead of these elements (PreservedSettings.apply).
    static let keptInAnUpgrade: [String: String] = [
        "keymap": "the existing installation's keymap is kept",
        "root-password": "the existing installation's root password is kept (this one is used only if it has none)",
        "admin-interface": "the existing installation's management interface is kept (this one is used only if it has none)",
        "nameserver": "the existing installation's DNS servers are kept",
        "hostname": "the existing installation's host name is kept",
        "timezone": "the existing installation's time zone is kept",
        "ntp-server": "the existing installation's time settings are kept",
        "time-config-method": "the existing installation's time settings are kept",
    ]

    /// The children by rule, reporting unknown, unused and duplicate elements.
    mutating func sortChildren(_ root: XElement) -> [String: [XElement]] {
        var byName: [String: [XElement]] = [:]
        for child in root.children {
            var e = child
            if let real = ElementRule.aliases[e.name] {
                warning(e, "<\(e.name)> is an old spelling of <\(real)>")
                e.name = real
            }
            guard let rule = ElementRule.named(e.name) else {
                warning(e, "unknown element <\(e.name)> is ignored")
                continue
            }
            if rule.need(mode) == .unused {
                error(e, "<\(e.name)> is not used when mode is \"\(mode.rawValue)\"" + unusedHint(e.name))
                continue
            }
            if mode == .reinstall, let kept = Self.keptInAnUpgrade[e.name], byName[e.name] == nil {
                // The guide: an upgrade asks for no setting again; the old host's are kept.
                warning(e, "<\(e.name)> is not used in an upgrade: " + kept)
            }
            if !rule.repeatable, let first = byName[e.name]?.first {
                error(e, "duplicate <\(e.name)> (first at line \(first.line)); it may appear only once")
                continue
            }
            for a in e.attributes where !rule.attributes.contains(a.name) {
                warning(e, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <\(e.name)> is ignored")
            }
            if e.name != "admin-interface" && e.name != "raid" {
                for c in e.children {
                    error(c, "<\(e.name)> takes only text, not an element <\(c.name)>")
                }
            }
            byName[e.name, default: []].append(e)
        }
        return byName
    }

    /// The rule book over the plan read, each problem at the element its field came from.
    /// Skipped: fields left out that are reported (or asked for) as missing, and elements
    /// already reported as wrong.
    mutating func applyRules(_ root: XElement) {
        let required = Set(ElementRule.all.filter { $0.need(mode) == .required }.map(\.name))
        let context = PlanRules.Context(machine: machine, keymaps: keymaps, timezones: options.timezones,
                                        installationsDetected: options.installationsDetected)
        for p in PlanRules.problems(plan, context) {
            // With --ask-missing, the names a static interface needs and the file leaves out
            // are asked for on their screens, like a required element left out.
            if options.allowMissing, locations[p.field] == nil, [.hostname, .nameserver(nil), .ntpServer(nil)].contains(p.field) {
                if !missing.contains(elementName(p.field)) { missing.append(elementName(p.field)) }
                continue
            }
            if unresolvedDiskFields.contains(p.field) { continue }
            let at = location(p.field)
            if at == nil, required.contains(elementName(p.field)) { continue }
            let e = at ?? root
            if errorPlaces.contains([e.line, e.column]) { continue }
            problems.append(AnswerfileProblem(.error, line: e.line, column: e.column, p.message, field: p.field))
        }
    }

    /// The element a field's value came from; for a value the file leaves out, the element
    /// that made it needed (the static `<admin-interface>`), or nil.
    func location(_ f: PlanField) -> XElement? {
        if let e = locations[f] { return e }
        switch f {
        case .hostname, .nameserver(nil), .ntpServer(nil), .adminVLAN, .adminIPv6, .adminGatewayV6: return locations[.adminInterface]
        default: return nil
        }
    }

    /// The answerfile element of a field in this mode.
    func elementName(_ f: PlanField) -> String {
        if f == .primaryDisk {
            switch mode {
            case .fresh: return "primary-disk"
            case .reinstall: return "existing-installation"
            case .restore: return "backup-disk"
            }
        }
        return PlanRules.elementName(f)
    }

    func unusedHint(_ name: String) -> String {
        switch (name, mode) {
        case ("primary-disk", .reinstall), ("guest-disk", .reinstall):
            return "; the existing installation's disk is used: name it with <existing-installation>"
        case ("primary-disk", .restore), ("guest-disk", .restore):
            return "; name the disk that holds the backup with <backup-disk>"
        case (_, .restore):
            return "; a restore brings back the backed-up installation as it was"
        default:
            return ""
        }
    }

    /// The element's trimmed text; an error when it is empty.
    mutating func nonEmptyText(_ e: XElement) -> String? {
        let t = e.trimmedText
        if t.isEmpty {
            if e.children.isEmpty { error(e, "<\(e.name)> is empty") }
            return nil
        }
        return t
    }
}
