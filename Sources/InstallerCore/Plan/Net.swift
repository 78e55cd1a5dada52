/// Checks of network values as the screens and the answerfile validate them.
public enum Net {
    /// A dotted quad: four decimal fields of at most 255.
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in p.count >= 1 && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && Int(p)! <= 255 }
    }

    /// A subnet mask: a dotted quad whose bits are contiguous ones then zeros.
    public static func isNetmask(_ s: String) -> Bool {
        guard isIPv4(s) else { return false }
        let v = s.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
        let inverted = ~v
        return v != 0 && (inverted & (inverted &+ 1)) == 0
    }

    public static func isMAC(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
    }

    /// A host name: labels of letters, digits and hyphens (1–63 characters, no hyphen
    /// at either end) joined by dots, at most 253 characters in all.
    public static func isHostname(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { l in
            l.count >= 1 && l.count <= 63 && l.first != "-" && l.last != "-"
                && l.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// A server name for NTP: a host name or an IPv4 address.
    public static func isServer(_ s: String) -> Bool { isIPv4(s) || isHostname(s) }
}

extension Net {
    /// The dotted quad as a number (the string must be `isIPv4`).
    static func ipValue(_ s: String) -> UInt32 {
        s.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
    }

    /// Both addresses in the same subnet under the mask (all three `isIPv4`).
    public static func sameSubnet(_ a: String, _ b: String, _ mask: String) -> Bool {
        let m = ipValue(mask)
        return ipValue(a) & m == ipValue(b) & m
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Net {
    /// An IPv6 address in any text form that inet_pton(3) takes (`2001:db8::1`, `::1`,
    /// `::ffff:10.0.0.1`), without a zone (`%eth0`) or prefix.
    public static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":"), s.count <= 45, s.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }) else { return false }
        var buf = in6_addr()
        return inet_pton(AF_INET6, s, &buf) == 1
    }

    /// An IPv4 or IPv6 address (a nameserver).
    public static func isIP(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }

    /// `addr/prefix` split; the prefix is nil when there is no `/` or it is not a number.
    public static func splitCIDR(_ s: String) -> (address: String, prefix: Int?, hasSlash: Bool) {
        guard let slash = s.lastIndex(of: "/") else { return (s, nil, false) }
        let p = s[s.index(after: slash)...]
        let n = p.allSatisfy(\.isNumber) && !p.isEmpty && p.count <= 4 ? Int(p) : nil
        return (String(s[..<slash]), n, true)
    }

    /// A link-local IPv6 address (fe80::/10), usable as a gateway but not as the host's address.
    public static func isLinkLocalIPv6(_ s: String) -> Bool {
        let l = s.lowercased()
        return ["fe8", "fe9", "fea", "feb"].contains { l.hasPrefix($0) }
    }

    /// The VLAN tags 802.1Q allows for a tagged interface (0 means priority tagging only,
    /// 4095 is reserved).
    public static let vlanRange = 1...4094
}
