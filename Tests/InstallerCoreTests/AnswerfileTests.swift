import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// Shared set-up: the test data directories, the appendix-B machine (its disk images in a
/// private directory) and the keymap catalogue of the source tree.
enum AnswerfileFixtures {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let good = tests.appendingPathComponent("Answerfiles/good").path
    static let bad = tests.appendingPathComponent("Answerfiles/bad").path
    static let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"

    static let keymaps: KeymapCatalogue = {
        let path = tests.deletingLastPathComponent().appendingPathComponent("keymaps/catalogue").path
        return KeymapCatalogue(text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }()

    static let stateDirectory = NSTemporaryDirectory() + "answerfile-tests-\(getpid())"

    /// Tests/Fixtures/machines/appendix-b.json, with `${HOST_INSTALLER_STATE}` pointing at a
    /// private directory, its sparse disk images created.
    static let machine: Machine = {
        let path = tests.appendingPathComponent("Fixtures/machines/appendix-b.json").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        do {
            let m = try MachineProfile.parse(text.replacingOccurrences(of: "${HOST_INSTALLER_STATE}", with: stateDirectory),
                                             name: "appendix-b.json", baseDirectory: (path as NSString).deletingLastPathComponent)
            try MachineProfile.createMissingImages(m)
            return m
        } catch {
            fatalError("appendix-b.json: \(error)")
        }
    }()

    static var options: AnswerfileOptions { AnswerfileOptions(machine: machine, keymaps: keymaps) }

    static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Compares with a golden file, or rewrites it when RECORD_GOLDEN=1. An empty expected
    /// text means "no file".
    static func golden(_ actual: String, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if record {
            if actual.isEmpty { try? FileManager.default.removeItem(atPath: path) } else {
                try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            }
            return
        }
        guard let expected = read(path) else {
            // A missing golden is a failure, never a silent recording (RECORD_GOLDEN=1 records).
            #expect(actual.isEmpty, "missing golden file \(path) (record it with RECORD_GOLDEN=1 and review the diff)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "golden file \((path as NSString).lastPathComponent)", sourceLocation: sourceLocation)
    }

    /// Size, modification time and allocated blocks of every disk image.
    static func imageState() -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for d in machine.disks where d.isImage {
            var st = stat()
            if stat(d.path, &st) == 0 {
                out[d.name] = [Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_blocks)]
            } else {
                out[d.name] = [-1]
            }
        }
        return out
    }
}

@Suite struct AnswerfileGoldenTests {
    @Test(arguments: AnswerfileFixtures.files(AnswerfileFixtures.good))
    func goodAnswerfile(name: String) throws {
        let base = AnswerfileFixtures.good + "/" + (name as NSString).deletingPathExtension
        let result = try Answerfile.parse(file: AnswerfileFixtures.good + "/" + name, options: AnswerfileFixtures.options)
        #expect(result.errors.isEmpty, "\(result.report(file: name))")
        let plan = try #require(result.plan)
        AnswerfileFixtures.golden(plan.json.rendered() + "\n", base + ".plan.json")
        let warnings = result.report(file: name).map { $0 + "\n" }.joined()
        AnswerfileFixtures.golden(warnings, base + ".warnings")
    }

    @Test(arguments: AnswerfileFixtures.files(AnswerfileFixtures.bad))
    func badAnswerfile(name: String) throws {
        let before = AnswerfileFixtures.imageState()
        let result = try Answerfile.parse(file: AnswerfileFixtures.bad + "/" + name, options: AnswerfileFixtures.options)
        #expect(result.plan == nil)
        #expect(!result.errors.isEmpty)
        let text = result.report(file: name).map { $0 + "\n" }.joined()
        AnswerfileFixtures.golden(text, AnswerfileFixtures.bad + "/" + (name as NSString).deletingPathExtension + ".errors")
        #expect(AnswerfileFixtures.imageState() == before, "a disk image changed while checking \(name)")
    }

    @Test func thereAreEnoughBadAnswerfiles() {
        #expect(AnswerfileFixtures.files(AnswerfileFixtures.bad).count >= 40)
        #expect(AnswerfileFixtures.files(AnswerfileFixtures.good).contains("appendix-b-fresh.xml"))
        #expect(AnswerfileFixtures.files(AnswerfileFixtures.good).contains("appendix-b-reinstall.xml"))
    }
}

@Suite struct AnswerfileTests {
    let machine = AnswerfileFixtures.machine
    var options: AnswerfileOptions { AnswerfileFixtures.options }

    @Test func guideExampleWithoutAMachineIsStructurallyValid() throws {
        let r = try Answerfile.parse(file: AnswerfileFixtures.good + "/appendix-b-fresh.xml",
                                     options: AnswerfileOptions(machine: nil, keymaps: AnswerfileFixtures.keymaps))
        let plan = try #require(r.plan)
        #expect(plan.primaryDisk == "sda" && plan.guestDisks == ["sdb", "sdc"])
        #expect(plan.adminInterface == AdminInterface(nic: "eth0", mac: "", config: .dhcp))
        #expect(plan.rootPassword == .plaintext("mypassword"))
        #expect(plan.postInstallScript == .url("http://pxehost.example.com/myscripts/post-install-script", credentials: nil))
    }

    @Test func unknownDiskNeedsAMachine() {
        let xml = "<installation><primary-disk>sdz</primary-disk><keymap>us</keymap><root-password>secret</root-password><source type=\"local\"/><timezone>UTC</timezone></installation>"
        #expect(Answerfile.parse(text: xml, options: AnswerfileOptions(keymaps: AnswerfileFixtures.keymaps)).isValid)
        let r = Answerfile.parse(text: xml, options: options)
        #expect(r.report(file: "a.xml") == ["a.xml:1:15: unknown disk \"sdz\" (this machine has: sda, sdb, sdc, sdd, sdf)"])
    }

    @Test func credentialsAreSplitFromTheURL() throws {
        let r = try Answerfile.parse(file: AnswerfileFixtures.good + "/url-credentials-hwaddr.xml", options: options)
        let plan = try #require(r.plan)
        #expect(plan.sources.first == .url("http://pxehost.example.com/XenServer_0.1/packages.main",
                                           credentials: Credentials(user: "installer", password: "s3cr@t")))
        #expect(!plan.json.rendered().contains("s3cr"))
        #expect(plan.sources.last == .nfs("nfs.example.com:/exports/linux-pack"))
        #expect(plan.adminInterface == AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp))
        #expect(plan.time == .ntp(servers: ["ntp.example.com"], fromDHCP: true))
    }

    @Test func missingValuesCanBeAskedFor() {
        let xml = "<?xml version=\"1.0\"?>\n<installation>\n  <primary-disk>sda</primary-disk>\n</installation>\n"
        let strict = Answerfile.parse(text: xml, options: options)
        #expect(strict.errors.map(\.missingElement) == ["keymap", "root-password", "source", "timezone"])
        var o = options
        o.allowMissing = true
        let lenient = Answerfile.parse(text: xml, options: o)
        #expect(lenient.isValid && lenient.missing == ["keymap", "root-password", "source", "timezone"])
        #expect(lenient.plan?.primaryDisk == "sda")
    }

    /// A static interface whose host name, DNS and NTP the file leaves out: refused when
    /// unattended (no DHCP names them), asked for on their screens with --ask-missing.
    @Test func theNamesAStaticInterfaceNeedsCanBeAskedFor() {
        let xml = """
        <?xml version="1.0"?>
        <installation>
          <primary-disk>sda</primary-disk>
          <keymap>us</keymap>
          <root-password>s3cret!x</root-password>
          <source type="url">http://10.0.0.1/xcp/</source>
          <admin-interface name="eth0" proto="static"><ip>10.0.0.9</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.0.0.1</gateway></admin-interface>
          <timezone>Europe/London</timezone>
        </installation>
        """
        let strict = Answerfile.parse(text: xml, options: options)
        #expect(strict.plan == nil && strict.errors.count == 3, "\(strict.report(file: "f"))")
        var o = options
        o.allowMissing = true
        let lenient = Answerfile.parse(text: xml, options: o)
        #expect(lenient.errors.isEmpty, "\(lenient.report(file: "f"))")
        #expect(lenient.missing == ["hostname", "nameserver", "ntp-server"])
        #expect(lenient.plan?.adminInterface?.config == .static(ip: "10.0.0.9", netmask: "255.255.255.0", gateway: "10.0.0.1"))
    }

    @Test func externalEntitiesAreNeverRead() {
        let secret = NSTemporaryDirectory() + "answerfile-secret-\(getpid())"
        try? "TOP-SECRET-CONTENT".write(toFile: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE installation [ <!ENTITY xxe SYSTEM "file://\(secret)"> ]>
        <installation><primary-disk>&xxe;</primary-disk></installation>
        """
        let r = Answerfile.parse(text: xml, options: options)
        #expect(r.plan == nil)
        #expect(!r.report(file: "x").joined().contains("TOP-SECRET"))
        #expect(r.report(file: "x.xml") == ["x.xml:2:26: entity declarations are not allowed in an answerfile (<!ENTITY xxe ...>); remove the DOCTYPE"])
    }

    /// Refused at the entity declaration, before any expansion (checked by what is reported,
    /// not by a timing: tests never fail on timings).
    @Test func billionLaughsIsRejectedBeforeExpansion() throws {
        let text = try #require(AnswerfileFixtures.read(AnswerfileFixtures.bad + "/billion-laughs.xml"))
        let result = Answerfile.parse(text: text, options: options)
        #expect(result.plan == nil)
        #expect(result.report(file: "b.xml") == ["b.xml:3:3: entity declarations are not allowed in an answerfile (<!ENTITY lol ...>); remove the DOCTYPE"])
    }

    @Test func aLeadingBlankLineBeforeTheDeclarationKeepsLineNumbers() {
        let xml = "\n\n<?xml version=\"1.0\"?>\n<installation mode=\"sideways\"/>\n"
        #expect(Answerfile.parse(text: xml, options: options).report(file: "f") ==
                ["f:4:1: unknown mode \"sideways\" (expected fresh, reinstall or restore)"])
    }

    @Test func columnsPointAtTheElementEvenWithSeveralOnALine() {
        let xml = "<installation mode=\"restore\"><backup-disk>sda</backup-disk><!-- <keymap> --><keymap>us</keymap><keymap>uk</keymap></installation>"
        #expect(Answerfile.parse(text: xml, options: options).report(file: "f") == [
            "f:1:77: <keymap> is not used when mode is \"restore\"; a restore brings back the backed-up installation as it was",
            "f:1:96: <keymap> is not used when mode is \"restore\"; a restore brings back the backed-up installation as it was",
        ])
    }

    @Test func hugeFilesAreRefused() {
        let r = Answerfile.parse([UInt8](repeating: 32, count: Answerfile.maximumSize + 1), options: options)
        #expect(r.plan == nil && r.errors.count == 1)
    }

    @Test func passwordHashing() throws {
        let h = try PasswordHash.sha512("mypassword")
        #expect(h.hasPrefix("$6$") && PasswordHash.looksLikeCryptHash(h))
        #expect(PasswordHash.verify("mypassword", against: h))
        #expect(!PasswordHash.verify("mypassw0rd", against: h))
        #expect(try PasswordHash.sha512("mypassword") != h)   // a fresh salt each time
    }

    /// parse(write(plan)) == plan, the password compared as a hash; the file is mode 0600.
    @Test(arguments: AnswerfileFixtures.files(AnswerfileFixtures.good))
    func roundTrip(name: String) throws {
        let plan = try #require(try Answerfile.parse(file: AnswerfileFixtures.good + "/" + name, options: options).plan)
        let path = NSTemporaryDirectory() + "answerfile-roundtrip-\(getpid())-\(name)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AnswerfileWriter.write(plan, to: path)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let again = try Answerfile.parse(file: path, options: options)
        #expect(again.errors.isEmpty, "\(again.report(file: name))")
        var back = try #require(again.plan)
        switch (plan.rootPassword, back.rootPassword) {
        case let (.plaintext(pw)?, .hash(h)?):
            #expect(PasswordHash.verify(pw, against: h))
            back.rootPassword = plan.rootPassword
        case (nil, nil), (.hash?, .hash?): break
        default: Issue.record("root password \(String(describing: plan.rootPassword)) came back as \(String(describing: back.rootPassword))")
        }
        // Sources' passwords are never recorded: the user name comes back, the password is empty.
        let withoutPasswords = plan.sources.map { s -> Source in
            if case let .url(u, c?) = s { return .url(u, credentials: Credentials(user: c.user, password: "")) }
            return s
        }
        #expect(back.sources == withoutPasswords)
        back.sources = plan.sources
        #expect(back == plan)
        #expect(!(AnswerfileFixtures.read(path) ?? "").contains("mypassword"))
    }

    @Test func roundTripOfAPlanBuiltByHand() throws {
        var plan = InstallPlan()
        plan.primaryDisk = "sdb"
        plan.guestDisks = ["sdc"]
        plan.storageOnPrimary = false
        plan.keymap = "fr"
        plan.rootPassword = .plaintext("p&ss<w>rd \"quoted\"")
        plan.sources = [.url("https://mirror.example.com/xcp/", credentials: Credentials(user: "me@example.com", password: "a:b/c")), .local(path: nil)]
        plan.driverSources = [.local(path: "/srv/drivers")]
        plan.adminInterface = AdminInterface(nic: "eth1", mac: "00:16:3e:00:00:02", config: .static(ip: "172.16.0.9", netmask: "255.255.0.0", gateway: "172.16.0.1"))
        plan.nameservers = .manual(["172.16.0.2"])
        plan.hostname = .manual("host9")
        plan.timezone = "Australia/Sydney"
        plan.time = .ntp(servers: ["172.16.0.1"], fromDHCP: false)
        plan.bootloader = Bootloader(kind: .extlinux, location: .partition)
        plan.postInstallScript = .url("http://x.example.com/s", credentials: nil)
        let text = try AnswerfileWriter.render(plan)
        var back = try #require(Answerfile.parse(text: text, options: options).plan, "\(text)")
        if case let .hash(h)? = back.rootPassword { #expect(PasswordHash.verify("p&ss<w>rd \"quoted\"", against: h)) } else { Issue.record("no hash") }
        back.rootPassword = plan.rootPassword
        // The source's password is left out, and a comment says where it goes.
        #expect(!text.contains("a:b/c") && !text.contains("a%3Ab%2Fc"), "\(text)")
        #expect(text.contains("<!-- the password of me@example.com is not recorded"), "\(text)")
        #expect(back.sources.first == .url("https://mirror.example.com/xcp/", credentials: Credentials(user: "me@example.com", password: "")))
        back.sources = plan.sources
        #expect(back == plan)
    }
}

/// --record-answerfile keeps the time method and the Linux Pack choice (issue 17).
@Suite struct RecordedChoicesTests {
    static func roundTrip(_ plan: InstallPlan) throws -> (String, InstallPlan) {
        let text = try AnswerfileWriter.render(plan, plaintextPassword: true)
        let r = Answerfile.parse(text: text, options: AnswerfileFixtures.options)
        return (text, try #require(r.plan, "\(r.report(file: "recorded")) \(text)"))
    }

    static var plan: InstallPlan {
        var p = InstallPlan()
        p.primaryDisk = "sda"
        p.rootPassword = .plaintext("abcdef")
        p.sources = [.url("http://mirror.example.com/xcp/", credentials: nil)]
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01", config: .dhcp)
        p.timezone = "Europe/London"
        return p
    }

    @Test func manualTimeIsRecordedAndReadBack() throws {
        var p = Self.plan
        p.time = .manual
        let (text, back) = try Self.roundTrip(p)
        #expect(text.contains("<time-config-method>manual</time-config-method>"), "\(text)")
        #expect(back.time == .manual)
        #expect(back == p)
    }

    @Test func ntpIsRecordedAsTheMethod() throws {
        var p = Self.plan
        p.time = .ntp(servers: ["10.0.0.1"], fromDHCP: false)
        let (text, back) = try Self.roundTrip(p)
        #expect(text.contains("<time-config-method>ntp</time-config-method>"), "\(text)")
        #expect(back == p)
    }

    @Test(arguments: LinuxPackChoice.allCases)
    func theLinuxPackChoiceIsRecorded(choice: LinuxPackChoice) throws {
        var p = Self.plan
        p.linuxPack = choice
        let (text, back) = try Self.roundTrip(p)
        #expect(text.contains("<linux-pack>") == (choice != .auto), "\(text)")
        #expect(back.linuxPack == choice && back == p)
    }

    @Test func manualTimeWithNTPServersIsRefused() {
        let text = """
        <installation><primary-disk>sda</primary-disk><keymap>us</keymap><root-password>abcdef</root-password>
        <source type="url">http://x.example.com/</source><timezone>Europe/London</timezone>
        <time-config-method>manual</time-config-method><ntp-server>10.0.0.1</ntp-server></installation>
        """
        let r = Answerfile.parse(text: text, options: AnswerfileFixtures.options)
        #expect(r.plan == nil && r.errors.contains { $0.message.contains("time-config-method \"manual\" takes no <ntp-server>") }, "\(r.problems)")
    }
}

/// Random mutations of the good answerfiles: the parser must never crash or hang. 3,000 inputs
/// in `make test`; `FUZZ_ANSWERFILES=N` for more (`make soak`: 10,000). The slowest parse is
/// printed, never asserted (timings do not fail tests).
@Suite struct AnswerfileFuzzTests {
    static let count = ProcessInfo.processInfo.environment["FUZZ_ANSWERFILES"].flatMap { Int($0) } ?? 3000

    static let snippets: [String] = [
        "<!DOCTYPE installation [<!ENTITY a \"b\">]>", "&a;", "&amp;", "&#0;", "&#x10FFFF;", "&#xD800;", "<![CDATA[", "]]>",
        "<!--", "-->", "<?xml version=\"1.0\"?>", "\u{0}", "\u{FEFF}", "é", "<", ">", "\"", "'", "</installation>",
        "<installation>", "<admin-interface name=\"eth0\" proto=\"static\">", "<ip>", "</ip>", "<guest-disk>sda</guest-disk>",
        "<primary-disk>sdd</primary-disk>", "<ntp-server dhcp=\"true\"/>", "mode=\"restore\"", "<source type=\"nfs\">a:b</source>",
        "xmlns:x=\"urn:x\"", "<x:keymap>us</x:keymap>", "\n", "\r\n", "\t", String(repeating: "<a>", count: 300),
    ]

    func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = input
        for _ in 0...rng.below(4) {
            switch rng.below(8) {
            case 0 where !b.isEmpty:   // flip a bit
                let i = rng.below(b.count)
                b[i] ^= UInt8(1 << rng.below(8))
            case 1 where !b.isEmpty:   // random byte
                b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 2:   // truncate
                b = Array(b.prefix(rng.below(b.count + 1)))
            case 3, 4:   // duplicate, remove or swap whole lines (elements)
                var lines = b.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
                guard !lines.isEmpty else { continue }
                let i = rng.below(lines.count), j = rng.below(lines.count)
                switch rng.below(3) {
                case 0: lines.insert(lines[i], at: j)
                case 1: lines.remove(at: i)
                default: lines.swapAt(i, j)
                }
                b = Array(lines.joined(separator: [10]))
            case 5:   // a random attribute on a random start tag
                let starts = b.indices.filter { b[$0] == UInt8(ascii: "<") && $0 + 1 < b.count && SourceText.isNameByte(b[$0 + 1]) }
                guard let s = starts.isEmpty ? nil : starts[rng.below(starts.count)] else { continue }
                var e = s + 1
                while e < b.count && SourceText.isNameByte(b[e]) { e += 1 }
                let names = ["type", "proto", "name", "hwaddr", "dhcp", "location", "gueststorage", "mode", "x\(rng.below(99))"]
                let values = ["url", "static", "eth9", "yes", "true", "", "&lt;", "nfs", "partition", "\u{1F600}"]
                let attr = " \(names[rng.below(names.count)])=\"\(values[rng.below(values.count)])\""
                b.insert(contentsOf: Array(attr.utf8), at: e)
            default:   // insert a snippet
                let snip = Array(Self.snippets[rng.below(Self.snippets.count)].utf8)
                b.insert(contentsOf: snip, at: rng.below(b.count + 1))
            }
        }
        return b
    }

    @Test func mutatedAnswerfilesNeverCrashOrHang() throws {
        let seeds = AnswerfileFixtures.files(AnswerfileFixtures.good).compactMap {
            FileManager.default.contents(atPath: AnswerfileFixtures.good + "/" + $0).map(Array.init)
        }
        try #require(!seeds.isEmpty)
        let options = AnswerfileFixtures.options
        var rng = SplitMix64(state: 0x5EED_A115_F11E)
        let clock = ContinuousClock()
        var slowest: Duration = .zero
        var valid = 0
        for n in 0..<Self.count {
            let input = mutate(seeds[n % seeds.count], &rng)
            var result: AnswerfileResult?
            let t = clock.measure { result = Answerfile.parse(input, options: options) }
            slowest = max(slowest, t)
            let r = try #require(result)
            #expect(r.plan != nil || !r.errors.isEmpty, "input \(n): no plan and no error")
            #expect(r.problems.allSatisfy { $0.line >= 1 && $0.column >= 1 && !$0.message.isEmpty })
            #expect(zip(r.problems, r.problems.dropFirst()).allSatisfy { ($0.line, $0.column) <= ($1.line, $1.column) }, "input \(n): not in file order")
            if r.plan != nil { valid += 1 }
        }
        #expect(valid > 0)
        print("answerfile fuzz: \(Self.count) inputs, \(valid) still valid, slowest parse \(slowest)")
    }
}

@Suite struct AnswerfileEdgeTests {
    @Test func aStartTagOverSeveralLinesIsReportedWhereItBegins() {
        let xml = "<installation>\n  <admin-interface\n      name=\"eth9\"\n      proto=\"dhcp\"/>\n</installation>\n"
        var o = AnswerfileFixtures.options
        o.allowMissing = true
        #expect(Answerfile.parse(text: xml, options: o).report(file: "f") ==
                ["f:2:3: unknown network interface \"eth9\" (this machine has: eth0, eth1, eth2)"])
    }

    /// 900 KB of nested tags is refused (not a stack overflow); how long it takes is printed.
    @Test func aLargeFileOfTagsIsRefused() {
        let text = String(repeating: "<a>", count: 300_000)
        let clock = ContinuousClock()
        var r: AnswerfileResult?
        let t = clock.measure { r = Answerfile.parse(text: text, options: AnswerfileFixtures.options) }
        #expect(r?.plan == nil)
        #expect(r?.errors.isEmpty == false)
        print("300,000 nested tags refused in \(t)")
    }

    @Test func anInvalidResultBecomesOneInstallerError() {
        let r = Answerfile.parse(text: "<installation mode=\"x\"/>", options: AnswerfileFixtures.options)
        #expect(r.error(file: "a.xml")?.exitStatus == 2)
        #expect(r.error(file: "a.xml")?.message.hasSuffix("a.xml:1:1: unknown mode \"x\" (expected fresh, reinstall or restore)") == true)
    }
}

@Suite struct AnswerfileDetectionTests {
    func options(installations: [ExistingInstallation], backups: [BackupFound] = []) -> AnswerfileOptions {
        var m = AnswerfileFixtures.machine
        m.installations = installations
        m.backups = backups
        var o = AnswerfileFixtures.options
        o.machine = m
        o.installationsDetected = true
        return o
    }

    @Test func reinstallNeedsAnInstallationOnTheNamedDisk() throws {
        let file = AnswerfileFixtures.good + "/appendix-b-reinstall.xml"
        #expect(try Answerfile.parse(file: file, options: options(installations: [ExistingInstallation(disk: "sda", partition: 1, product: "XCP", version: "0.1.0", build: "", date: "", inventory: [:])])).isValid)
        let r = try Answerfile.parse(file: file, options: options(installations: [ExistingInstallation(disk: "sdb", partition: 1, product: "XCP", version: "0.1.0", build: "", date: "", inventory: [:])]))
        #expect(r.errors.count == 1 && r.report(file: "f").first == "f:3:5: no installation was found on disk \"sda\" (found: XCP 0.1.0 on sdb)")
        // The guide's reinstall example also gives settings an upgrade keeps from the old host: each is said.
        #expect(r.report(file: "f").dropFirst() == ["f:4:5: warning: <keymap> is not used in an upgrade: the existing installation's keymap is kept",
            "f:5:5: warning: <root-password> is not used in an upgrade: the existing installation's root password is kept (this one is used only if it has none)",
            "f:10:5: warning: <admin-interface> is not used in an upgrade: the existing installation's management interface is kept (this one is used only if it has none)",
            "f:11:5: warning: <timezone> is not used in an upgrade: the existing installation's time zone is kept"])
    }

    @Test func restoreNeedsABackupOnTheNamedDisk() throws {
        let file = AnswerfileFixtures.good + "/restore.xml"
        #expect(try Answerfile.parse(file: file, options: options(installations: [], backups: [BackupFound(disk: "sda", partition: 2, product: "XCP", version: "0.1.0", build: "", date: "")])).isValid)
        let r = try Answerfile.parse(file: file, options: options(installations: []))
        #expect(r.report(file: "f") == ["f:3:3: no backup was found on disk \"sda\" (none was found on any disk)"])
    }
}
