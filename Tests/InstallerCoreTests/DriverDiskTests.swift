import Foundation
import Synchronization
import Testing
import TestSupport
@testable import InstallerCore

enum DriverFixtures {
    static let media = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/media").path
    static func repo(_ dir: String) throws -> Repository {
        try #require(try RepositoryScanner.scan(DirectoryAccessor(media + "/" + dir)).first)
    }
}

/// Driver disks and the Linux Pack disc check, on the fixture media.
@Suite struct DriverDiskTests {
    static let profileMachine = Machine(cpu: .init(model: "x", cores: 2, hvm: true), memoryMiB: 4096,
                                        disks: [.init(name: "sda", sizeBytes: 60 * Size.GiB, path: "/nonexistent/sda", isImage: true),
                                                .init(name: "sdc", vendor: "LSI", model: "MegaRAID", sizeBytes: 100 * Size.GiB,
                                                      path: "/nonexistent/sdc", isImage: true, needsDriver: "megaraid_sas")],
                                        nics: [], cdrom: nil)

    @Test func moduleNames() {
        #expect(DriverDisk.moduleName("megaraid_sas.ko") == "megaraid_sas")
        #expect(DriverDisk.moduleName("sub/aacraid.ko.xz") == "aacraid")
        #expect(DriverDisk.moduleName("fw.bin") == "fw.bin")
    }

    @Test func scanFindsTheDriverRepositoryOnMainMediaAndAlone() throws {
        for dir in ["with-drivers", "driver-disk", "driver-disk/driver.megaraid_sas"] {
            let found = try DriverDisk.scan(.local(path: DriverFixtures.media + "/" + dir), machine: Self.profileMachine)
            #expect(found.map(\.id) == ["xs:driver.megaraid_sas"], "\(dir)")
            #expect(found.first?.modules == ["megaraid_sas"] && found.first?.firmware == ["megaraid_fw.bin"])
        }
        #expect(throws: InstallerError.self) { try DriverDisk.scan(.local(path: DriverFixtures.media + "/sample"), machine: Self.profileMachine) }
    }

    /// On a profile machine nothing is inserted into this computer's kernel (the insmod
    /// path of --real-hardware is not run by any test); the hidden disk becomes visible.
    @Test func loadingOnAProfileMachineShowsTheDiskThatNeedsIt() throws {
        #expect(Self.profileMachine.visibleDisks.map(\.name) == ["sda"])
        let log = EventLog()
        let parent = Shell.tempDir("driver-copy")
        defer { Shell.run("rm -rf \(parent)") }
        let source = Source.local(path: DriverFixtures.media + "/with-drivers")
        let (loaded, m) = try DriverDisk.load(source, machine: Self.profileMachine, log: log, copyParent: parent)
        // A copy of what was loaded is kept for the install, byte for byte.
        let copy = try #require(DriverDisk.localCopy(of: source))
        #expect(copy.hasPrefix(parent + "/driver-disk."))
        for f in ["XS-REPOSITORY", "XS-PACKAGES", "megaraid_sas.ko", "megaraid_fw.bin"] {
            #expect(FileManager.default.contents(atPath: copy + "/driver.1/" + f)
                    == FileManager.default.contents(atPath: DriverFixtures.media + "/with-drivers/driver.megaraid_sas/" + f), "\(f)")
        }
        // The install reads the copy, not the media (which may be gone or swapped by then).
        var plan = InstallPlan()
        plan.sources = [.local(path: DriverFixtures.media + "/sample")]
        plan.driverSources = [source]
        let opened = try InstallSources.open(plan, machine: m)
        defer { opened.close() }
        #expect(opened.repositories.map { $0.1.displayName } == [DriverFixtures.media + "/sample", copy])
        #expect(loaded.map(\.summary) == ["megaraid_sas (modules megaraid_sas)"])
        #expect(m.loadedDrivers == ["megaraid_sas"] && m.visibleDisks.map(\.name) == ["sda", "sdc"])
        #expect(!log.lines.contains { $0.contains("ran: insmod") })
        #expect(log.lines.contains { $0.contains("module megaraid_sas checked") && $0.contains("not inserted") })
    }

    @Test func theInstallSourcesIncludeEveryDriverSource() throws {
        var plan = InstallPlan()
        plan.sources = [.local(path: DriverFixtures.media + "/sample")]
        plan.driverSources = [.local(path: DriverFixtures.media + "/driver-disk")]
        let opened = try InstallSources.open(plan, machine: Self.profileMachine)
        defer { opened.close() }
        #expect(opened.repositories.map(\.0.id.description) == ["xs:main", "xs:driver.megaraid_sas"])
        #expect(!opened.linuxPackOnAnotherDisc)
    }

    @Test func theLinuxPackOffTheMainMediaIsLeftForTheDiscPrompt() throws {
        var m = Self.profileMachine
        m.cdrom = Machine.CDROM(name: "sr0", discs: [DriverFixtures.media + "/sample", DriverFixtures.media + "/linux-pack"])
        var plan = InstallPlan()
        plan.sources = [.local(path: nil)]
        plan.installLinuxPack = true
        let opened = try InstallSources.open(plan, machine: m)
        defer { opened.close() }
        // Not taken from the next disc behind the administrator's back: asked for later.
        #expect(opened.repositories.map(\.0.id) == [.main] && opened.linuxPackOnAnotherDisc)
        // Given as a path (not the drive), a missing Linux Pack is an error at once.
        plan.sources = [.local(path: DriverFixtures.media + "/sample")]
        #expect(throws: InstallerError.self) { try InstallSources.open(plan, machine: m) }
    }

    @Test func theLinuxPackDiscIsCheckedAgainstTheInstalledProduct() throws {
        let main = try DriverFixtures.repo("sample/packages.main")
        let good = DirectoryAccessor(DriverFixtures.media + "/linux-pack")
        #expect(try LinuxPackDisc.check(good, main: main).id == .linux)
        do {
            _ = try LinuxPackDisc.check(DirectoryAccessor(DriverFixtures.media + "/linux-pack-other"), main: main)
            Issue.record("a Linux Pack for another product was accepted")
        } catch {
            #expect(error.description.contains("this Linux Pack is for XenServer 5.5.0, not for XCP 0.1.0"))
        }
        do {
            _ = try LinuxPackDisc.check(DirectoryAccessor(DriverFixtures.media + "/with-drivers"), main: main)
            Issue.record("the main disc was taken for a Linux Pack")
        } catch {
            #expect(error.description.contains("this disc is not a Linux Pack: it holds xs:main 0.1.0"))
        }
        var newer = main
        newer.version = "0.0.9"
        do {
            _ = try LinuxPackDisc.check(good, main: newer)
            Issue.record("a Linux Pack needing xs:main >= 0.1.0 was accepted on 0.0.9")
        } catch {
            #expect(error.description.contains("does not fit the installed XCP 0.0.9"))
        }
    }
}

/// A clean install with a driver disk puts the driver's files into the target (real loop
/// devices and mounts), and the Linux Pack from its own disc goes onto the installed root.
@Suite(.serialized, .enabled(if: IntegrationEnv.canRun, "needs root, loop devices and the tools of scripts/install-deps"))
struct DriverDiskInstallTests {
    @Test func driversAndTheLinuxPackGoIntoTheTarget() throws {
        let dir = Shell.tempDir("drivers")
        defer { Shell.run("rm -rf \(dir)") }
        _ = CleanInstallIntegrationTests.makeProduct(dir)
        _ = try MakeRepo.run(directory: dir + "/repo")
        let machine = CleanInstallIntegrationTests.machine(dir)
        var plan = CleanInstallIntegrationTests.plan(dir)
        plan.driverSources = [.local(path: DriverFixtures.media + "/driver-disk")]
        let log = EventLog()
        var opts = Installation.Options()
        opts.handleSignals = false
        opts.environment = .empty
        let install = try InstallerBackend(environment: opts.environment, log: log).prepare(plan, machine: machine, handleSignals: opts.handleSignals).installation
        #expect(install.repositories.map(\.0.id.description) == ["xs:main", "xs:driver.megaraid_sas"])
        if case let .failure(e) = install.run(events: { _ in }) {
            Issue.record("install failed: \(e)\n\(log.lines.suffix(20).joined(separator: "\n"))")
            return
        }
        // The Linux Pack from "its disc", after the main installation.
        let main = install.repositories[0].0
        let packDisc = DirectoryAccessor(DriverFixtures.media + "/linux-pack")
        let pack = try LinuxPackDisc.check(packDisc, main: main)
        let fractions = Mutex<[Double]>([])
        let r = LinuxPackDisc.run(pack, from: packDisc, plan: plan, machine: machine, log: log, environment: .empty) { e in
            if case let .progress(f, _, _) = e { fractions.withLock { $0.append(f) } }
        }
        if case let .failure(e) = r { Issue.record("Linux Pack failed: \(e)"); return }
        let fs = fractions.withLock { $0 }
        #expect(fs == fs.sorted() && fs.last == 1)
        CleanInstallIntegrationTests.noLeftovers(machine, log: log)

        let loop = try LoopDevice.attach(image: dir + "/sda.img", offset: 2048 * 512, size: 8_388_608 * 512, readOnly: true, commands: SystemCommands(log: log))
        defer { loop.detach() }
        let mnt = try MountedFilesystem.mount(loop.device, type: "ext3", readOnly: true, commands: SystemCommands(log: log))
        defer { try? mnt.unmount() }
        let r0 = mnt.mountPoint
        let fm = FileManager.default
        let src = DriverFixtures.media + "/driver-disk/driver.megaraid_sas"
        #expect(fm.contents(atPath: r0 + "/lib/modules/1.0-test/extra/megaraid_sas.ko") == fm.contents(atPath: src + "/megaraid_sas.ko"))
        #expect(fm.contents(atPath: r0 + "/lib/firmware/megaraid_fw.bin") == fm.contents(atPath: src + "/megaraid_fw.bin"))
        #expect(fm.contents(atPath: r0 + "/etc/xensource/installed-repos/xs:driver.megaraid_sas/XS-PACKAGES") == fm.contents(atPath: src + "/XS-PACKAGES"))
        #expect(fm.contents(atPath: r0 + "/opt/xensource/packages/linux/README") == Data("linux guest support (fixture)\n".utf8))
        #expect(fm.fileExists(atPath: r0 + "/etc/xensource/installed-repos/xs:linux/XS-REPOSITORY"))
        let installLog = String(decoding: fm.contents(atPath: r0 + "/var/log/installer/install-log") ?? Data(), as: UTF8.self)
        #expect(installLog.contains("installing package megaraid_sas (driver"))
        #expect(installLog.contains("recorded repository xs:driver.megaraid_sas"))
        #expect(installLog.contains("installed xs:linux 0.1.0 (1 packages)"))
        #expect(try fm.contentsOfDirectory(atPath: r0).filter { $0.hasPrefix(".host-installer") } == [])
        try mnt.unmount()
        loop.detach()
    }
}
