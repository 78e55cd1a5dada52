import Foundation
import Testing
@testable import InstallerCore

/// ZoneInfo against Foundation's TimeZone (ICU's tzdata, in the debug build's Foundation) and
/// against hand-checked instants. Zones whose rules did not change in the last years, so that
/// this machine's tzdata and ICU's copy agree.
@Suite struct ZoneInfoTests {
    static let zones = ["Europe/Lisbon", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                        "America/St_Johns", "Pacific/Chatham", "Asia/Tokyo", "America/Sao_Paulo", "UTC", "Etc/GMT+5",
                        "Pacific/Auckland", "America/Santiago"]

    @Test(arguments: zones)
    func offsetsAgreeWithFoundationFrom1970To2200(zone: String) throws {
        let z = try #require(ZoneInfo(zone: zone))
        let tz = try #require(TimeZone(identifier: zone))
        // Every 5 days and 7 hours and a bit, from 1970 to 2200: every season, hour and weekday.
        var t: Int64 = 0, mismatches: [String] = []
        while t < 7_258_118_400 {
            let ours = z.secondsFromGMT(at: t), theirs = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
            if ours != theirs, mismatches.count < 5 { mismatches.append("\(t): \(ours) vs \(theirs)") }
            t += 5 * 86_400 + 7 * 3600 + 13 * 60 + 7
        }
        #expect(mismatches.isEmpty, "\(zone): \(mismatches)")
    }

    @Test func londonAroundItsChanges() throws {
        let z = try #require(ZoneInfo(zone: "Europe/London"))
        // 2026-03-29 01:00 UTC clocks go forward; 2026-10-25 01:00 UTC back (tzdata's transitions).
        #expect(z.secondsFromGMT(at: 1_774_745_999) == 0 && z.secondsFromGMT(at: 1_774_746_000) == 3600)
        #expect(z.secondsFromGMT(at: 1_792_889_999) == 3600 && z.secondsFromGMT(at: 1_792_890_000) == 0)
        // 01:30 on 2026-03-29 never happens: read as GMT, it is 02:30 BST.
        #expect(z.instant(year: 2026, month: 3, day: 29, hour: 1, minute: 30) == 1_774_747_800)
        // 01:30 on 2026-10-25 happens twice: the first, in BST (00:30 UTC).
        #expect(z.instant(year: 2026, month: 10, day: 25, hour: 1, minute: 30) == 1_792_888_200)
        // Past tzdata's transitions (2037), from the footer's rule: 2100-07-01 12:00 BST.
        #expect(z.instant(year: 2100, month: 7, day: 1, hour: 12, minute: 0) == 4_118_122_800)
        #expect(z.components(at: 4_118_122_800) == (2100, 7, 1, 12, 0))
    }

    @Test(arguments: zones)
    func localTimesRoundTrip(zone: String) throws {
        let z = try #require(ZoneInfo(zone: zone))
        var t: Int64 = 0
        while t < 7_258_118_400 {
            let c = z.components(at: t)
            let back = try #require(z.instant(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute))
            // Back to the same minute, or the earlier of a repeated local time (an hour or less before).
            #expect(back == t - t % 60 || (back < t && t - back <= 3600 + 59), "\(zone) \(t) \(c)")
            t += 11 * 86_400 + 5 * 3600 + 17 * 60 + 3
        }
    }

    @Test func badDatesAndFiles() {
        let z = ZoneInfo.utc
        #expect(z.instant(year: 2026, month: 2, day: 29, hour: 0, minute: 0) == nil)
        #expect(z.instant(year: 2028, month: 2, day: 29, hour: 0, minute: 0) == 1_835_395_200)
        #expect(z.instant(year: 2026, month: 4, day: 31, hour: 0, minute: 0) == nil)
        #expect(z.instant(year: 2026, month: 13, day: 1, hour: 0, minute: 0) == nil)
        #expect(z.instant(year: 2026, month: 1, day: 1, hour: 24, minute: 0) == nil)
        #expect(ZoneInfo(zone: "../etc/passwd") == nil && ZoneInfo(zone: "/etc/passwd") == nil && ZoneInfo(zone: "No/Such") == nil)
        #expect(ZoneInfo(tzif: Array("TZif2 not really".utf8)) == nil && ZoneInfo(tzif: []) == nil)
    }

    @Test func posixStrings() throws {
        let london = try #require(PosixTZ("GMT0BST,M3.5.0/1,M10.5.0"))
        #expect(london.std == 0 && london.dst == 3600)
        #expect(london.start == .init(day: .monthWeekDay(3, 5, 0), time: 3600) && london.end == .init(day: .monthWeekDay(10, 5, 0), time: 7200))
        let tehran = try #require(PosixTZ("<+0330>-3:30"))
        #expect(tehran.std == 12_600 && tehran.dst == nil && tehran.start == nil)
        #expect(PosixTZ("<-03>3")?.std == -10_800)
        let ny = try #require(PosixTZ("EST5EDT,M3.2.0,M11.1.0"))
        #expect(ny.std == -18_000 && ny.dst == -14_400)
        // Southern hemisphere: daylight saving time across the new year.
        let sydney = try #require(PosixTZ("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(sydney.offset(at: 4_102_444_800) == 39_600)   // 2100-01-01: summer
        #expect(sydney.offset(at: 4_118_083_200) == 36_000)   // 2100-07-01: winter
        #expect(PosixTZ("J60/2")?.std == nil)
        for bad in ["", "GM0", "GMT", "GMT0BST,M13.1.0,M10.5.0", "GMT0BST,M3.5.0", "GMT0BST,M3.5.0/x,M10.5.0"] {
            #expect(PosixTZ(bad) == nil, "\(bad)")
        }
    }

    @Test func civilDates() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.days(year: 1969, month: 12, day: 31) == -1)
        for d in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            let c = CivilDate.date(days: d)
            #expect(CivilDate.days(year: c.year, month: c.month, day: c.day) == d)
        }
    }
}
