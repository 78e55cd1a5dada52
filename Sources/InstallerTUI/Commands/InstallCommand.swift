import Foundation
import InstallerCore

/// `host-installer [--machine P | --real-hardware] [--dry-run]`: the interactive installer.
enum InstallCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--real-hardware", "--dry-run"], values: ["--machine"])
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
        let result = MainActor.assumeIsolated { () -> FlowRunner.Result in
            let term = Terminal()
            term.start()
            defer { term.stop() }
            let ui = UI(term: term)
            let consoles = Consoles(term: term)
            ui.onConsole = { consoles.show($0) }
            let runner = FlowRunner(ui: ui, state: FlowState(machine: machine, options: FlowOptions(dryRun: o.flags.contains("--dry-run"))))
            return runner.run()
        }
        switch result {
        case let .exit(code):
            log.log("installer left with status \(code)")
            return code
        case let .finished(plan):
            // The install backend is not wired in yet: the plan is printed (dry-run behaviour).
            let json = plan.json.rendered() + "\n"
            print(json, terminator: "")
            try? json.write(toFile: stateDir + "/plan.json", atomically: true, encoding: .utf8)
            log.log("plan printed (dry run); nothing was written to any disk")
            return 0
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
