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
