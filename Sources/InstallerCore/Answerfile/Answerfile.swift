import Foundation

/// What the answerfile is checked against.
public struct AnswerfileOptions: Sendable {
    /// The probed machine: disks and NICs are looked up in it. Nil: only the file's
    /// structure and values are checked (no disk or NIC lookups, no default admin interface).
    public var machine: Machine?
    /// Nil: the installed catalogue (`KeymapCatalogue.load()`); if that is not found either,
    /// keymap names are not checked.
    public var keymaps: KeymapCatalogue?
    public var timezones: TimezoneCatalogue
    /// True for `--ask-missing`: required elements that are left out are listed in
    /// `AnswerfileResult.missing` instead of being errors.
    public var allowMissing: Bool
    /// True once the backend has looked for installations and backups on the disks
    /// (`machine.installations`, `machine.backups`): then `<existing-installation>` must name a
    /// disk holding an installation and `<backup-disk>` one holding a backup.
    public var installationsDetected: Bool

    public init(machine: Machine? = nil, keymaps: KeymapCatalogue? = nil, timezones: TimezoneCatalogue = .system,
                allowMissing: Bool = false, installationsDetected: Bool = false) {
        self.machine = machine; self.keymaps = keymaps; self.timezones = timezones; self.allowMissing = allowMissing
        self.installationsDetected = installationsDetected
    }
}

/// The answerfile (SPEC section 7, the guide's appendix B): XML in, `InstallPlan` out,
/// with every problem reported as `FILE:LINE:COLUMN: message` before any disk is touched.
public enum Answerfile {
    /// Answerfiles are small; anything bigger is refused before parsing.
    public static let maximumSize = 1 << 20

    public static func parse(file path: String, options: AnswerfileOptions = AnswerfileOptions()) throws(InstallerError) -> AnswerfileResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid(path, "cannot read the answerfile", hint: "check the path")
        }
        return parse(Array(data), options: options)
    }

    public static func parse(text: String, options: AnswerfileOptions = AnswerfileOptions()) -> AnswerfileResult {
        parse(Array(text.utf8), options: options)
    }

    public static func parse(_ bytes: [UInt8], options: AnswerfileOptions = AnswerfileOptions()) -> AnswerfileResult {
        if bytes.count > maximumSize {
            return AnswerfileResult(plan: nil, problems: [AnswerfileProblem(.error, line: 1, column: 1,
                "the answerfile is \(bytes.count) bytes; at most \(maximumSize) are accepted")])
        }
        let (root, xml) = XMLTreeLoader.load(bytes, policy: .answerfile)
        let xmlProblems = xml.map { p in
            AnswerfileProblem(p.severity == .warning ? .warning : .error, line: p.line, column: p.column,
                              p.syntax ? "malformed XML: " + p.message : p.message)
        }
        guard let root else { return AnswerfileResult(plan: nil, problems: sorted(xmlProblems)) }
        var checker = AnswerfileChecker(options: options)
        checker.problems = xmlProblems
        let plan = checker.check(root)
        let problems = sorted(checker.problems)
        let ok = !problems.contains { $0.severity == .error }
        return AnswerfileResult(plan: ok ? plan : nil, problems: problems, missing: checker.missing, linuxPackAt: checker.linuxPackAt,
                                diskMatches: checker.diskMatches)
    }

    /// File order: by line, then column; problems at the same place keep their order.
    static func sorted(_ p: [AnswerfileProblem]) -> [AnswerfileProblem] {
        p.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
