import InstallerCore

/// The screen sequence as data: each screen with the condition under which it is shown.
/// Going forward skips screens whose condition is false; Back returns along the history,
/// so skipped screens stay skipped.
struct FlowStep: Sendable {
    let screen: ScreenID
    let when: @Sendable (FlowState) -> Bool

    init(_ screen: ScreenID, when: @escaping @Sendable (FlowState) -> Bool = { _ in true }) {
        self.screen = screen; self.when = when
    }
}

enum FlowTable {
    /// The guide's chapter 3, steps 2–16. Upgrades skip what they keep; restore asks only
    /// which backup and for confirmation.
    static let main: [FlowStep] = [
        FlowStep(.keymap),
        FlowStep(.welcome),
        // Driver Disks on Welcome: source → networking (remote) → location → drivers found
        // (load) → summary, which returns to Welcome.
        FlowStep(.driverSource, when: { $0.driverDisk.active }),
        FlowStep(.driverNIC, when: { $0.driverDisk.active && $0.driverDisk.remote && $0.machine.nics.count > 1 }),
        FlowStep(.driverNetwork, when: { $0.driverDisk.active && $0.driverDisk.remote }),
        FlowStep(.driverLocation, when: { $0.driverDisk.active && $0.driverDisk.remote }),
        FlowStep(.driverList, when: { $0.driverDisk.active }),
        FlowStep(.driverLoaded, when: { $0.driverDisk.active }),
        FlowStep(.setupWarning),
        FlowStep(.hardwareWarning, when: { $0.machine.lacksHVM || $0.machine.lowMemory }),
        FlowStep(.installType, when: { !$0.machine.installations.isEmpty || !$0.machine.backups.isEmpty }),
        FlowStep(.backupChoice, when: { $0.isRestore && !$0.machine.backups.isEmpty }),
        FlowStep(.backupNotice, when: { $0.isUpgrade }),
        FlowStep(.noDisks, when: { $0.isFresh && $0.machine.eligibleDisks.isEmpty }),
        FlowStep(.primaryDisk, when: { $0.isFresh && $0.machine.eligibleDisks.count > 1 }),
        // Reached with the Mirror (RAID 1) button of the primary disk screen.
        FlowStep(.mirrorDisk, when: { $0.isFresh && $0.machine.eligibleDisks.count > 1 && $0.answers.mirrorAsked }),
        FlowStep(.guestDisks, when: { $0.isFresh && $0.machine.eligibleDisks.count > 1 }),
        FlowStep(.source, when: { !$0.isRestore }),
        FlowStep(.sourceNIC, when: { !$0.isRestore && $0.remoteSource && $0.machine.nics.count > 1 }),
        FlowStep(.sourceNetwork, when: { !$0.isRestore && $0.remoteSource }),
        FlowStep(.sourceLocation, when: { !$0.isRestore && $0.remoteSource }),
        FlowStep(.upgradeRefused, when: { $0.upgradeRefusal != nil }),
        // Local media may hold the Linux Pack or ask for its disc later; a remote source is
        // asked about only when it holds it.
        FlowStep(.linuxPack, when: { !$0.isRestore && (!$0.remoteSource || $0.answers.media?.hasLinuxPack == true) }),
        FlowStep(.verify, when: { !$0.isRestore }),
        FlowStep(.rootPassword, when: { $0.isFresh }),
        FlowStep(.adminNIC, when: { $0.isFresh && $0.machine.nics.count > 1 }),
        // Reached with the Bond button; shown again while a bond is set.
        FlowStep(.adminBond, when: { $0.isFresh && ($0.answers.adminBondAsked || $0.answers.plan.adminInterface?.bond != nil) }),
        FlowStep(.adminNetwork, when: { $0.isFresh }),
        // Reached with the IPv6/VLAN button; shown again once IPv6 or a VLAN is set.
        FlowStep(.adminIPv6VLAN, when: { s in
            s.isFresh && (s.answers.adminIPv6VLANAsked || s.answers.plan.adminInterface.map { $0.ipv6 != .none || $0.vlan != nil || $0.config == .none } == true)
        }),
        FlowStep(.hostnameDNS, when: { $0.isFresh }),
        FlowStep(.timezoneArea, when: { $0.isFresh }),
        FlowStep(.timezoneCity, when: { $0.isFresh }),
        FlowStep(.timeMethod, when: { $0.isFresh }),
        FlowStep(.ntpServers, when: { $0.isFresh && !$0.answers.manualTime }),
        FlowStep(.confirm),
    ]

    /// The screens that ask for the answerfile elements left out (and the confirmation).
    static func screens(forMissing elements: [String]) -> Set<ScreenID> {
        var out: Set<ScreenID> = [.confirm]
        for e in elements {
            switch e {
            case "keymap": out.insert(.keymap)
            case "primary-disk", "guest-disk": out.formUnion([.primaryDisk, .mirrorDisk, .guestDisks])
            case "existing-installation", "backup-disk": out.formUnion([.installType, .backupChoice])
            case "root-password": out.insert(.rootPassword)
            case "source": out.formUnion([.source, .sourceNIC, .sourceNetwork, .sourceLocation, .upgradeRefused, .linuxPack, .verify])
            case "admin-interface": out.formUnion([.adminNIC, .adminBond, .adminNetwork, .adminIPv6VLAN])
            case "hostname", "nameserver": out.insert(.hostnameDNS)
            case "timezone": out.formUnion([.timezoneArea, .timezoneCity])
            case "ntp-server": out.formUnion([.timeMethod, .ntpServers])
            default: break
            }
        }
        return out
    }
}
