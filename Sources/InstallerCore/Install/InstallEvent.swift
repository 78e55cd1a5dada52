/// What the install backend reports while it works. The TUI progress screen and the plain
/// unattended output both consume these.
public enum InstallEvent: Sendable, Equatable {
    /// Overall progress: fraction 0...1, the step text, and seconds left when known.
    case progress(fraction: Double, step: String, secondsLeft: Double?)
    /// A line for the event log.
    case log(String)
    /// A question the front end must answer (e.g. insert the next disc).
    case question(InstallQuestion)
    /// The end.
    case finished(Result<InstallSummary, InstallerError>)
}

public enum InstallQuestion: Sendable, Equatable {
    case insertDisc(String)
    case setTime
}

public struct InstallSummary: Sendable, Equatable {
    public var rootLabel: String
    public var primaryDisk: String
    public var productVersion: String
    public init(rootLabel: String, primaryDisk: String, productVersion: String) {
        self.rootLabel = rootLabel; self.primaryDisk = primaryDisk; self.productVersion = productVersion
    }
}
