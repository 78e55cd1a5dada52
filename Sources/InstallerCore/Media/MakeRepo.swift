import Foundation

/// `host-installer make-repo DIR`: writes XS-REPOSITORY and XS-PACKAGES for the package files in DIR.
public enum MakeRepo {
    /// Identity options; nil fields take the defaults (or, when XS-REPOSITORY exists, its values).
    public struct Identity: Sendable, Equatable {
        public var originator: String?
        public var name: String?
        public var product: String?
        public var version: String?
        public var build: String?
        public var description: String?
        public init(originator: String? = nil, name: String? = nil, product: String? = nil, version: String? = nil,
                    build: String? = nil, description: String? = nil) {
            self.originator = originator; self.name = name; self.product = product; self.version = version
            self.build = build; self.description = description
        }
        var isEmpty: Bool { self == Identity() }
    }

    /// The package type a file name implies: `*.tar.*`, `*.tgz`, `*.tbz2`... are tbz2, `*.ko` driver, others firmware.
    public static func package(forFile file: String, size: UInt64, md5: String, sha256: String?) -> Package {
        let lower = file.lowercased()
        let tarSuffixes = [".tbz2", ".tbz", ".tgz", ".txz", ".tzst", ".tar"]
        let label: String
        let kind: Package.Kind
        if let r = lower.range(of: ".tar.") {
            kind = .tbz2
            label = String(file[..<r.lowerBound])
        } else if let suffix = tarSuffixes.first(where: { lower.hasSuffix($0) }) {
            kind = .tbz2
            label = String(file.dropLast(suffix.count))
        } else if lower.hasSuffix(".ko") || lower.hasSuffix(".ko.xz") || lower.hasSuffix(".ko.zst") {
            kind = .driver
            label = String(file[..<file.range(of: ".ko", options: [.caseInsensitive, .backwards])!.lowerBound])
        } else {
            kind = .firmware
            label = file
        }
        switch kind {
        case .tbz2:
            return Package(label: label, kind: .tbz2, size: size, md5: md5, sha256: sha256, root: "/", file: file)
        case .driver:
            return Package(label: label, kind: .driver, size: size, md5: md5, sha256: sha256,
                           root: "/lib/modules/${KERNEL_VERSION}/extra", kernel: "any", file: file)
        case .firmware:
            return Package(label: label, kind: .firmware, size: size, md5: md5, sha256: sha256, file: file)
        }
    }

    /// Defaults for a directory with no XS-REPOSITORY: `packages.NAME` gives name NAME,
    /// `driver.NAME` a driver disk of that name, anything else `xs:main`.
    static func defaultRepository(directory: String, packages: [Package]) -> Repository {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        var name = "main"
        var description = "Xen Cloud Platform 0.1"
        var requires: [Requirement] = []
        if base.hasPrefix("packages."), base.count > 9 {
            name = String(base.dropFirst(9))
            if name == "linux" {
                description = "Linux Pack"
                requires = [Requirement(id: .main, test: .ge, version: "0.1.0")]
            } else if name != "main" {
                description = name
            }
        } else if base.hasPrefix("driver.") || (!packages.isEmpty && packages.allSatisfy { $0.kind != .tbz2 }) {
            name = base.hasPrefix("driver") ? base : "driver." + base
            description = "Driver disk " + (base.hasPrefix("driver.") ? String(base.dropFirst(7)) : base)
        }
        return Repository(id: RepositoryID(originator: "xs", name: name), product: "XCP", version: "0.1.0",
                          build: "1234", description: description, requires: requires, packages: [], directory: "")
    }

    public struct Result: Sendable {
        public var repository: Repository
        /// True when XS-REPOSITORY was (re)written, false when the existing one was kept.
        public var wroteRepositoryFile: Bool
        /// Files the old XS-PACKAGES listed that are no longer in the directory (left out).
        public var dropped: [String] = []
    }

    /// Hashes every regular file in `directory` (not its subdirectories, not hidden files, not
    /// the metadata) and writes XS-PACKAGES; writes XS-REPOSITORY unless it exists and no
    /// identity option is given. Both files are replaced atomically. When XS-PACKAGES exists
    /// (even a draft without sizes and digests), its order and each file's label, type, root
    /// and kernel are kept; new files are added after it, typed by their names.
    public static func run(directory: String, identity: Identity = Identity()) throws(InstallerError) -> Result {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw .invalid(directory, "not a directory")
        }
        let metadata: Set<String> = [RepositoryMetadata.repositoryFile, RepositoryMetadata.packagesFile, RepositoryMetadata.listFile]
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw .failed("cannot list the directory: \(error.localizedDescription)", at: directory)
        }
        // What an existing XS-PACKAGES says about each file (label, type, root, kernel) is kept;
        // sizes and digests are always recomputed, so a draft list without them is fine.
        let pkgPath = SourcePath.join(directory, RepositoryMetadata.packagesFile)
        var listed: [(file: String, label: String?, kind: Package.Kind?, root: String?, kernel: String?)] = []
        if let existing = fm.contents(atPath: pkgPath) {
            let doc = try MetadataXML(Array(existing), name: pkgPath)
            guard doc.root.name == "packages" else {
                throw .invalid("\(pkgPath):\(doc.root.line)", "the top element is <\(doc.root.name)>, expected <packages>")
            }
            for node in doc.root.children where node.name == "package" {
                var kind: Package.Kind?
                if let t = node["type"] {
                    guard let k = Package.Kind(rawValue: t) else {
                        throw .invalid("\(pkgPath):\(node.line)", "unknown type \"\(t)\" (expected tbz2, driver or firmware)")
                    }
                    kind = k
                }
                listed.append((node.text.trimmedWhitespace, node["label"], kind, node["root"], node["kernel"]))
            }
        }
        var files: [String: UInt64] = [:]
        for name in names where !name.hasPrefix(".") && !metadata.contains(name) && !name.hasSuffix(".tmp-make-repo") {
            var st = stat()
            guard stat(SourcePath.join(directory, name), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            files[name] = UInt64(st.st_size)
        }
        var packages: [Package] = []
        var dropped: [String] = []
        let order = listed.map(\.file) + names.filter { n in files[n] != nil && !listed.contains { $0.file == n } }
        for name in order {
            guard let size = files[name] else { dropped.append(name); continue }
            let sums = try Digest.hexes(path: SourcePath.join(directory, name), sha256: true)
            var p = package(forFile: name, size: size, md5: sums.md5, sha256: sums.sha256)
            if let l = listed.first(where: { $0.file == name }) {
                if let k = l.kind, k != p.kind {
                    p.kind = k
                    p.root = k == .tbz2 ? "/" : (k == .driver ? "/lib/modules/${KERNEL_VERSION}/extra" : nil)
                    p.kernel = k == .driver ? "any" : nil
                }
                if let v = l.label, !v.isEmpty { p.label = v }
                if let v = l.root { p.root = v }
                if let v = l.kernel { p.kernel = v }
            }
            packages.append(p)
        }
        var labels = Set<String>()
        for i in packages.indices {
            var label = packages[i].label
            var n = 2
            while labels.contains(label) { label = "\(packages[i].label)-\(n)"; n += 1 }
            labels.insert(label)
            packages[i].label = label
        }

        let repoPath = SourcePath.join(directory, RepositoryMetadata.repositoryFile)
        var repo: Repository
        var write = true
        if let existing = fm.contents(atPath: repoPath) {
            repo = try RepositoryMetadata.parseRepository(Array(existing), name: repoPath)
            write = !identity.isEmpty
        } else {
            repo = defaultRepository(directory: directory, packages: packages)
        }
        if let v = identity.originator { repo.id.originator = v }
        if let v = identity.name { repo.id.name = v }
        if let v = identity.product { repo.product = v }
        if let v = identity.version {
            try RepositoryMetadata.checkVersion(v, at: "--version", what: "the version")
            repo.version = v
        }
        if let v = identity.build { repo.build = v }
        if let v = identity.description { repo.description = v }
        repo.packages = packages

        if write { try writeAtomically(RepositoryMetadata.renderRepository(repo), to: repoPath) }
        try writeAtomically(RepositoryMetadata.renderPackages(packages), to: pkgPath)
        return Result(repository: repo, wroteRepositoryFile: write, dropped: dropped)
    }

    static func writeAtomically(_ text: String, to path: String) throws(InstallerError) {
        let tmp = path + ".tmp-make-repo"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) else {
            throw .failed("cannot write: \(String(cString: strerror(errno)))", at: path)
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .failed("cannot write: \(String(cString: strerror(errno)))", at: path)
        }
    }
}
