import Foundation

/// Writes the configuration into the mounted root of the new system (SPEC section 4):
/// the pure file sets of `NetworkFiles` and `SystemFiles`, /etc/localtime, the root
/// password in /etc/shadow, installed-repos records, the install log (the swap file is `SwapFile`).
public struct TargetConfigurator {
    public let root: String
    public let plan: InstallPlan
    public let machine: Machine
    public let facts: TargetFacts
    /// Runs the post-install script; its log is this configurator's log.
    public let commands: any CommandRunning
    public var log: EventLog { commands.log }

    public init(root: String, plan: InstallPlan, machine: Machine, facts: TargetFacts, commands: any CommandRunning) {
        self.root = root; self.plan = plan; self.machine = machine; self.facts = facts; self.commands = commands
    }

    /// Every plain configuration file, keyed by its path in the target (pure).
    public static func files(_ plan: InstallPlan, _ machine: Machine, _ facts: TargetFacts) -> [String: String] {
        NetworkFiles.files(plan, machine).merging(SystemFiles.files(plan, machine, facts)) { a, _ in a }
    }

    public func writeFiles() throws(InstallerError) {
        for (path, text) in Self.files(plan, machine, facts).sorted(by: { $0.key < $1.key }) {
            try TargetPath.write(root: root, path, text)
            log.log("wrote \(path)")
        }
        try writeLocaltime()
        try writeRootPassword()
    }

    /// /etc/localtime as a copy of the zone file (the target's own tzdata, else the installer's).
    func writeLocaltime() throws(InstallerError) {
        let zone = plan.timezone.isEmpty ? "UTC" : plan.timezone
        guard ArchiveExtractor.unsafeReason(zone) == nil else { throw .invalid(zone, "not a time zone name") }
        let rel = "/usr/share/zoneinfo/" + zone
        let candidates = [try TargetPath.resolve(root: root, rel), rel]
        guard let data = candidates.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first else {
            throw .failed("no zone file for the time zone \(zone)", at: rel, hint: "the product or the installer needs tzdata")
        }
        let host = try TargetPath.resolve(root: root, "/etc/localtime")
        var st = stat()
        if lstat(host, &st) == 0 { unlink(host) }
        try TargetPath.write(root: root, "/etc/localtime", [UInt8](data))
        log.log("wrote /etc/localtime (copy of \(rel))")
    }

    func writeRootPassword() throws(InstallerError) {
        let hash: String
        switch plan.rootPassword {
        case let .plaintext(pw)?:
            log.addSecret(pw)
            hash = try PasswordHash.sha512(pw)
        case let .hash(h)?:
            hash = h
        case nil:
            throw .invalid("root-password", "no root password was given")
        }
        let host = try TargetPath.resolve(root: root, "/etc/shadow")
        var st = stat()
        let existed = stat(host, &st) == 0
        let text = PasswordHash.shadow(existing: try TargetPath.read(root: root, "/etc/shadow"), rootHash: hash, days: Int(time(nil) / 86400))
        try TargetPath.write(root: root, "/etc/shadow", text, mode: existed ? st.st_mode & 0o7777 : 0o600)
        if existed { chown(host, st.st_uid, st.st_gid) }
        log.log("set the root password in /etc/shadow (SHA-512 crypt)")
    }

    /// /etc/xensource/installed-repos/ID/ with copies of XS-REPOSITORY and XS-PACKAGES.
    public func recordRepository(_ repo: Repository, accessor: Accessor) throws(InstallerError) {
        let dir = "/etc/xensource/installed-repos/\(repo.id)"
        for f in ["XS-REPOSITORY", "XS-PACKAGES"] {
            let src = repo.directory.isEmpty ? f : repo.directory + "/" + f
            let s = try accessor.open(src)
            defer { s.close() }
            try TargetPath.write(root: root, dir + "/" + f, try Self.readAll(s))
        }
        log.log("recorded repository \(repo.id) in \(dir)")
    }

    /// The event log so far, into /var/log/installer/install-log (mode 0600, secrets masked).
    public func writeInstallLog() throws(InstallerError) {
        try TargetPath.write(root: root, "/var/log/installer/install-log", log.lines.joined(separator: "\n") + "\n", mode: 0o600)
    }

    /// Runs the post-install script with the mounted root as its only argument.
    public func runPostInstallScript(_ script: [UInt8], name: String) throws(InstallerError) {
        let dir = try Filesystem.makeTempDirectory("host-installer-script")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/post-install"
        guard FileManager.default.createFile(atPath: path, contents: Data(script), attributes: [.posixPermissions: 0o700]) else {
            throw .failed("cannot write the post-install script", at: path)
        }
        let r = commands.run([path, root])
        if !r.output.isEmpty { log.log("post-install script output:\n" + r.output.trimmingCharacters(in: .newlines)) }
        guard r.ok else { throw .failed("the post-install script failed with status \(r.exitCode)", at: name, hint: "see the event log for its output") }
    }

    static func readAll(_ s: ByteStream) throws(InstallerError) -> [UInt8] {
        var out = [UInt8]()
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = try s.read(into: buf)
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }
}
