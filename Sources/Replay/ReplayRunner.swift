import Foundation

/// Runs replay scripts against the real installer binary on a pseudo-terminal and compares
/// the screens with golden files in SCRIPTDIR/SCRIPTNAME/.
public struct ReplayRunner {
    public let executable: String
    public let update: Bool
    /// Where progress and failures are written.
    public var report: (String) -> Void = { print($0) }

    /// Variables handed through to the installer besides PATH, HOME, LANG and LC_ALL (the
    /// caller names them: the runtime-networking settings, for replays run inside a network
    /// namespace, tests/integration/32-runtime-network.sh).
    public var passThroughNames: [String] = []
    /// The variable that tells the installer its state directory.
    public var stateVariable = "STATE"
    /// A state directory to use and keep (to inspect or boot the disks); nil: a fresh one per
    /// run, removed afterwards.
    public var keptState: String?

    public init(executable: String, update: Bool) {
        self.executable = executable; self.update = update
    }

    public struct Outcome {
        public var failures: [String] = []
        public var updated: [String] = []
        public var checks = 0
        /// Seconds from start to each `wait` being satisfied (benchmarks).
        public var waitTimes: [String: Double] = [:]
        public var passed: Bool { failures.isEmpty }
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    public func run(scriptAt path: String) -> Outcome {
        var outcome = Outcome()
        let script: ReplayScript
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            script = try ReplayScript(path: path, text: text)
        } catch {
            outcome.failures.append("\(error)")
            return outcome
        }
        let scriptURL = URL(fileURLWithPath: path)
        let dir = scriptURL.deletingLastPathComponent().path
        let goldenDir = dir + "/" + scriptURL.deletingPathExtension().lastPathComponent
        // Each run gets its own state directory (disk images, log, plan), removed afterwards,
        // unless `keptState` names one to keep.
        let kept = keptState
        let state = kept ?? NSTemporaryDirectory() + "replay-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: state) } }

        var rows = 25, cols = 80
        var args: [String] = []
        var program = executable
        let names = ["PATH", "HOME", "LANG", "LC_ALL"] + passThroughNames
        var env = ProcessInfo.processInfo.environment.filter { names.contains($0.key) }
        env["TERM"] = "xterm-256color"
        env[stateVariable] = state
        if env["LANG"] == nil { env["LANG"] = "C.UTF-8" }
        var session: PTYSession?
        var masks: [(NSRegularExpression, String?)] = []
        func shot(_ s: PTYSession) -> Snapshot { s.snapshot().masked(masks) }
        let started = PTYSession.now()

        func start() throws -> PTYSession {
            if let s = session { return s }
            let s = try PTYSession(executable: program, arguments: args, environment: env, rows: rows, cols: cols)
            session = s
            return s
        }

        for line in script.lines {
            let loc = "\(path):\(line.number)"
            do {
                switch line.command {
                case let .size(r, c): rows = r; cols = c
                case let .machine(m): args += ["--machine", m.hasPrefix("/") ? m : dir + "/" + m]
                case let .args(a): args += a
                case let .exec(argv):
                    program = argv[0].hasPrefix("/") ? argv[0] : Self.which(argv[0]) ?? argv[0]
                    args = Array(argv.dropFirst())
                case let .env(k, v): env[k] = v
                case let .touch(name):
                    _ = FileManager.default.createFile(atPath: state + "/" + name, contents: Data())
                case let .mask(pattern, replacement):
                    masks.append((try NSRegularExpression(pattern: pattern), replacement.map(NSRegularExpression.escapedTemplate(for:))))
                case let .wait(text, timeout):
                    let s = try start()
                    let end = PTYSession.now() + timeout
                    var found = s.snapshot().contains(text)
                    while !found && PTYSession.now() < end {
                        if !s.pump(timeout: 0.02) && !s.snapshot().contains(text) { break }
                        found = s.snapshot().contains(text)
                    }
                    outcome.checks += 1
                    if found {
                        outcome.waitTimes[text] = PTYSession.now() - started
                    } else {
                        outcome.failures.append("\(loc): timed out after \(timeout) s waiting for \"\(text)\"\n" + s.snapshot().framed("screen:"))
                        return outcome
                    }
                case let .key(names):
                    let s = try start()
                    for n in names {
                        s.send(ReplayKey.named(n)!)
                        s.settle(quiet: 0.05, limit: 0.5)
                    }
                case let .type(text, delay):
                    let s = try start()
                    if delay == 0 {
                        s.type(text)
                    } else {
                        for ch in text {
                            s.type(String(ch))
                            s.settle(quiet: Double(delay) / 1000, limit: Double(delay) / 1000)
                        }
                    }
                    s.settle(quiet: 0.05, limit: 0.5)
                case let .resize(r, c):
                    let s = try start()
                    s.resize(rows: r, cols: c)
                    s.settle(quiet: 0.05, limit: 1)
                case let .sleep(t):
                    let s = try start()
                    s.settle(quiet: t, limit: t)
                case let .screen(name):
                    let s = try start()
                    outcome.checks += 1
                    let file = goldenDir + "/" + name + ".screen"
                    if update {
                        s.settle(quiet: 0.2, limit: 3)
                        try FileManager.default.createDirectory(atPath: goldenDir, withIntermediateDirectories: true)
                        try shot(s).fileText.write(toFile: file, atomically: true, encoding: .utf8)
                        outcome.updated.append(file)
                        continue
                    }
                    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                        outcome.failures.append("\(loc): no golden screen \(file) (record it with --update)\n" + s.snapshot().framed("screen:"))
                        return outcome
                    }
                    let golden = Snapshot.Golden(fileText: text)
                    // The program may still be drawing: compare until it matches or 5 s pass.
                    let end = PTYSession.now() + 5
                    s.settle(quiet: 0.05, limit: 1)
                    var diff = shot(s).differences(from: golden)
                    while !diff.isEmpty && PTYSession.now() < end {
                        s.pump(timeout: 0.05)
                        diff = shot(s).differences(from: golden)
                    }
                    if !diff.isEmpty {
                        let exp = Snapshot(text: golden.text + Array(repeating: "", count: max(0, s.rows - golden.text.count)), colours: nil)
                        outcome.failures.append("\(loc): screen '\(name)' differs from \(file)\n"
                            + exp.framed("expected:") + shot(s).framed("actual:") + "diff (- expected, + actual):\n"
                            + diff.joined(separator: "\n"))
                        return outcome
                    }
                case let .plan(name):
                    outcome.checks += 1
                    let file = goldenDir + "/" + name + ".json"
                    _ = session?.waitExit(timeout: 10)
                    guard let actual = try? String(contentsOfFile: state + "/plan.json", encoding: .utf8) else {
                        outcome.failures.append("\(loc): the installer wrote no plan (\(state)/plan.json)")
                        return outcome
                    }
                    if update {
                        try FileManager.default.createDirectory(atPath: goldenDir, withIntermediateDirectories: true)
                        try actual.write(toFile: file, atomically: true, encoding: .utf8)
                        outcome.updated.append(file)
                        continue
                    }
                    let expected = (try? String(contentsOfFile: file, encoding: .utf8)) ?? "(missing \(file))"
                    if expected != actual {
                        outcome.failures.append("\(loc): plan differs from \(file)\nexpected:\n\(expected)\nactual:\n\(actual)")
                        return outcome
                    }
                case let .random(n, seed):
                    let count = ProcessInfo.processInfo.environment["RANDOM_KEYS"].flatMap { Int($0) } ?? n
                    let walk = RandomWalk(count: count, seed: seed)
                    let result = try walk.run(rows: rows, cols: cols) {
                        session = nil
                        return try start()
                    }
                    outcome.checks += 1
                    let exits = result.exits.sorted { $0.key < $1.key }.map { "exit \($0.key): \($0.value)" }.joined(separator: ", ")
                    report("     random: \(result.keys) actions (seed \(seed)), \(result.restarts) restarts\(exits.isEmpty ? "" : " (" + exits + ")")")
                    if let failure = result.failure {
                        outcome.failures.append("\(loc): \(failure)")
                        return outcome
                    }
                case let .exit(code):
                    let s = try start()
                    outcome.checks += 1
                    guard let status = s.waitExit(timeout: 10) else {
                        outcome.failures.append("\(loc): the installer did not exit within 10 s\n" + s.snapshot().framed("screen:"))
                        return outcome
                    }
                    if status != code {
                        outcome.failures.append("\(loc): exit status \(status), expected \(code)\n" + s.snapshot().framed("screen:"))
                        return outcome
                    }
                }
            } catch {
                outcome.failures.append("\(loc): \(error)")
                return outcome
            }
        }
        return outcome
    }
}
