import Foundation
import Synchronization

/// Driver disks (SPEC section 3): what a source offers, and loading its modules into the
/// running installer. The same repositories are installed into the target by the install
/// backend (`InstallSources.open` adds every repository of `plan.driverSources`).
public enum DriverDisk {
    /// One driver repository found on a source.
    public struct Found: Equatable, Sendable {
        public var id: String
        public var description: String
        public var version: String
        /// Kernel module names (`megaraid_sas` for `megaraid_sas.ko`).
        public var modules: [String]
        public var firmware: [String]
        public init(id: String, description: String, version: String, modules: [String], firmware: [String]) {
            self.id = id; self.description = description; self.version = version; self.modules = modules; self.firmware = firmware
        }
        /// `megaraid_sas` for `xs:driver.megaraid_sas`.
        public var name: String {
            let n = id.split(separator: ":").last.map(String.init) ?? id
            return n.hasPrefix("driver.") ? String(n.dropFirst(7)) : n
        }
        /// `megaraid_sas (modules megaraid_sas)`, as the summary shows it.
        public var summary: String {
            "\(name) (" + (modules.isEmpty ? "no modules" : "modules " + modules.joined(separator: ", ")) + ")"
        }
    }

    /// `megaraid_sas.ko`, `megaraid_sas.ko.xz` → `megaraid_sas`.
    public static func moduleName(_ file: String) -> String {
        let base = (file as NSString).lastPathComponent
        guard let r = base.range(of: ".ko", options: [.caseInsensitive, .backwards]) else { return base }
        return String(base[..<r.lowerBound])
    }

    static func found(_ repo: Repository) -> Found {
        Found(id: repo.id.description, description: repo.description, version: repo.version,
              modules: repo.packages.filter { $0.kind == .driver }.map { moduleName($0.file) },
              firmware: repo.packages.filter { $0.kind == .firmware }.map { ($0.file as NSString).lastPathComponent })
    }

    /// The driver repositories on `source`; an error when it holds none.
    public static func scan(_ source: Source, machine: Machine) throws(InstallerError) -> [Found] {
        let accessor = try Accessors.make(for: source, machine: machine)
        defer { accessor.close() }
        return try RepositoryScanner.scanDriverDisk(accessor).map(found)
    }

    /// Reads every driver and firmware package of the driver disk at `source`, checks its
    /// MD5 (and SHA-256), keeps a copy of the repository (see `localCopy`), and loads it into
    /// the running installer: on real hardware the firmware goes to /lib/firmware and each
    /// module is inserted with `insmod` (through the CommandRunner, so it is logged); on a
    /// profile machine nothing is inserted into this computer's kernel, the modules are only
    /// recorded as loaded. Returns the repositories loaded and the machine as probed again.
    public static func load(_ source: Source, machine: Machine, log: EventLog = .shared,
                            copyParent: String? = nil) throws(InstallerError) -> (loaded: [Found], machine: Machine) {
        let accessor = try Accessors.make(for: source, machine: machine)
        defer { accessor.close() }
        let repos = try RepositoryScanner.scanDriverDisk(accessor)
        let parent = copyParent ?? defaultCopyParent
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw .failed("cannot create \(parent): \(error.localizedDescription)", at: parent)
        }
        var template = Array((parent + "/driver-disk.XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw .failed("cannot create a directory for the driver disk: \(String(cString: strerror(errno)))", at: parent)
        }
        let copy = String(cString: made)
        var modules: [String] = []
        do throws(InstallerError) {
            for (n, repo) in repos.enumerated() {
                let dir = copy + "/driver.\(n + 1)"
                try makeDirectory(dir)
                for meta in [RepositoryMetadata.repositoryFile, RepositoryMetadata.packagesFile] {
                    let s = try accessor.open(SourcePath.join(repo.directory, meta))
                    defer { s.close() }
                    try write(try TargetConfigurator.readAll(s), to: dir + "/" + meta)
                }
                for pkg in repo.packages {
                    let path = SourcePath.join(repo.directory, pkg.file)
                    let bytes = try readVerified(accessor, path: path, package: pkg)
                    let local = SourcePath.join(dir, pkg.file)
                    try makeDirectory((local as NSString).deletingLastPathComponent)
                    try write(bytes, to: local)
                    let name = (pkg.file as NSString).lastPathComponent
                    switch pkg.kind {
                    case .tbz2:
                        continue
                    case .firmware where machine.isReal:
                        try makeDirectory("/lib/firmware")
                        try write(bytes, to: "/lib/firmware/" + name)
                        log.log("driver disk \(repo.id): firmware \(name) copied to /lib/firmware")
                    case .firmware:
                        log.log("driver disk \(repo.id): firmware \(name) checked (profile machine: not copied into this computer)")
                    case .driver:
                        let module = moduleName(pkg.file)
                        if machine.isReal {
                            try insmod(local, module: module, log: log)
                        } else {
                            log.log("driver disk \(repo.id): module \(module) checked (md5 \(pkg.md5)); profile machine: not inserted into this computer's kernel")
                        }
                        modules.append(module)
                    }
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: copy)
            throw error
        }
        copies.withLock { c in
            c.removeAll { $0.0 == source }
            c.append((source, copy))
        }
        log.log("drivers loaded from \(source.displayName): " + (modules.isEmpty ? "none" : modules.joined(separator: ", ")) + "; copy kept in \(copy)")
        return (repos.map(found), reprobe(machine, loaded: modules))
    }

    /// The copy of a driver disk loaded by this process: what the install puts into the target
    /// is what was loaded, even when the disc has been swapped for the main CD since, or the
    /// server is gone.
    public static func localCopy(of source: Source) -> String? {
        copies.withLock { c in c.last { $0.0 == source }?.1 }
    }

    private static let copies = Mutex<[(Source, String)]>([])

    /// The state directory when one is given (tests and replays), else /tmp (a RAM disk on the CD).
    static var defaultCopyParent: String {
        if let s = InstallEnvironment.process.stateOverride { return s + "/driver-disks" }
        return "/tmp"
    }

    static func makeDirectory(_ path: String) throws(InstallerError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .failed("cannot create \(path): \(error.localizedDescription)", at: path)
        }
    }

    /// The hardware after loading `modules`: on real hardware a new probe (new disks show up
    /// in /sys/block once their driver is in); on a profile machine the disks that
    /// `needs_driver` one of them become visible.
    public static func reprobe(_ machine: Machine, loaded modules: [String]) -> Machine {
        var m = machine
        if machine.isReal {
            // A new controller's disks show up a moment after its module is in: wait (at most
            // 5 s) for the disk list to change.
            let before = machine.disks.map(\.name)
            m = HardwareProbe().probe()
            for _ in 0..<10 where !modules.isEmpty && m.disks.map(\.name) == before {
                usleep(500_000)
                m = HardwareProbe().probe()
            }
            m.installations = machine.installations
            m.backups = machine.backups
        }
        m.loadedDrivers = machine.loadedDrivers.union(modules)
        return m
    }

    /// `insmod FILE`; a module already in the kernel counts as loaded.
    static func insmod(_ path: String, module: String, log: EventLog) throws(InstallerError) {
        if FileManager.default.fileExists(atPath: "/sys/module/" + module) {
            log.log("module \(module) is already loaded")
            return
        }
        let r = CommandRunner.run(["insmod", path], log: log)
        if !r.ok && !r.output.contains("File exists") {
            throw .failed("insmod \(module) failed: \(r.output.trimmingCharacters(in: .whitespacesAndNewlines))", at: path,
                          hint: "the driver may not match this installer's kernel (\(kernelRelease()))")
        }
    }

    static func kernelRelease() -> String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static func readVerified(_ accessor: Accessor, path: String, package: Package) throws(InstallerError) -> [UInt8] {
        let stream = HashingStream(try accessor.open(path), sha256: package.sha256 != nil)
        defer { stream.close() }
        let bytes = try TargetConfigurator.readAll(stream)
        try stream.drain()
        let where_ = "\(accessor.displayName): \(path)"
        if stream.md5Hex != package.md5.lowercased() {
            throw .failed("MD5 mismatch: expected \(package.md5), read \(stream.md5Hex ?? "")", at: where_, hint: "the driver disk is damaged")
        }
        if let want = package.sha256, !want.isEmpty, stream.sha256Hex != want.lowercased() {
            throw .failed("SHA-256 mismatch: expected \(want), read \(stream.sha256Hex ?? "")", at: where_, hint: "the driver disk is damaged")
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) throws(InstallerError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o644]) else {
            throw .failed("cannot write \(path): \(String(cString: strerror(errno)))", at: path)
        }
    }
}
