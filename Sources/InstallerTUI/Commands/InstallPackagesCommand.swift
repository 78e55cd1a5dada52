import Foundation
import InstallerCore

/// `host-installer install-packages SOURCE DIR`: installs the packages of the base repository
/// (xs:main) at SOURCE (a directory, an ISO image, an http/https/ftp URL or an NFS
/// server:/path) into the empty directory DIR, exactly as the install's package step does
/// (streamed, MD5/SHA-256 checked while read, extracted, moved into place), without disks.
/// For inspecting a repository's contents and for `bench/http-install.sh`.
enum InstallPackagesCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: [], values: [])
        guard o.positionals.count == 2 else {
            throw .invalid("install-packages", "usage: host-installer install-packages SOURCE DIR")
        }
        let (location, dir) = (o.positionals[0], o.positionals[1])
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw .invalid(dir, "not a directory", hint: "create an empty directory to install into")
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty == true else {
            throw .invalid(dir, "the directory is not empty", hint: "install into an empty directory")
        }
        let source: Source
        let lower = location.lowercased()
        if ["http://", "https://", "ftp://"].contains(where: lower.hasPrefix) {
            source = .url(location, credentials: nil)
        } else if lower.hasPrefix("nfs://") || (location.contains(":/") && !location.hasPrefix("/")) {
            source = .nfs(location)
        } else {
            source = .local(path: location)
        }
        let log = EventLog()
        let start = Date()
        let noCD = Machine(cpu: .init(model: "", cores: 1, hvm: false), memoryMiB: 0, disks: [], nics: [], cdrom: nil)
        let accessor = try Accessors.make(for: source, machine: noCD)
        defer { accessor.close() }
        guard let main = try RepositoryScanner.scanInstallSource(accessor).first(where: { $0.id == .main }) else {
            throw .failed("no base repository", at: source.displayName)
        }
        let root = URL(fileURLWithPath: dir).standardizedFileURL.path
        var bytes: UInt64 = 0
        for pkg in main.packages {
            try PackageInstaller(root: root, log: log).install(pkg, of: main, from: accessor)
            bytes += pkg.size
        }
        print(String(format: "installed %d packages of %@ %@ (%.1f MB) from %@ into %@ in %.2f s",
                     main.packages.count, main.id.description, main.version, Double(bytes) / 1e6,
                     source.displayName, root, Date().timeIntervalSince(start)))
        return 0
    }
}
