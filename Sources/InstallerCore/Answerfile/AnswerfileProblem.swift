/// One thing wrong with an answerfile (or worth a warning), with the line and column of
/// the element it is about.
public struct AnswerfileProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var line: Int
    public var column: Int
    public var message: String
    /// Set when the problem is a required element that the answerfile leaves out
    /// (`primary-disk`, `keymap`, ...), so that a front end can ask for that value instead.
    public var missingElement: String?
    /// The plan's field the problem is about (the rule book's, or the one the element holds);
    /// nil for problems of the file itself (malformed XML, unknown mode, ...).
    public var field: PlanField?

    public init(_ severity: Severity, line: Int, column: Int, _ message: String, missingElement: String? = nil, field: PlanField? = nil) {
        self.severity = severity; self.line = line; self.column = column
        self.message = message; self.missingElement = missingElement; self.field = field
    }

    /// `FILE:LINE:COLUMN: message`, or `FILE:LINE:COLUMN: warning: message`.
    public func formatted(file: String) -> String {
        "\(file):\(line):\(column): " + (severity == .warning ? "warning: " : "") + message
    }

    public var description: String { formatted(file: "answerfile") }
}

/// What parsing an answerfile gives: the plan (only when there is no error) and every
/// problem found, errors and warnings, in file order.
public struct AnswerfileResult: Sendable {
    public var plan: InstallPlan?
    public var problems: [AnswerfileProblem]
    /// Required elements the answerfile leaves out (with `allowMissing` these are not errors:
    /// the plan holds defaults for them and a front end asks for them).
    public var missing: [String]
    /// Line and column of `<linux-pack>`, when the file has one.
    public var linuxPackAt: (line: Int, column: Int)?
    /// The disk each disk element named on the machine (in file order).
    public var diskMatches: [DiskMatch]

    public init(plan: InstallPlan?, problems: [AnswerfileProblem], missing: [String] = [], linuxPackAt: (line: Int, column: Int)? = nil,
                diskMatches: [DiskMatch] = []) {
        self.plan = plan; self.problems = problems; self.missing = missing; self.linuxPackAt = linuxPackAt
        self.diskMatches = diskMatches
    }

    public var errors: [AnswerfileProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [AnswerfileProblem] { problems.filter { $0.severity == .warning } }
    public var isValid: Bool { plan != nil && errors.isEmpty }

    /// Every problem as `FILE:LINE:COLUMN: message`, one a line.
    public func report(file: String) -> [String] { problems.map { $0.formatted(file: file) } }

    /// For an unattended run: nil when valid, else one error (exit status 2) whose message
    /// lists every error, `FILE:LINE:COLUMN: message` a line.
    public func error(file: String) -> InstallerError? {
        if isValid { return nil }
        let lines = errors.map { $0.formatted(file: file) }
        return .invalid(file, "the answerfile is not valid:\n" + lines.joined(separator: "\n"))
    }
}

/// A disk element and the disk it named: `FILE:LINE:COLUMN: <primary-disk> serial="9VM1" is sdb - 500 GB [...]`.
public struct DiskMatch: Equatable, Sendable {
    public var element: String
    public var line: Int
    public var column: Int
    /// The rule as written (`sda`, `serial="9VM1"`, `/dev/disk/by-id/…`).
    public var rule: String
    public var disk: Machine.Disk

    public func formatted(file: String) -> String {
        "\(file):\(line):\(column): <\(element)> \(rule) is \(disk.label)"
            + (disk.byId.isEmpty ? "" : " (/dev/disk/by-id/\(disk.byId[0]))")
    }
}
