/// An error meant for a person: what was wrong, where, and what to do.
/// One place (`description`) turns it into text for the screen, the log and stderr.
public struct InstallerError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidInput       // exit 2: arguments, profile, answerfile, repository metadata
        case failed             // exit 1: the installation could not be completed
        case cancelled          // exit 3
    }
    public var kind: Kind
    /// Where: a file and line, a disk, a URL. Empty when it does not apply.
    public var location: String
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, location: String = "", _ message: String, hint: String? = nil) {
        self.kind = kind; self.location = location; self.message = message; self.hint = hint
    }

    public static func invalid(_ location: String, _ message: String, hint: String? = nil) -> InstallerError {
        InstallerError(.invalidInput, location: location, message, hint: hint)
    }
    public static func failed(_ message: String, at location: String = "", hint: String? = nil) -> InstallerError {
        InstallerError(.failed, location: location, message, hint: hint)
    }

    public var description: String {
        (location.isEmpty ? "" : "\(location): ") + message + (hint.map { " (\($0))" } ?? "")
    }

    public var exitStatus: Int32 {
        switch kind {
        case .invalidInput: return 2
        case .failed: return 1
        case .cancelled: return 3
        }
    }
}
