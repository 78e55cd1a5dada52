import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// Whole flows through the screens' rules, without a terminal.
@Suite struct ScreenFlowTests {
    static func oneDisk() -> Machine {
        Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096, disks: [TestMachines.disk("sda", 60)],
                nics: [Machine.NIC(name: "eth0", mac: "00:16:3e:00:00:01", link: true, dhcp: .init(ip: "10.0.0.5", netmask: "255.255.255.0"))],
                cdrom: Machine.CDROM(name: "sr0", discs: ["/media/cd"]))
    }

    /// Submits answers in order, checking each screen; local-source checks succeed.
    static func walk(_ s: inout FlowState, _ steps: [(ScreenID, ScreenAnswer)]) {
        for (screen, answer) in steps {
            #expect(s.current == screen, "expected \(screen), at \(String(describing: s.current))")
            let effects = Flow.reduce(&s, .submit(answer))
            if effects.contains(where: { if case .checkSource = $0 { return true }; if case .verifySource = $0 { return true }; return false }) {
                _ = Flow.reduce(&s, .sourceChecked(error: nil))
            }
        }
    }

    @Test func cleanInstallOnOneDiskSkipsTheDiskAndNICScreens() {
        var s = FlowState(machine: Self.oneDisk())
        _ = Flow.reduce(&s, .start)
        Self.walk(&s, [
            (.keymap, .keymap("uk")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
            (.source, .source(.local)), (.linuxPack, .linuxPack(true)), (.verify, .verify(false)),
            (.rootPassword, .rootPassword("s3cret!", confirm: "s3cret!")), (.adminNetwork, .network(.dhcp, nameserver: nil)),
            (.hostnameDNS, .hostnameDNS(hostname: "xcp1", nameservers: nil)), (.timezoneArea, .timezoneArea("Europe")),
            (.timezoneCity, .timezoneCity("Europe/Paris")), (.timeMethod, .timeMethod(manual: false)),
            (.ntpServers, .ntp(fromDHCP: true, servers: [])),
        ])
        #expect(s.current == .confirm)
        let effects = Flow.reduce(&s, .submit(.confirm))
        let p = s.answers.plan
        #expect(effects == [.finish(p)])
        #expect(p.primaryDisk == "sda" && p.guestDisks == [] && p.storageOnPrimary)
        #expect(p.keymap == "uk" && p.timezone == "Europe/Paris" && p.hostname == .manual("xcp1"))
        #expect(p.adminInterface == AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp))
        #expect(p.installLinuxPack && p.rootPassword == .plaintext("s3cret!"))
    }

    @Test func threeDisksAskForPrimaryAndStorage() {
        var m = TestMachines.twoDisks
        m.disks.append(TestMachines.disk("sdc", 100))
        var s = FlowState(machine: m)
        _ = Flow.reduce(&s, .start)
        Self.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                       (.primaryDisk, .primaryDisk("sdb")), (.guestDisks, .guestDisks(["sdb", "sdc"], confirmedNone: false))])
        #expect(s.current == .source)
        #expect(s.answers.plan.primaryDisk == "sdb" && s.answers.plan.guestDisks == ["sdc"] && s.answers.plan.storageOnPrimary)
        // No storage at all needs a second confirmation.
        _ = Flow.reduce(&s, .back)
        if case .showError = Flow.reduce(&s, .submit(.guestDisks([], confirmedNone: false))).first {} else { Issue.record("no warning") }
        #expect(s.current == .guestDisks)
        _ = Flow.reduce(&s, .submit(.guestDisks([], confirmedNone: true)))
        #expect(s.current == .source && !s.answers.plan.storageOnPrimary)
    }

    @Test func backFromEveryScreenKeepsValues() {
        var s = FlowState(machine: Self.oneDisk())
        _ = Flow.reduce(&s, .start)
        Self.walk(&s, [(.keymap, .keymap("de")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                       (.source, .source(.local)), (.linuxPack, .linuxPack(false)), (.verify, .verify(false)),
                       (.rootPassword, .rootPassword("abcdef", confirm: "abcdef"))])
        let seen = s.history
        while s.current != .keymap { _ = Flow.reduce(&s, .back) }
        #expect(seen == [.keymap, .welcome, .setupWarning, .source, .linuxPack, .verify, .rootPassword])
        #expect(s.answers.plan.keymap == "de" && s.answers.plan.rootPassword == .plaintext("abcdef") && !s.answers.plan.installLinuxPack)
    }

    @Test func remoteSourceWithStaticNetworking() {
        var s = FlowState(machine: TestMachines.twoDisks)
        _ = Flow.reduce(&s, .start)
        Self.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                       (.primaryDisk, .primaryDisk("sda")), (.guestDisks, .guestDisks(["sda"], confirmedNone: false)),
                       (.source, .source(.url)), (.sourceNIC, .nic("eth1")),
                       (.sourceNetwork, .network(.static(ip: "192.168.1.20", netmask: "255.255.255.0", gateway: "192.168.1.1"), nameserver: "192.168.1.1"))])
        #expect(s.current == .sourceLocation)
        #expect(Flow.reduce(&s, .submit(.url("http://10.0.0.1/xcp/", user: "u", password: "pw"))) == [.checkSource(.url("http://10.0.0.1/xcp/", credentials: Credentials(user: "u", password: "pw")))])
        _ = Flow.reduce(&s, .sourceChecked(error: "not reachable"))
        #expect(s.current == .sourceLocation)
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .verify)
        #expect(s.answers.sourceConfig == .static(ip: "192.168.1.20", netmask: "255.255.255.0", gateway: "192.168.1.1"))
    }

    @Test func upgradeOfferedOnlyWithAnInstallationAndSkipsKeptSettings() {
        var s = FlowState(machine: Self.oneDisk())
        _ = Flow.reduce(&s, .start)
        Self.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge)])
        #expect(s.current == .source)   // nothing installed: no installation type screen

        var m = Self.oneDisk()
        let old = ExistingInstallation(disk: "sda", partition: 1, product: "XCP", version: "0.1.0", build: "1", date: "", inventory: [:])
        m.installations = [old]
        m.backups = [BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "1", date: "")]
        var u = FlowState(machine: m)
        _ = Flow.reduce(&u, .start)
        Self.walk(&u, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                       (.installType, .installType(.reinstall, disk: "sda", label: old.label)), (.backupNotice, .acknowledge),
                       (.source, .source(.local)), (.linuxPack, .linuxPack(false)), (.verify, .verify(false))])
        #expect(u.current == .confirm && u.answers.plan.mode == .reinstall && u.answers.plan.primaryDisk == "sda")

        var r = FlowState(machine: m)
        _ = Flow.reduce(&r, .start)
        Self.walk(&r, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                       (.installType, .installType(.restore, disk: "sda", label: "backup")),
                       (.backupChoice, .backup(disk: "sda", label: "backup"))])
        #expect(r.current == .confirm && r.answers.plan.mode == .restore)
    }

    @Test(arguments: [
        (ScreenID.rootPassword, ScreenAnswer.rootPassword("abc", confirm: "abc"), "The password has to be 6 characters or longer."),
        (.rootPassword, .rootPassword("abcdefg", confirm: "abcdefh"), "The passwords you entered did not match. Please try again."),
        (.adminNetwork, .network(.static(ip: "10.0.0", netmask: "255.255.255.0", gateway: nil), nameserver: nil), "Invalid IP Address, please check the field and try again."),
        (.adminNetwork, .network(.static(ip: "10.0.0.2", netmask: "255.0.255.0", gateway: nil), nameserver: nil), "Invalid Subnet mask, please check the field and try again."),
        (.adminNetwork, .network(.static(ip: "10.0.0.2", netmask: "255.255.255.0", gateway: "x"), nameserver: nil), "Invalid Gateway, please check the field and try again."),
        (.hostnameDNS, .hostnameDNS(hostname: "bad_name", nameservers: nil), "The hostname you entered was not valid."),
        (.hostnameDNS, .hostnameDNS(hostname: nil, nameservers: ["", "", ""]), "Please give at least one nameserver (DNS Server 1)."),
        (.hostnameDNS, .hostnameDNS(hostname: nil, nameservers: ["10.0.0.1", "nope", ""]), "DNS Server 2 is not a valid IP address."),
        (.ntpServers, .ntp(fromDHCP: false, servers: []), "You did not specify any NTP servers."),
        (.sourceLocation, .url("gopher://x", user: "", password: ""), "The URL must start with http://, https:// or ftp:// and name a server."),
        (.sourceLocation, .nfs("server-without-path"), "The NFS path must look like server:/path/to/repository."),
    ])
    func everyValidationErrorKeepsTheScreen(screen: ScreenID, answer: ScreenAnswer, message: String) {
        var s = FlowState(machine: TestMachines.twoDisks)
        s.current = screen
        let effects = Flow.reduce(&s, .submit(answer))
        guard case let .showError(_, got)? = effects.first else { Issue.record("no error for \(answer)"); return }
        #expect(got == message)
        #expect(s.current == screen)
    }
}

/// The Linux Pack question follows the source (issue 17): asked for local media, and for a
/// remote source only when it holds the Linux Pack; an answer given for one source does not
/// carry over to another kind of source.
@Suite struct LinuxPackQuestionTests {
    static let media = MediaIdentity(product: "XCP", version: "0.1.0", hasLinuxPack: true)

    func toSource() -> FlowState {
        var s = FlowState(machine: TestMachines.twoDisks)
        _ = Flow.reduce(&s, .start)
        ScreenFlowTests.walk(&s, [(.keymap, .keymap("us")), (.welcome, .welcome(.install)), (.setupWarning, .acknowledge),
                                  (.primaryDisk, .primaryDisk("sda")), (.guestDisks, .guestDisks(["sda"], confirmedNone: false))])
        return s
    }

    func remote(_ s: inout FlowState, pack: Bool) {
        ScreenFlowTests.walk(&s, [(.source, .source(.url)), (.sourceNIC, .nic("eth1")),
                                  (.sourceNetwork, .network(.static(ip: "192.168.1.20", netmask: "255.255.255.0", gateway: "192.168.1.1"), nameserver: "192.168.1.1"))])
        _ = Flow.reduce(&s, .submit(.url("http://10.0.0.1/xcp/", user: "", password: "")))
        _ = Flow.reduce(&s, .mediaIdentified(MediaIdentity(product: "XCP", version: "0.1.0", hasLinuxPack: pack)))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
    }

    @Test func localYesThenBackToHTTPWithoutTheLinuxPackDropsTheChoice() {
        var s = toSource()
        #expect(Flow.reduce(&s, .submit(.source(.local))) == [.checkSource(.local(path: nil))])
        _ = Flow.reduce(&s, .mediaIdentified(Self.media))
        _ = Flow.reduce(&s, .sourceChecked(error: nil))
        #expect(s.current == .linuxPack)
        _ = Flow.reduce(&s, .submit(.linuxPack(true)))
        #expect(s.answers.plan.installLinuxPack && s.current == .verify)
        _ = Flow.reduce(&s, .back); _ = Flow.reduce(&s, .back)
        #expect(s.current == .source)
        remote(&s, pack: false)
        #expect(s.current == .verify, "no Linux Pack on the server: no question")
        #expect(!s.answers.plan.installLinuxPack, "the local media's Yes must not carry over to a source without the Linux Pack")
    }

    @Test func aRemoteSourceWithTheLinuxPackAsksForIt() {
        var s = toSource()
        remote(&s, pack: true)
        #expect(s.current == .linuxPack)
        _ = Flow.reduce(&s, .submit(.linuxPack(true)))
        #expect(s.answers.plan.installLinuxPack && s.current == .verify)
        #expect(s.answers.plan.sources == [.url("http://10.0.0.1/xcp/", credentials: nil)])
    }
}
