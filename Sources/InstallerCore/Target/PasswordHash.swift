import CCrypto
import Foundation

/// SHA-512 crypt (`$6$…`) through libxcrypt, and the root line of /etc/shadow.
/// The plaintext is only ever passed to `crypt_r`; it is never written or logged.
public enum PasswordHash {
    /// A `$6$` hash of `password` with a random 16-character salt (crypt_gensalt_rn with
    /// the OS random source).
    public static func sha512(_ password: String) throws(InstallerError) -> String {
        var salt = [CChar](repeating: 0, count: 128)
        guard crypt_gensalt_rn("$6$", 0, nil, 0, &salt, Int32(salt.count)) != nil else {
            throw .failed("cannot make a password salt: \(String(cString: strerror(errno)))")
        }
        let setting = salt.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return try hash(password, setting: String(decoding: setting, as: UTF8.self))
    }

    /// crypt_r(password, setting): with a full hash as the setting, the result equals that
    /// hash exactly when the password matches.
    public static func hash(_ password: String, setting: String) throws(InstallerError) -> String {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let r = crypt_r(password, setting, data) else { throw .failed("crypt failed: \(String(cString: strerror(errno)))") }
        let out = String(cString: r)
        guard !out.hasPrefix("*") else { throw .failed("crypt refused the setting") }
        return out
    }

    public static func verify(_ password: String, against hash: String) -> Bool {
        (try? self.hash(password, setting: hash)) == hash
    }

    /// The same as `verify(_:against:)` (the backend branch's spelling).
    public static func verify(_ password: String, hash: String) -> Bool { verify(password, against: hash) }

    /// `$id$[rounds=N$]salt$hash` in crypt(3)'s alphabet.
    public static func looksLikeCryptHash(_ s: String) -> Bool {
        guard s.hasPrefix("$"), s.count >= 8, s.count <= 512 else { return false }
        let parts = s.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, !parts[1].isEmpty, parts.last?.isEmpty == false else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "./$=,-".contains($0)) }
    }

    /// /etc/shadow with root's hash replaced (or a root line added). `days` is the
    /// last-change date in days since 1970.
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
