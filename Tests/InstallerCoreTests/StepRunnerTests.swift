import Foundation
import Synchronization
import Testing
@testable import InstallerCore

@Suite struct StepRunnerTests {
    @Test func progressFollowsTheWeights() throws {
        let events = Mutex<[InstallEvent]>([])
        let r = StepRunner(steps: [InstallStep(name: "a", text: "A", weight: 1), InstallStep(name: "b", text: "B", weight: 3)],
                           log: EventLog(), environment: [:]) { e in events.withLock { $0.append(e) } }
        try r.run("a") { _ in }
        try r.run("b") { p in p(0.5) }
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
        #expect(CleanInstall.steps.map(\.name) == ["check", "partition", "filesystems", "mount", "packages", "configure", "bootloader", "post-install", "finish"])
        #expect(CleanInstall.steps.allSatisfy { $0.weight > 0 })
    }
}

@Suite struct StepRunnerTestHookTests {
    @Test func hooksAreInertUnlessSet() {
        #expect(StepRunner.testHooks([:]).delayMs == 0)
        #expect(StepRunner.testHooks([:]).pauseAt == nil)
        #expect(StepRunner.testHooks(["HOST_INSTALLER_STEP_DELAY_MS": "abc"]).delayMs == 0)
        #expect(StepRunner.testHooks(["HOST_INSTALLER_PAUSE_AT": ""]).pauseAt == nil)
        #expect(StepRunner.testHooks(["HOST_INSTALLER_STEP_DELAY_MS": "250"]).delayMs == 250)
        #expect(StepRunner.testHooks(["HOST_INSTALLER_STEP_DELAY_MS": "99999999"]).delayMs == 60_000)
        #expect(StepRunner.testHooks(["HOST_INSTALLER_PAUSE_AT": "packages"]).pauseAt == "packages")
        let log = EventLog()
        _ = StepRunner(steps: [InstallStep(name: "a", text: "A", weight: 1)], log: log, environment: [:]) { _ in }
        #expect(!log.lines.contains { $0.contains("test hook") })
    }

    @Test func eachStepWaitsTheDelayAndItIsLogged() throws {
        let log = EventLog()
        let r = StepRunner(steps: [InstallStep(name: "a", text: "A", weight: 1), InstallStep(name: "b", text: "B", weight: 1)],
                           log: log, environment: ["HOST_INSTALLER_STEP_DELAY_MS": "60"]) { _ in }
        let t0 = Date()
        try r.run("a") { _ in }
        try r.run("b") { _ in }
        #expect(Date().timeIntervalSince(t0) >= 0.12)
        #expect(log.lines.contains { $0.contains("test hook HOST_INSTALLER_STEP_DELAY_MS=60: every step waits 60 ms") })
    }

    @Test func pausesAtTheNamedStepUntilTheResumeFileExists() throws {
        let dir = NSTemporaryDirectory() + "pause-hook-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = EventLog()
        let ran = Mutex<[String]>([])
        let r = StepRunner(steps: [InstallStep(name: "a", text: "A", weight: 1), InstallStep(name: "b", text: "B", weight: 1)],
                           log: log, environment: ["HOST_INSTALLER_PAUSE_AT": "b", "HOST_INSTALLER_STATE": dir]) { _ in }
        nonisolated(unsafe) let runner = r
        let done = Mutex(false)
        let t = Thread {
            try? runner.run("a") { _ in ran.withLock { $0.append("a") } }
            try? runner.run("b") { _ in ran.withLock { $0.append("b") } }
            done.withLock { $0 = true }
        }
        t.start()
        // Held at b: a has run, b has started (its STEP line is logged) but its body has not.
        var waited = 0
        while !log.lines.contains(where: { $0.contains("HOST_INSTALLER_PAUSE_AT=b: waiting for the file 'resume'") }) && waited < 200 {
            usleep(20_000); waited += 1
        }
        usleep(200_000)
        #expect(ran.withLock { $0 } == ["a"])
        #expect(!done.withLock { $0 })
        #expect(log.lines.contains { $0.contains("STEP b: B") })
        FileManager.default.createFile(atPath: dir + "/resume", contents: Data())
        waited = 0
        while !done.withLock({ $0 }) && waited < 200 { usleep(20_000); waited += 1 }
        #expect(ran.withLock { $0 } == ["a", "b"])
        #expect(log.lines.contains { $0.contains("test hook: resumed") })
    }
}
