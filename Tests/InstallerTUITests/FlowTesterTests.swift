import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// The start of a clean install on a two-disk, two-NIC machine, with the whole flow state
/// checked after every action (FlowTester): a change the test does not name fails it.
@Suite struct WholeStateFlowTests {
    @Test func theFirstScreensChangeOnlyWhatTheyShould() {
        var t = FlowTester(FlowState(machine: TestMachines.twoDisks))
        t.send(.start) {
            $0.current = .keymap
            $0.answers.plan.primaryDisk = "sda"
            $0.answers.plan.storageOnPrimary = true
            $0.answers.adminNIC = "eth0"
            $0.answers.sourceNIC = "eth0"
            $0.answers.plan.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp)
            $0.answers.plan.sources = [.local(path: nil)]
        }
        t.send(.submit(.keymap("uk")), effects: [.applyKeymap("uk")]) {
            $0.answers.plan.keymap = "uk"; $0.history = [.keymap]; $0.current = .welcome
        }
        t.send(.submit(.welcome(.install))) { $0.history.append(.welcome); $0.current = .setupWarning }
        t.send(.submit(.acknowledge)) { $0.history.append(.setupWarning); $0.current = .primaryDisk }
        t.send(.back) { $0.history.removeLast(); $0.current = .setupWarning }
        t.send(.submit(.acknowledge)) { $0.history.append(.setupWarning); $0.current = .primaryDisk }
        t.send(.submit(.primaryDisk("sdb"))) {
            $0.answers.plan.primaryDisk = "sdb"; $0.history.append(.primaryDisk); $0.current = .guestDisks
        }
    }

    @Test func aChangeTheTestDidNotNameIsReported() {
        var t = FlowTester(FlowState(machine: TestMachines.twoDisks))
        var reports: [String] = []
        t.report = { text, _ in reports.append(text) }
        t.send(.start) { $0.current = .keymap }      // the defaults the start applies are not named
        #expect(reports.count == 1 && reports[0].hasPrefix("the state after start is not the expected one"), "\(reports)")
        #expect(reports.first?.contains("+       - primaryDisk: \"sda\"") == true, "\(reports)")
        let d = FlowTester.difference(["a", "b", "d"], ["a", "c", "d"])
        #expect(d.split(separator: "\n") == ["    - \"a\"", "-   - \"b\"", "+   - \"c\""], "\(d)")
    }
}
