import Foundation

/// Who this host is, for a fleet's answerfile server and report server: the booting NIC's MAC,
/// the DMI serial number and UUID, and (for `post:` answerfiles and the `started` report) the
/// NICs, disks and memory.
///
/// The booting NIC is, in order: the one `BOOTIF=` names (pxelinux with `IPAPPEND 2`, or an
/// iPXE script passing `BOOTIF=${netX/mac}`); the one `network_device=` names (a name or a
/// MAC); the first that holds an IPv4 address (the DHCP the installer image's init ran); the
/// first with a link; the first.
public struct HostDescription: Equatable, Sendable {
    public var machine: Machine
    /// The booting NIC's name and MAC (lower case, colons); empty without NICs.
    public var bootNIC: String
    public var bootMAC: String

    public init(machine: Machine, bootif: String? = nil, device: String? = nil, hasAddress: (String) -> Bool = { _ in false }) {
        self.machine = machine
        let nics = machine.nics
        var chosen: Machine.NIC?
        var mac = ""
        if let b = bootif.flatMap(Self.macFromBootif) {
            mac = b
            chosen = machine.nic(mac: b)
        } else if let d = device, d != "all", let n = nics.first(where: { $0.name == d || $0.mac.lowercased() == d.lowercased() }) {
            chosen = n
        } else {
            chosen = nics.first { hasAddress($0.name) } ?? nics.first(where: \.link) ?? nics.first
        }
        bootNIC = chosen?.name ?? ""
        bootMAC = chosen?.mac.lowercased() ?? mac
    }

    /// `01-52-54-00-12-34-56` (pxelinux: ARP type 1, then the MAC), `52-54-00-12-34-56` or
    /// `52:54:00:12:34:56` → `52:54:00:12:34:56`; nil when it is no MAC.
    public static func macFromBootif(_ s: String) -> String? {
        var t = s.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: ":")
        if t.count == 20, t.hasPrefix("01:") { t.removeFirst(3) }
        return Net.isMAC(t) ? t : nil
    }

    /// What the answerfile server and the report server are told (no secrets: hardware only).
    public var json: JSON {
        let m = machine
        return .object([
            ("mac", .string(bootMAC)),
            ("nic", .string(bootNIC)),
            ("serial", .string(m.dmi.serial)),
            ("uuid", .string(m.dmi.uuid)),
            ("macs", .array(m.nics.map { .string($0.mac.lowercased()) })),
            ("nics", .array(m.nics.map { .object([("name", .string($0.name)), ("mac", .string($0.mac.lowercased())),
                                                  ("driver", .string($0.driver)), ("link", .bool($0.link))]) })),
            ("disks", .array(m.visibleDisks.map { .object([("name", .string($0.name)), ("vendor", .string($0.vendor)),
                                                          ("model", .string($0.model)), ("serial", .string($0.serial)),
                                                          ("size_bytes", .number(Double($0.sizeBytes))),
                                                          ("removable", .bool($0.removable))]) })),
            ("memory_mib", .number(Double(m.memoryMiB))),
            ("cpu", .object([("model", .string(m.cpu.model)), ("cores", .number(Double(m.cpu.cores)))])),
        ])
    }

    /// The few values every report carries, so a server can tell hosts apart.
    public var identity: JSON {
        .object([("mac", .string(bootMAC)), ("serial", .string(machine.dmi.serial)), ("uuid", .string(machine.dmi.uuid))])
    }
}

/// Where the answerfile is, as given with `--answerfile` or `answerfile=`: a path or URL that
/// may hold `${mac}`, `${serial}` and `${uuid}` (expanded for this host), optionally prefixed
/// `post:` (an http/https URL the host's description is POSTed to; the reply is the answerfile).
public struct AnswerfileLocation: Equatable, Sendable {
    public var template: String
    public var post: Bool

    public static let postPrefix = "post:"
    public static let placeholders = ["mac", "serial", "uuid"]

    public init(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased().hasPrefix(Self.postPrefix) {
            template = String(t.dropFirst(Self.postPrefix.count)); post = true
        } else {
            template = t; post = false
        }
    }

    /// The location with each `${name}` replaced by this host's value: `${mac}` the booting
    /// NIC's MAC (`52:54:00:12:34:56`), `${serial}` and `${uuid}` from DMI (percent-encoded in
    /// a URL). An unknown name, or a value this host does not have, is an error naming it.
    public func expanded(for host: HostDescription) throws(InstallerError) -> String {
        var out = "", rest = Substring(template)
        let isURL = template.contains("://")
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw .invalid(template, "unterminated ${ in the answerfile location", hint: "use ${mac}, ${serial} or ${uuid}")
            }
            let name = String(rest[open.upperBound..<close])
            let value: String
            switch name {
            case "mac": value = host.bootMAC
            case "serial": value = host.machine.dmi.serial
            case "uuid": value = host.machine.dmi.uuid
            default:
                throw .invalid(HTTPAccessor.redact(template), "unknown placeholder ${\(name)} in the answerfile location",
                               hint: "use ${mac}, ${serial} or ${uuid}")
            }
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                let what = name == "mac" ? "no network interface" : "no DMI \(name) (the firmware gives none)"
                throw .invalid(HTTPAccessor.redact(template), "${\(name)} cannot be expanded: this computer has \(what)")
            }
            out += isURL ? Self.encode(value) : value.replacingOccurrences(of: "/", with: "_")
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Percent-encodes what a URL path segment may not hold (colons stay, as in MACs).
    static func encode(_ s: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
