import Foundation
import Testing
import TestSupport
@testable import InstallerCore
@testable import InstallerTUI

/// The rule book held to one verdict across both front ends: each generated plan is written
/// as an answerfile and validated, and its values are fed through the screens' pure rules
/// (`ScreenRules.apply` over a FlowState, in the order the screens ask); both must accept
/// it, or both refuse it on the same field. Valid plans also go answerfile → plan →
/// answerfile unchanged.
///
/// The generator makes only plans both front ends can say: no static interface without a
/// gateway (the answerfile format requires `<gateway>`), no guest disk listed twice or equal
/// to the primary disk (the screens' checkboxes cannot), no empty entry in a list, no manual
/// DNS list that is empty with DHCP (the answerfile cannot say it), NTP servers only when
/// not from DHCP (the screens drop them), one source, no driver sources.
@Suite struct PlanRulesPropertyTests {
    static let machine: Machine = {
        func disk(_ name: String, _ gb: UInt64, removable: Bool = false, driver: String? = nil) -> Machine.Disk {
            Machine.Disk(name: name, vendor: "ATA", model: "M\(name)", sizeBytes: gb * Size.GiB, path: "/nonexistent/\(name).img",
                         isImage: true, removable: removable, needsDriver: driver)
        }
        var m = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096,
                        disks: [disk("sda", 60), disk("sdb", 500), disk("sdc", 8), disk("sdd", 32, removable: true),
                                disk("sde", 100, driver: "megaraid_sas")],
                        nics: [Machine.NIC(name: "eth0", mac: "00:16:3e:00:00:01", link: true),
                               Machine.NIC(name: "eth1", mac: "00:16:3e:00:00:02", link: false)],
                        cdrom: Machine.CDROM(name: "sr0", discs: ["/media/cd"]))
        m.backups = [BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "1", date: "")]
        m.installations = [ExistingInstallation(disk: "sda", partition: 1, product: "XCP", version: "0.1.0", build: "1", date: "", inventory: [:])]
        return m
    }()

    /// The order the screens ask for the fields (the rule book's order).
    static let order = ["keymap", "primaryDisk", "guestDisk", "source", "rootPassword", "adminInterface", "adminIP", "adminNetmask",
                        "adminGateway", "hostname", "nameserver", "timezone", "ntpServer", "bootloader", "postInstallScript"]

    struct Generator {
        var rng: SplitMix64
        mutating func pick<T>(_ xs: [T]) -> T { xs[rng.below(xs.count)] }
        mutating func chance(_ percent: Int) -> Bool { rng.below(100) < percent }

        mutating func plan() -> InstallPlan {
            var p = InstallPlan()
            if chance(8) {
                p.mode = .restore
                p.primaryDisk = pick(["sda", "sda", "sdb", "sdz"])
                return p
            }
            if chance(8) {
                // An upgrade: the screens ask only for the installation and the source.
                p.mode = .reinstall
                p.primaryDisk = pick(["sda", "sda", "sdb", "sdz"])
                p.sources = [chance(85) ? goodSource() : pick([Source.url("gopher://x/", credentials: nil), .nfs("server:packages")])]
                p.bootloader = Bootloader(kind: chance(85) ? .extlinux : .grub, location: .mbr)
                return p
            }
            p.keymap = chance(92) ? pick(["us", "uk", "de", "fr"]) : pick(["", "u s", "de/latin"])
            p.primaryDisk = chance(85) ? pick(["sda", "sdb"]) : pick(["sdc", "sdd", "sde", "sdz", "sd-1", ""])
            let others = ["sda", "sdb", "sdc", "sdd", "sde", "sdz"].filter { $0 != p.primaryDisk }
            p.guestDisks = others.filter { _ in chance(chance(90) ? 15 : 40) }.filter { chance(95) || !["sde", "sdz"].contains($0) }
            if chance(90) { p.guestDisks.removeAll { ["sde", "sdz"].contains($0) } }
            p.storageOnPrimary = chance(70)
            p.sources = [chance(85) ? goodSource() : pick([Source.url("gopher://x/", credentials: nil), .url("http://", credentials: nil),
                                                          .url("http://h:99999/x", credentials: nil), .nfs("server:packages"), .nfs("nohost"), .nfs(":/x")])]
            p.rootPassword = .plaintext(chance(90) ? pick(["mypassword", "s3cret!", "p&ss<w>rd", "abcdef"]) : pick(["", "a", "abcde"]))
            let nic = pick(Self.nics)
            if chance(45) {
                let ip = chance(90) ? "10.0.0.20" : pick(["10.0.0.300", "10.0.0", "a.b.c.d", ""])
                let mask = chance(90) ? pick(["255.255.255.0", "255.255.0.0"]) : pick(["255.0.255.0", "300.0.0.0"])
                let gw = chance(85) ? "10.0.0.1" : pick(["10.0.1.1", "10.0.0.20", "gw.example"])
                p.adminInterface = AdminInterface(nic: nic.0, mac: nic.1, config: .static(ip: ip, netmask: mask, gateway: gw))
                p.hostname = chance(90) ? .manual(hostname()) : .dhcp
                p.nameservers = chance(90) ? .manual(nameservers(min: 1)) : pick([.dhcp, .manual([])])
                p.time = .ntp(servers: chance(90) ? ntpServers(min: 1) : [], fromDHCP: false)
            } else {
                p.adminInterface = AdminInterface(nic: nic.0, mac: nic.1, config: .dhcp)
                p.hostname = chance(50) ? .dhcp : .manual(hostname())
                p.nameservers = chance(60) ? .dhcp : .manual(nameservers(min: 1))
                p.time = chance(60) ? .ntp(servers: [], fromDHCP: true) : .ntp(servers: ntpServers(min: chance(90) ? 1 : 0), fromDHCP: false)
            }
            p.timezone = chance(92) ? pick(["Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]) : pick(["Mars/Base", "Europe/Nowhere", ""])
            p.bootloader = Bootloader(kind: chance(90) ? .extlinux : .grub, location: chance(50) ? .mbr : .partition)
            if chance(30) {
                p.postInstallScript = chance(80) ? pick([Source.url("http://h.example.com/scripts/post", credentials: nil), .nfs("h:/scripts/post"),
                                                         .local(path: "/opt/post-install")])
                                                 : pick([Source.local(path: nil), .url("http://h.example.com/scripts/", credentials: nil), .nfs("h:/scripts/")])
            }
            return p
        }

        static let nics = [("eth0", "00:16:3e:00:00:01"), ("eth1", "00:16:3e:00:00:02")]

        mutating func goodSource() -> Source {
            pick([.local(path: nil), .url("http://10.0.0.1/xcp/", credentials: nil), .url("ftp://mirror.example.com/xcp/", credentials: nil),
                  .url("https://h.example.com:8443/p", credentials: Credentials(user: "u", password: "pw")), .nfs("nfs.example.com:/exports/xcp")])
        }
        mutating func hostname() -> String {
            chance(85) ? pick(["xcp-host1", "host.example.com", "h9"]) : pick(["bad_name", "-lead", "a..b", ""])
        }
        mutating func nameservers(min: Int) -> [String] {
            (0..<(min + rng.below(3 - min + 1))).map { _ in chance(90) ? pick(["10.0.0.2", "192.168.1.1", "8.8.8.8"]) : pick(["nope", "10.0.0.256"]) }
        }
        mutating func ntpServers(min: Int) -> [String] {
            (0..<(min + rng.below(3 - min + 1))).map { _ in chance(90) ? pick(["pool.ntp.org", "10.0.0.1"]) : pick(["bad server", "x_y"]) }
        }
    }

    /// The answerfile's verdict: nil when valid, else the field kind first in screen order.
    static func answerfileVerdict(_ plan: InstallPlan) throws -> (String?, AnswerfileResult) {
        let text = try AnswerfileWriter.render(plan, plaintextPassword: true)
        var options = AnswerfileOptions(machine: machine, keymaps: ScreenRules.keymaps)
        options.installationsDetected = true
        let r = Answerfile.parse(text: text, options: options)
        if r.isValid { return (nil, r) }
        let kinds = r.errors.map { $0.field?.kind ?? "(none: \($0.message))" }
        return (kinds.min { (order.firstIndex(of: $0) ?? -1) < (order.firstIndex(of: $1) ?? -1) }, r)
    }

    /// The screens' verdict: the values submitted screen by screen; nil when the Confirm
    /// screen accepts the plan, else the field of the first refusal.
    static func screensVerdict(_ plan: InstallPlan) -> String? {
        var s = FlowState(machine: machine)
        func submit(_ a: ScreenAnswer, _ screen: ScreenID) -> String? {
            guard case let .invalid(_, message, _) = ScreenRules.apply(a, on: screen, to: &s) else { return nil }
            switch screen {
            case .adminNetwork: return message.contains("IP Address") ? "adminIP" : message.contains("Subnet") ? "adminNetmask" : "adminGateway"
            case .hostnameDNS: return message.contains("hostname") ? "hostname" : "nameserver"
            case .confirm:
                // Only the fields no screen asks for may first be refused here.
                let kind = PlanRules.problems(s.answers.plan, PlanRules.Context(machine: machine, keymaps: ScreenRules.keymaps)).first?.field.kind ?? "?"
                return ["bootloader", "postInstallScript"].contains(kind) || plan.mode == .restore ? kind : "confirm:\(kind)"
            case .keymap: return "keymap"
            case .primaryDisk, .backupChoice, .installType: return "primaryDisk"
            case .guestDisks: return "guestDisk"
            case .source, .sourceLocation: return "source"
            case .rootPassword: return "rootPassword"
            case .timezoneCity: return "timezone"
            case .ntpServers: return "ntpServer"
            default: return "(\(screen))"
            }
        }
        if plan.mode == .restore {
            _ = InstallTypeScreen.apply(.restore, disk: nil, label: nil, to: &s)
            return submit(.backup(disk: plan.primaryDisk, label: "backup"), .backupChoice) ?? submit(.confirm, .confirm)
        }
        if plan.mode == .reinstall {
            if let f = submit(.installType(.reinstall, disk: plan.primaryDisk, label: "XCP 0.1.0"), .installType) { return f }
            switch plan.sources.first {
            case let .url(u, c)?: if let f = submit(.url(u, user: c?.user ?? "", password: c?.password ?? ""), .sourceLocation) { return f }
            case let .nfs(p)?: if let f = submit(.nfs(p), .sourceLocation) { return f }
            default: if let f = submit(.source(.local), .source) { return f }
            }
            s.answers.plan.bootloader = plan.bootloader
            return submit(.confirm, .confirm)
        }
        if let f = submit(.keymap(plan.keymap), .keymap) { return f }
        if let f = submit(.primaryDisk(plan.primaryDisk), .primaryDisk) { return f }
        if let f = submit(.guestDisks(plan.guestDisks + (plan.storageOnPrimary ? [plan.primaryDisk] : []), confirmedNone: true), .guestDisks) { return f }
        switch plan.sources.first {
        case .local?: if let f = submit(.source(.local), .source) { return f }
        case let .url(u, c)?: if let f = submit(.url(u, user: c?.user ?? "", password: c?.password ?? ""), .sourceLocation) { return f }
        case let .nfs(p)?: if let f = submit(.nfs(p), .sourceLocation) { return f }
        case nil: break
        }
        if case let .plaintext(pw)? = plan.rootPassword, let f = submit(.rootPassword(pw, confirm: pw), .rootPassword) { return f }
        if let a = plan.adminInterface {
            if let f = submit(.nic(a.nic), .adminNIC) { return f }
            if let f = submit(.network(a.config, nameserver: nil), .adminNetwork) { return f }
        }
        let isStatic: Bool = { if case .static = plan.adminInterface?.config { return true }; return false }()
        // With a static interface the radio buttons are hidden: the hostname and DNS boxes are sent as typed.
        var host: String?
        switch plan.hostname { case let .manual(h): host = h; case .dhcp: host = isStatic ? "" : nil }
        var dns: [String]?
        switch plan.nameservers {
        case let .manual(list): dns = (list + ["", "", ""]).prefix(3).map { $0 }
        case .dhcp: dns = isStatic ? ["", "", ""] : nil
        }
        if let f = submit(.hostnameDNS(hostname: host, nameservers: dns), .hostnameDNS) { return f }
        if let f = submit(.timezoneCity(plan.timezone), .timezoneCity) { return f }
        if case let .ntp(servers, fromDHCP) = plan.time {
            _ = submit(.timeMethod(manual: false), .timeMethod)
            if let f = submit(.ntp(fromDHCP: isStatic ? false : fromDHCP, servers: servers), .ntpServers) { return f }
        }
        // No screen asks for these; an answerfile pre-fills them and the Confirm screen checks them.
        s.answers.plan.bootloader = plan.bootloader
        s.answers.plan.postInstallScript = plan.postInstallScript
        return submit(.confirm, .confirm)
    }

    @Test func bothFrontEndsGiveTheSameVerdictOn2500Plans() throws {
        var gen = Generator(rng: SplitMix64(state: 0x00D1_5A6E_0001))
        var valid = 0, refusedBy: [String: Int] = [:], disagreements = 0
        for n in 0..<2500 {
            let plan = gen.plan()
            let (fromFile, result) = try Self.answerfileVerdict(plan)
            let fromScreens = Self.screensVerdict(plan)
            if fromFile != fromScreens {
                disagreements += 1
                if disagreements <= 5 {
                    Issue.record("plan \(n): answerfile \(fromFile ?? "valid"), screens \(fromScreens ?? "valid")\n\(plan)\n\(result.report(file: "generated.xml").joined(separator: "\n"))")
                }
                continue
            }
            guard let back = result.plan else { refusedBy[fromFile ?? "?", default: 0] += 1; continue }
            valid += 1
            // Answerfile → plan → answerfile: the same file again, and the plan read back equal.
            let again = try AnswerfileWriter.render(back, plaintextPassword: true)
            #expect(again == (try AnswerfileWriter.render(plan, plaintextPassword: true)), "plan \(n): the round trip changed the answerfile")
            var options = AnswerfileOptions(machine: Self.machine, keymaps: ScreenRules.keymaps)
            options.installationsDetected = true
            #expect(Answerfile.parse(text: again, options: options).plan == back, "plan \(n): the round trip changed the plan")
            #expect(back == plan, "plan \(n): the answerfile read back a different plan")
        }
        #expect(disagreements == 0)
        // The generator must exercise both verdicts, and refusals on many fields.
        #expect(valid > 300 && refusedBy.count >= 12, "valid \(valid), refused by \(refusedBy)")
        print("plan rules: 2500 plans, \(valid) valid, refused by field: \(refusedBy.sorted { $0.key < $1.key })")
    }
}
