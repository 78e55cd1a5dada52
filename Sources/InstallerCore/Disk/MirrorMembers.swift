import Foundation

/// What an md (metadata 1.0) superblock at the end of a partition says about the array and
/// this member, read from the bytes (mdadm's super1.c, `struct mdp_superblock_1`), so on any
/// kernel and any image, without assembling anything.
public struct MDMember: Equatable, Sendable {
    /// The array's UUID (set_uuid), as 32 hex digits.
    public var arrayUUID: String
    /// The array's name without a `host:` prefix (`root`, `backup`, `storage`).
    public var name: String
    public var level: Int32
    /// How many members the array has (raid_disks).
    public var raidDisks: Int
    /// This member's slot in `roles`.
    public var devNumber: Int
    /// How many updates the superblock has seen: a member behind the others is out of date.
    public var events: UInt64
    /// Each slot's role: 0, 1 ... the position in the mirror; 0xfffe failed, 0xffff spare or empty.
    public var roles: [UInt16]

    public static let failedRole: UInt16 = 0xfffe
    public static let spareRole: UInt16 = 0xffff

    /// This member's role (its position in the mirror, or failed/spare).
    public var role: UInt16 { devNumber < roles.count ? roles[devNumber] : Self.spareRole }

    /// Parses the 1 KiB superblock (nil when it is not one of metadata 1.x).
    public static func parse(_ b: [UInt8]) -> MDMember? {
        guard b.count >= 256, Array(b[0..<4]) == [0xfc, 0x4e, 0x2b, 0xa9], le32(b, 4) == 1 else { return nil }
        let uuid = b[16..<32].map { String(format: "%02x", $0) }.joined()
        let rawName = String(decoding: b[32..<64].prefix { $0 != 0 }, as: UTF8.self)
        let name = rawName.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? rawName
        let maxDev = Int(le32(b, 220))
        var roles: [UInt16] = []
        for i in 0..<min(maxDev, (b.count - 256) / 2) { roles.append(UInt16(b[256 + 2 * i]) | UInt16(b[257 + 2 * i]) << 8) }
        return MDMember(arrayUUID: uuid, name: name, level: Int32(bitPattern: le32(b, 72)), raidDisks: Int(le32(b, 92)),
                        devNumber: Int(le32(b, 160)), events: le64(b, 200), roles: roles)
    }

    /// The member whose partition of `length` bytes starts at `offset` in `path` (nil: none).
    public static func read(_ path: String, offset: UInt64, length: UInt64) -> MDMember? {
        let sectors = length / 512
        guard sectors > 16 else { return nil }
        let at = ((sectors - 16) & ~UInt64(7)) * 512
        guard let b = DiskBytes.read(path, at: offset + at, count: 1024) else { return nil }
        return parse(b)
    }

    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func le64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(le32(b, o)) | UInt64(le32(b, o + 4)) << 32 }
}

/// One mirror of a previous installation as found on the disks examined: its members (disk
/// and partition), and why it cannot be used as a target when it is degraded.
public struct FoundMirror: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public var disk: String
        public var partition: Int
        public var info: MDMember
        public var device: String { "\(disk)\(partition)" }
    }
    public var uuid: String
    public var name: String
    /// The members present, in their mirror order (role 0 first).
    public var members: [Member]
    /// Why the mirror is degraded (a member missing, failed or out of date), naming the array
    /// and the member; nil when every member is present and current.
    public var degraded: String?

    /// The disks holding a current member, in mirror order.
    public var disks: [String] { members.map(\.disk) }

    /// Groups the members found on the disks examined by array, and finds what is missing:
    /// fewer members than raid_disks, a member the newest superblock marks failed or not
    /// active, or a member whose event count is behind the newest (it missed writes).
    public static func group(_ found: [Member]) -> [FoundMirror] {
        var order: [String] = [], by: [String: [Member]] = [:]
        for m in found {
            if by[m.info.arrayUUID] == nil { order.append(m.info.arrayUUID) }
            by[m.info.arrayUUID, default: []].append(m)
        }
        return order.map { uuid in
            let ms = by[uuid] ?? []
            let newest = ms.max { $0.info.events < $1.info.events }!
            let name = newest.info.name
            let label = name.isEmpty ? "the mirror with md UUID \(uuid)" : "the mirror \(name)"
            var problems: [String] = []
            var current: [Member] = []
            for m in ms {
                let roleInNewest = m.info.devNumber < newest.info.roles.count ? newest.info.roles[m.info.devNumber] : MDMember.spareRole
                if m.info.events < newest.info.events {
                    problems.append("\(m.device) is out of date (\(m.info.events) events, \(newest.device) has \(newest.info.events)): it missed writes while the mirror ran without it")
                } else if roleInNewest == MDMember.failedRole || m.info.role == MDMember.failedRole {
                    problems.append("\(m.device) is marked failed")
                } else if roleInNewest == MDMember.spareRole {
                    problems.append("\(m.device) is not an active member")
                } else {
                    current.append(m)
                }
            }
            // Active slots of the newest superblock that no current member fills.
            let filled = Set(current.map { Int(newest.info.roles[$0.info.devNumber]) })
            let missing = (0..<newest.info.raidDisks).filter { !filled.contains($0) }
            let seen = Set(ms.map { Int($0.info.role) })
            for slot in missing where !seen.contains(slot) {
                problems.append("member \(slot + 1) of \(newest.info.raidDisks) is missing (no disk examined holds it)")
            }
            current.sort { $0.info.role < $1.info.role }
            let why = problems.isEmpty ? nil : "\(label) is degraded: " + problems.joined(separator: "; ")
            return FoundMirror(uuid: uuid, name: name, members: current, degraded: why)
        }
    }
}
