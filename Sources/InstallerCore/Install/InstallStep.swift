import Foundation

/// The name of an install step. The raw values are stable: they are logged (`STEP name`)
/// and are what the fault-injection hooks (`InstallEnvironment.failAfter`, `.pauseAt`) match.
public enum InstallStepName: String, Sendable, CaseIterable {
    case preserve, backup
    case check, partition, filesystems, mount, packages, configure, bootloader
    case postInstall = "post-install"
    case restore, finish
}

/// One step of an installation: its name, the text the progress screen shows, and its
/// share of the progress bar.
public struct InstallStep: Sendable, Equatable {
    public let id: InstallStepName
    public let text: String
    public let weight: Double
    /// The stable name (`id.rawValue`).
    public var name: String { id.rawValue }
    public init(_ id: InstallStepName, _ text: String, weight: Double) { self.id = id; self.text = text; self.weight = weight }
}

/// The step lists of the three kinds of installation and of the Linux Pack disc: one place.
public enum InstallSteps {
    /// A clean install.
    public static let fresh: [InstallStep] = [
        InstallStep(.check, "Checking the disks", weight: 1),
        InstallStep(.partition, "Partitioning disks", weight: 2),
        InstallStep(.filesystems, "Creating filesystems", weight: 6),
        InstallStep(.mount, "Mounting the new root filesystem", weight: 1),
        InstallStep(.packages, "Installing packages", weight: 60),
        InstallStep(.configure, "Configuring the new system", weight: 12),
        InstallStep(.bootloader, "Installing the bootloader", weight: 5),
        InstallStep(.postInstall, "Running the post-install script", weight: 3),
        InstallStep(.finish, "Completing installation", weight: 3),
    ]

    /// An upgrade: the old system is read and backed up, then the clean-install steps run
    /// (partitioning skipped).
    public static let upgrade: [InstallStep] = [
        InstallStep(.preserve, "Reading the settings of the existing installation", weight: 1),
        InstallStep(.backup, "Backing up the existing installation", weight: 30),
    ] + fresh

    /// A restore from the backup partition.
    public static let restore: [InstallStep] = [
        InstallStep(.check, "Checking the backup", weight: 1),
        InstallStep(.filesystems, "Creating filesystems", weight: 6),
        InstallStep(.mount, "Mounting the filesystems", weight: 1),
        InstallStep(.restore, "Restoring the backup", weight: 80),
        InstallStep(.bootloader, "Installing the bootloader", weight: 5),
        InstallStep(.finish, "Completing the restore", weight: 2),
    ]

    /// The Linux Pack from its own disc, after the main installation.
    public static let linuxPack: [InstallStep] = [
        InstallStep(.mount, "Mounting the new root filesystem", weight: 1),
        InstallStep(.packages, "Installing the Linux Pack", weight: 20),
        InstallStep(.finish, "Completing installation", weight: 1),
    ]

    /// The steps of an installation in `mode`.
    public static func of(_ mode: InstallPlan.Mode) -> [InstallStep] {
        switch mode {
        case .fresh: fresh
        case .reinstall: upgrade
        case .restore: restore
        }
    }
}
