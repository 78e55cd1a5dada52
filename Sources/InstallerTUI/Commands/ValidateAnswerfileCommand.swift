import Foundation
import InstallerCore

/// `host-installer validate-answerfile FILE [--machine PROFILE | --no-machine] [--print-plan]
/// [--ask-missing]`: checks an answerfile against a machine (the demo machine when no profile
/// is given; with --no-machine only the file itself is checked). Exit 0 when it
/// is valid (warnings are still printed), 2 otherwise; every problem goes to stderr as
/// `FILE:LINE:COLUMN: message`. With --print-plan, a valid file's plan is printed as JSON.
enum ValidateAnswerfileCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--print-plan", "--ask-missing", "--no-machine"], values: ["--machine"])
        guard o.positionals.count == 1, let file = o.positionals.first else {
            throw .invalid("validate-answerfile", o.positionals.isEmpty ? "needs the answerfile to check" : "takes one answerfile",
                           hint: "host-installer validate-answerfile FILE [--machine PROFILE]")
        }
        let machine: Machine?
        if o.flags.contains("--no-machine") {
            if o.values["--machine"] != nil { throw .invalid("--no-machine", "cannot be combined with --machine") }
            machine = nil
        } else if let path = o.values["--machine"] {
            machine = try MachineProfile.load(path: path, createImages: false)
        } else {
            machine = try demoMachine()
        }
        let keymaps = try KeymapCatalogue.load()
        let result = try Answerfile.parse(file: file, options: AnswerfileOptions(
            machine: machine, keymaps: keymaps, allowMissing: o.flags.contains("--ask-missing")))
        for line in result.report(file: file) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        guard result.isValid, let plan = result.plan else { return 2 }
        if o.flags.contains("--print-plan") {
            print(plan.json.rendered())
        } else {
            for m in result.diskMatches { print(m.formatted(file: file)) }
            let w = result.warnings.count
            print("\(file): valid (mode \(plan.mode.rawValue)\(w > 0 ? ", \(w) warning\(w == 1 ? "" : "s")" : ""))"
                  + (result.missing.isEmpty ? "" : "; to ask: " + result.missing.joined(separator: ", ")))
        }
        return 0
    }

    /// The demo machine as it is in the state directory, or the embedded profile: reading
    /// it writes nothing (no state directory, no disk images).
    static func demoMachine() throws(InstallerError) -> Machine {
        let path = DemoMachine.stateDirectory + "/machine.json"
        if FileManager.default.fileExists(atPath: path) { return try MachineProfile.load(path: path, createImages: false) }
        return try MachineProfile.parse(DemoMachine.profile, name: "demo machine", baseDirectory: DemoMachine.stateDirectory)
    }
}
