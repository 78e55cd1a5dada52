import Foundation
import InstallerCore
import Replay

/// `host-installer replay SCRIPT... [--update]`: runs screen-replay scripts against this binary.
enum ReplayCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--update", "--times"], values: [])
        guard !o.positionals.isEmpty else { throw .invalid("replay", "needs at least one script", hint: "host-installer replay Tests/Replays/*.replay") }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var runner = ReplayRunner(executable: exe, update: o.flags.contains("--update"))
        let environment = InstallEnvironment(ProcessInfo.processInfo.environment)
        runner.passThroughNames = InstallEnvironment.passThroughNames
        runner.stateVariable = InstallEnvironment.Name.state
        runner.keptState = environment.replayState
        var passed = 0, failed = 0
        for script in o.positionals {
            let start = Date()
            let outcome = runner.run(scriptAt: script)
            let secs = String(format: "%.1f", Date().timeIntervalSince(start))
            if outcome.passed {
                passed += 1
                print("ok   \(script) (\(outcome.checks) checks, \(secs) s)")
                for u in outcome.updated { print("     recorded \(u)") }
                if o.flags.contains("--times") {
                    for (text, t) in outcome.waitTimes.sorted(by: { $0.value < $1.value }) {
                        print("     time to \"\(text)\": \(String(format: "%.4f", t)) s")
                    }
                }
            } else {
                failed += 1
                print("FAIL \(script) (\(secs) s)")
                for f in outcome.failures { print(f.split(separator: "\n", omittingEmptySubsequences: false).map { "     " + $0 }.joined(separator: "\n")) }
            }
        }
        print("replay: \(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }
}
