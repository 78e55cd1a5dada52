import Foundation
import InstallerCore

/// `host-installer [--machine P | --real-hardware] [--dry-run]`: the interactive installer.
enum InstallCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--real-hardware", "--dry-run"], values: ["--machine", "--record-answerfile"])
        if let extra = o.positionals.first { throw .invalid(extra, "unknown command", hint: "see host-installer --help") }
        let machine = try loadMachine(o)
        let log = EventLog.shared
        let stateDir = DemoMachine.stateDirectory
        try? FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        try? log.attach(file: stateDir + "/install-log")
        log.log("host-installer started: \(machine.visibleDisks.count) disks, \(machine.nics.count) NICs")

        guard isatty(0) == 1, isatty(1) == 1 else {
            throw .invalid("stdin", "the interactive installer needs a terminal", hint: "run it in a terminal, or give --answerfile for an unattended install")
        }
        let dryRun = o.flags.contains("--dry-run")
        let logPath = stateDir + "/install-log"
        let outcome = MainActor.assumeIsolated { () -> (FlowRunner.Result, InstallRunner.Outcome?) in
            let term = Terminal()
            term.start()
            defer { term.stop() }
            let ui = UI(term: term)
            let consoles = Consoles(term: term)
            ui.onConsole = { consoles.show($0) }
            let runner = FlowRunner(ui: ui, state: FlowState(machine: machine, options: FlowOptions(dryRun: dryRun)))
            let flow = runner.run()
            guard case let .finished(plan) = flow, !dryRun else { return (flow, nil) }
            let installed = InstallRunner(ui: ui, machine: machine, consoles: consoles).run(plan)
            switch installed {
            case .complete: EndScreens.complete(ui, machine: machine)
            case let .failed(e): EndScreens.failed(ui, consoles: consoles, error: e, logPath: logPath)
            }
            return (flow, installed)
        }
        switch outcome.0 {
        case let .exit(code):
            log.log("installer left with status \(code)")
            return code
        case let .finished(plan):
            if let path = o.values["--record-answerfile"] {
                try AnswerfileWriter.write(plan, to: path)
                log.log("answerfile recorded in \(path)")
            }
            let json = plan.json.rendered() + "\n"
            try? json.write(toFile: stateDir + "/plan.json", atomically: true, encoding: .utf8)
            switch outcome.1 {
            case nil:
                print(json, terminator: "")
                log.log("plan printed (dry run); nothing was written to any disk")
                return 0
            case .complete?:
                print("Installation complete on \(plan.primaryDisk).")
                return 0
            case let .failed(e)?:
                throw InstallerError.failed(e.description, hint: "the event log is in \(logPath)")
            }
        }
    }

    static func loadMachine(_ o: Options) throws(InstallerError) -> Machine {
        if o.flags.contains("--real-hardware") {
            if o.values["--machine"] != nil { throw .invalid("--real-hardware", "cannot be combined with --machine") }
            guard getuid() == 0 else { throw .invalid("--real-hardware", "needs root", hint: "run it as root on the computer to install") }
            return HardwareProbe().probe()
        }
        if let path = o.values["--machine"] { return try MachineProfile.load(path: path) }
        return try MachineProfile.load(path: try DemoMachine.ensureProfile())
    }
}
