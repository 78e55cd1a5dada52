import Foundation
import InstallerCore

/// Every screen of the interactive installer, in the order of the guide.
enum ScreenID: String, CaseIterable, Sendable {
    case keymap, welcome, setupWarning, hardwareWarning, installType, backupNotice
    case noDisks, primaryDisk, mirrorDisk, guestDisks, source, sourceNIC, sourceNetwork, sourceLocation, linuxPack, verify
    case rootPassword, adminNIC, adminBond, adminNetwork, adminIPv6VLAN, hostnameDNS, timezoneArea, timezoneCity, timeMethod, ntpServers
    case confirm
    /// The driver disk sequence, entered from Welcome (Driver Disks) and back to Welcome.
    case driverSource, driverNIC, driverNetwork, driverLocation, driverList, driverLoaded
    /// Restore: which backup (disk, product, version, date). Upgrade: the media cannot upgrade the installation chosen.
    case backupChoice, upgradeRefused
}

enum SourceKind: String, Equatable, Sendable { case local, url, nfs }

/// What the administrator has answered so far. Screens read their defaults from here,
/// which is how going Back shows the earlier answers.
struct Answers: Equatable, Sendable {
    var plan = InstallPlan()
    var sourceKind: SourceKind = .local
    var url = ""
    var urlUser = ""
    var urlPassword = ""
    var nfsPath = ""
    /// Networking used to reach a remote source.
    var sourceNIC: String?
    var sourceConfig: IPConfig = .dhcp
    var sourceNameserver = ""
    var verifyChosen = false
    var verified = false
    var adminNIC: String?
    /// The management interface's IPv4 as the Networking screen set it (kept while the
    /// IPv6 and VLAN screen says "no IPv4", so that Back shows it).
    var adminIPv4: IPConfig = .dhcp
    /// The IPv6/VLAN button was pressed on the management Networking screen.
    var adminIPv6VLANAsked = false
    /// The Bond button was pressed on the management NIC screen.
    var adminBondAsked = false
    /// The VLAN field as typed (Back shows text that was not a number as it was).
    var adminVLANText: String?
    var timezoneArea: String?
    var manualTime = false
    /// The existing installation (upgrade) or backup (restore) chosen, as shown.
    var existing: String?
    /// The base product on the source last checked (upgrade compatibility).
    var media: MediaIdentity?
    /// The installation type screen has been answered (until then it offers the upgrade first).
    var installTypeChosen = false
    /// The Mirror (RAID 1) button was pressed on the primary disk screen (Ok there drops the mirror).
    var mirrorAsked = false
}

/// Product and version of the base repository (xs:main) of an installation source.
struct MediaIdentity: Equatable, Sendable {
    var product: String
    var version: String
    /// The source also holds the Linux Pack (xs:linux): a remote source's Linux Pack question
    /// is asked only then.
    var hasLinuxPack = false
}

struct FlowOptions: Equatable, Sendable {
    var dryRun = false
    /// With a partial answerfile: only these screens are shown (the rest are pre-filled).
    var onlyScreens: Set<ScreenID>?
    /// Where the event log is written (named on the failure screen).
    var logPath = ""
    /// Where the failure screen offers to save the support bundle.
    var bundleDirectory = ""
    /// NICs are configured for real when a remote source is checked (real hardware, or the
    /// runtime-network test hook): then DHCP runs then, and the profile's lease is not asked
    /// for. Set by the command from the backend, so the reducer reads no environment.
    var runtimeNetwork = false
}

/// The whole state of the screen flow: pure data, so a flow can be tested without a terminal.
struct FlowState: Equatable, Sendable {
    var machine: Machine
    var answers = Answers()
    var options = FlowOptions()
    /// The screen shown now; nil once the questions are over (after Confirm, `install`
    /// names the screen).
    var current: ScreenID?
    /// Screens shown before this one, for Back.
    var history: [ScreenID] = []
    /// The driver disk sequence (Welcome → Driver Disks).
    var driverDisk = DriverDiskAnswers()
    /// After Confirm: the install and the screens to its end (nil until it starts).
    var install: InstallState?

    init(machine: Machine, options: FlowOptions = FlowOptions()) {
        self.machine = machine; self.options = options
    }

    var isUpgrade: Bool { answers.plan.mode == .reinstall }
    var isRestore: Bool { answers.plan.mode == .restore }
    var isFresh: Bool { answers.plan.mode == .fresh }
    var remoteSource: Bool { answers.sourceKind != .local }
}

/// What a screen answered when it was left with Ok (or F12, or Enter in a list).
enum ScreenAnswer: Equatable, Sendable {
    case keymap(String)
    case welcome(WelcomeChoice)
    case acknowledge
    case installType(InstallPlan.Mode, disk: String?, label: String?)
    case primaryDisk(String)
    /// The primary disk screen's Mirror (RAID 1) button (the disk chosen), then the second disk.
    case primaryDiskThenMirror(String)
    /// The second disk of the mirrored primary disk.
    case mirrorDisk(String)
    case guestDisks([String], confirmedNone: Bool)
    case source(SourceKind)
    case nic(String)
    case network(IPConfig, nameserver: String?)
    /// The management Networking screen's IPv6/VLAN button: its IPv4 answer, then that screen.
    case networkThenIPv6VLAN(IPConfig)
    case ipv6VLAN(ipv4: Bool, ipv6: IPv6Config, vlan: String)
    /// The management NIC screen's Bond button (the NIC chosen), then the bond's members and mode.
    case nicThenBond(String)
    case bond([String], lacp: Bool)
    case url(String, user: String, password: String)
    case nfs(String)
    case linuxPack(Bool)
    case verify(Bool)
    case rootPassword(String, confirm: String)
    case hostnameDNS(hostname: String?, nameservers: [String]?)
    case timezoneArea(String)
    case timezoneCity(String)
    case timeMethod(manual: Bool)
    case ntp(fromDHCP: Bool, servers: [String])
    case confirm
    case driverSource(SourceKind)
    case driverURL(String, user: String, password: String)
    case driverNFS(String)
    case loadDrivers
    case driversDone
    /// Restore: the backup chosen.
    case backup(disk: String, label: String)
    /// The upgrade is not possible from this media: do a clean installation instead.
    case cleanInstead
}

enum WelcomeChoice: Equatable, Sendable { case install, driverDisks, reboot }

enum FlowAction: Equatable, Sendable {
    case start
    case submit(ScreenAnswer)
    case back
    /// The result of checking a source (reachable, has a base repository).
    case sourceChecked(error: String?)
    /// The driver repositories found on the driver disk source, or why none could be read.
    case driverDiskScanned(found: [DriverDisk.Found], error: String?)
    /// The drivers loaded and the hardware probed again, or why loading failed.
    case driversLoaded(loaded: [DriverDisk.Found], machine: Machine?, error: String?)
    /// The checked source's base product (sent before `sourceChecked(error: nil)`).
    case mediaIdentified(MediaIdentity)

    // After Confirm (`InstallFlow`).
    /// The plan is final (not a dry run): install it.
    case beginInstall
    /// The sources are open and the plan valid; the install runs. `linuxPackDisc`: the
    /// installed product, when the Linux Pack is asked for on its own disc afterwards.
    case installStarted(linuxPackDisc: MediaIdentity?)
    /// Progress of the install (or of the Linux Pack's): fraction 0...1, step, seconds left.
    case progress(fraction: Double, step: String, secondsLeft: Double?)
    /// The install asks for the local time (manual time entry, near 90 %); it goes on meanwhile.
    case askTime
    /// The main install ended (or could not start).
    case installFinished(Result<InstallSummary, InstallerError>)
    /// What the disc in the drive is, after "Use media".
    case linuxPackDiscChecked(DiscCheck)
    /// The Linux Pack from its disc is installed, or why not.
    case linuxPackFinished(error: InstallerError?)
    /// Where the support bundle was saved, or why it was not.
    case bundleSaved(Result<String, InstallerError>)
    /// A button of a screen after Confirm.
    case endScreen(EndAnswer)
}

/// Work the runner does for the flow; its results come back as actions.
enum Effect: Equatable, Sendable {
    /// Load the keymap into the console (real Linux console only).
    case applyKeymap(String)
    /// A dialog naming what was wrong; the screen stays.
    case showError(title: String, message: String)
    /// After the dialog: the focus goes to the field the message names.
    case focus(PlanField)
    /// Check that the source can be reached and holds a base repository.
    case checkSource(Source)
    /// Verify the packages of the source (MD5/SHA-256), with progress.
    case verifySource(Source)
    /// Find the driver repositories on a driver disk source.
    case scanDriverDisk(Source)
    /// Load the drivers of that source into the installer, then probe the hardware again.
    case loadDrivers(Source)
    /// The flow is done: print or install this plan.
    case finish(InstallPlan)
    /// Leave the installer with this status (3: cancelled).
    case exit(Int32)

    // After Confirm (`InstallFlow`).
    /// Open the sources, validate the plan and start the install ("Please wait" meanwhile);
    /// reports `installStarted` then events, or `installFinished(.failure)`.
    case startInstall(InstallPlan)
    /// Set the computer's clock (real hardware only) to this instant.
    case setClock(Date)
    /// Read the disc now in the drive; reports `linuxPackDiscChecked`.
    case readLinuxPackDisc
    /// Install the Linux Pack read by `readLinuxPackDisc`; reports progress, then `linuxPackFinished`.
    case installLinuxPack
    /// Show virtual terminal n (2: shell, 3: event log) until Alt-F1.
    case showConsole(Int)
    /// Save the support bundle there (a directory, ftp://host/dir/ or server:/dir); reports `bundleSaved`.
    case saveBundle(to: String)
    /// A message box of this width, over nothing but what is under the screen.
    case showMessage(title: String, message: String, width: Int)
    /// A line for the event log.
    case log(String)
    /// Leave the installer: the install is complete (nil) or failed with this error.
    case leaveInstaller(error: InstallerError?)
}
