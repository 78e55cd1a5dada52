import Foundation

extension CleanInstall {
    /// A clean install whose repositories come from the plan's sources: each source is opened
    /// (`Accessors.make`) and scanned; the first must hold `xs:main` (and meet every
    /// `requires`). The Linux Pack (`xs:linux`) is installed only with `plan.installLinuxPack`;
    /// other repositories on the sources (supplemental packs) are installed; driver disks from
    /// `plan.driverSources` add their drivers to the new system. A post-install script given by
    /// URL or NFS path is read through an accessor for its directory.
    public static func fromSources(plan: InstallPlan, machine: Machine, log: EventLog = .shared,
                                   options: Options = Options()) throws(InstallerError) -> CleanInstall {
        var repos: [(Repository, Accessor)] = []
        for (n, source) in plan.sources.enumerated() {
            let acc = try Accessors.make(for: source, machine: machine)
            let found = n == 0 ? try RepositoryScanner.scanInstallSource(acc) : try RepositoryScanner.scan(acc)
            for r in found where !r.isDriverDisk && (r.id != .linux || plan.installLinuxPack) {
                guard !repos.contains(where: { $0.0.id == r.id }) else { continue }
                repos.append((r, acc))
                log.log("source \(source.displayName): repository \(r.id) \(r.version) (\(r.packages.count) packages)")
            }
        }
        for source in plan.driverSources {
            let acc = try Accessors.make(for: source, machine: machine)
            for r in try RepositoryScanner.scanDriverDisk(acc) where !repos.contains(where: { $0.0.id == r.id }) {
                repos.append((r, acc))
                log.log("driver source \(source.displayName): repository \(r.id)")
            }
        }
        let install = CleanInstall(plan: plan, machine: machine, repositories: repos, log: log, options: options)
        switch plan.postInstallScript {
        case let .url(u, c)?:
            let (dir, file) = split(u)
            install.postInstallScript = (try HTTPAccessor(dir, credentials: c), file)
        case let .nfs(p)?:
            let (dir, file) = split(p)
            install.postInstallScript = (try NFSAccessor(dir), file)
        default:
            break
        }
        return install
    }

    private static func split(_ location: String) -> (String, String) {
        guard let slash = location.lastIndex(of: "/") else { return (location, "") }
        return (String(location[..<slash]), String(location[location.index(after: slash)...]))
    }
}
