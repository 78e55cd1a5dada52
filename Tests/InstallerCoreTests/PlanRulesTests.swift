import Foundation
import Testing
@testable import InstallerCore

/// The rule book on its own: fields, both wordings, and what the installer refuses.
@Suite struct PlanRulesTests {
    static var plan: InstallPlan {
        var p = InstallPlan()
        p.keymap = "us"
        p.primaryDisk = "sda"
        p.sources = [.local(path: nil)]
        p.rootPassword = .plaintext("mypassword")
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp)
        p.timezone = "Europe/London"
        return p
    }

    @Test func aCompletePlanHasNoProblem() {
        #expect(PlanRules.problems(Self.plan, .init(machine: AnswerfileFixtures.machine)) == [])
    }

    @Test func problemsComeInTheScreensOrderWithBothWordings() {
        var p = Self.plan
        p.bootloader.kind = .grub
        p.adminInterface?.config = .static(ip: "10.0.0.20", netmask: "255.255.255.0", gateway: "10.0.1.1")
        p.rootPassword = .plaintext("abc")
        let problems = PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine))
        #expect(problems.map(\.field) == [.rootPassword, .adminGateway, .hostname, .nameserver(nil), .ntpServer(nil), .bootloader])
        #expect(problems[1].message == "gateway 10.0.1.1 is not in the subnet of 10.0.0.20 with mask 255.255.255.0")
        #expect(problems[1].screenTitle == "Networking" && problems[1].screenMessage == "Invalid Gateway, please check the field and try again.")
        #expect(problems[0].screenMessage == "The password has to be 6 characters or longer.")
    }

    @Test func theInstallerRefusesWithTheElementName() {
        var p = Self.plan
        p.postInstallScript = .local(path: nil)
        #expect(throws: InstallerError.invalid("post-install-script", "<post-install-script type=\"local\"> names no script: put its absolute path in the element, or use type=\"url\" or \"nfs\"")) {
            try PlanRules.require(p, .init(machine: AnswerfileFixtures.machine))
        }
    }

    @Test func localMediaNeedsACDDrive() {
        var m = AnswerfileFixtures.machine
        m.cdrom = nil
        var o = AnswerfileFixtures.options
        o.machine = m
        let xml = "<installation>\n<primary-disk>sda</primary-disk><keymap>us</keymap><root-password>mypassword</root-password>\n<source type=\"local\"/><timezone>UTC</timezone></installation>"
        #expect(Answerfile.parse(text: xml, options: o).report(file: "f") == [
            "f:3:1: <source type=\"local\"/> reads the CD drive, and this machine has none; give a URL, an NFS path or a local path"])
        #expect(Answerfile.parse(text: xml, options: AnswerfileFixtures.options).isValid)
    }

    @Test func upgradeAndRestoreDoNotAskForTheKeptSettings() {
        var p = InstallPlan()
        p.mode = .reinstall
        p.primaryDisk = "sda"
        p.sources = [.local(path: nil)]
        p.adminInterface = AdminInterface(nic: "eth0", mac: "", config: .static(ip: "10.0.0.20", netmask: "255.255.255.0", gateway: "10.0.0.1"))
        p.time = .ntp(servers: [], fromDHCP: false)
        #expect(PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine)) == [])
        p.mode = .restore
        p.primaryDisk = "sdz"
        #expect(PlanRules.problems(p, .init(machine: AnswerfileFixtures.machine)).map(\.field) == [.primaryDisk])
    }
}
