import CArchive
import Foundation

/// A support bundle: a gzipped tar (libarchive) of the install log, the probed hardware,
/// the answerfile with the password removed, and the kernel messages where readable.
/// Every text is scrubbed of the secrets the event log knows.
public enum SupportBundle {
    public struct Contents: Sendable {
        public var log: [String]
        public var machine: Machine
        public var answerfile: String?
        public var plan: InstallPlan?
        public init(log: [String], machine: Machine, answerfile: String? = nil, plan: InstallPlan? = nil) {
            self.log = log; self.machine = machine; self.answerfile = answerfile; self.plan = plan
        }
    }

    /// The files of the bundle (name → text), before packing.
    public static func files(_ c: Contents, secrets: [String]) -> [(String, String)] {
        var out: [(String, String)] = [
            ("install-log", c.log.joined(separator: "\n") + "\n"),
            ("hardware.json", MachineProfile.render(c.machine)),
        ]
        if let plan = c.plan { out.append(("plan.json", plan.json.rendered() + "\n")) }
        if let a = c.answerfile { out.append(("answerfile.xml", redactPassword(a))) }
        let dmesg = CommandRunner.run(["dmesg"], log: EventLog())
        out.append(("dmesg.txt", dmesg.ok ? dmesg.output : "(kernel messages not readable: exit \(dmesg.exitCode))\n"))
        out.append(("README", "host-installer support bundle, made \(Date()).\nThe root password has been removed from every file.\n"))
        return out.map { name, text in (name, scrub(text, secrets: secrets)) }
    }

    /// `<root-password …>secret</root-password>` becomes `<root-password …>(removed)</root-password>`.
    public static func redactPassword(_ xml: String) -> String {
        var s = xml
        var searchFrom = s.startIndex
        while let open = s.range(of: "<root-password", range: searchFrom..<s.endIndex),
              let gt = s.range(of: ">", range: open.upperBound..<s.endIndex) {
            if s[s.index(before: gt.lowerBound)] == "/" { searchFrom = gt.upperBound; continue }   // <root-password/>
            guard let close = s.range(of: "</root-password", range: gt.upperBound..<s.endIndex) else { break }
            s.replaceSubrange(gt.upperBound..<close.lowerBound, with: "(removed)")
            searchFrom = s.index(gt.upperBound, offsetBy: "(removed)".count)
        }
        return s
    }

    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "********") }
    }

    /// Writes `host-installer-support-DATE.tar.gz` into `directory`; returns its path.
    @discardableResult
    public static func write(_ c: Contents, toDirectory directory: String, secrets: [String]) throws(InstallerError) -> String {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .failed("cannot create the directory: \(error.localizedDescription)", at: directory)
        }
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec)
        let path = directory + "/host-installer-support-\(stamp).tar.gz"
        try pack(files(c, secrets: secrets), to: path, prefix: "host-installer-support-\(stamp)")
        return path
    }

    static func pack(_ files: [(String, String)], to path: String, prefix: String) throws(InstallerError) {
        guard let a = archive_write_new() else { throw .failed("libarchive could not start a writer") }
        defer { archive_write_free(a) }
        archive_write_add_filter_gzip(a)
        archive_write_set_format_pax_restricted(a)
        guard archive_write_open_filename(a, path) == ARCHIVE_OK else {
            throw .failed("cannot write the bundle: \(String(cString: archive_error_string(a)))", at: path)
        }
        let now = time(nil)
        for (name, text) in files {
            let bytes = Array(text.utf8)
            guard let e = archive_entry_new() else { continue }
            defer { archive_entry_free(e) }
            archive_entry_set_pathname(e, prefix + "/" + name)
            archive_entry_set_size(e, la_int64_t(bytes.count))
            archive_entry_set_filetype(e, 0o100000)   // AE_IFREG (a macro Swift cannot import)
            archive_entry_set_perm(e, 0o600)
            archive_entry_set_mtime(e, now, 0)
            guard archive_write_header(a, e) == ARCHIVE_OK,
                  bytes.withUnsafeBytes({ archive_write_data(a, $0.baseAddress, $0.count) }) == bytes.count else {
                throw .failed("cannot write \(name) into the bundle: \(String(cString: archive_error_string(a)))", at: path)
            }
        }
        guard archive_write_close(a) == ARCHIVE_OK else { throw .failed("cannot finish the bundle: \(String(cString: archive_error_string(a)))", at: path) }
        chmod(path, 0o600)
    }
}
