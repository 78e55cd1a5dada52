import Foundation

/// A disk named in an answerfile by what it is rather than by its kernel name, which changes
/// with the order the controllers are found:
///
///     <primary-disk>sda</primary-disk>                                  kernel name (as before)
///     <primary-disk>/dev/disk/by-id/ata-WDC_WD5000AAKS_WMAS1234</primary-disk>
///     <primary-disk>/dev/disk/by-path/pci-0000:00:1f.2-ata-1</primary-disk>
///     <primary-disk serial="WMAS1234"/>
///     <guest-disk model="WDC WD5000AAKS"/>                              model, or "vendor model"
///     <guest-disk wwn="0x5000c500a1b2c3d4"/>                            also naa.…, eui.…
///     <primary-disk size="smallest"/>                                   or "largest"
///
/// Attributes combine (every one must hold), and may be given with a name or path as a check
/// (`<primary-disk serial="WMAS1234">sda</primary-disk>` is refused if sda has another serial).
///
/// The tie-break is fixed: `serial`, `model`, `wwn`, by-id and by-path must match exactly one
/// disk, or the rule is refused as ambiguous; only `size` chooses among several, taking the
/// smallest (or largest) of those that match, and among disks of equal size the first in
/// kernel-name order (`sda` before `sdb` before `sdaa`). For the primary disk, `size` looks only
/// at disks of at least the minimum (16 GB). Removable disks and the installer media are never
/// matched.
public struct DiskRule: Equatable, Sendable {
    public enum SizeChoice: String, Sendable { case smallest, largest }

    /// The element's text: a kernel name, or a by-id or by-path name (without the directory).
    public var name: String?
    public var byId: String?
    public var byPath: String?
    public var serial: String?
    public var model: String?
    public var wwn: String?
    public var size: SizeChoice?

    /// The attributes that select a disk by identity.
    public static let attributes = ["serial", "model", "wwn", "size"]

    public init(name: String? = nil, byId: String? = nil, byPath: String? = nil, serial: String? = nil,
                model: String? = nil, wwn: String? = nil, size: SizeChoice? = nil) {
        self.name = name; self.byId = byId; self.byPath = byPath; self.serial = serial
        self.model = model; self.wwn = wwn; self.size = size
    }

    /// True for a bare kernel name (`sda`): looked up by name, as the answerfile always did.
    public var isPlainName: Bool {
        name != nil && byId == nil && byPath == nil && serial == nil && model == nil && wwn == nil && size == nil
    }

    /// Reads the text and attributes; the message says what is wrong with them.
    public static func parse(text: String, attributes: [(name: String, value: String)]) -> Result<DiskRule, RuleError> {
        var r = DiskRule()
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty {
            if let rest = after(t, "/dev/disk/by-id/") ?? after(t, "disk/by-id/") {
                r.byId = rest
            } else if let rest = after(t, "/dev/disk/by-path/") ?? after(t, "disk/by-path/") {
                r.byPath = rest
            } else if t.hasPrefix("/dev/disk/") {
                return .failure(RuleError("\(quoted(t)): only /dev/disk/by-id/… and /dev/disk/by-path/… name a whole disk"))
            } else {
                let n = t.hasPrefix("/dev/") ? String(t.dropFirst(5)) : t
                guard !n.isEmpty, n.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    return .failure(RuleError("\(quoted(n)) is not a disk name (such as sda, /dev/disk/by-id/…, /dev/disk/by-path/…)"))
                }
                r.name = n
            }
            if let p = r.byId ?? r.byPath, p.isEmpty || p.contains("/") {
                return .failure(RuleError("\(quoted(t)) is not a name under /dev/disk/by-id or /dev/disk/by-path"))
            }
        }
        for (k, raw) in attributes where Self.attributes.contains(k) {
            let v = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if v.isEmpty { return .failure(RuleError("\(k)=\"\" is empty; give the disk's \(k) or leave the attribute out")) }
            switch k {
            case "serial": r.serial = v
            case "model": r.model = v
            case "wwn":
                guard !DiskIdentity.normalisedWWN(v).isEmpty else {
                    return .failure(RuleError("wwn=\(quoted(v)) is not a WWN (hex digits such as 0x5000c500a1b2c3d4, naa.…, eui.…)"))
                }
                r.wwn = v
            default:
                guard let s = SizeChoice(rawValue: v.lowercased()) else {
                    return .failure(RuleError("size must be \"smallest\" or \"largest\", not \(quoted(v))"))
                }
                r.size = s
            }
        }
        if t.isEmpty && r.serial == nil && r.model == nil && r.wwn == nil && r.size == nil {
            return .failure(RuleError("no disk is named: give a name (sda, /dev/disk/by-id/…) or serial=, model=, wwn= or size="))
        }
        return .success(r)
    }

    public struct RuleError: Error, Equatable, Sendable {
        public var message: String
        init(_ m: String) { message = m }
    }

    /// The rule as written (`serial="WMAS1234" size="largest"`, `/dev/disk/by-id/…`).
    public var description: String {
        var parts: [String] = []
        if let name { parts.append(name) }
        if let byId { parts.append("/dev/disk/by-id/" + byId) }
        if let byPath { parts.append("/dev/disk/by-path/" + byPath) }
        if let serial { parts.append("serial=" + Self.quoted(serial)) }
        if let model { parts.append("model=" + Self.quoted(model)) }
        if let wwn { parts.append("wwn=" + Self.quoted(wwn)) }
        if let size { parts.append("size=\"\(size.rawValue)\"") }
        return parts.joined(separator: " ")
    }

    /// Disks a rule may match, in kernel-name order: not removable, not the installer media,
    /// and visible (or waiting for a driver that a driver source will load).
    public static func candidates(_ m: Machine, includeDriverDisks: Bool = false) -> [Machine.Disk] {
        m.disks.filter { d in
            !d.removable && d.name != m.cdrom?.name
                && (d.needsDriver.map { m.loadedDrivers.contains($0) || includeDriverDisks } ?? true)
        }.sorted(by: nameOrder)
    }

    /// `sda` before `sdb` before `sdaa` (shorter names first, then alphabetical).
    public static func nameOrder(_ a: Machine.Disk, _ b: Machine.Disk) -> Bool {
        (a.name.count, a.name) < (b.name.count, b.name)
    }

    /// Whether this disk has every property the rule names (size aside).
    public func holds(for d: Machine.Disk) -> Bool {
        if let name, d.name != name { return false }
        if let byId, !d.byId.contains(byId) { return false }
        if let byPath, !d.byPath.contains(byPath) { return false }
        if let serial, d.serial.trimmingCharacters(in: .whitespaces).lowercased() != serial.lowercased() { return false }
        if let model {
            let want = Self.normalisedModel(model)
            if want != Self.normalisedModel(d.model) && want != Self.normalisedModel(d.vendor + " " + d.model) { return false }
        }
        if let wwn, DiskIdentity.normalisedWWN(wwn) != d.wwn { return false }
        return true
    }

    /// Lower case, `_` as a space (udev's spelling), runs of white space as one.
    static func normalisedModel(_ s: String) -> String {
        s.lowercased().replacingOccurrences(of: "_", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The one disk this rule names on the machine, or why there is none.
    /// `minimum`: for `size`, only disks at least this big are compared (the primary disk's minimum).
    public func match(_ m: Machine, minimum: UInt64? = nil, includeDriverDisks: Bool = false) -> Result<Machine.Disk, RuleError> {
        let all = Self.candidates(m, includeDriverDisks: includeDriverDisks)
        let found = all.filter(holds)
        if found.isEmpty {
            let list = all.map { d in
                ([d.name, Size.humanGB(d.sizeBytes)] + [d.model.isEmpty ? nil : "model " + Self.quoted(d.model),
                                                      d.serial.isEmpty ? nil : "serial " + Self.quoted(d.serial),
                                                      d.wwn.isEmpty ? nil : "wwn " + d.wwn].compactMap { $0 })
                    .joined(separator: " ")
            }
            return .failure(RuleError("no disk matches \(description) (this machine has: \(list.isEmpty ? "no disks" : list.joined(separator: "; "))"
                                      + "; removable disks and the installer media are never matched)"))
        }
        guard let size else {
            if found.count == 1 { return .success(found[0]) }
            return .failure(RuleError("\(description) matches \(found.count) disks (\(found.map(\.name).joined(separator: ", "))); "
                                      + "add serial=, model=, wwn= or size=\"smallest|largest\" to choose one, or name it by /dev/disk/by-id/…"))
        }
        let sized = found.filter { $0.sizeBytes >= (minimum ?? 0) }
        guard let first = sized.first else {
            return .failure(RuleError("\(description): no disk that matches is at least \(Size.humanGB(minimum ?? 0)) "
                                      + "(\(found.map { "\($0.name) \(Size.humanGB($0.sizeBytes))" }.joined(separator: ", ")))"))
        }
        // Strictly smaller (larger) only: among equal sizes the first in name order stays.
        let pick = sized.dropFirst().reduce(first) { best, d in
            size == .smallest ? (d.sizeBytes < best.sizeBytes ? d : best) : (d.sizeBytes > best.sizeBytes ? d : best)
        }
        return .success(pick)
    }

    static func after(_ s: String, _ prefix: String) -> String? { s.hasPrefix(prefix) ? String(s.dropFirst(prefix.count)) : nil }
    static func quoted(_ s: String) -> String { "\"" + s + "\"" }
}
