import Foundation
import InstallerCore

/// `host-installer [--machine P | --real-hardware] [--dry-run] [--answerfile A [--ask-missing]]
/// [--cmdline FILE] [--record-answerfile PATH]`: the installer, interactive or unattended.
enum InstallCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--real-hardware", "--dry-run", "--ask-missing"],
                            values: ["--machine", "--record-answerfile", "--answerfile", "--cmdline"])
        if let extra = o.positionals.first { throw .invalid(extra, "unknown command", hint: "see host-installer --help") }
        var boot = BootParameters()
        if let path = o.values["--cmdline"] {
            guard let d = FileManager.default.contents(atPath: path) else { throw .invalid(path, "cannot read the boot parameters") }
            boot = BootParameters.parse(String(decoding: d, as: UTF8.self))
            try boot.checkSupported()
        }
        let answerfile = o.values["--answerfile"] ?? boot.answerfile
        // --answerfile alone, or answerfile= with install, is unattended; otherwise the
        // answerfile pre-fills the screens and only those for missing values are shown.
        let unattended = answerfile != nil && (o.values["--answerfile"] != nil ? !o.flags.contains("--ask-missing") : boot.install)

        var machine = try loadMachine(o)
        let log = EventLog.shared
        let environment = InstallEnvironment(ProcessInfo.processInfo.environment)
        let backend = InstallerBackend(environment: environment, log: log)
        let stateDir = environment.stateDirectory
        try? FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let logDir = machine.isReal && environment.stateOverride == nil ? "/install/tmp" : stateDir
        try? FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        try? log.attach(file: logDir + "/install-log")
        log.log("host-installer started: \(machine.visibleDisks.count) disks, \(machine.nics.count) NICs")
        machine = backend.detectInstallations(machine)

        var prefilled: (plan: InstallPlan, missing: [String])?
        var answerfileText: String?
        if let answerfile {
            try UnattendedInstall.bringUpForAnswerfile(answerfile, machine: machine, backend: backend, device: boot.networkDevice, boot: try boot.network())
            let (result, text, linuxPackAt) = try UnattendedInstall.plan(from: answerfile, machine: machine, allowMissing: !unattended)
            answerfileText = text
            guard var plan = result.plan else { throw .invalid(answerfile, "the answerfile gives no installation plan") }
            if let k = boot.keymap, result.missing.contains("keymap") { plan.keymap = k }
            if unattended {
                if o.flags.contains("--dry-run") {
                    print(plan.json.rendered())
                    return 0
                }
                return UnattendedInstall.run(plan, machine: machine, backend: backend, networkDevice: boot.networkDevice, linuxPackAt: linuxPackAt)
            }
            prefilled = (plan, result.missing.filter { !(boot.keymap != nil && $0 == "keymap") })
            // Sources the answerfile gives are not checked on a screen: their NIC is brought up
            // now (with --real-hardware), as for an unattended install, before driver disks load.
            try UnattendedInstall.bringUpNetwork(plan, machine: machine, backend: backend, device: boot.networkDevice, say: { print($0); log.log($0) })
            // The answerfile's driver disks are loaded before the screens, so their disks are listed.
            for source in plan.driverSources {
                machine = try backend.loadDrivers(source, machine: machine, detect: false).machine
            }
        }

        guard isatty(0) == 1, isatty(1) == 1 else {
            throw .invalid("stdin", "the interactive installer needs a terminal", hint: "run it in a terminal, or give --answerfile for an unattended install")
        }
        let dryRun = o.flags.contains("--dry-run")
        let logPath = logDir + "/install-log"
        let outcome = MainActor.assumeIsolated { () -> (FlowRunner.Result, InstallerError??) in
            let term = Terminal()
            term.start()
            defer { term.stop() }
            let ui = UI(term: term)
            let consoles = Consoles(term: term, mode: .current(realHardware: o.flags.contains("--real-hardware")))
            ui.onConsole = { consoles.show($0) }
            var state = FlowState(machine: machine, options: FlowOptions(dryRun: dryRun, logPath: logPath, bundleDirectory: logDir + "/support",
                                                                         runtimeNetwork: backend.runtimeNetworkEnabled(for: machine)))
            if let prefilled {
                state.answers.plan = prefilled.plan
                state.options.onlyScreens = FlowTable.screens(forMissing: prefilled.missing)
            } else if let k = boot.keymap {
                state.answers.plan.keymap = k
            }
            let runner = FlowRunner(ui: ui, state: state)
            runner.effects = InstallEffects(backend: backend)
            runner.consoles = consoles
            runner.answerfileText = answerfileText
            runner.bundleMachine = machine
            let flow = runner.run()
            guard case .finished = flow, !dryRun else { return (flow, nil) }
            // On the machine as the flow last probed it (driver disks may have added disks).
            return (flow, .some(runner.install()))
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
            case .some(nil):
                print("Installation complete on \(plan.primaryDisk).")
                return 0
            case let .some(e?):
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
