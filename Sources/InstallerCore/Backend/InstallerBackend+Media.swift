import Foundation

/// What the screens ask of the media before an install: check and verify a source, read a
/// driver disk and load its drivers, read and install the Linux Pack disc, and save the
/// support bundle. The front end never opens an accessor itself.
extension InstallerBackend {
    /// A source's base product, and whether it also holds the Linux Pack.
    public struct SourceContents: Sendable, Equatable {
        public let product: String
        public let version: String
        public let hasLinuxPack: Bool
    }

    /// Reachable, and holding repositories (logged): the base product found, or nil when
    /// there is none. Throws what is wrong with the location.
    public func checkSource(_ source: Source, machine: Machine) throws(InstallerError) -> SourceContents? {
        let accessor = try Accessors.make(for: source, machine: machine)
        defer { accessor.close() }
        let repos = try RepositoryScanner.scanInstallSource(accessor)
        log.log("source \(source.displayName): " + repos.map { "\($0.id) \($0.version)" }.joined(separator: ", "))
        let pack = repos.contains { $0.id == .linux }
        return repos.first { $0.id == .main }.map { SourceContents(product: $0.product, version: $0.version, hasLinuxPack: pack) }
    }

    /// Reads every package of the source and compares its checksums; `progress(fraction, package)`.
    public func verifySource(_ source: Source, machine: Machine,
                             progress: @escaping @Sendable (Double, String) -> Void) -> Result<Verifier.Report, InstallerError> {
        do throws(InstallerError) {
            let accessor = try Accessors.make(for: source, machine: machine)
            defer { accessor.close() }
            let repos = try RepositoryScanner.scanInstallSource(accessor)
            return .success(Verifier.verify(repos, accessor: accessor, progress: progress))
        } catch {
            return .failure(error)
        }
    }

    /// The driver repositories on a driver disk source (logged).
    public func scanDriverDisk(_ source: Source, machine: Machine) throws(InstallerError) -> [DriverDisk.Found] {
        do throws(InstallerError) {
            let found = try DriverDisk.scan(source, machine: machine)
            log.log("driver disk \(source.displayName): " + found.map(\.summary).joined(separator: "; "))
            return found
        } catch {
            log.log("driver disk \(source.displayName): \(error.description)")
            throw error
        }
    }

    /// Loads the drivers (insmod on real hardware), then probes the hardware again and, with
    /// `detect`, looks again for installations and backups (they may sit on a disk that
    /// just appeared).
    public func loadDrivers(_ source: Source, machine: Machine, detect: Bool = true) throws(InstallerError) -> (loaded: [DriverDisk.Found], machine: Machine) {
        do throws(InstallerError) {
            var (loaded, m) = try DriverDisk.load(source, machine: machine, log: log)
            if detect { m = detectInstallations(m) }
            log.log("hardware probed again: \(m.visibleDisks.count) disks (\(m.visibleDisks.map(\.name).joined(separator: ", ")))")
            return (loaded, m)
        } catch {
            log.log("loading drivers from \(source.displayName) failed: \(error.description)")
            throw error
        }
    }

    /// The machine with the installations and backups found on its disks (read only).
    public func detectInstallations(_ machine: Machine) -> Machine {
        var m = machine
        let found = InstallationDetector.detect(machine, log: log)
        m.installations = found.installations
        m.backups = found.backups
        return m
    }

    /// Writes the support bundle (passwords removed) and saves it to `place` (a directory, or
    /// an FTP or NFS URL); the path or URL it was saved to.
    public func saveSupportBundle(_ contents: SupportBundle.Contents, to place: String) throws(InstallerError) -> String {
        let tmp = try SupportBundle.write(contents, toDirectory: NSTemporaryDirectory() + "hi-bundle-\(getpid())", secrets: log.secrets)
        defer { try? FileManager.default.removeItem(atPath: (tmp as NSString).deletingLastPathComponent) }
        return try Upload.save(tmp, to: place)
    }

    /// A Linux Pack disc read and checked against the installed product, kept open until it
    /// is installed or closed.
    public final class LinuxPackOnDisc: @unchecked Sendable {
        let pack: Repository
        let accessor: Accessor
        init(pack: Repository, accessor: Accessor) { self.pack = pack; self.accessor = accessor }
        public var id: String { pack.id.description }
        public func close() { accessor.close() }
    }

    /// Reads the disc at `disc`: the Linux Pack for `main` (the installed base product).
    public func readLinuxPackDisc(_ disc: String, main: Repository) throws(InstallerError) -> LinuxPackOnDisc {
        do throws(InstallerError) {
            let a = try Accessors.local(disc)
            do throws(InstallerError) {
                let p = try LinuxPackDisc.check(a, main: main)
                log.log("Linux Pack disc \(disc): \(p.id) \(p.version), \(p.packages.count) packages")
                return LinuxPackOnDisc(pack: p, accessor: a)
            } catch { a.close(); throw error }
        } catch {
            log.log("Linux Pack disc \(disc): \(error.description)")
            throw error
        }
    }

    /// Installs a Linux Pack read by `readLinuxPackDisc` onto the system the plan installed.
    public func installLinuxPack(_ disc: LinuxPackOnDisc, plan: InstallPlan, machine: Machine,
                                 events: @escaping (InstallEvent) -> Void) -> Result<Void, InstallerError> {
        LinuxPackDisc.run(disc.pack, from: disc.accessor, plan: plan, machine: machine, log: log,
                          environment: environment, commands: commands, events: events)
    }
}
