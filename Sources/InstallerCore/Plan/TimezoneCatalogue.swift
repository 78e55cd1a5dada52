import Foundation

/// Time zones as tzdata ships them: the Region/City entries of zone1970.tab and zone.tab,
/// and otherwise any real zone file under the zoneinfo directory (`UTC`, `Etc/GMT+5`,
/// `US/Eastern`...). Names are checked strictly: no `..`, no absolute paths, no
/// `posix/`/`right/` variants, no `localtime`/`posixrules`/`Factory`, and the file must be
/// a TZif file. The time zone screens list the Region/City entries: areas ("Europe"), then
/// cities ("Paris", "Argentina/Salta").
public struct TimezoneCatalogue: Sendable {
    public let root: String
    public let listed: Set<String>

    public init(root: String = "/usr/share/zoneinfo") {
        self.root = root
        var names = Set<String>()
        for tab in ["zone1970.tab", "zone.tab"] {
            guard let d = FileManager.default.contents(atPath: root + "/" + tab) else { continue }
            for line in String(decoding: d, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                let fields = line.split(separator: "\t")
                if fields.count >= 3 { names.insert(String(fields[2])) }
            }
        }
        listed = names
    }

    public static let system = TimezoneCatalogue()

    /// True when tzdata was found at all (otherwise names can only be checked for form).
    public var isAvailable: Bool { !listed.isEmpty }

    /// The areas of the listed zones, sorted ("Africa", "America", ...).
    public var areas: [String] {
        Set(listed.compactMap { z in z.firstIndex(of: "/").map { String(z[..<$0]) } }).sorted()
    }

    /// The cities of an area, as stored ("Buenos_Aires", "Argentina/Salta"), sorted.
    public func cities(in area: String) -> [String] {
        listed.filter { $0.hasPrefix(area + "/") }.map { String($0.dropFirst(area.count + 1)) }.sorted()
    }

    /// "Buenos_Aires" shown as "Buenos Aires".
    public static func display(_ city: String) -> String { city.replacingOccurrences(of: "_", with: " ") }

    static let excluded: Set<String> = ["localtime", "posixrules", "Factory"]

    public func contains(_ name: String) -> Bool {
        guard Self.hasZoneForm(name) else { return false }
        let first = name.split(separator: "/").first.map(String.init) ?? ""
        if ["posix", "right"].contains(first) || Self.excluded.contains(name) { return false }
        if listed.contains(name) { return true }
        // A zone file: a regular file (or a link to one inside the directory) starting "TZif".
        let path = root + "/" + name
        guard let fh = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? fh.close() }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { return false }
        let magic = (try? fh.read(upToCount: 4)) ?? nil
        return magic.map { Array($0) == Array("TZif".utf8) } ?? false
    }

    /// Letters, digits, `_`, `-`, `+` in `/`-separated parts, none starting with `.`.
    static func hasZoneForm(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix("/") else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.first != "." && part.first != "-"
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-+".contains($0)) }
        }
    }
}
