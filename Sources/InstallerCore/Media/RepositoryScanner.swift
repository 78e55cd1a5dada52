import Foundation

public enum Accessors {
    /// The accessor for a source. `.local(nil)` is the machine's CD drive: its first disc
    /// (a directory or an ISO image on a profile machine, the device on real hardware).
    public static func make(for source: Source, machine: Machine) throws(InstallerError) -> Accessor {
        switch source {
        case let .local(path):
            if let path { return try local(path) }
            guard let cd = machine.cdrom else {
                throw .failed("this machine has no CD drive", hint: "choose another installation source")
            }
            guard let disc = cd.discs.first else {
                throw .failed("there is no disc in the drive", at: "/dev/\(cd.name)", hint: "insert the product CD")
            }
            return try local(disc)
        case let .url(url, credentials):
            return try HTTPAccessor(url, credentials: credentials)
        case let .nfs(location):
            return try NFSAccessor(location)
        }
    }

    /// A directory, or else an ISO image or device.
    public static func local(_ path: String) throws(InstallerError) -> Accessor {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .failed("the media are not there (no such file or directory)", at: path)
        }
        return isDir.boolValue ? DirectoryAccessor(path) : try ISOAccessor(path)
    }
}

/// Finds the repositories on a source: at the top, in `packages`, `packages.main`,
/// `packages.linux`, `packages.site`, in every `driver.NAME` directory (where the source can
/// list), and in each directory named by `XS-REPOSITORY-LIST` (one a line, `#` comments).
public enum RepositoryScanner {
    public static let standardDirectories = ["", "packages", "packages.main", "packages.linux", "packages.site"]

    public static func scan(_ accessor: Accessor) throws(InstallerError) -> [Repository] {
        var candidates = standardDirectories
        if let list = try accessor.readIfPresent(RepositoryMetadata.listFile, limit: 1 << 20) {
            for (n, raw) in String(decoding: list, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(raw).trimmedWhitespace
                if line.isEmpty || line.hasPrefix("#") { continue }
                let dir = line.hasSuffix("/") ? String(line.dropLast()) : line
                guard let clean = try? SourcePath.check(dir, source: accessor.displayName), !dir.hasPrefix("/") else {
                    throw .invalid("\(RepositoryMetadata.listFile):\(n + 1)", "\"\(line)\" is not a directory inside the media")
                }
                candidates.append(clean)
            }
        }
        if let s = accessor as? SourceAccessor, let top = try? s.list("") {
            candidates += top.filter { $0.hasPrefix("driver.") || $0.hasPrefix("DRIVER_") || $0.hasPrefix("driver_") }
        }
        var seen = Set<String>()
        var repos: [Repository] = []
        for dir in candidates where seen.insert(dir).inserted {
            let repoPath = SourcePath.join(dir, RepositoryMetadata.repositoryFile)
            guard let repoBytes = try accessor.readIfPresent(repoPath) else { continue }
            let pkgPath = SourcePath.join(dir, RepositoryMetadata.packagesFile)
            guard let pkgBytes = try accessor.readIfPresent(pkgPath) else {
                throw .invalid(pkgPath, "missing: the repository in \(dir.isEmpty ? "the top directory" : dir) has XS-REPOSITORY but no XS-PACKAGES",
                               hint: "media at \(accessor.displayName)")
            }
            let repo = try RepositoryMetadata.parse(repository: repoBytes, packages: pkgBytes, directory: dir,
                                                    repositoryName: repoPath, packagesName: pkgPath)
            if let other = repos.first(where: { $0.id == repo.id }) {
                throw .invalid(repoPath, "a second repository \(repo.id) (the first is in \(other.directory.isEmpty ? "the top directory" : other.directory))")
            }
            repos.append(repo)
        }
        EventLog.shared.log("repositories on \(accessor.displayName): "
            + (repos.isEmpty ? "none" : repos.map { "\($0.id) \($0.version) in /\($0.directory) (\($0.packages.count) packages)" }.joined(separator: ", ")))
        return repos
    }

    /// Scans a source meant for installing: it must hold `xs:main` and every `requires` must be met.
    public static func scanInstallSource(_ accessor: Accessor, installed: [Repository] = []) throws(InstallerError) -> [Repository] {
        try RepositoryRules.checkInstallSource(try scan(accessor), installed: installed, source: accessor.displayName)
    }

    /// Scans a driver disk: only repositories that are driver disks are returned; none is an error.
    public static func scanDriverDisk(_ accessor: Accessor) throws(InstallerError) -> [Repository] {
        let drivers = try scan(accessor).filter(\.isDriverDisk)
        guard !drivers.isEmpty else {
            throw .invalid(accessor.displayName, "this is not a driver disk: it has no repository with drivers")
        }
        return drivers
    }
}
