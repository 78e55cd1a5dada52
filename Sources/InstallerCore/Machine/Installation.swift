/// An installation or backup found on a disk (detection belongs to the install backend;
/// flow tests build these as values).
public struct ExistingInstallation: Equatable, Sendable {
    public var disk: String
    public var product: String
    public var version: String
    public var build: String
    public var installedOn: String
    public init(disk: String, product: String, version: String, build: String = "", installedOn: String = "") {
        self.disk = disk; self.product = product; self.version = version; self.build = build; self.installedOn = installedOn
    }
    /// `XCP 0.1.0 on sda`
    public var label: String { "\(product) \(version) on \(disk)" }
}
