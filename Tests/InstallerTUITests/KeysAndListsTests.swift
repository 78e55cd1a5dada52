import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// The guide's keys (issue 17): Tab reaches every radio button; typing in a list searches by
/// prefix as a person types.
@Suite @MainActor struct KeysAndListsTests {
    @Test func tabMovesFromOneRadioButtonToTheNextThenToTheFields() {
        let radio = RadioGroup(["Automatic configuration (DHCP)", "Static configuration:"], selected: 0)
        let ip = Entry("IP Address:")
        let f = Form(title: "Networking", body: [radio, ip], buttons: [.ok, .back], help: "h")
        #expect(f.focusedWidget === radio)
        _ = f.handle(.tab)                      // to "Static configuration", not to Ok
        #expect(f.focusedWidget === radio)
        _ = f.handle(.space)
        #expect(radio.selected == 1)
        _ = f.handle(.tab)
        #expect(f.focusedWidget === ip)
        _ = f.handle(.backTab)                  // back onto the last radio button
        #expect(f.focusedWidget === radio)
        _ = f.handle(.backTab)
        _ = f.handle(.space)
        #expect(radio.selected == 0)
        _ = f.handle(.backTab)                  // before the first button: the form's last stop (Back)
        #expect(f.focusedWidget == nil)
        #expect(f.handle(.enter) == .button("back"))
    }

    @Test func typingSearchesByPrefixAsAPersonTypes() {
        let cities = ["Vienna", "Vilnius", "Zagreb", "Zaporozhye", "Ulyanovsk", "Zurich"]
        let l = ListBox(cities, selected: 0)
        var clock = 100.0
        l.now = { clock }
        _ = l.handle(.char("Z"))
        #expect(l.items[l.selected] == "Zagreb")
        _ = l.handle(.char("u"))
        #expect(l.items[l.selected] == "Zurich")
        clock += 2                              // a pause: a new search, from the next entry
        _ = l.handle(.char("v"))
        #expect(l.items[l.selected] == "Vienna")
        _ = l.handle(.char("i"))
        _ = l.handle(.char("l"))
        #expect(l.items[l.selected] == "Vilnius")
    }

    @Test func theKeymapListIsSearchedByName() throws {
        let l = ListBox(["[azerty] be-latin1", "[azerty] fr", "[qwerty] uk", "[qwerty] us", "[qwertz] de"], selected: 0)
        l.now = { 0 }
        _ = l.handle(.char("u"))
        _ = l.handle(.char("s"))
        #expect(l.selected == 3)
        _ = l.handle(.char("x"))                // extends nothing: a new search for "x" finds none, stays
        #expect(l.selected == 3)
        #expect(ListBox.searchKey("[qwerty] us") == "us")
    }
}

/// Confirm Installation says what will be installed and how (issue 17), never the password.
@Suite struct ConfirmSummaryTests {
    @Test func theSummaryNamesSourceNetworkNamesAndTime() {
        var p = InstallPlan()
        p.sources = [.url("http://h/x/", credentials: Credentials(user: "bob", password: "pw-secret"))]
        p.installLinuxPack = true
        p.rootPassword = .plaintext("root-secret")
        p.adminInterface = AdminInterface(nic: "eth1", mac: "00:16:3e:00:00:02", config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1"))
        p.hostname = .manual("xcp1")
        p.nameservers = .manual(["10.0.0.53", "10.0.0.54"])
        p.timezone = "Europe/Zurich"
        p.time = .ntp(servers: ["ntp1"], fromDHCP: false)
        let lines = ConfirmScreen.summary(p)
        #expect(lines == ["  - Source: http://h/x/ (user bob), with the Linux Pack",
                          "  - Management interface: eth1, 10.0.0.5/255.255.255.0, gateway 10.0.0.1",
                          "  - Host name: xcp1; DNS 10.0.0.53, 10.0.0.54",
                          "  - Time zone: Europe/Zurich; NTP ntp1"])
        #expect(!lines.joined().contains("secret"))
        p.time = .manual
        p.hostname = .dhcp
        #expect(ConfirmScreen.summary(p)[2...3] == ["  - Host name: from DHCP; DNS 10.0.0.53, 10.0.0.54", "  - Time zone: Europe/Zurich; clock set by hand"])
    }
}

/// After a validation dialog the focus goes to the field the message names (issue 17).
@Suite @MainActor struct FocusAfterDialogTests {
    @Test func theDialogNamesTheFieldAndTheScreenFocusesIt() {
        var s = FlowState(machine: TestMachines.twoDisks)
        s.current = .hostnameDNS
        let effects = Flow.reduce(&s, .submit(.hostnameDNS(hostname: nil, nameservers: ["10.0.0.1", "10.0.0.300", ""])))
        #expect(effects == [.showError(title: "Name Service Configuration", message: "DNS Server 2 is not a valid IP address."), .focus(.nameserver(1))])
        s.current = .adminNetwork
        let bad = Flow.reduce(&s, .submit(.network(.static(ip: "10.0.0.9", netmask: "255.255.0.255", gateway: nil), nameserver: nil)))
        #expect(bad.last == .focus(.adminNetmask))
        // The screen puts the focus on that widget (the same form is shown again, with
        // "Manually specify" chosen, as when the dialog came).
        s.answers.plan.nameservers = .manual(["10.0.0.1"])
        let screen = HostnameDNSScreen(state: s)
        screen.focus(.nameserver(1))
        #expect((screen.form.focusedWidget as? Entry)?.label == "DNS Server 2:")
    }
}
