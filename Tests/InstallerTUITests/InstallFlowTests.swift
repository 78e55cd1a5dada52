import Foundation
import Testing
@testable import InstallerCore
@testable import InstallerTUI

/// The flow after Confirm (progress, set-time, Linux Pack disc, Installation Complete, the
/// failure screen and its bundle), driven through the reducer without a terminal. Each step
/// checks the whole state (`FlowTester`): the expected state is the previous one with the
/// changes named.
@Suite struct InstallFlowTests {
    /// A flow at Confirm on a one-disk machine (the answers do not matter after it).
    static func confirmed(time: TimeConfig = .ntp(servers: [], fromDHCP: true), mode: InstallPlan.Mode = .fresh) -> FlowState {
        var s = FlowState(machine: ScreenFlowTests.oneDisk())
        _ = Flow.reduce(&s, .start)
        s.answers.plan.time = time
        s.answers.plan.timezone = "Europe/Lisbon"
        s.answers.plan.mode = mode
        s.current = nil
        return s
    }

    /// Sends `action`, expects exactly `effects`, and the state as before with `change` applied
    /// (the shared `FlowTester`, which names the differing lines).
    static func step(_ s: inout FlowState, _ action: FlowAction, _ effects: [Effect] = [],
                     sourceLocation: SourceLocation = #_sourceLocation, _ change: (inout FlowState) -> Void = { _ in }) {
        var t = FlowTester(s)
        t.send(action, effects: effects, sourceLocation: sourceLocation, change)
        s = t.state
    }

    static let summary = InstallSummary(rootLabel: "root-abc", primaryDisk: "sda", productVersion: "0.1.0")
    static let xcp = MediaIdentity(product: "XCP", version: "0.1.0")

    /// Starts the install: progress screen, the sources open.
    static func started(_ s: inout FlowState, linuxPackDisc: MediaIdentity? = nil) {
        step(&s, .beginInstall, [.startInstall(s.answers.plan)]) { $0.install = InstallState(mode: .fresh) }
        step(&s, .installStarted(linuxPackDisc: linuxPackDisc)) { $0.install?.linuxPackDisc = linuxPackDisc }
    }

    @Test func successShowsProgressThenCompleteThenLeaves() {
        var s = Self.confirmed()
        Self.started(&s)
        #expect(s.install?.screen == .progress && s.install?.title == "Installing Xen Cloud Platform")
        Self.step(&s, .progress(fraction: 0.4, step: "Installing packages", secondsLeft: 30)) {
            $0.install?.progress = ProgressInfo(fraction: 0.4, step: "Installing packages", secondsLeft: 30)
        }
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
            $0.install?.screen = .complete
        }
        Self.step(&s, .endScreen(.leave), [.leaveInstaller(error: nil)])
        // Back does nothing after Confirm; the questions are over.
        Self.step(&s, .back)
    }

    @Test func failureScreenOffersLogShellBundleAndLeave() {
        var s = Self.confirmed()
        Self.started(&s)
        let e = InstallerError.failed("cannot read the archive: bzip2 data is damaged", at: "packages.main/dom0-root.tar.bz2")
        Self.step(&s, .installFinished(.failure(e))) {
            $0.install?.running = false
            $0.install?.result = .failure(e)
            $0.install?.error = e
            $0.install?.screen = .failed
        }
        Self.step(&s, .endScreen(.viewLog), [.showConsole(3)])
        Self.step(&s, .endScreen(.shell), [.showConsole(2)])
        // Save bundle, then Cancel: back to the failure screen.
        Self.step(&s, .endScreen(.saveBundle)) { $0.install?.screen = .saveBundle }
        Self.step(&s, .endScreen(.bundle(to: nil))) { $0.install?.screen = .failed }
        // Saved: the path is logged and shown, then the failure screen again.
        Self.step(&s, .endScreen(.saveBundle)) { $0.install?.screen = .saveBundle }
        Self.step(&s, .endScreen(.bundle(to: "  ftp://127.0.0.1/up/ ")), [.saveBundle(to: "ftp://127.0.0.1/up/")])
        let path = "ftp://127.0.0.1/up/host-installer-support-1.tar.gz"
        Self.step(&s, .bundleSaved(.success(path)), [
            .log("support bundle saved: \(path)"),
            .showMessage(title: "Support Bundle Saved", message: "The support bundle was saved as:\n\n\(path)", width: 56),
        ]) { $0.install?.screen = .failed }
        // Not saved: why, then the failure screen again.
        Self.step(&s, .endScreen(.saveBundle)) { $0.install?.screen = .saveBundle }
        Self.step(&s, .endScreen(.bundle(to: "/nowhere")), [.saveBundle(to: "/nowhere")])
        let why = InstallerError.failed("cannot create /nowhere")
        Self.step(&s, .bundleSaved(.failure(why)), [.showMessage(title: "Support Bundle Not Saved", message: why.description, width: 56)]) {
            $0.install?.screen = .failed
        }
        Self.step(&s, .endScreen(.leave), [.leaveInstaller(error: e)])
    }

    @Test func sourcesThatCannotBeOpenedFailBeforeAnyProgress() {
        var s = Self.confirmed()
        Self.step(&s, .beginInstall, [.startInstall(s.answers.plan)]) { $0.install = InstallState(mode: .fresh) }
        let e = InstallerError.invalid("post-install-script", "a local post-install script must be given by its absolute path")
        Self.step(&s, .installFinished(.failure(e))) {
            $0.install?.running = false
            $0.install?.result = .failure(e)
            $0.install?.error = e
            $0.install?.screen = .failed
        }
    }

    @Test func manualTimeAskedDuringTheInstallOverTheProgress() throws {
        var s = Self.confirmed(time: .manual)
        Self.started(&s)
        Self.step(&s, .askTime) {
            $0.install?.timeAsked = true
            $0.install?.screen = .setTime
        }
        #expect(s.install?.overProgress == true)
        // Asked once only.
        Self.step(&s, .askTime)
        // Progress goes on behind the dialog.
        Self.step(&s, .progress(fraction: 0.92, step: "Installing the bootloader", secondsLeft: 3)) {
            $0.install?.progress = ProgressInfo(fraction: 0.92, step: "Installing the bootloader", secondsLeft: 3)
        }
        Self.step(&s, .endScreen(.setTime(year: "2026", month: "02", day: "30", hour: "10", minute: "00")),
                  [.showError(title: "Date error", message: "The date/time you entered was not valid. Please try again.")])
        let date = try #require(InstallFlow.localTime(year: "2026", month: "12", day: "04", hour: "17", minute: "30", timezone: "Europe/Lisbon"))
        Self.step(&s, .endScreen(.setTime(year: "2026", month: "12", day: "04", hour: "17", minute: "30")), [.setClock(date)]) {
            $0.install?.screen = .progress
        }
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
            $0.install?.screen = .complete
        }
    }

    @Test func installEndingWhileTheTimeIsAskedWaitsForTheDialog() throws {
        var s = Self.confirmed(time: .manual)
        Self.started(&s, linuxPackDisc: Self.xcp)
        Self.step(&s, .askTime) { $0.install?.timeAsked = true; $0.install?.screen = .setTime }
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
        }
        #expect(s.install?.overProgress == false)
        let date = try #require(InstallFlow.localTime(year: "2027", month: "01", day: "31", hour: "00", minute: "05", timezone: "Europe/Lisbon"))
        // Then the Linux Pack disc, which comes after the time.
        Self.step(&s, .endScreen(.setTime(year: "2027", month: "01", day: "31", hour: "00", minute: "05")), [.setClock(date)]) {
            $0.install?.screen = .linuxPackDisc
        }
    }

    @Test func manualTimeNotAskedByTheInstallIsAskedAfterIt() throws {
        var s = Self.confirmed(time: .manual)
        Self.started(&s)
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
            $0.install?.timeAsked = true
            $0.install?.screen = .setTime
        }
        #expect(s.install?.overProgress == false)
        let date = try #require(InstallFlow.localTime(year: "2026", month: "12", day: "04", hour: "09", minute: "00", timezone: "Europe/Lisbon"))
        Self.step(&s, .endScreen(.setTime(year: "2026", month: "12", day: "04", hour: "09", minute: "00")), [.setClock(date)]) {
            $0.install?.screen = .complete
        }
    }

    @Test func failureWhileTheTimeIsAskedShowsAfterTheDialog() throws {
        var s = Self.confirmed(time: .manual)
        Self.started(&s)
        Self.step(&s, .askTime) { $0.install?.timeAsked = true; $0.install?.screen = .setTime }
        let e = InstallerError.failed("extlinux failed")
        Self.step(&s, .installFinished(.failure(e))) { $0.install?.running = false; $0.install?.result = .failure(e) }
        let date = try #require(InstallFlow.localTime(year: "2026", month: "12", day: "04", hour: "09", minute: "00", timezone: "UTC"))
        s.answers.plan.timezone = "UTC"
        Self.step(&s, .endScreen(.setTime(year: "2026", month: "12", day: "04", hour: "09", minute: "00")), [.setClock(date)]) {
            $0.install?.error = e
            $0.install?.screen = .failed
        }
    }

    @Test func linuxPackDiscWrongThenMissingThenRightIsInstalled() {
        var s = Self.confirmed()
        Self.started(&s, linuxPackDisc: Self.xcp)
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
            $0.install?.screen = .linuxPackDisc
        }
        Self.step(&s, .endScreen(.useDisc), [.readLinuxPackDisc])
        Self.step(&s, .linuxPackDiscChecked(.wrongDisc("this Linux Pack is for XenServer 5.5.0, not for XCP 0.1.0")), [
            .showMessage(title: "Wrong Disc", message: "This Linux Pack is for XenServer 5.5.0, not for XCP 0.1.0.\n\nInsert the Linux Pack disc for XCP 0.1.0 and choose \"Use media\" again, or choose Skip.", width: 60),
        ])
        Self.step(&s, .endScreen(.useDisc), [.readLinuxPackDisc])
        Self.step(&s, .linuxPackDiscChecked(.noDisc), [
            .showError(title: "No Disc", message: "There is no disc in the drive. Insert the Linux Pack disc and choose \"Use media\", or choose Skip."),
        ])
        Self.step(&s, .endScreen(.useDisc), [.readLinuxPackDisc])
        Self.step(&s, .linuxPackDiscChecked(.ready), [.installLinuxPack]) {
            $0.install?.screen = .progress
            $0.install?.title = "Installing Linux Pack"
            $0.install?.progress = ProgressInfo(step: "Preparing...")
            $0.install?.running = true
            $0.install?.linuxPackRunning = true
        }
        Self.step(&s, .progress(fraction: 0.5, step: "Installing the Linux Pack", secondsLeft: nil)) {
            $0.install?.progress = ProgressInfo(fraction: 0.5, step: "Installing the Linux Pack", secondsLeft: nil)
        }
        Self.step(&s, .linuxPackFinished(error: nil)) {
            $0.install?.running = false
            $0.install?.screen = .complete
        }
    }

    @Test func linuxPackDiscSkippedFinishesWithoutIt() {
        var s = Self.confirmed()
        Self.started(&s, linuxPackDisc: Self.xcp)
        Self.step(&s, .installFinished(.success(Self.summary))) {
            $0.install?.running = false
            $0.install?.result = .success(Self.summary)
            $0.install?.screen = .linuxPackDisc
        }
        Self.step(&s, .endScreen(.skipDisc), [.log("Linux Pack disc: skipped by the administrator; the Linux Pack is not installed")]) {
            $0.install?.screen = .complete
        }
    }

    @Test func linuxPackThatFailsShowsTheFailureScreen() {
        var s = Self.confirmed()
        Self.started(&s, linuxPackDisc: Self.xcp)
        _ = Flow.reduce(&s, .installFinished(.success(Self.summary)))
        _ = Flow.reduce(&s, .endScreen(.useDisc))
        _ = Flow.reduce(&s, .linuxPackDiscChecked(.ready))
        let e = InstallerError.failed("the disk has no root partition", at: "sda")
        Self.step(&s, .linuxPackFinished(error: e)) {
            $0.install?.running = false
            $0.install?.error = e
            $0.install?.screen = .failed
        }
    }

    @Test func upgradeAndRestoreName() {
        #expect(InstallState(mode: .reinstall).title == "Upgrading Xen Cloud Platform")
        #expect(InstallState(mode: .restore).title == "Restoring From Backup")
    }

    @Test(arguments: [
        ("2026", "02", "29", "10", "00"), ("2026", "04", "31", "10", "00"), ("2026", "12", "04", "24", "00"),
        ("2026", "12", "04", "10", "60"), ("1969", "12", "31", "23", "59"), ("2201", "01", "01", "00", "00"),
        ("20x6", "12", "04", "10", "00"), ("2026", "13", "01", "10", "00"), ("", "12", "04", "10", "00"),
    ])
    func invalidLocalTimesAreRefused(y: String, mo: String, d: String, h: String, mi: String) {
        #expect(InstallFlow.localTime(year: y, month: mo, day: d, hour: h, minute: mi, timezone: "Europe/Lisbon") == nil)
    }

    @Test func localTimeIsReadInThePlansTimeZone() {
        // 2028-02-29 12:00 in Lisbon (winter, UTC+0) and in Tokyo (UTC+9).
        #expect(InstallFlow.localTime(year: "2028", month: "02", day: "29", hour: "12", minute: "00", timezone: "Europe/Lisbon")
                == Date(timeIntervalSince1970: 1_835_438_400))
        #expect(InstallFlow.localTime(year: "2028", month: "02", day: "29", hour: "12", minute: "00", timezone: "Asia/Tokyo")
                == Date(timeIntervalSince1970: 1_835_438_400 - 9 * 3600))
    }
}

/// The background-task helper: updates arrive in order, the value after them.
@Suite struct BackgroundTaskTests {
    @Test func updatesInOrderThenTheValue() {
        let task = BackgroundTask<Int, Int> { send in
            for i in 1...1000 { send(i) }
            return 42
        }
        var seen: [Int] = []
        var value: Int?
        let deadline = Date().addingTimeInterval(120)   // a loaded machine: the thread may start late
        while value == nil, Date() < deadline {
            let (updates, v) = task.take()
            seen += updates
            value = v
            if v == nil { Thread.sleep(forTimeInterval: 0.001) }   // not Task.sleep: a busy pool would resume it late
        }
        #expect(value == 42)
        #expect(seen == Array(1...1000))
        #expect(task.take().updates.isEmpty)
    }
}

/// The end screens' buttons and what they show, built from states (no terminal).
@Suite @MainActor struct EndScreenTests {
    static func failedState() -> FlowState {
        var s = InstallFlowTests.confirmed()
        s.options.logPath = "/tmp/state/install-log"
        s.options.bundleDirectory = "/tmp/state/support"
        _ = Flow.reduce(&s, .beginInstall)
        _ = Flow.reduce(&s, .installFinished(.failure(.failed("cannot read the archive", at: "packages.main/dom0.tar.bz2"))))
        return s
    }

    @Test func failureScreenButtonsAndText() {
        let s = Self.failedState()
        #expect(s.install?.screen == .failed)
        let screen = EndScreens.make(.failed, state: s)
        #expect(screen.form.title == "Installation Failed")
        #expect(screen.form.buttons.map(\.id) == ["log", "shell", "bundle", "ok"])
        let text = (screen.form.body.first as? TextBlock)?.text ?? ""
        #expect(text.contains("cannot read the archive") && text.contains("Where: packages.main/dom0.tar.bz2") && text.contains("/tmp/state/install-log"))
        #expect(screen.answer(button: "log") == .viewLog && screen.answer(button: "shell") == .shell)
        #expect(screen.answer(button: "bundle") == .saveBundle && screen.answer(button: "ok") == .leave)
    }

    @Test func saveBundleOffersTheStateDirectory() {
        var s = Self.failedState()
        _ = Flow.reduce(&s, .endScreen(.saveBundle))
        let screen = EndScreens.make(.saveBundle, state: s)
        #expect(screen.answer(button: "ok") == .bundle(to: "/tmp/state/support"))
        #expect(screen.answer(button: "back") == .bundle(to: nil))
    }

    @Test func progressFollowsTheState() {
        var s = InstallFlowTests.confirmed()
        _ = Flow.reduce(&s, .beginInstall)
        let screen = EndScreens.make(.progress, state: s)
        #expect(screen.form.title == "Installing Xen Cloud Platform" && screen.form.buttons.isEmpty)
        _ = Flow.reduce(&s, .progress(fraction: 0.25, step: "Creating filesystems", secondsLeft: 40))
        screen.update(s)
        let step = screen.form.body.first as? TextBlock, bar = screen.form.body.last as? ProgressBar
        #expect(step?.text == "Creating filesystems" && bar?.fraction == 0.25 && bar?.secondsLeft == 40)
        // F12 on a progress window does nothing.
        #expect(screen.answer(button: "ok") == nil)
    }

    @Test func setTimeAnswersWhatIsTyped() {
        var s = InstallFlowTests.confirmed(time: .manual)
        _ = Flow.reduce(&s, .beginInstall)
        _ = Flow.reduce(&s, .askTime)
        let screen = EndScreens.make(.setTime, state: s)
        let entries = screen.form.body.compactMap { $0 as? Entry }
        #expect(entries.count == 5)
        for (e, v) in zip(entries, ["2027", "03", "01", "08", "15"]) { e.value = v }
        #expect(screen.answer(button: "ok") == .setTime(year: "2027", month: "03", day: "01", hour: "08", minute: "15"))
    }

    @Test func linuxPackPromptNamesTheProduct() {
        var s = InstallFlowTests.confirmed()
        _ = Flow.reduce(&s, .beginInstall)
        _ = Flow.reduce(&s, .installStarted(linuxPackDisc: InstallFlowTests.xcp))
        _ = Flow.reduce(&s, .installFinished(.success(InstallFlowTests.summary)))
        let screen = EndScreens.make(.linuxPackDisc, state: s)
        #expect(((screen.form.body.first as? TextBlock)?.text ?? "").contains("Linux Pack disc for XCP 0.1.0"))
        #expect(screen.answer(button: "use") == .useDisc && screen.answer(button: "skip") == .skipDisc)
    }
}
