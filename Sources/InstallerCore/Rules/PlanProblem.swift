/// Which value of an `InstallPlan` a rule is about. Each front end shows a problem on its
/// field: the screens in the dialog of the screen that asks for it, the answerfile checker at
/// the line and column of the element or attribute the value came from.
public enum PlanField: Hashable, Sendable {
    case mode
    /// Fresh: the primary disk; reinstall: the disk of the existing installation; restore:
    /// the disk holding the backup.
    case primaryDisk
    /// Fresh: the second disk of a mirrored primary disk (`plan.mirrorDisk`).
    case mirrorDisk
    /// The guest disk at this index of `plan.guestDisks`.
    case guestDisk(Int)
    case keymap
    case rootPassword
    /// The source at this index of `plan.sources`; nil: the list as a whole (none given).
    case source(Int?)
    case driverSource(Int)
    case postInstallScript
    /// The management interface as a whole (its NIC).
    case adminInterface
    case adminIP, adminNetmask, adminGateway
    /// IPv6 (`protov6=`, `<ipv6>`, `<gatewayv6>`) and the VLAN tag (`vlan=`).
    case adminIPv6, adminGatewayV6, adminVLAN
    /// The bond of the management interface (`<bond>`).
    case adminBond
    /// The nameserver at this index of the manual list; nil: the DNS configuration as a whole.
    case nameserver(Int?)
    case hostname
    case timezone
    /// The NTP server at this index; nil: the time configuration as a whole.
    case ntpServer(Int?)
    case bootloader

    /// The same field without its index (to compare fields across front ends).
    public var kind: String {
        switch self {
        case .mode: return "mode"
        case .primaryDisk: return "primaryDisk"
        case .mirrorDisk: return "mirrorDisk"
        case .guestDisk: return "guestDisk"
        case .keymap: return "keymap"
        case .rootPassword: return "rootPassword"
        case .source: return "source"
        case .driverSource: return "driverSource"
        case .postInstallScript: return "postInstallScript"
        case .adminInterface: return "adminInterface"
        case .adminIP: return "adminIP"
        case .adminNetmask: return "adminNetmask"
        case .adminGateway: return "adminGateway"
        case .adminIPv6: return "adminIPv6"
        case .adminGatewayV6: return "adminGatewayV6"
        case .adminVLAN: return "adminVLAN"
        case .adminBond: return "adminBond"
        case .nameserver: return "nameserver"
        case .hostname: return "hostname"
        case .timezone: return "timezone"
        case .ntpServer: return "ntpServer"
        case .bootloader: return "bootloader"
        }
    }
}

/// One thing in a plan that the installer cannot do, in the words of both front ends:
/// `message` for the answerfile validator (and the installer's own refusal), `screenTitle`
/// and `screenMessage` for the dialog of the screen that asks for the field.
public struct PlanProblem: Equatable, Sendable, CustomStringConvertible {
    public var field: PlanField
    public var message: String
    public var screenTitle: String
    public var screenMessage: String

    public init(_ field: PlanField, _ message: String, screenTitle: String, screenMessage: String? = nil) {
        self.field = field; self.message = message
        self.screenTitle = screenTitle; self.screenMessage = screenMessage ?? message
    }

    public var description: String { "\(field.kind): \(message)" }
}
