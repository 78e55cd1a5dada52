import Foundation

/// A time zone read from its TZif file under the zoneinfo directory (RFC 8536: the 64-bit
/// transitions of version 2+ files, and the POSIX TZ string of their footer for instants past
/// the last transition), for turning the local time typed on "Set local time" into an instant
/// and back.
///
/// Foundation's `TimeZone` does this on Linux with ICU's own copy of tzdata, 34 MB of data in
/// the static binary that the installer CD drops (DECISIONS.md, 2026-12-07); the CD has
/// tzdata's files anyway, since the installed host's time zone is copied from them.
public struct ZoneInfo: Sendable, Equatable {
    /// Transition instants (seconds since the epoch, ascending) and the UTC offset from each on.
    let transitions: [Int64]
    let offsets: [Int]
    /// The offset before the first transition (tzdata: local mean time, the first type).
    let initialOffset: Int
    /// The rule after the last transition (nil: the last offset stays).
    let rule: PosixTZ?

    /// UTC itself, for a zone whose file is missing.
    public static let utc = ZoneInfo(transitions: [], offsets: [], initialOffset: 0, rule: nil)

    init(transitions: [Int64], offsets: [Int], initialOffset: Int, rule: PosixTZ?) {
        self.transitions = transitions; self.offsets = offsets; self.initialOffset = initialOffset; self.rule = rule
    }

    /// The zone `name` ("Europe/Lisbon", "UTC") under `root`; nil when it is not a TZif file.
    public init?(zone name: String, root: String = "/usr/share/zoneinfo") {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
              let data = FileManager.default.contents(atPath: root + "/" + name) else { return nil }
        self.init(tzif: [UInt8](data))
    }

    /// Parses a TZif file (version 1 files use the 32-bit block; 2+ the 64-bit one and the footer).
    public init?(tzif b: [UInt8]) {
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= b.count else { return nil }
            return Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
        }
        func i32(_ at: Int) -> Int? { u32(at).map { Int(Int32(truncatingIfNeeded: $0)) } }
        func i64(_ at: Int) -> Int64? {
            guard let hi = u32(at), let lo = u32(at + 4) else { return nil }
            return Int64(bitPattern: UInt64(hi) << 32 | UInt64(lo))
        }
        /// The counts of the header at `h` and the size of the data block after it.
        func header(_ h: Int, timeSize: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int, size: Int)? {
            guard b.count >= h + 44, b[h] == 0x54, b[h + 1] == 0x5A, b[h + 2] == 0x69, b[h + 3] == 0x66,   // "TZif"
                  let isut = u32(h + 20), let isstd = u32(h + 24), let leap = u32(h + 28),
                  let time = u32(h + 32), let type = u32(h + 36), let char = u32(h + 40), type >= 1 else { return nil }
            let size = time * timeSize + time + type * 6 + char + leap * (timeSize + 4) + isstd + isut
            return (isut, isstd, leap, time, type, char, size)
        }
        guard let v1 = header(0, timeSize: 4) else { return nil }
        let version = b[4]
        var h = 0, timeSize = 4, counts = v1
        if version >= 0x32, let v2 = header(44 + v1.size, timeSize: 8) { h = 44 + v1.size; timeSize = 8; counts = v2 }
        let times = h + 44, indices = times + counts.time * timeSize, types = indices + counts.time
        guard b.count >= h + 44 + counts.size else { return nil }
        var typeOffsets: [Int] = []
        for i in 0..<counts.type {
            guard let off = i32(types + i * 6) else { return nil }
            typeOffsets.append(off)
        }
        var ts: [Int64] = [], offs: [Int] = []
        for i in 0..<counts.time {
            let t = timeSize == 8 ? i64(times + i * 8) : i32(times + i * 4).map(Int64.init)
            let idx = Int(b[indices + i])
            guard let t, idx < typeOffsets.count else { return nil }
            ts.append(t); offs.append(typeOffsets[idx])
        }
        transitions = ts
        offsets = offs
        initialOffset = typeOffsets[0]
        // The footer: "\n" POSIX-TZ "\n" after the version 2+ data block.
        var footer: PosixTZ?
        let f = h + 44 + counts.size
        if timeSize == 8, f < b.count, b[f] == 0x0A, let end = b[(f + 1)...].firstIndex(of: 0x0A), end > f + 1 {
            footer = PosixTZ(String(decoding: b[(f + 1)..<end], as: UTF8.self))
        }
        rule = footer
    }

    /// The zone's offset from UTC, in seconds, at the instant `t` (seconds since the epoch).
    public func secondsFromGMT(at t: Int64) -> Int {
        guard let last = transitions.last else { return rule?.offset(at: t) ?? initialOffset }
        if t >= last, let rule { return rule.offset(at: t) }
        // The last transition at or before t.
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? initialOffset : offsets[lo - 1]
    }

    /// The instant of a local date and time in this zone; nil when it is not a real date.
    /// A time that happens twice (the hour clocks go back) is its first occurrence; a time
    /// that never happens (the hour clocks skip) is read with the offset before the change,
    /// so it lands just after it.
    public func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int) -> Int64? {
        guard (1...12).contains(month), (1...CivilDate.daysInMonth(year: year, month: month)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let local = CivilDate.days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60)
        let before = secondsFromGMT(at: local - 86_400), after = secondsFromGMT(at: local + 86_400)
        let valid = [before, after].map { local - Int64($0) }.filter { Int64(secondsFromGMT(at: $0)) == local - $0 }
        return valid.min() ?? local - Int64(before)
    }

    /// The local date and time at the instant `t`.
    public func components(at t: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let local = t + Int64(secondsFromGMT(at: t))
        let days = local.floorDiv(86_400), secs = Int(local - days * 86_400)
        let d = CivilDate.date(days: days)
        return (d.year, d.month, d.day, secs / 3600, secs % 3600 / 60)
    }
}

/// A POSIX TZ string as tzdata writes in TZif footers: `GMT0BST,M3.5.0/1,M10.5.0`,
/// `<+0330>-3:30`, `EST5EDT,M3.2.0,M11.1.0`, `<-03>3` (no daylight saving time).
struct PosixTZ: Sendable, Equatable {
    /// UTC offsets (east positive, unlike the string's) of standard and daylight saving time.
    let std: Int
    let dst: Int?
    /// When daylight saving time starts and ends, in local time of the offset in force before.
    let start: Rule?, end: Rule?

    enum Day: Sendable, Equatable {
        case julianNoLeap(Int)            // Jn: 1...365, February 29 never counted
        case zeroBased(Int)               // n: 0...365
        case monthWeekDay(Int, Int, Int)  // Mm.w.d: month, week 1...5 (5 = last), weekday 0 = Sunday
    }
    struct Rule: Sendable, Equatable { let day: Day; let time: Int }

    init?(_ s: String) {
        var c = Substring(s)
        func name() -> Bool {
            if c.first == "<" {
                guard let close = c.firstIndex(of: ">") else { return false }
                c = c[c.index(after: close)...]
                return true
            }
            let n = c.prefix { $0.isLetter }
            guard n.count >= 3 else { return false }
            c = c.dropFirst(n.count)
            return true
        }
        /// [+-]hh[:mm[:ss]] in seconds.
        func time() -> Int? {
            var sign = 1
            if c.first == "+" || c.first == "-" { sign = c.first == "-" ? -1 : 1; c = c.dropFirst() }
            var parts: [Int] = []
            repeat {
                if !parts.isEmpty { c = c.dropFirst() }
                let digits = c.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, let v = Int(digits) else { return nil }
                parts.append(v); c = c.dropFirst(digits.count)
            } while c.first == ":" && parts.count < 3
            return sign * (parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0))
        }
        func rule() -> Rule? {
            guard c.first == "," else { return nil }
            c = c.dropFirst()
            var day: Day
            if c.first == "M" {
                c = c.dropFirst()
                let f = c.prefix { $0 != "/" && $0 != "," }.split(separator: ".").compactMap { Int($0) }
                guard f.count == 3, (1...12).contains(f[0]), (1...5).contains(f[1]), (0...6).contains(f[2]) else { return nil }
                c = c.dropFirst(c.prefix { $0 != "/" && $0 != "," }.count)
                day = .monthWeekDay(f[0], f[1], f[2])
            } else {
                let julian = c.first == "J"
                if julian { c = c.dropFirst() }
                let digits = c.prefix { $0.isASCII && $0.isNumber }
                guard let n = Int(digits) else { return nil }
                c = c.dropFirst(digits.count)
                day = julian ? .julianNoLeap(n) : .zeroBased(n)
            }
            var at = 7200
            if c.first == "/" { c = c.dropFirst(); guard let t = time() else { return nil }; at = t }
            return Rule(day: day, time: at)
        }
        guard name(), let stdWest = time() else { return nil }
        std = -stdWest
        if c.isEmpty { dst = nil; start = nil; end = nil; return }
        guard name() else { return nil }
        if c.first != ",", !c.isEmpty {
            guard let dstWest = time() else { return nil }
            dst = -dstWest
        } else {
            dst = std + 3600
        }
        guard let a = rule(), let b = rule(), c.isEmpty else { return nil }
        start = a; end = b
    }

    func offset(at t: Int64) -> Int {
        guard let dst, let start, let end else { return std }
        let year = CivilDate.date(days: (t + Int64(std)).floorDiv(86_400)).year
        // Daylight saving time starts at `start` in standard time and ends at `end` in daylight time.
        let on = Self.instant(start, year: year) - Int64(std), off = Self.instant(end, year: year) - Int64(dst)
        let inDST = on < off ? (t >= on && t < off) : (t >= on || t < off)
        return inDST ? dst : std
    }

    /// Seconds since the epoch of the rule's local day and time in `year`, as if at UTC.
    static func instant(_ r: Rule, year: Int) -> Int64 {
        let jan1 = CivilDate.days(year: year, month: 1, day: 1)
        let day: Int64
        switch r.day {
        case let .julianNoLeap(n):
            day = jan1 + Int64(n - 1) + (CivilDate.isLeap(year) && n >= 60 ? 1 : 0)
        case let .zeroBased(n):
            day = jan1 + Int64(n)
        case let .monthWeekDay(m, w, d):
            let first = CivilDate.days(year: year, month: m, day: 1)
            let firstWeekday = Int((first + 4).floorMod(7))   // 1970-01-01 was a Thursday
            var dayOfMonth = 1 + (d - firstWeekday + 7) % 7 + (w - 1) * 7
            while dayOfMonth > CivilDate.daysInMonth(year: year, month: m) { dayOfMonth -= 7 }
            day = first + Int64(dayOfMonth - 1)
        }
        return day * 86_400 + Int64(r.time)
    }
}

/// Proleptic Gregorian dates as days since 1970-01-01 (Howard Hinnant's civil-date
/// algorithms), without a calendar or time zone library.
public enum CivilDate {
    public static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        month == 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day - 1)
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { let q = self / d; return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q }
    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
