import Foundation

/// The primary disk, alone or mirrored (software RAID 1, issue 19 item 2). Two spellings of a
/// mirror are accepted:
///
///     <primary-disk swraid="true">sda,sdb</primary-disk>                  XenServer
///
///     <raid device="md127"><disk>sda</disk><disk>sdb</disk></raid>         XCP-ng
///     <primary-disk>md127</primary-disk>
///
/// Either way the plan holds the first disk as `primaryDisk` and the second as `mirrorDisk`;
/// each disk may be any form `DiskRule` reads (a kernel name, a by-id or by-path name, and in
/// `<disk>` also serial=, model=, wwn=, size=). The rule book then checks both disks like a
/// primary disk (present, at least 16 GB, fixed) and that they differ.
extension AnswerfileChecker {
    mutating func readPrimaryDisk(_ byName: [String: [XElement]], hasDriverSource: Bool) {
        let raid = byName["raid"]?.first
        guard let e = byName["primary-disk"]?.first else {
            if let raid { error(raid, "<raid> is used only by <primary-disk>\(raid.attribute("device").map { Self.raidName($0) } ?? "md127")</primary-disk>, which is missing") }
            return
        }
        locations[.primaryDisk] = e
        if let g = e.attribute("gueststorage") {
            switch g.trimmingCharacters(in: .whitespaces).lowercased() {
            case "yes", "true": plan.storageOnPrimary = true
            case "no", "false": plan.storageOnPrimary = false
            default: error(e, "gueststorage must be \"yes\" or \"no\", not \(Self.quoted(g))")
            }
        }
        var swraid = false
        if let s = e.attribute("swraid") {
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "yes", "true": swraid = true
            case "no", "false": swraid = false
            default: error(e, "swraid must be \"true\" or \"false\", not \(Self.quoted(s))"); return
            }
        }
        let text = e.trimmedText
        let namesArray = text.hasPrefix("md") || text.hasPrefix("/dev/md")
        if swraid {
            if let raid { locations[.primaryDisk] = raid; error(raid, "a mirror is given twice: by swraid=\"true\" on <primary-disk> (line \(e.line)) and by <raid>; keep one"); return }
            if let a = e.attributes.first(where: { DiskRule.attributes.contains($0.name) }) {
                error(e, "\(a.name)= cannot name the two disks of a mirror; write them as text (swraid=\"true\">sda,sdb<), or use <raid> with a <disk> for each")
                return
            }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmedWhitespace }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                error(e, "swraid=\"true\" mirrors exactly two disks, written as two names with a comma between them (sda,sdb), not \(Self.quoted(text))")
                return
            }
            var one = e, two = e
            one.text = parts[0]; two.text = parts[1]
            mirror(e, one, two, hasDriverSource: hasDriverSource)
            return
        }
        if text.contains(",") {
            error(e, "\(Self.quoted(text)) names several disks; a mirror of two needs swraid=\"true\" (or <raid>)")
            return
        }
        if let raid {
            // A problem with <raid> is the primary disk's (not also "no primary disk was given").
            locations[.primaryDisk] = raid
            let device = raid.attribute("device")?.trimmedWhitespace ?? ""
            guard !device.isEmpty else {
                error(raid, "<raid> needs device=\"md127\" (the name <primary-disk> refers to)")
                return
            }
            let name = Self.raidName(device)
            guard name.hasPrefix("md"), name.count > 2, name.dropFirst(2).allSatisfy(\.isNumber) else {
                error(raid, "device=\(Self.quoted(device)) is not an md device name (such as md127)")
                return
            }
            guard Self.raidName(text) == name else {
                error(raid, "<raid device=\"\(device)\"> is not used: <primary-disk> (line \(e.line)) names \(Self.quoted(text)); write <primary-disk>\(name)</primary-disk>")
                return
            }
            if !raid.trimmedText.isEmpty { error(raid, "<raid> takes two <disk> elements, not text \(Self.quoted(raid.trimmedText))"); return }
            var disks: [XElement] = []
            for c in raid.children {
                if c.name == "disk" { disks.append(c) } else { error(c, "<raid> takes only <disk> elements, not <\(c.name)>") }
            }
            guard disks.count == 2 else {
                error(raid, "a mirror (RAID 1) is made of exactly two disks; <raid> has \(disks.count) <disk>")
                return
            }
            for d in disks {
                for a in d.attributes where !DiskRule.attributes.contains(a.name) {
                    warning(d, "unknown attribute \(a.name)=\(Self.quoted(a.value)) on <disk> is ignored")
                }
                for c in d.children { error(c, "<disk> takes only text, not an element <\(c.name)>") }
            }
            locations[.primaryDisk] = disks[0]
            mirror(raid, disks[0], disks[1], hasDriverSource: hasDriverSource)
            return
        }
        if namesArray && !(machine?.disks.contains { $0.name == Self.raidName(text) } ?? false) && Self.raidName(text).dropFirst(2).allSatisfy(\.isNumber) {
            error(e, "\(Self.quoted(text)) is an md device, but no <raid device=\"\(Self.raidName(text))\"> names its two disks")
            return
        }
        if let d = disk(e, hasDriverSource: hasDriverSource, field: .primaryDisk, minimum: Size.minimumPrimaryDisk) { plan.primaryDisk = d }
    }

    /// Both disks of a mirror into the plan; `at` is where a problem with the pair is shown.
    private mutating func mirror(_ at: XElement, _ one: XElement, _ two: XElement, hasDriverSource: Bool) {
        let a = disk(one, hasDriverSource: hasDriverSource, field: .primaryDisk, minimum: Size.minimumPrimaryDisk)
        let b = disk(two, hasDriverSource: hasDriverSource, field: .mirrorDisk, minimum: Size.minimumPrimaryDisk)
        locations[.mirrorDisk] = two.name == "disk" ? two : at
        if let a { plan.primaryDisk = a }
        // A disk that could not be read leaves "" (its problem is reported where it is written).
        plan.mirrorDisk = b ?? ""
        if let a, let b, a == b {
            error(two.name == "disk" ? two : at, "the two disks of a mirror must differ: both name \(Self.quoted(a))", field: .mirrorDisk)
        }
    }

    /// `md127` for `md127` and `/dev/md127`.
    static func raidName(_ s: String) -> String {
        let t = s.trimmedWhitespace
        return t.hasPrefix("/dev/") ? String(t.dropFirst(5)) : t
    }
}
