import CCrypto
import Foundation

/// Root password hashing: SHA-512 crypt (`$6$`) through libcrypt, as /etc/shadow holds it.
public enum PasswordHash {
    /// A `$6$` hash of the password with a fresh random salt.
    public static func sha512(_ password: String) -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let ok = setting.withUnsafeMutableBufferPointer { buf in
            crypt_gensalt_rn("$6$", 0, nil, 0, buf.baseAddress, Int32(buf.count)) != nil
        }
        precondition(ok, "libcrypt cannot make a SHA-512 salt")
        let hash = crypt(password, setting: String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        precondition(hash?.hasPrefix("$6$") == true, "libcrypt cannot hash with SHA-512")
        return hash!
    }

    /// True when `password` hashes to `hash` (any method libcrypt knows).
    public static func verify(_ password: String, hash: String) -> Bool {
        guard looksLikeCryptHash(hash), let h = crypt(password, setting: hash) else { return false }
        return h == hash
    }

    /// `$id$[rounds=N$]salt$hash` in crypt(3)'s alphabet.
    public static func looksLikeCryptHash(_ s: String) -> Bool {
        guard s.hasPrefix("$"), s.count >= 8, s.count <= 512 else { return false }
        let parts = s.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, !parts[1].isEmpty, !parts.last!.isEmpty else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "./$=,-".contains($0)) }
    }

    /// crypt_r with a zeroed work area; nil when libcrypt refuses (it answers `*0`/`*1`).
    static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<crypt_data>.size, alignment: MemoryLayout<crypt_data>.alignment)
        defer {
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        let cd = data.bindMemory(to: crypt_data.self, capacity: 1)
        guard let r = crypt_r(password, setting, cd) else { return nil }
        let out = String(cString: r)
        return out.hasPrefix("*") ? nil : out
    }
}

extension PasswordHash {
    /// /etc/shadow with root's hash replaced (or a root line added first). `days` is the
    /// last-change date in days since 1970. The other lines are kept as they are.
    public static func shadow(existing: String?, rootHash: String, days: Int) -> String {
        var lines = (existing ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var found = false
        for i in lines.indices where lines[i].hasPrefix("root:") {
            var f = lines[i].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            while f.count < 9 { f.append("") }
            f[1] = rootHash
            f[2] = String(days)
            lines[i] = f.joined(separator: ":")
            found = true
        }
        if !found { lines.insert("root:\(rootHash):\(days):0:99999:7:::", at: 0) }
        return lines.joined(separator: "\n") + "\n"
    }
}
