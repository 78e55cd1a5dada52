import Foundation
import Synchronization
import Testing
@testable import InstallerCore

@Suite struct StepRunnerTests {
    @Test func progressFollowsTheWeights() throws {
        let events = Mutex<[InstallEvent]>([])
        let r = StepRunner(steps: [InstallStep(.check, "A", weight: 1), InstallStep(.partition, "B", weight: 3)],
                           log: EventLog(), environment: .empty) { e in events.withLock { $0.append(e) } }
        try r.run(.check) { _ in }
        try r.run(.partition) { p in p(0.5) }
        let fractions = events.withLock { $0 }.compactMap { e -> Double? in
            if case let .progress(f, _, _) = e { return f }
            return nil
        }
        #expect(fractions.first == 0)
        #expect(fractions.contains(0.25))
        #expect(fractions.last == 1)
        #expect(fractions == fractions.sorted())
    }

    @Test func secondsLeftEstimate() {
        #expect(StepRunner.secondsLeft(done: 25, total: 100, elapsed: 10) == 30)
        #expect(StepRunner.secondsLeft(done: 1, total: 100, elapsed: 10) == nil)
    }

    @Test func theStepsAreNamedAndWeighted() {
        #expect(InstallSteps.fresh.map(\.name) == ["check", "partition", "filesystems", "mount", "packages", "configure", "bootloader", "post-install", "finish"])
        #expect(InstallSteps.upgrade.map(\.name) == ["preserve", "backup"] + InstallSteps.fresh.map(\.name))
        #expect(InstallSteps.restore.map(\.name) == ["check", "filesystems", "mount", "restore", "bootloader", "finish"])
        #expect(InstallSteps.linuxPack.map(\.name) == ["mount", "packages", "finish"])
        for mode in InstallPlan.Mode.allCases { #expect(InstallSteps.of(mode).allSatisfy { $0.weight > 0 }) }
    }
}

@Suite struct StepRunnerTestHookTests {
    @Test func hooksAreInertUnlessSet() {
        #expect(InstallEnvironment([:]).stepDelayMs == 0)
        #expect(InstallEnvironment([:]).pauseAt == nil)
        #expect(InstallEnvironment(["HOST_INSTALLER_STEP_DELAY_MS": "abc"]).stepDelayMs == 0)
        #expect(InstallEnvironment(["HOST_INSTALLER_PAUSE_AT": ""]).pauseAt == nil)
        #expect(InstallEnvironment(["HOST_INSTALLER_STEP_DELAY_MS": "250"]).stepDelayMs == 250)
        #expect(InstallEnvironment(["HOST_INSTALLER_STEP_DELAY_MS": "99999999"]).stepDelayMs == 60_000)
        #expect(InstallEnvironment(["HOST_INSTALLER_PAUSE_AT": "packages"]).pauseAt == "packages")
        let log = EventLog()
        _ = StepRunner(steps: [InstallStep(.check, "A", weight: 1)], log: log, environment: .empty) { _ in }
        #expect(!log.lines.contains { $0.contains("test hook") })
    }

    @Test func eachStepWaitsTheDelayAndItIsLogged() throws {
        let log = EventLog()
        let r = StepRunner(steps: [InstallStep(.check, "A", weight: 1), InstallStep(.partition, "B", weight: 1)],
                           log: log, environment: InstallEnvironment(["HOST_INSTALLER_STEP_DELAY_MS": "60"])) { _ in }
        let t0 = Date()
        try r.run(.check) { _ in }
        try r.run(.partition) { _ in }
        #expect(Date().timeIntervalSince(t0) >= 0.12)
        #expect(log.lines.contains { $0.contains("test hook HOST_INSTALLER_STEP_DELAY_MS=60: every step waits 60 ms") })
    }

    @Test func pausesAtTheNamedStepUntilTheResumeFileExists() throws {
        let dir = NSTemporaryDirectory() + "pause-hook-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = EventLog()
        let ran = Mutex<[String]>([])
        let r = StepRunner(steps: [InstallStep(.check, "A", weight: 1), InstallStep(.partition, "B", weight: 1)],
                           log: log, environment: InstallEnvironment(["HOST_INSTALLER_PAUSE_AT": "partition", "HOST_INSTALLER_STATE": dir])) { _ in }
        nonisolated(unsafe) let runner = r
        let done = Mutex(false)
        let t = Thread {
            try? runner.run(.check) { _ in ran.withLock { $0.append("a") } }
            try? runner.run(.partition) { _ in ran.withLock { $0.append("b") } }
            done.withLock { $0 = true }
        }
        t.start()
        // Held at b: a has run, b has started (its STEP line is logged) but its body has not.
        var waited = 0
        while !log.lines.contains(where: { $0.contains("HOST_INSTALLER_PAUSE_AT=partition: waiting for the file 'resume'") }) && waited < 200 {
            usleep(20_000); waited += 1
        }
        usleep(200_000)
        #expect(ran.withLock { $0 } == ["a"])
        #expect(!done.withLock { $0 })
        #expect(log.lines.contains { $0.contains("STEP partition: B") })
        FileManager.default.createFile(atPath: dir + "/resume", contents: Data())
        waited = 0
        while !done.withLock({ $0 }) && waited < 200 { usleep(20_000); waited += 1 }
        #expect(ran.withLock { $0 } == ["a", "b"])
        #expect(log.lines.contains { $0.contains("test hook: resumed") })
    }
}
