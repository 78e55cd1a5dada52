import Glibc

/// `random N SEED`: N keys drawn from the keys a person can press on the installer's screens
/// (moves, Space, Enter, F1, F12, letters, digits, Backspace, the console keys and the Esc
/// chord) and terminal resizes, from a seeded generator, so a failure is replayed exactly by
/// its seed. After each key the program must still run, or have left with 0 (a dry run's
/// plan) or 3 (cancelled), after which it is started again; any other exit (a crash) fails
/// the walk. Every 50 keys and after every resize the screen must be redrawn within
/// `hangLimit` seconds (a resize makes the program redraw), else the program hangs.
struct RandomWalk {
    let count: Int
    let seed: UInt64
    /// (30 s: a hang is still a hang; 10 s was once exceeded by a healthy installer on a
    /// 2-core machine also running three qemu VMs and a build, and the seed then passed in 0.6 s.)
    var hangLimit = 30.0

    static let keys = ["Tab", "BTab", "AltTab", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End",
                       "Space", "Space", "Enter", "Enter", "Enter", "F12", "F12", "F1", "Esc", "Backspace", "Delete",
                       "AltF1", "AltF2", "AltF3", "1", "2", "3", "a", "e", "s", "u", "z", "x", "0", "9", ".", ":", "/"]

    struct Result { var keys = 0, restarts = 0, exits: [Int32: Int] = [:], failure: String? }

    /// `start` makes a new session (the previous one has exited) at the given size.
    func run(rows: Int, cols: Int, start: () throws -> PTYSession) throws -> Result {
        var rng = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: Int) -> Int { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return Int(rng % UInt64(n)) }
        var result = Result()
        var s = try start()
        var recent: [String] = []
        var size = (rows, cols)
        for i in 0..<count {
            // One action in 40 is a resize, between 80x24 and 132x50.
            let name: String
            if next(40) == 0 {
                size = (24 + next(27), 80 + next(53))
                name = "resize \(size.0)x\(size.1)"
                s.resize(rows: size.0, cols: size.1)
            } else {
                name = Self.keys[next(Self.keys.count)]
                guard let key = ReplayKey.named(name) else { continue }
                s.send(key)
            }
            recent.append(name); if recent.count > 30 { recent.removeFirst() }
            result.keys += 1
            s.settle(quiet: 0.01, limit: 0.3)
            if !s.isRunning {
                let status = s.exitStatus ?? -1
                result.exits[status, default: 0] += 1
                guard status == 0 || status == 3 else {
                    result.failure = "the installer exited with status \(status) after action \(i + 1) (seed \(seed)); the last actions: \(recent.joined(separator: " "))\n"
                        + s.snapshot().framed("screen:")
                    return result
                }
                result.restarts += 1
                s = try start()
                if size != (rows, cols) { s.resize(rows: size.0, cols: size.1) }
                continue
            }
            if name.hasPrefix("resize") || i % 50 == 49 {
                if !redraws(s, size: size) {
                    result.failure = "no redraw within \(hangLimit) s after action \(i + 1) (seed \(seed)): the installer hangs; the last actions: \(recent.joined(separator: " "))\n"
                        + s.snapshot().framed("screen:")
                    return result
                }
            }
        }
        return result
    }

    /// Changes the size by one row and back, and waits for output (curses redraws on SIGWINCH).
    private func redraws(_ s: PTYSession, size: (Int, Int)) -> Bool {
        s.drain()
        let before = s.lastOutputTime
        s.resize(rows: size.0 + 1, cols: size.1)
        let end = PTYSession.now() + hangLimit
        while PTYSession.now() < end {
            s.pump(timeout: 0.05)
            if s.lastOutputTime > before || !s.isRunning { break }
        }
        let redrew = s.lastOutputTime > before || !s.isRunning
        s.resize(rows: size.0, cols: size.1)
        s.settle(quiet: 0.02, limit: 0.5)
        return redrew
    }
}
