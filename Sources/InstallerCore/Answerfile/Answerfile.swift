import Foundation

/// What the answerfile is checked against.
public struct AnswerfileOptions: Sendable {
    /// The probed machine: disks and NICs are looked up in it. Nil: only the file's
    /// structure and values are checked (no disk or NIC lookups, no default admin interface).
    public var machine: Machine?
    /// Nil: the installed catalogue (`KeymapCatalogue.load()`); if that is not found either,
    /// keymap names are not checked.
    public var keymaps: KeymapCatalogue?
    public var timezones: TimezoneCatalogue
    /// True for `--ask-missing`: required elements that are left out are listed in
    /// `AnswerfileResult.missing` instead of being errors.
    public var allowMissing: Bool
    /// True once the backend has looked for installations and backups on the disks
    /// (`machine.installations`, `machine.backups`): then `<existing-installation>` must name a
    /// disk holding an installation and `<backup-disk>` one holding a backup.
    public var installationsDetected: Bool

    public init(machine: Machine? = nil, keymaps: KeymapCatalogue? = nil, timezones: TimezoneCatalogue = .system,
                allowMissing: Bool = false, installationsDetected: Bool = false) {
        self.machine = machine; self.keymaps = keymaps; self.timezones = timezones; self.allowMissing = allowMissing
        self.installationsDetected = installationsDetected
    }
}

/// The answerfile (SPEC section 7, the guide's appendix B): XML in, `InstallPlan` out,
/// with every problem reported as `FILE:LINE:COLUMN: message` before any disk is touched.
public enum Answerfile {
    /// Answerfiles are small; anything bigger is refused before parsing.
    public static let maximumSize = 1 << 20

    public static func parse(file path: String, options: AnswerfileOptions = AnswerfileOptions()) throws(InstallerError) -> AnswerfileResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid(path, "cannot read the answerfile", hint: "check the path")
        }
        return parse(Array(data), options: options)
    }

    public static func parse(text: String, options: AnswerfileOptions = AnswerfileOptions()) -> AnswerfileResult {
        parse(Array(text.utf8), options: options)
    }

    public static func parse(_ bytes: [UInt8], options: AnswerfileOptions = AnswerfileOptions()) -> AnswerfileResult {
        if bytes.count > maximumSize {
            return AnswerfileResult(plan: nil, problems: [AnswerfileProblem(.error, line: 1, column: 1,
                "the answerfile is \(bytes.count) bytes; at most \(maximumSize) are accepted")])
        }
        let (root, xml) = XMLTreeLoader.load(bytes, policy: .answerfile)
        let xmlProblems = xml.map { p in
            AnswerfileProblem(p.severity == .warning ? .warning : .error, line: p.line, column: p.column,
                              p.syntax ? "malformed XML: " + p.message : p.message)
        }
        guard let root else { return AnswerfileResult(plan: nil, problems: sorted(xmlProblems)) }
        var checker = AnswerfileChecker(options: options)
        checker.problems = xmlProblems
        let plan = checker.check(root)
        let problems = sorted(checker.problems)
        let ok = !problems.contains { $0.severity == .error }
        return AnswerfileResult(plan: ok ? plan : nil, problems: problems, missing: checker.missing)
    }

    /// File order: by line, then column; problems at the same place keep their order.
    static func sorted(_ p: [AnswerfileProblem]) -> [AnswerfileProblem] {
        p.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}

/// Which elements exist, how often, and in which modes.
struct ElementRule {
    enum Need { case required, optional, unused }
    let name: String
    let repeatable: Bool
    let attributes: [String]
    let fresh: Need, reinstall: Need, restore: Need

    func need(_ mode: InstallPlan.Mode) -> Need {
        switch mode {
        case .fresh: return fresh
        case .reinstall: return reinstall
        case .restore: return restore
        }
    }

    static let all: [ElementRule] = [
        ElementRule(name: "primary-disk", repeatable: false, attributes: ["gueststorage"], fresh: .required, reinstall: .unused, restore: .unused),
        ElementRule(name: "guest-disk", repeatable: true, attributes: [], fresh: .optional, reinstall: .unused, restore: .unused),
        ElementRule(name: "existing-installation", repeatable: false, attributes: [], fresh: .unused, reinstall: .required, restore: .unused),
        ElementRule(name: "backup-disk", repeatable: false, attributes: [], fresh: .unused, reinstall: .unused, restore: .required),
        ElementRule(name: "keymap", repeatable: false, attributes: [], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "root-password", repeatable: false, attributes: ["type"], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "source", repeatable: true, attributes: ["type"], fresh: .required, reinstall: .required, restore: .unused),
        ElementRule(name: "driver-source", repeatable: true, attributes: ["type"], fresh: .optional, reinstall: .optional, restore: .optional),
        ElementRule(name: "post-install-script", repeatable: false, attributes: ["type"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "admin-interface", repeatable: false, attributes: ["name", "hwaddr", "proto"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "nameserver", repeatable: true, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "hostname", repeatable: false, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "timezone", repeatable: false, attributes: [], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "ntp-server", repeatable: true, attributes: ["dhcp"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "bootloader", repeatable: false, attributes: ["location"], fresh: .optional, reinstall: .optional, restore: .unused),
    ]

    static func named(_ n: String) -> ElementRule? { all.first { $0.name == n } }

    /// Older spellings (the 2009 installer and later releases) that mean the same element.
    static let aliases: [String: String] = ["ntp-servers": "ntp-server", "name-server": "nameserver"]
}

/// Walks the element tree, filling the plan and collecting problems.
struct AnswerfileChecker {
    let options: AnswerfileOptions
    let keymaps: KeymapCatalogue?
    var problems: [AnswerfileProblem] = []
    var missing: [String] = []
    var plan = InstallPlan()
    var mode: InstallPlan.Mode = .fresh

    init(options: AnswerfileOptions) {
        self.options = options
        self.keymaps = options.keymaps ?? (try? KeymapCatalogue.load())
    }

    var machine: Machine? { options.machine }

    mutating func error(_ e: XElement, _ message: String) {
        problems.append(AnswerfileProblem(.error, line: e.line, column: e.column, message))
    }
    mutating func warning(_ e: XElement, _ message: String) {
        problems.append(AnswerfileProblem(.warning, line: e.line, column: e.column, message))
    }

    static func quoted(_ s: String) -> String {
        let shown = s.count > 60 ? String(s.prefix(57)) + "..." : s
        return "\"" + shown.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

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
                error(root, "unknown mode \(Self.quoted(m)) (expected fresh, reinstall or restore)")
                return plan
            }
        }
        plan.mode = mode
        if !root.trimmedText.isEmpty {
            error(root, "text \(Self.quoted(root.trimmedText)) directly inside <installation>; put every value in its element")
        }

        // Sort the children by rule, reporting unknown, unused and duplicate elements.
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
            if !rule.repeatable, let first = byName[e.name]?.first {
                error(e, "duplicate <\(e.name)> (first at line \(first.line)); it may appear only once")
                continue
            }
            for a in e.attributes where !rule.attributes.contains(a.name) {
                warning(e, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <\(e.name)> is ignored")
            }
            if e.name != "admin-interface" {
                for c in e.children {
                    error(c, "<\(e.name)> takes only text, not an element <\(c.name)>")
                }
            }
            byName[e.name, default: []].append(e)
        }

        // Required elements for the mode.
        for rule in ElementRule.all where rule.need(mode) == .required && byName[rule.name] == nil {
            missing.append(rule.name)
            if !options.allowMissing {
                problems.append(AnswerfileProblem(.error, line: root.line, column: root.column,
                    "missing <\(rule.name)> (required when mode is \"\(mode.rawValue)\")", missingElement: rule.name))
            }
        }

        let hasDriverSource = byName["driver-source"] != nil
        for e in byName["driver-source"] ?? [] {
            if let s = source(e, kind: "driver-source") { plan.driverSources.append(s) }
        }
        if let e = byName["primary-disk"]?.first {
            if let d = disk(e, role: "primary disk", minimum: Size.minimumPrimaryDisk, hasDriverSource: hasDriverSource) { plan.primaryDisk = d }
            if let g = e.attribute("gueststorage") {
                switch g.trimmingCharacters(in: .whitespaces).lowercased() {
                case "yes", "true": plan.storageOnPrimary = true
                case "no", "false": plan.storageOnPrimary = false
                default: error(e, "gueststorage must be \"yes\" or \"no\", not \(Self.quoted(g))")
                }
            }
        }
        var seenGuests: [String: Int] = [:]
        for e in byName["guest-disk"] ?? [] {
            guard let d = disk(e, role: "guest disk", minimum: nil, hasDriverSource: hasDriverSource) else { continue }
            if let firstLine = seenGuests[d] {
                error(e, "guest disk \(Self.quoted(d)) is listed twice (first at line \(firstLine))")
            } else if let p = byName["primary-disk"]?.first, d == plan.primaryDisk, !d.isEmpty {
                error(e, "guest disk \(Self.quoted(d)) is also the primary disk (line \(p.line)); use gueststorage=\"yes\" on <primary-disk> instead")
            } else {
                seenGuests[d] = e.line
                plan.guestDisks.append(d)
            }
        }
        if let e = byName["existing-installation"]?.first,
           let d = disk(e, role: "disk of the existing installation", minimum: nil, hasDriverSource: hasDriverSource) {
            if options.installationsDetected, let m = machine, !m.installations.contains(where: { $0.disk == d }) {
                let found = m.installations.map(\.label)
                error(e, "no installation was found on disk \(Self.quoted(d)) (" + (found.isEmpty ? "none was found on any disk" : "found: " + found.joined(separator: ", ")) + ")")
            } else {
                plan.primaryDisk = d
            }
        }
        if let e = byName["backup-disk"]?.first,
           let d = disk(e, role: "backup disk", minimum: nil, hasDriverSource: hasDriverSource) {
            if options.installationsDetected, let m = machine, !m.backups.contains(where: { $0.disk == d }) {
                let found = m.backups.map(\.label)
                error(e, "no backup was found on disk \(Self.quoted(d)) (" + (found.isEmpty ? "none was found on any disk" : "found: " + found.joined(separator: ", ")) + ")")
            } else {
                plan.primaryDisk = d
            }
        }

        if let e = byName["keymap"]?.first, let k = nonEmptyText(e) {
            if let keymaps, !keymaps.contains(k) {
                error(e, "unknown keymap \(Self.quoted(k)) (the keymaps are listed in keymaps/catalogue, such as us, uk, de)")
            } else if !k.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
                error(e, "unknown keymap \(Self.quoted(k))")
            } else {
                plan.keymap = k
            }
        }
        if let e = byName["root-password"]?.first { rootPassword(e) }
        for e in byName["source"] ?? [] {
            if let s = source(e, kind: "source") { plan.sources.append(s) }
        }
        if let e = byName["post-install-script"]?.first, let s = source(e, kind: "post-install-script") {
            plan.postInstallScript = s
        }
        if let e = byName["admin-interface"]?.first {
            adminInterface(e)
        } else if mode == .fresh, let m = machine {
            if let nic = m.nics.first(where: \.link) {
                plan.adminInterface = AdminInterface(nic: nic.name, mac: nic.mac, config: .dhcp)
            } else if !m.nics.isEmpty {
                warning(root, "no <admin-interface> and no network interface has a link: the host will have no management network")
            }
        }
        let isStatic: Bool = {
            if case .static = plan.adminInterface?.config { return true }
            if let e = byName["admin-interface"]?.first, e.attribute("proto")?.trimmingCharacters(in: .whitespaces) == "static" { return true }
            return false
        }()
        if let list = byName["nameserver"] {
            var servers: [String] = []
            for e in list {
                guard let t = nonEmptyText(e) else { continue }
                if Net.isIPv4(t) { servers.append(t) } else { error(e, "nameserver \(Self.quoted(t)) is not an IPv4 address") }
            }
            plan.nameservers = .manual(servers)
        } else if isStatic {
            plan.nameservers = .manual([])
        }
        if let e = byName["hostname"]?.first, let h = nonEmptyText(e) {
            if Net.isHostname(h) { plan.hostname = .manual(h) } else {
                error(e, "\(Self.quoted(h)) is not a host name (letters, digits and hyphens, in dot-separated labels)")
            }
        }
        if let e = byName["timezone"]?.first, let tz = nonEmptyText(e) {
            if options.timezones.isAvailable ? options.timezones.contains(tz) : TimezoneCatalogue.hasZoneForm(tz) {
                plan.timezone = tz
            } else {
                error(e, "unknown time zone \(Self.quoted(tz)) (expected a tzdata name such as Europe/London or America/Los_Angeles)")
            }
        }
        ntp(byName["ntp-server"] ?? [], isStatic: isStatic)
        if let e = byName["bootloader"]?.first { bootloader(e) }
        return plan
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

    /// A disk name (`sda`, or `/dev/sda`), looked up in the machine.
    mutating func disk(_ e: XElement, role: String, minimum: UInt64?, hasDriverSource: Bool) -> String? {
        guard var name = nonEmptyText(e) else { return nil }
        if name.hasPrefix("/dev/") { name.removeFirst(5) }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            error(e, "\(Self.quoted(name)) is not a disk name (such as sda)")
            return nil
        }
        guard let m = machine else { return name }
        guard let d = m.disks.first(where: { $0.name == name }) else {
            let names = m.visibleDisks.map(\.name)
            error(e, "unknown disk \(Self.quoted(name)) (this machine has: \(names.isEmpty ? "no disks" : names.joined(separator: ", ")))")
            return nil
        }
        if let drv = d.needsDriver, !m.loadedDrivers.contains(drv) {
            if hasDriverSource {
                warning(e, "disk \(Self.quoted(name)) appears only once driver \(drv) is loaded from a <driver-source>")
            } else {
                error(e, "disk \(Self.quoted(name)) needs driver \(drv), and no <driver-source> provides it")
                return nil
            }
        }
        if let minimum, d.sizeBytes < minimum {
            error(e, "the \(role) \(Self.quoted(name)) is \(Size.humanGB(d.sizeBytes)); at least \(Size.humanGB(minimum)) is needed")
            return nil
        }
        if minimum != nil && d.removable {
            error(e, "the \(role) \(Self.quoted(name)) is a removable disk")
            return nil
        }
        return name
    }

    mutating func rootPassword(_ e: XElement) {
        let type = e.attribute("type")?.trimmingCharacters(in: .whitespaces) ?? "plaintext"
        guard type == "plaintext" || type == "hash" else {
            error(e, "root-password type must be \"plaintext\" or \"hash\", not \(Self.quoted(type))")
            return
        }
        guard let pw = nonEmptyText(e) else { return }
        if type == "hash" {
            guard PasswordHash.looksLikeCryptHash(pw) else {
                error(e, "the root password hash is not a crypt(3) hash (such as $6$salt$hash, as in /etc/shadow)")
                return
            }
            plan.rootPassword = .hash(pw)
        } else {
            plan.rootPassword = .plaintext(pw)
        }
    }

    /// `<source type="url|nfs|local">`, and the same for driver-source and post-install-script.
    mutating func source(_ e: XElement, kind: String) -> Source? {
        guard let rawType = e.attribute("type") else {
            error(e, "<\(kind)> needs type=\"url\", \"nfs\" or \"local\"")
            return nil
        }
        let type = rawType.trimmingCharacters(in: .whitespaces)
        let text = e.trimmedText
        switch type {
        case "url":
            guard !text.isEmpty else { error(e, "<\(kind) type=\"url\"> is empty; put the URL in the element"); return nil }
            if text.lowercased().hasPrefix("nfs://") {
                guard let p = Self.nfsPath(String(text.dropFirst(6)), fromURL: true) else {
                    error(e, "\(Self.quoted(text)) is not an NFS URL (nfs://server/path)"); return nil
                }
                return .nfs(p)
            }
            guard let (url, creds) = Self.splitURL(text) else {
                error(e, "\(Self.quoted(Self.withoutPassword(text))) is not an http, https or ftp URL")
                return nil
            }
            return .url(url, credentials: creds)
        case "nfs":
            guard !text.isEmpty else { error(e, "<\(kind) type=\"nfs\"> is empty; put server:/path in the element"); return nil }
            let t = text.lowercased().hasPrefix("nfs://") ? String(text.dropFirst(6)) : text
            guard let p = Self.nfsPath(t, fromURL: text.lowercased().hasPrefix("nfs://")) else {
                error(e, "\(Self.quoted(text)) is not an NFS path (server:/path)"); return nil
            }
            return .nfs(p)
        case "local":
            if text.isEmpty { return .local(path: nil) }
            guard text.hasPrefix("/"), !text.contains("\n") else {
                error(e, "<\(kind) type=\"local\"> takes no text (or an absolute path to a directory or ISO image), not \(Self.quoted(text))")
                return nil
            }
            return .local(path: text)
        default:
            error(e, "unknown \(kind) type \(Self.quoted(type)) (expected url, nfs or local)")
            return nil
        }
    }

    /// `http://user:pw@host/path` → (`http://host/path`, credentials).
    static func splitURL(_ text: String) -> (String, Credentials?)? {
        guard let r = text.range(of: "://") else { return nil }
        let scheme = text[..<r.lowerBound].lowercased()
        guard ["http", "https", "ftp"].contains(scheme) else { return nil }
        let rest = text[r.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        var creds: Credentials?
        if let at = authority.lastIndex(of: "@") {
            let info = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let parts = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let user = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let pw = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            guard !user.isEmpty else { return nil }
            creds = Credentials(user: user, password: pw)
        }
        let host = authority.hasPrefix("[") ? authority : authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if authority.hasPrefix("[") == false, let colon = authority.firstIndex(of: ":") {
            let port = authority[authority.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isNumber), let p = Int(port), p > 0, p < 65536 else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" }) else { return nil }
        guard tail.allSatisfy({ !$0.isWhitespace }) else { return nil }
        return ("\(scheme)://\(authority)\(tail)", creds)
    }

    /// The URL with any password replaced, for messages.
    static func withoutPassword(_ text: String) -> String {
        guard let r = text.range(of: "://"), let at = text[r.upperBound...].firstIndex(of: "@") else { return text }
        let info = text[r.upperBound..<at]
        guard let colon = info.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// `server:/path` (or `server/path` from an nfs:// URL) → `server:/path`.
    static func nfsPath(_ t: String, fromURL: Bool) -> String? {
        guard !t.contains(where: { $0.isWhitespace }) else { return nil }
        if fromURL && !t.contains(":") {
            guard let slash = t.firstIndex(of: "/") else { return nil }
            let server = t[..<slash]
            guard !server.isEmpty else { return nil }
            return "\(server):\(t[slash...])"
        }
        let parts = t.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[0].contains("/") else { return nil }
        return t
    }

    mutating func adminInterface(_ e: XElement) {
        let name = e.attribute("name")?.trimmingCharacters(in: .whitespaces)
        let hwaddr = e.attribute("hwaddr")?.trimmingCharacters(in: .whitespaces).lowercased()
        var ok = true
        var nic: String? = nil, mac: String? = nil
        if name == nil && hwaddr == nil {
            error(e, "<admin-interface> needs name=\"eth0\" or hwaddr=\"00:16:3e:00:00:01\"")
            ok = false
        }
        if let name {
            if name.isEmpty { error(e, "the admin-interface name is empty"); ok = false }
            else if let m = machine {
                if let n = m.nic(named: name) { nic = n.name; mac = n.mac } else {
                    error(e, "unknown network interface \(Self.quoted(name)) (this machine has: \(m.nics.isEmpty ? "none" : m.nics.map(\.name).joined(separator: ", ")))")
                    ok = false
                }
            } else { nic = name }
        }
        if let hwaddr {
            if !Net.isMAC(hwaddr) {
                error(e, "hwaddr \(Self.quoted(hwaddr)) is not a MAC address (six pairs of hex digits separated by ':')")
                ok = false
            } else if let m = machine {
                if let n = m.nic(mac: hwaddr) {
                    if let nic, nic != n.name {
                        error(e, "name=\(Self.quoted(nic)) and hwaddr=\(Self.quoted(hwaddr)) are different interfaces (that MAC address is \(n.name))")
                        ok = false
                    }
                    nic = n.name; mac = n.mac
                } else {
                    error(e, "no network interface has MAC address \(Self.quoted(hwaddr)) (this machine has: \(m.nics.map { "\($0.name) \($0.mac)" }.joined(separator: ", ")))")
                    ok = false
                }
            } else { mac = hwaddr }
        }
        if ok, let m = machine, let nic, let n = m.nic(named: nic), !n.link {
            warning(e, "network interface \(nic) has no link")
        }

        // Children.
        var kids: [String: XElement] = [:]
        for c in e.children {
            guard ["ip", "subnet-mask", "gateway"].contains(c.name) else {
                warning(c, "unknown element <\(c.name)> in <admin-interface> is ignored")
                continue
            }
            if let first = kids[c.name] { error(c, "duplicate <\(c.name)> (first at line \(first.line)); it may appear only once"); continue }
            for a in c.attributes { warning(c, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <\(c.name)> is ignored") }
            for cc in c.children { error(cc, "<\(c.name)> takes only text, not an element <\(cc.name)>") }
            kids[c.name] = c
        }
        if !e.trimmedText.isEmpty {
            error(e, "text \(Self.quoted(e.trimmedText)) inside <admin-interface>; use name=, hwaddr= and proto= attributes, and <ip>, <subnet-mask>, <gateway> children")
        }

        var config: IPConfig?
        guard let rawProto = e.attribute("proto") else {
            error(e, "<admin-interface> needs proto=\"dhcp\" or proto=\"static\"")
            return
        }
        switch rawProto.trimmingCharacters(in: .whitespaces) {
        case "dhcp":
            for c in e.children where ["ip", "subnet-mask", "gateway"].contains(c.name) {
                warning(c, "<\(c.name)> is ignored with proto=\"dhcp\"")
            }
            config = .dhcp
        case "static":
            let absent = ["ip", "subnet-mask", "gateway"].filter { kids[$0] == nil }
            if !absent.isEmpty {
                error(e, "proto=\"static\" needs <ip>, <subnet-mask> and <gateway>; missing " + absent.map { "<\($0)>" }.joined(separator: ", "))
            }
            var ip: String?, mask: String?, gw: String?
            if let c = kids["ip"], let t = nonEmptyText(c) {
                if Net.isIPv4(t) { ip = t } else { error(c, "ip \(Self.quoted(t)) is not an IPv4 address") }
            }
            if let c = kids["subnet-mask"], let t = nonEmptyText(c) {
                if Net.isNetmask(t) { mask = t } else { error(c, "subnet-mask \(Self.quoted(t)) is not a subnet mask (such as 255.255.255.0)") }
            }
            if let c = kids["gateway"], let t = nonEmptyText(c) {
                if Net.isIPv4(t) { gw = t } else { error(c, "gateway \(Self.quoted(t)) is not an IPv4 address") }
                if let g = gw, let ip, let mask {
                    if !Self.sameSubnet(g, ip, mask) {
                        error(c, "gateway \(g) is not in the subnet of \(ip) with mask \(mask)")
                        gw = nil
                    } else if g == ip {
                        error(c, "gateway \(g) is the interface's own address")
                        gw = nil
                    }
                }
            }
            if let ip, let mask, let gw, absent.isEmpty { config = .static(ip: ip, netmask: mask, gateway: gw) }
        default:
            error(e, "proto must be \"dhcp\" or \"static\", not \(Self.quoted(rawProto))")
        }
        if ok, let config {
            plan.adminInterface = AdminInterface(nic: nic ?? "", mac: mac ?? "", config: config)
        }
    }

    static func ipValue(_ s: String) -> UInt32 {
        s.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
    }

    static func sameSubnet(_ a: String, _ b: String, _ mask: String) -> Bool {
        let m = ipValue(mask)
        return ipValue(a) & m == ipValue(b) & m
    }

    mutating func ntp(_ list: [XElement], isStatic: Bool) {
        var servers: [String] = []
        var fromDHCP: Bool?
        for e in list {
            let t = e.trimmedText
            if let d = e.attribute("dhcp") {
                switch d.trimmingCharacters(in: .whitespaces) {
                case "true":
                    if !t.isEmpty { error(e, "<ntp-server dhcp=\"true\"> must be empty (the DHCP server names the NTP servers)"); continue }
                    if isStatic { error(e, "NTP servers from DHCP need proto=\"dhcp\" on <admin-interface>"); continue }
                    fromDHCP = true
                    continue
                case "false":
                    if t.isEmpty { if fromDHCP == nil { fromDHCP = false }; continue }
                default:
                    error(e, "dhcp must be \"true\" or \"false\", not \(Self.quoted(d))")
                    continue
                }
            }
            guard let s = nonEmptyText(e) else { continue }
            if Net.isServer(s) { servers.append(s) } else { error(e, "NTP server \(Self.quoted(s)) is not a host name or IPv4 address") }
        }
        let dhcp = fromDHCP ?? (servers.isEmpty ? !isStatic : false)
        plan.time = .ntp(servers: servers, fromDHCP: dhcp)
    }

    mutating func bootloader(_ e: XElement) {
        var b = Bootloader()
        if let l = e.attribute("location") {
            if let loc = Bootloader.Location(rawValue: l.trimmingCharacters(in: .whitespaces)) { b.location = loc } else {
                error(e, "bootloader location must be \"mbr\" or \"partition\", not \(Self.quoted(l))")
            }
        }
        let t = e.trimmedText
        if !t.isEmpty {
            if let k = Bootloader.Kind(rawValue: t) { b.kind = k } else {
                error(e, "unknown bootloader \(Self.quoted(t)) (expected extlinux or grub)")
            }
        }
        plan.bootloader = b
    }
}
