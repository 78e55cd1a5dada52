import Foundation

/// Time zones from tzdata's zone1970.tab: areas ("Europe") and cities ("Paris").
public struct Timezones: Sendable {
    public let zones: [String]

    public init(zones: [String]) { self.zones = zones.sorted() }

    /// Reads zone1970.tab (falling back to zone.tab) under `root`.
    public static func load(root: String = "/usr/share/zoneinfo") -> Timezones {
        for file in ["zone1970.tab", "zone.tab"] {
            guard let d = FileManager.default.contents(atPath: root + "/" + file) else { continue }
            var zones = Set<String>()
            for line in String(decoding: d, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                let cols = line.split(separator: "\t")
                if cols.count >= 3 { zones.insert(String(cols[2])) }
            }
            zones.insert("UTC")
            return Timezones(zones: Array(zones))
        }
        return Timezones(zones: ["UTC"])
    }

    public var areas: [String] {
        var seen: [String] = []
        for z in zones {
            let a = z.split(separator: "/").first.map(String.init) ?? z
            if !seen.contains(a) { seen.append(a) }
        }
        return seen.sorted()
    }

    /// The cities of an area, as stored ("Buenos_Aires", "Argentina/Salta").
    public func cities(in area: String) -> [String] {
        zones.filter { $0.hasPrefix(area + "/") }.map { String($0.dropFirst(area.count + 1)) }.sorted()
    }

    public func contains(_ zone: String) -> Bool { zones.contains(zone) }

    /// "Buenos_Aires" shown as "Buenos Aires".
    public static func display(_ city: String) -> String { city.replacingOccurrences(of: "_", with: " ") }
}
