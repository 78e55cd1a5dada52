import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// The two front ends held against each other: the answerfile and the replay walk
/// (Tests/Replays/equal-plans.replay, whose `plan` command checks the same JSON file)
/// that mean the same install give equal plans.
@Suite struct FrontEndEqualityTests {
    static let root = TestPaths.root

    @Test func answerfileAndScreensGiveTheSamePlan() throws {
        let machine = try MachineProfile.parse(String(contentsOfFile: Self.root + "/Tests/Fixtures/machines/two-disks.json", encoding: .utf8),
                                               name: "two-disks.json", baseDirectory: Self.root + "/Tests/Fixtures/machines")
        let result = try Answerfile.parse(file: Self.root + "/Tests/Answerfiles/equal/equal-plans.xml", options: AnswerfileOptions(machine: machine))
        let plan = try #require(result.plan, "\(result.report(file: "equal-plans.xml"))")
        let walked = try String(contentsOfFile: Self.root + "/Tests/Replays/equal-plans/plan.json", encoding: .utf8)
        #expect(plan.json.rendered() + "\n" == walked)
    }
}
