import Foundation
import Testing
@testable import InstallerCore

/// Software RAID 1 of the primary disk (issue 19 item 2): the two answerfile forms into the
/// plan, and what is refused, at its line and column.
@Suite struct MirrorAnswerfileTests {
    let machine = Machine(cpu: .init(model: "x", cores: 1, hvm: true), memoryMiB: 4096, disks: [
        DiskRuleTests.disk("sda", "WDC WD5000AAKS", "A1", gb: 500),
        DiskRuleTests.disk("sdb", "ST3500418AS", "B2", gb: 100),
        DiskRuleTests.disk("sdc", "ST3500418AS", "C3", gb: 100),
        DiskRuleTests.disk("sdaa", "Tiny", "T0", gb: 8),
        DiskRuleTests.disk("sdd", "USB Stick", "U4", gb: 32, removable: true),
        DiskRuleTests.disk("sde", "Media", "M5", gb: 64),
    ], nics: [], cdrom: .init(name: "sde", discs: ["/dev/sde"]))

    func parse(_ disks: String, machine: Machine? = nil, noMachine: Bool = false) -> AnswerfileResult {
        Answerfile.parse(text: """
            <installation>
            \(disks)
              <keymap>us</keymap><root-password>secret123</root-password>
              <source type="url">http://127.0.0.1/repo</source><timezone>Europe/London</timezone>
            </installation>
            """, options: AnswerfileOptions(machine: noMachine ? nil : (machine ?? self.machine), keymaps: KeymapCatalogue(text: "qwerty/us\n")))
    }

    func errors(_ r: AnswerfileResult) -> [String] { r.errors.map { "\($0.line):\($0.column) \($0.message)" } }

    @Test func xenServersForm() {
        let r = parse(#"  <primary-disk swraid="true" gueststorage="no">sda, /dev/sdb</primary-disk>"#)
        #expect(r.errors.isEmpty, "\(r.problems)")
        #expect(r.plan?.primaryDisk == "sda" && r.plan?.mirrorDisk == "sdb" && r.plan?.storageOnPrimary == false)
        #expect(r.plan?.systemDisks == ["sda", "sdb"])
        let single = parse(#"  <primary-disk swraid="false">sdb</primary-disk>"#)
        #expect(single.errors.isEmpty && single.plan?.mirrorDisk == nil)
        // by-id names in the text
        let byId = parse(#"  <primary-disk swraid="yes">/dev/disk/by-id/ata-ST3500418AS_C3,sdb</primary-disk>"#)
        #expect(byId.plan?.primaryDisk == "sdc" && byId.plan?.mirrorDisk == "sdb", "\(byId.problems)")
    }

    @Test func xcpNgsForm() {
        let r = parse("""
              <raid device="md127"><disk>sdc</disk>
                <disk serial="B2"/></raid>
              <primary-disk gueststorage="yes">/dev/md127</primary-disk>
            """)
        #expect(r.errors.isEmpty, "\(r.problems)")
        #expect(r.plan?.primaryDisk == "sdc" && r.plan?.mirrorDisk == "sdb" && r.plan?.storageOnPrimary == true)
        #expect(r.diskMatches.map { "\($0.line):\($0.column) \($0.disk.name)" } == ["2:24 sdc", "3:5 sdb"])
    }

    @Test func theWriterUsesXenServersForm() throws {
        var p = InstallPlan()
        p.primaryDisk = "sda"; p.mirrorDisk = "sdb"; p.keymap = "us"; p.timezone = "Europe/London"
        p.rootPassword = .plaintext("secret123"); p.sources = [.url("http://127.0.0.1/repo", credentials: nil)]
        let xml = try AnswerfileWriter.render(p)
        #expect(xml.contains(#"<primary-disk gueststorage="yes" swraid="true">sda,sdb</primary-disk>"#), "\(xml)")
        let back = Answerfile.parse(text: xml, options: AnswerfileOptions(machine: machine, keymaps: KeymapCatalogue(text: "qwerty/us\n")))
        #expect(back.plan?.mirrorDisk == "sdb" && back.plan?.primaryDisk == "sda", "\(back.problems)")
    }

    @Test func badFormsAreRefusedWhereTheyAreWritten() {
        func only(_ xml: String, _ want: String, line: Int = 2, column: Int = 3) {
            let e = errors(parse(xml))
            #expect(e.count == 1 && e.first?.hasPrefix("\(line):\(column) ") == true && e.first?.contains(want) == true, "\(xml): \(e)")
        }
        only(#"  <primary-disk swraid="true">sda</primary-disk>"#, "mirrors exactly two disks")
        only(#"  <primary-disk swraid="true">sda,sdb,sdc</primary-disk>"#, "mirrors exactly two disks")
        only(#"  <primary-disk swraid="true">sda,</primary-disk>"#, "mirrors exactly two disks")
        only(#"  <primary-disk swraid="true">sda,sda</primary-disk>"#, "the two disks of a mirror must differ")
        only(#"  <primary-disk swraid="true">sda,/dev/sda</primary-disk>"#, "must differ")
        only(#"  <primary-disk swraid="maybe">sda,sdb</primary-disk>"#, "swraid must be \"true\" or \"false\"")
        only(#"  <primary-disk>sda,sdb</primary-disk>"#, "needs swraid=\"true\"")
        only(#"  <primary-disk swraid="true" serial="A1">sda,sdb</primary-disk>"#, "serial= cannot name the two disks")
        // each disk: present, big enough, fixed, not the installer media
        only(#"  <primary-disk swraid="true">sda,sdx</primary-disk>"#, "unknown disk \"sdx\"")
        only(#"  <primary-disk swraid="true">sda,sdaa</primary-disk>"#, "the second disk of the mirror \"sdaa\" is 8 GB; at least 16 GB is needed")
        only(#"  <primary-disk swraid="true">sdaa,sda</primary-disk>"#, "the primary disk \"sdaa\" is 8 GB")
        only(#"  <primary-disk swraid="true">sda,sdd</primary-disk>"#, "removable")
        only(#"  <primary-disk swraid="true">sda,sde</primary-disk>"#, "installer media")
        // a guest disk that is in the mirror
        only("  <primary-disk swraid=\"true\">sda,sdb</primary-disk>\n  <guest-disk>sdb</guest-disk>", "the second disk of the mirror", line: 3)
        // <raid>
        only("  <raid device=\"md127\"><disk>sda</disk></raid>\n  <primary-disk>md127</primary-disk>", "exactly two disks; <raid> has 1 <disk>")
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sdb</disk><disk>sdc</disk></raid>\n  <primary-disk>md127</primary-disk>", "has 3 <disk>")
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sda</disk></raid>\n  <primary-disk>md127</primary-disk>", "must differ", column: 40)
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sdb</disk></raid>\n  <primary-disk>sdc</primary-disk>", "is not used: <primary-disk> (line 3) names \"sdc\"")
        only("  <raid><disk>sda</disk><disk>sdb</disk></raid>\n  <primary-disk>md127</primary-disk>", "needs device=\"md127\"")
        only("  <raid device=\"sdq\"><disk>sda</disk><disk>sdb</disk></raid>\n  <primary-disk>md127</primary-disk>", "not an md device name")
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sdb</disk><spare>sdc</spare></raid>\n  <primary-disk>md127</primary-disk>",
             "<raid> takes only <disk> elements, not <spare>", column: 56)
        only("  <primary-disk>md127</primary-disk>", "no <raid device=\"md127\">")
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sdb</disk></raid>\n  <primary-disk swraid=\"true\">sda,sdb</primary-disk>", "a mirror is given twice")
        only("  <raid device=\"md127\"><disk>sda</disk><disk>sdx</disk></raid>\n  <primary-disk>md127</primary-disk>", "unknown disk \"sdx\"", column: 40)
    }

    @Test func theRuleBookChecksAPlanFromTheScreensToo() {
        var p = InstallPlan()
        p.primaryDisk = "sda"; p.mirrorDisk = "sda"
        let c = PlanRules.Context(machine: machine)
        #expect(PlanRules.problems(p, c).first { $0.field == .mirrorDisk }?.message == "the two disks of a mirror must differ: both name \"sda\"")
        p.mirrorDisk = "sdb"
        #expect(!PlanRules.problems(p, c).contains { $0.field == .mirrorDisk || $0.field == .primaryDisk })
        p.guestDisks = ["sdb"]
        #expect(PlanRules.problems(p, c).contains { $0.field == .guestDisk(0) })
        #expect(PlanRules.elementName(.mirrorDisk) == "primary-disk")
    }

    @Test func theSecondDiskIsPartitionedLikeTheFirst() throws {
        let small = try PartitionLayout.primary(totalSectors: 40 * Size.GiB / 512, storage: true)
        let big = try small.on(totalSectors: 60 * Size.GiB / 512)
        #expect(big.partitions == small.partitions && big.totalSectors == 60 * Size.GiB / 512)
        #expect(throws: InstallerError.self) { try small.on(totalSectors: 20 * Size.GiB / 512) }
    }

    /// On a machine profile (image files; the host-side --machine runs) a mirror is refused
    /// before any disk is written.
    @Test func noMirrorOnImageFiles() {
        let log = EventLog()
        let why = SoftwareRAID.unavailable(Array(machine.disks.prefix(2)), commands: SystemCommands(log: log))
        #expect(why?.contains("sda, sdb are image files of a machine profile") == true, "\(why ?? "nil")")
    }
}

/// A member of a mirror (metadata 1.0) is recognised from its bytes, without md.
@Suite struct MirrorMemberTests {
    @Test func theSuperblockNearTheEndMarksAMember() throws {
        let path = NSTemporaryDirectory() + "md-member-\(getpid()).img"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size: UInt64 = 20 * Size.MiB
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.truncate(atOffset: size)
        try h.close()
        let start: UInt64 = Size.MiB, length: UInt64 = 8 * Size.MiB + 3 * 512   // not a multiple of 4 KiB
        #expect(!SoftwareRAID.isMember(path, offset: start, length: length))
        let sb = ((length / 512 - 16) & ~UInt64(7)) * 512
        #expect(sb == length - 8 * 1024 - 3 * 512)
        try DiskBytes.write([0xfc, 0x4e, 0x2b, 0xa9, 1, 0, 0, 0], to: path, at: start + sb)
        #expect(SoftwareRAID.isMember(path, offset: start, length: length))
        #expect(!SoftwareRAID.isMember(path, offset: 0, length: length))
    }
}
