import Foundation
import Testing
@testable import InstallerCore

/// Issue 16: one answerfile URL for a fleet (`${mac}`, `${serial}`, `${uuid}`, `post:`), the
/// host's description, and what status reports may carry.
@Suite struct FleetTests {
    static func machine(serial: String = "SN 42/A", uuid: String = "4c4c4544-0001") -> Machine {
        var m = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096,
                        disks: [.init(name: "sda", vendor: "ATA", model: "QEMU HARDDISK", serial: "QM1", sizeBytes: 20 << 30, path: "/x", isImage: true)],
                        nics: [.init(name: "eth0", mac: "52:54:00:00:00:A0", link: false),
                               .init(name: "eth1", mac: "52:54:00:00:00:b1", link: true),
                               .init(name: "eth2", mac: "52:54:00:00:00:c2", link: true)],
                        cdrom: nil)
        m.dmi = .init(serial: serial, uuid: uuid)
        return m
    }

    @Test func theBootingNICFollowsTheDocumentedOrder() {
        let m = Self.machine()
        #expect(HostDescription(machine: m).bootMAC == "52:54:00:00:00:b1", "the first NIC with a link")
        #expect(HostDescription(machine: m, hasAddress: { $0 == "eth2" }).bootNIC == "eth2", "a NIC holding an address first")
        #expect(HostDescription(machine: m, device: "eth0").bootMAC == "52:54:00:00:00:a0", "network_device= by name")
        #expect(HostDescription(machine: m, device: "52:54:00:00:00:C2").bootNIC == "eth2", "network_device= by MAC")
        #expect(HostDescription(machine: m, bootif: "01-52-54-00-00-00-a0", device: "eth2").bootNIC == "eth0", "BOOTIF= before all")
        #expect(HostDescription(machine: m, bootif: "01-aa-bb-cc-dd-ee-ff").bootMAC == "aa:bb:cc:dd:ee:ff", "BOOTIF= of a NIC not probed")
        #expect(HostDescription.macFromBootif("52:54:00:12:34:56") == "52:54:00:12:34:56")
        #expect(HostDescription.macFromBootif("01-52-54-00-12") == nil)
        #expect(HostDescription.macFromBootif("01-52-54-00-12-34") == "01:52:54:00:12:34", "six pairs: a MAC")
    }

    @Test func placeholdersExpandForThisHost() throws {
        let h = HostDescription(machine: Self.machine())
        #expect(try AnswerfileLocation("http://s/a/${mac}.xml").expanded(for: h) == "http://s/a/52:54:00:00:00:b1.xml")
        #expect(try AnswerfileLocation("http://s/${serial}/${uuid}.xml").expanded(for: h) == "http://s/SN%2042%2FA/4c4c4544-0001.xml")
        #expect(try AnswerfileLocation("/answers/${serial}.xml").expanded(for: h) == "/answers/SN 42_A.xml", "a path: no slash from a value")
        #expect(try AnswerfileLocation("http://s/plain.xml").expanded(for: h) == "http://s/plain.xml")
        let post = AnswerfileLocation("post:https://s/answer?m=${mac}")
        #expect(post.post && post.template == "https://s/answer?m=${mac}")
        #expect(try post.expanded(for: h) == "https://s/answer?m=52:54:00:00:00:b1")
        #expect(!AnswerfileLocation("http://s/x").post)
    }

    @Test func unknownOrMissingValuesAreErrorsNamingThem() {
        let h = HostDescription(machine: Self.machine(serial: ""))
        #expect(throws: InstallerError.invalid("http://s/${host}.xml", "unknown placeholder ${host} in the answerfile location", hint: "use ${mac}, ${serial} or ${uuid}")) {
            try AnswerfileLocation("http://s/${host}.xml").expanded(for: h)
        }
        #expect(throws: InstallerError.invalid("http://s/${serial}", "${serial} cannot be expanded: this computer has no DMI serial (the firmware gives none)")) {
            try AnswerfileLocation("http://s/${serial}").expanded(for: h)
        }
        var noNICs = Self.machine(); noNICs.nics = []
        #expect(throws: InstallerError.self) { try AnswerfileLocation("http://s/${mac}").expanded(for: HostDescription(machine: noNICs)) }
        #expect(throws: InstallerError.self) { try AnswerfileLocation("http://s/${mac").expanded(for: h) }
    }

    @Test func theDescriptionHoldsHardwareOnly() {
        let j = HostDescription(machine: Self.machine()).json
        #expect(j["mac"] == .string("52:54:00:00:00:b1"))
        #expect(j["macs"] == .array([.string("52:54:00:00:00:a0"), .string("52:54:00:00:00:b1"), .string("52:54:00:00:00:c2")]))
        #expect(j["serial"] == .string("SN 42/A") && j["uuid"] == .string("4c4c4544-0001"))
        #expect(j["memory_mib"] == .number(4096))
        guard case let .array(disks)? = j["disks"] else { Issue.record("no disks"); return }
        #expect(disks.first?["model"] == .string("QEMU HARDDISK"))
        #expect(disks.first?["serial"] == .string("QM1"))
        #expect(disks.first?["size_bytes"] == .number(Double(20 << 30)))
    }

    @Test func reportsLoseSecretsAndURLCredentials() {
        let line = "[t] source http://alice:s3cret@mirror/x/ and ftp://bob@h/ nfs://h/e root pw Hunter22 in 'http://u:p%40ss@h:8/r'"
        let clean = StatusReporter.scrub(line, secrets: ["Hunter22"])
        #expect(clean == "[t] source http://mirror/x/ and ftp://h/ nfs://h/e root pw (removed) in 'http://h:8/r'")
        #expect(StatusReporter.urlPassword("https://rep:pw%21@h/r") == "pw!")
        #expect(StatusReporter.urlPassword("https://h/r@x") == nil)
    }

    @Test func answerfileSecretsAndReportURLAreReadEvenFromAnInvalidFile() {
        let xml = """
        <installation><primary-disk>nosuch</primary-disk><root-password>pw-xyz-1</root-password>
        <source type="url">http://u:src-pw@h/</source><report url="http://r:rep-pw@h/report"/></installation>
        """
        #expect(Set(Answerfile.secretValues(Array(xml.utf8))) == ["pw-xyz-1", "src-pw", "rep-pw"])
        #expect(Answerfile.reportURL(Array(xml.utf8)) == "http://r:rep-pw@h/report")
        let bad = Answerfile.parse(text: "<installation><report/></installation>", options: AnswerfileOptions(allowMissing: true))
        #expect(bad.errors.map(\.message) == ["<report> needs a url attribute (http:// or https://)"])
        let good = Answerfile.parse(text: "<installation><report url=\"https://h/r\"/></installation>", options: AnswerfileOptions(allowMissing: true))
        #expect(good.problems.isEmpty, "\(good.problems)")
    }

    @Test func bootParametersForFleets() {
        let p = BootParameters.parse("answerfile=post:http://h/a install BOOTIF=01-52-54-00-12-34-56 report=http://h/r ca_file=/cdrom/ca.pem")
        #expect(p.bootif == "01-52-54-00-12-34-56" && p.report == "http://h/r" && p.caFile == "/cdrom/ca.pem")
        #expect(AnswerfileLocation(p.answerfile!).post)
    }

    @Test func aProfileCarriesDMI() throws {
        let m = try MachineProfile.parse(#"{"cpu":{"cores":1},"memory_mib":1024,"dmi":{"serial":"S1","uuid":"ABC-D"}}"#, name: "p.json", baseDirectory: "/tmp")
        #expect(m.dmi == .init(serial: "S1", uuid: "abc-d"))
        #expect(MachineProfile.render(m).contains("\"serial\": \"S1\""))
        #expect(throws: InstallerError.self) { try MachineProfile.parse(#"{"cpu":{"cores":1},"memory_mib":1,"dmi":{"asset":"x"}}"#, name: "p", baseDirectory: "/") }
    }

    @Test func theDHCPOptionIsReadAsHexOrText() {
        #expect(DHCPAnswerfileOption.decode("687474703a2f2f682f612e786d6c\n") == "http://h/a.xml")
        #expect(DHCPAnswerfileOption.decode("http://h/${mac}.xml") == "http://h/${mac}.xml")
        #expect(DHCPAnswerfileOption.decode("  \n") == nil)
        // Quotes that dnsmasq sent as part of the value (they reached it from its command line).
        #expect(DHCPAnswerfileOption.decode("22687474703a2f2f682f612e786d6c22") == "http://h/a.xml")
        #expect(DHCPAnswerfileOption.decode("'http://h/a.xml'") == "http://h/a.xml")
        #expect(DHCPAnswerfileOption.decode("\"\"") == nil)
    }

    @Test func anAddedAuthorityIsAppendedToTheSystemBundle() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "not a certificate\n".write(toFile: dir + "/bad.pem", atomically: true, encoding: .utf8)
        #expect(throws: InstallerError.invalid(dir + "/bad.pem", "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")) {
            try TLSTrust.add(dir + "/bad.pem", directory: dir)
        }
        #expect(TLSTrust.caFile == nil, "a refused file changes nothing")
    }
}
