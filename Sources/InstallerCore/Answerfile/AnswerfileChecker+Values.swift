import Foundation

/// Reading each element's value into the plan (the rule book checks the values afterwards).
extension AnswerfileChecker {
    mutating func readValues(_ byName: [String: [XElement]], root: XElement) {
        let hasDriverSource = byName["driver-source"] != nil
        for e in byName["driver-source"] ?? [] {
            if let s = source(e, kind: "driver-source") {
                locations[.driverSource(plan.driverSources.count)] = e
                plan.driverSources.append(s)
            }
        }
        readPrimaryDisk(byName, hasDriverSource: hasDriverSource)
        var seenGuests: [String: Int] = [:]
        for e in byName["guest-disk"] ?? [] {
            guard let d = disk(e, hasDriverSource: hasDriverSource, field: .guestDisk(plan.guestDisks.count)) else { continue }
            if let firstLine = seenGuests[d] {
                error(e, "guest disk \(Self.quoted(d)) is listed twice (first at line \(firstLine))")
            } else if let p = byName["primary-disk"]?.first, d == plan.primaryDisk, !d.isEmpty {
                error(e, "guest disk \(Self.quoted(d)) is also the primary disk (line \(p.line)); use gueststorage=\"yes\" on <primary-disk> instead")
            } else if let m = plan.mirrorDisk, d == m {
                error(e, "guest disk \(Self.quoted(d)) is the second disk of the mirror; a disk of the mirror cannot also be VM storage")
            } else {
                seenGuests[d] = e.line
                locations[.guestDisk(plan.guestDisks.count)] = e
                plan.guestDisks.append(d)
            }
        }
        // The disk of the installation to upgrade, or of the backup to restore; the rule book
        // checks that it holds one (once installations were looked for).
        for name in ["existing-installation", "backup-disk"] {
            if let e = byName[name]?.first {
                locations[.primaryDisk] = e
                if let d = disk(e, hasDriverSource: hasDriverSource, field: .primaryDisk) { plan.primaryDisk = d }
            }
        }
        if let e = byName["keymap"]?.first {
            locations[.keymap] = e
            if let k = nonEmptyText(e) { plan.keymap = k }
        }
        if let e = byName["root-password"]?.first {
            locations[.rootPassword] = e
            rootPassword(e)
        }
        for e in byName["source"] ?? [] {
            if let s = source(e, kind: "source") {
                locations[.source(plan.sources.count)] = e
                plan.sources.append(s)
            }
        }
        if let e = byName["post-install-script"]?.first {
            locations[.postInstallScript] = e
            if let s = source(e, kind: "post-install-script") { plan.postInstallScript = s }
        }
        if let e = byName["admin-interface"]?.first {
            locations[.adminInterface] = e
            adminInterface(e)
        } else if mode == .fresh, let m = machine {
            if let nic = m.nics.first(where: \.link) {
                plan.adminInterface = AdminInterface(nic: nic.name, mac: nic.mac, config: .dhcp)
            } else if !m.nics.isEmpty {
                warning(root, "no <admin-interface> and no network interface has a link: the host will have no management network")
            }
        }
        let isStatic: Bool = {
            if let a = plan.adminInterface { return !a.usesDHCP }
            if let e = byName["admin-interface"]?.first, e.attribute("proto")?.trimmingCharacters(in: .whitespaces) == "static",
               !["dhcp", "autoconf"].contains(e.attribute("protov6")?.trimmingCharacters(in: .whitespaces) ?? "none") { return true }
            return false
        }()
        if let list = byName["nameserver"] {
            locations[.nameserver(nil)] = list[0]
            var servers: [String] = []
            for e in list {
                guard let t = nonEmptyText(e) else { continue }
                locations[.nameserver(servers.count)] = e
                servers.append(t)
            }
            plan.nameservers = .manual(servers)
        } else if isStatic {
            plan.nameservers = .manual([])
        }
        if let e = byName["hostname"]?.first {
            locations[.hostname] = e
            if let h = nonEmptyText(e) { plan.hostname = .manual(h) }
        }
        if let e = byName["timezone"]?.first {
            locations[.timezone] = e
            if let tz = nonEmptyText(e) { plan.timezone = tz }
        }
        ntp(byName["ntp-server"] ?? [], isStatic: isStatic)
        if let e = byName["time-config-method"]?.first, let t = nonEmptyText(e) {
            switch t.lowercased() {
            case "ntp": break
            case "manual":
                if let n = byName["ntp-server"]?.first {
                    error(e, "time-config-method \"manual\" takes no <ntp-server> (line \(n.line)); write ntp, or remove the NTP servers")
                } else {
                    locations[.ntpServer(nil)] = e
                    plan.time = .manual
                }
            default: error(e, "time-config-method must be \"ntp\" or \"manual\", not \(Self.quoted(t))")
            }
        }
        if let e = byName["linux-pack"]?.first, let t = nonEmptyText(e) {
            linuxPackAt = (e.line, e.column)
            switch t.lowercased() {
            case "yes", "true": plan.linuxPack = .yes
            case "no", "false": plan.linuxPack = .no
            default: error(e, "linux-pack must be \"yes\" or \"no\" (or left out: installed when a source provides it), not \(Self.quoted(t))")
            }
        }
        if let e = byName["bootloader"]?.first {
            locations[.bootloader] = e
            bootloader(e)
        }
    }

    /// A disk name (`sda`, or `/dev/sda`); the rule book looks it up in the machine. A disk
    /// that appears only once a `<driver-source>` is loaded gets a warning.
    /// The disk an element names: a kernel name as before, or a rule by identity (`DiskRule`:
    /// by-id, by-path, serial, model, wwn, size) matched against the machine here, so that a
    /// rule matching no disk or several is refused at its line and column before any disk is
    /// written. Without a machine (`--no-machine`) a rule is only read, and left for install time.
    mutating func disk(_ e: XElement, hasDriverSource: Bool, field: PlanField, minimum: UInt64? = nil) -> String? {
        let hasRuleAttributes = e.attributes.contains { DiskRule.attributes.contains($0.name) }
        if !hasRuleAttributes && e.trimmedText.isEmpty {
            _ = nonEmptyText(e)
            return nil
        }
        let rule: DiskRule
        switch DiskRule.parse(text: e.text, attributes: e.attributes) {
        case .failure(let f): error(e, f.message); return nil
        case .success(let r): rule = r
        }
        if rule.isPlainName, let name = rule.name {
            if hasDriverSource, let m = machine, let d = m.disks.first(where: { $0.name == name }),
               let drv = d.needsDriver, !m.loadedDrivers.contains(drv) {
                warning(e, "disk \(Self.quoted(name)) appears only once driver \(drv) is loaded from a <driver-source>")
            }
            if let d = machine?.disks.first(where: { $0.name == name }) {
                diskMatches.append(DiskMatch(element: e.name, line: e.line, column: e.column, rule: name, disk: d))
            }
            return name
        }
        guard let m = machine else {
            warning(e, "<\(e.name)> \(rule.description) is matched against the machine's disks when installing; without a machine it is not checked here")
            unresolvedDiskFields.insert(field)
            return nil
        }
        switch rule.match(m, minimum: minimum, includeDriverDisks: hasDriverSource) {
        case .failure(let f):
            error(e, f.message)
            return nil
        case .success(let d):
            diskMatches.append(DiskMatch(element: e.name, line: e.line, column: e.column, rule: rule.description, disk: d))
            return d.name
        }
    }

    mutating func rootPassword(_ e: XElement) {
        let type = e.attribute("type")?.trimmingCharacters(in: .whitespaces) ?? "plaintext"
        guard type == "plaintext" || type == "hash" else {
            error(e, "root-password type must be \"plaintext\" or \"hash\", not \(Self.quoted(type))")
            return
        }
        guard let pw = nonEmptyText(e) else { return }
        plan.rootPassword = type == "hash" ? .hash(pw) : .plaintext(pw)
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
                guard let p = SourceForms.nfsPath(String(text.dropFirst(6)), fromURL: true) else {
                    error(e, "\(Self.quoted(text)) is not an NFS URL (nfs://server/path)"); return nil
                }
                return .nfs(p)
            }
            guard let (url, creds) = SourceForms.splitURL(text) else {
                error(e, "\(Self.quoted(SourceForms.withoutPassword(text))) is not an http, https or ftp URL")
                return nil
            }
            return .url(url, credentials: creds)
        case "nfs":
            guard !text.isEmpty else { error(e, "<\(kind) type=\"nfs\"> is empty; put server:/path in the element"); return nil }
            let t = text.lowercased().hasPrefix("nfs://") ? String(text.dropFirst(6)) : text
            guard let p = SourceForms.nfsPath(t, fromURL: text.lowercased().hasPrefix("nfs://")) else {
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

    mutating func ntp(_ list: [XElement], isStatic: Bool) {
        var servers: [String] = []
        var fromDHCP: Bool?
        if let first = list.first { locations[.ntpServer(nil)] = first }
        for e in list {
            let t = e.trimmedText
            if let d = e.attribute("dhcp") {
                switch d.trimmingCharacters(in: .whitespaces) {
                case "true":
                    if !t.isEmpty { error(e, "<ntp-server dhcp=\"true\"> must be empty (the DHCP server names the NTP servers)"); continue }
                    locations[.ntpServer(nil)] = e
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
            locations[.ntpServer(servers.count)] = e
            servers.append(s)
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
                error(e, "unknown bootloader \(Self.quoted(t)) (expected extlinux)")
            }
        }
        plan.bootloader = b
    }
}
