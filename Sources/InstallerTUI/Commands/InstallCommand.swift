import Foundation
import InstallerCore

/// `host-installer [--machine P | --real-hardware] [--dry-run] [--answerfile A [--ask-missing]]
/// [--cmdline FILE] [--record-answerfile PATH]`: the installer, interactive or unattended.
enum InstallCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--real-hardware", "--dry-run", "--ask-missing"],
                            values: ["--machine", "--record-answerfile", "--answerfile", "--cmdline", "--report", "--ca-file"])
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

        if let ca = o.values["--ca-file"] ?? boot.caFile { try TLSTrust.add(ca, directory: stateDir) }
        // Status reports: report= / --report, else the answerfile's <report url=...>.
        var reportURL = o.values["--report"] ?? boot.report
        // An XCP-ANSWER file system: its ca.pem is trusted; its answerfile.xml is answerfile=auto's.
        // (Looked for on real hardware, and on a profile machine when an answerfile or report is given.)
        var answerPartition: (found: AnswerPartition?, examined: [String]) = (nil, [])
        if machine.isReal || answerfile != nil || reportURL != nil {
            answerPartition = AnswerPartition.find(machine, commands: backend.commands)
            if let p = answerPartition.found, let ca = try p.read(AnswerPartition.caName, into: stateDir + "/xcp-answer") {
                try TLSTrust.add(ca, directory: stateDir)
                UnattendedInstall.sayNow("HTTPS: trusting the certificate authorities of \(p.shown(AnswerPartition.caName)) as well")
            }
        }

        var prefilled: (plan: InstallPlan, missing: [String])?
        var answerfileText: String?
        if var answerfile {
            var fromPartition: (name: String, bytes: [UInt8], url: String)?
            if answerfile == "auto" {
                let auto = try UnattendedInstall.autoAnswerfile(answerPartition, machine: machine, stateDir: stateDir)
                switch auto {
                case let .file(f): fromPartition = f
                case let .url(u): answerfile = u
                }
            }
            let location = AnswerfileLocation(answerfile)
            try UnattendedInstall.bringUpForAnswerfile(location.template, machine: machine, backend: backend, device: boot.networkDevice, boot: try boot.network())
            let host = UnattendedInstall.host(machine, boot: boot, backend: backend)
            // Unattended, reports start before the answerfile is fetched (report=), or as soon as
            // it is (its <report>, read even from an invalid answerfile), so that a refusal is reported.
            var reporter: StatusReporter?
            if unattended, !o.flags.contains("--dry-run"), let reportURL {
                reporter = try StatusReporter(url: reportURL, host: host)
                reporter?.started(source: StatusReporter.scrub(answerfile, secrets: []))
            }
            let fetched: (name: String, bytes: [UInt8], url: String)
            let parsed: (AnswerfileResult, String, linuxPackAt: String?)
            do throws(InstallerError) {
                if let f = fromPartition { fetched = f } else { fetched = try AnswerfileFetch.fetch(location, host: host) }
                let secrets = Answerfile.secretValues(fetched.bytes)
                secrets.forEach(log.addSecret)
                if reportURL == nil, let url = Answerfile.reportURL(fetched.bytes) {
                    reportURL = url
                    if unattended, !o.flags.contains("--dry-run") {
                        reporter = try StatusReporter(url: url, host: host)
                        reporter?.started(source: fetched.url)
                    }
                }
                parsed = try UnattendedInstall.plan(bytes: fetched.bytes, name: fetched.name, url: fetched.url, machine: machine, allowMissing: !unattended)
            } catch {
                log.log("answerfile refused: \(error.description)")
                if let reporter { FileHandle.standardOutput.write(Data((reporter.failed(error.description) + "\n").utf8)) }
                throw error
            }
            let (result, text, linuxPackAt) = parsed
            answerfileText = text
            guard var plan = result.plan else { throw .invalid(fetched.url, "the answerfile gives no installation plan") }
            if let k = boot.keymap, result.missing.contains("keymap") { plan.keymap = k }
            if unattended {
                if o.flags.contains("--dry-run") {
                    print(plan.json.rendered())
                    return 0
                }
                return UnattendedInstall.run(plan, machine: machine, backend: backend, networkDevice: boot.networkDevice, linuxPackAt: linuxPackAt,
                                             reporter: reporter)
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
        // On the screens, reports start when the install does (InstallEffects.open).
        let reporter: StatusReporter?
        if !dryRun, let u = reportURL {
            reporter = try StatusReporter(url: u, host: UnattendedInstall.host(machine, boot: boot, backend: backend))
        } else {
            reporter = nil
        }
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
            runner.effects = InstallEffects(backend: backend, reporter: reporter)
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
