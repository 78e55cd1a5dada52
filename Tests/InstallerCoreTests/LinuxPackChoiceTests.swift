import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// `<linux-pack>` (issue 17): absent is auto (installed whenever a source provides it), yes
/// requires it (refused before any disk is written when no source has it), no drops it.
@Suite struct LinuxPackChoiceTests {
    static let machine = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096,
                                 disks: [.init(name: "sda", sizeBytes: 60 * Size.GiB, path: "/nonexistent/sda", isImage: true)],
                                 nics: [.init(name: "eth0", mac: "52:54:00:12:34:56", link: true)], cdrom: nil)

    /// One directory holding both repositories (as a product CD with the Linux Pack, or an
    /// HTTP/NFS export of both).
    static func bothRepositories(_ scratch: ScratchDirectory) throws -> String {
        let fm = FileManager.default
        for repo in ["sample/packages.main", "linux-pack/packages.linux"] {
            try fm.copyItem(atPath: DriverFixtures.media + "/" + repo,
                            toPath: scratch.path + "/" + (repo as NSString).lastPathComponent)
        }
        return scratch.path
    }

    static func answerfile(_ source: String, pack: String?, extraSource: String? = nil) -> String {
        """
        <?xml version="1.0"?>
        <installation>
          <primary-disk>sda</primary-disk>
          <keymap>us</keymap>
          <root-password>mypassword</root-password>
          <source type="local">\(source)</source>
        \(extraSource.map { "  <source type=\"local\">\($0)</source>\n" } ?? "")\(pack.map { "  <linux-pack>\($0)</linux-pack>\n" } ?? "")  <timezone>Europe/London</timezone>
        </installation>
        """
    }

    static func plan(_ text: String) throws -> InstallPlan {
        let r = Answerfile.parse(text: text, options: AnswerfileOptions(machine: machine))
        #expect(r.errors.isEmpty, "\(r.errors)")
        return try #require(r.plan)
    }

    static func ids(_ plan: InstallPlan) throws -> [String] {
        let opened = try InstallSources.open(plan, machine: machine)
        defer { opened.close() }
        return opened.repositories.map(\.0.id.description)
    }

    @Test func absentIsAutoAndInstallsTheLinuxPackTheSourceProvides() throws {
        let s = ScratchDirectory("pack")
        let p = try Self.plan(Self.answerfile(try Self.bothRepositories(s), pack: nil))
        #expect(p.linuxPack == .auto)
        #expect(try Self.ids(p) == ["xs:main", "xs:linux"])
        #expect(p.json.rendered().contains("\"linux_pack\": \"auto\""))
    }

    @Test func autoTakesTheLinuxPackFromASecondSource() throws {
        let p = try Self.plan(Self.answerfile(DriverFixtures.media + "/sample", pack: nil, extraSource: DriverFixtures.media + "/linux-pack"))
        #expect(try Self.ids(p) == ["xs:main", "xs:linux"])
    }

    @Test func autoWithoutALinuxPackInstallsWithoutIt() throws {
        let p = try Self.plan(Self.answerfile(DriverFixtures.media + "/sample", pack: nil))
        #expect(try Self.ids(p) == ["xs:main"])
    }

    @Test func yesInstallsIt() throws {
        let s = ScratchDirectory("pack")
        let p = try Self.plan(Self.answerfile(try Self.bothRepositories(s), pack: "yes"))
        #expect(p.linuxPack == .yes)
        #expect(try Self.ids(p) == ["xs:main", "xs:linux"])
    }

    @Test func noInstallsWithoutItEvenWhenTheSourceHasIt() throws {
        let s = ScratchDirectory("pack")
        let p = try Self.plan(Self.answerfile(try Self.bothRepositories(s), pack: "no"))
        #expect(p.linuxPack == .no)
        #expect(try Self.ids(p) == ["xs:main"])
        let p2 = try Self.plan(Self.answerfile(DriverFixtures.media + "/sample", pack: "no", extraSource: DriverFixtures.media + "/linux-pack"))
        #expect(try Self.ids(p2) == ["xs:main"])
    }

    @Test func yesWithoutALinuxPackIsRefusedBeforeAnyDiskIsWritten() throws {
        let p = try Self.plan(Self.answerfile(DriverFixtures.media + "/sample", pack: "yes"))
        do {
            _ = try InstallSources.open(p, machine: Self.machine)
            Issue.record("<linux-pack>yes</linux-pack> without a Linux Pack was accepted")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.location == InstallSources.linuxPackLocation)
            #expect(error.message.contains("no source provides it"), "\(error)")
        }
        // The backend's preamble refuses it too (nothing is written before `run`).
        let backend = InstallerBackend(environment: InstallEnvironment([:]), log: EventLog())
        #expect(throws: InstallerError.self) { try backend.prepare(p, machine: Self.machine, handleSignals: false) }
    }

    @Test func theElementIsReadWithItsPlaceAndCheckedForValues() {
        let text = Self.answerfile(DriverFixtures.media + "/sample", pack: "yes")
        let r = Answerfile.parse(text: text, options: AnswerfileOptions(machine: Self.machine))
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<linux-pack>") }.map { $0 + 1 }
        #expect(r.linuxPackAt?.line == line && r.linuxPackAt?.column == 3)
        let bad = Answerfile.parse(text: Self.answerfile(DriverFixtures.media + "/sample", pack: "maybe"), options: AnswerfileOptions(machine: Self.machine))
        #expect(bad.plan == nil && bad.errors.contains { $0.message.contains("linux-pack must be \"yes\" or \"no\"") })
    }

    @Test func theScreensYesAndNoAreYesAndNo() {
        var p = InstallPlan()
        #expect(p.linuxPack == .auto && !p.installLinuxPack)
        p.installLinuxPack = true
        #expect(p.linuxPack == .yes)
        p.installLinuxPack = false
        #expect(p.linuxPack == .no)
    }
}
