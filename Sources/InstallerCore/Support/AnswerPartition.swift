import Foundation

/// A file system labelled `XCP-ANSWER` (a second USB stick, or a partition of one) that holds
/// `answerfile.xml` (for `answerfile=auto`) and/or `ca.pem` (certificate authorities to trust
/// for HTTPS). Read in user space, without mounting: ext2/3/4 with debugfs, FAT with mtools
/// (the installer image's kernel has no vfat). Found on real hardware with
/// `blkid -t LABEL=XCP-ANSWER` (every block device and partition), on a profile machine
/// among its disk images.
public struct AnswerPartition: Sendable {
    public static let label = "XCP-ANSWER"
    public static let answerfileName = "answerfile.xml"
    public static let caName = "ca.pem"

    /// The device or image, and its file system type (blkid's TYPE).
    public let path: String
    public let type: String
    let commands: any CommandRunning

    /// The labelled file system, or nil. `examined` lists what was looked at (for messages).
    public static func find(_ machine: Machine, commands: any CommandRunning) -> (found: AnswerPartition?, examined: [String]) {
        var candidates: [String] = []
        if machine.isReal {
            let r = commands.run(["blkid", "-o", "device", "-t", "LABEL=\(label)"])
            candidates = r.ok ? r.output.split(whereSeparator: \.isNewline).map(String.init) : []
        } else {
            candidates = machine.visibleDisks.map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
        }
        for path in candidates {
            let r = commands.run(["blkid", "-p", "-o", "export", path])
            guard r.ok else { continue }
            var fields: [String: String] = [:]
            for line in r.output.split(whereSeparator: \.isNewline) {
                let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { fields[kv[0]] = kv[1] }
            }
            if fields["LABEL"] == label, let type = fields["TYPE"] {
                return (AnswerPartition(path: path, type: type, commands: commands), candidates)
            }
        }
        return (nil, candidates)
    }

    /// Where messages say a file came from: `XCP-ANSWER (/dev/sdb1):/answerfile.xml`.
    public func shown(_ name: String) -> String { "\(Self.label) (\(path)):/\(name)" }

    /// The file `name` at the top of the file system, nil when it is not there.
    public func read(_ name: String, into directory: String) throws(InstallerError) -> String? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let out = directory + "/" + name
        try? FileManager.default.removeItem(atPath: out)
        switch type {
        case "ext2", "ext3", "ext4":
            commands.run(["debugfs", "-R", "dump /\(name) \(out)", path])
        case "vfat", "msdos":
            commands.run(["mcopy", "-n", "-i", path, "::\(name)", out], environment: ["PATH": InstallEnvironment.process.path, "MTOOLS_SKIP_CHECK": "1"])
        default:
            throw .invalid(path, "the \(Self.label) file system is \(type); use ext2, ext3, ext4 or FAT")
        }
        return FileManager.default.fileExists(atPath: out) ? out : nil
    }
}

/// `answerfile=auto`'s second place: a URL the DHCP server gives in the site-specific option
/// 224 (text). The installer image's udhcpc asks for it (`-O 224`) and its script writes the
/// value (busybox passes unknown options as hex) to `/run/dhcp-option-224`. Real hardware only.
public enum DHCPAnswerfileOption {
    public static let option = 224
    public static let file = "/run/dhcp-option-224"

    /// The URL, from the file's text or hex; nil when there is none.
    public static func url(file path: String = file) -> String? {
        guard let d = FileManager.default.contents(atPath: path) else { return nil }
        return decode(String(decoding: d, as: UTF8.self))
    }

    /// `687474703a2f2f...` (busybox's hex) or the text itself. Quotes around the whole value
    /// are dropped: dnsmasq sends them as part of the option when they reach it from its
    /// command line (`--dhcp-option-force=224,"http://..."` quoted once more for the shell).
    public static func decode(_ raw: String) -> String? {
        var t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { return nil }
        if t.count % 2 == 0, t.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var i = t.startIndex
            while i < t.endIndex {
                let j = t.index(i, offsetBy: 2)
                bytes.append(UInt8(t[i..<j], radix: 16)!)
                i = j
            }
            t = String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for q in ["\"", "'"] where t.count >= 2 && t.hasPrefix(q) && t.hasSuffix(q) {
            t = String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return t.isEmpty ? nil : t
    }
}
