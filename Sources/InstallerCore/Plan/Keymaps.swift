import Foundation

/// The keymap catalogue (`keymaps/catalogue`): "layout/keymap" lines.
public struct KeymapCatalogue: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let layout: String
        public let name: String
        /// `[qwerty] us`, as the Select Keymap screen lists it.
        public var label: String { "[\(layout)] \(name)" }
    }

    /// In screen order: us, uk, then by "layout keymap".
    public let entries: [Entry]

    public init(text: String) {
        var list: [Entry] = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { continue }
            list.append(Entry(layout: String(parts[0]), name: String(parts[1])))
        }
        func rank(_ e: Entry) -> Int { e.name == "us" ? 0 : e.name == "uk" ? 1 : 2 }
        entries = list.sorted { (rank($0), $0.layout, $0.name) < (rank($1), $1.layout, $1.name) }
    }

    public func contains(_ name: String) -> Bool { entries.contains { $0.name == name } }

    /// Finds the catalogue: `InstallEnvironment.dataDirectory`/keymaps, the source tree above the
    /// executable, or the installed copy under /usr/share/host-installer.
    public static func load() throws(InstallerError) -> KeymapCatalogue {
        guard let path = DataFiles.find("keymaps/catalogue") else {
            throw .failed("the keymap catalogue keymaps/catalogue was not found", hint: "set \(InstallEnvironment.Name.data) to the directory that holds keymaps/")
        }
        guard let d = FileManager.default.contents(atPath: path) else { throw .failed("cannot read the keymap catalogue", at: path) }
        return KeymapCatalogue(text: String(decoding: d, as: UTF8.self))
    }
}

/// Data files that ship beside the installer (keymaps, ...).
public enum DataFiles {
    public static func find(_ relative: String) -> String? {
        var candidates: [String] = []
        if let d = InstallEnvironment.process.dataDirectory { candidates.append(d) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath)
        candidates.append("/usr/share/host-installer")
        for c in candidates where FileManager.default.fileExists(atPath: c + "/" + relative) { return c + "/" + relative }
        return nil
    }
}
