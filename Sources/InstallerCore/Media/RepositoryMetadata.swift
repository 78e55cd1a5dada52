import CLibXML2

/// Reads and writes XS-REPOSITORY and XS-PACKAGES (the September 2009 XML format, SPEC section 3).
///
/// Parsing goes through libxml2 with the network off and no DTD loading or entity
/// substitution; a document with a DOCTYPE is refused. Every problem is an
/// `InstallerError.invalid("FILE:LINE", "what is wrong")`.
public enum RepositoryMetadata {
    public static let repositoryFile = "XS-REPOSITORY"
    public static let packagesFile = "XS-PACKAGES"
    public static let listFile = "XS-REPOSITORY-LIST"

    /// Both files of one repository. `repositoryName`/`packagesName` name the files in errors.
    public static func parse(repository: [UInt8], packages: [UInt8], directory: String,
                             repositoryName: String = repositoryFile,
                             packagesName: String = packagesFile) throws(InstallerError) -> Repository {
        var repo = try parseRepository(repository, name: repositoryName, directory: directory)
        repo.packages = try parsePackages(packages, name: packagesName)
        return repo
    }

    /// XS-REPOSITORY alone (the returned repository has no packages).
    public static func parseRepository(_ bytes: [UInt8], name: String, directory: String = "") throws(InstallerError) -> Repository {
        let doc = try MetadataXML(bytes, name: name)
        let root = doc.root
        guard root.name == "repository" else {
            throw .invalid("\(name):\(root.line)", "the top element is <\(root.name)>, expected <repository>")
        }
        try root.checkAttributes(["originator", "name", "product", "version", "build"], file: name)
        let originator = try root.required("originator", file: name)
        let repoName = try root.required("name", file: name)
        let version = try root.required("version", file: name)
        try checkVersion(version, at: "\(name):\(root.line)", what: "version of <repository>")
        var description: String?
        var requires: [Requirement] = []
        for child in root.children {
            switch child.name {
            case "description":
                if description != nil { throw .invalid("\(name):\(child.line)", "a second <description>") }
                description = child.text
            case "requires":
                try child.checkAttributes(["originator", "name", "test", "version", "build"], file: name)
                let id = RepositoryID(originator: try child.required("originator", file: name),
                                      name: try child.required("name", file: name))
                var test: Requirement.Test?
                if let t = child["test"] {
                    guard let parsed = Requirement.Test(rawValue: t) else {
                        throw .invalid("\(name):\(child.line)", "unknown test \"\(t)\" in <requires> (expected eq, ne, lt, le, gt or ge)")
                    }
                    test = parsed
                }
                let v = child["version"]
                if test != nil && v == nil {
                    throw .invalid("\(name):\(child.line)", "<requires> has a test but no version attribute")
                }
                if let v { try checkVersion(v, at: "\(name):\(child.line)", what: "version of <requires>") }
                requires.append(Requirement(id: id, test: v == nil ? nil : (test ?? .ge), version: v))
            default:
                throw .invalid("\(name):\(child.line)", "unknown element <\(child.name)> in <repository> (expected <description> or <requires>)")
            }
        }
        let id = RepositoryID(originator: originator, name: repoName)
        return Repository(id: id, product: root["product"] ?? "", version: version, build: root["build"],
                          description: description ?? id.description, requires: requires, packages: [],
                          directory: directory)
    }

    /// XS-PACKAGES alone.
    public static func parsePackages(_ bytes: [UInt8], name: String) throws(InstallerError) -> [Package] {
        let doc = try MetadataXML(bytes, name: name)
        let root = doc.root
        guard root.name == "packages" else {
            throw .invalid("\(name):\(root.line)", "the top element is <\(root.name)>, expected <packages>")
        }
        var packages: [Package] = []
        var seenFiles: [String: Int] = [:]
        for node in root.children {
            let at = "\(name):\(node.line)"
            guard node.name == "package" else {
                throw .invalid(at, "unknown element <\(node.name)> in <packages> (expected <package>)")
            }
            try node.checkAttributes(["label", "type", "size", "md5", "sha256", "root", "kernel"], file: name)
            let label = try node.required("label", file: name)
            let what = "package \"\(label)\""
            guard let typeText = node["type"] else { throw .invalid(at, "\(what) has no type attribute (tbz2, driver or firmware)") }
            guard let kind = Package.Kind(rawValue: typeText) else {
                throw .invalid(at, "\(what) has an unknown type \"\(typeText)\" (expected tbz2, driver or firmware)")
            }
            guard let sizeText = node["size"] else { throw .invalid(at, "\(what) has no size attribute") }
            guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let size = UInt64(sizeText) else {
                throw .invalid(at, "\(what) has a bad size \"\(sizeText)\" (a whole number of bytes)")
            }
            guard let md5 = node["md5"] else { throw .invalid(at, "\(what) has no md5 attribute (it is required)") }
            guard Digest.isHex(md5, count: 32) else {
                throw .invalid(at, "\(what) has a bad md5 \"\(md5)\" (32 hex digits)")
            }
            let sha = node["sha256"]
            if let sha, !Digest.isHex(sha, count: 64) {
                throw .invalid(at, "\(what) has a bad sha256 \"\(sha)\" (64 hex digits)")
            }
            let file = node.text.trimmedWhitespace
            guard !file.isEmpty else { throw .invalid(at, "\(what) names no file (the file name is the element's text)") }
            let parts = file.split(separator: "/", omittingEmptySubsequences: false)
            guard !file.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
                throw .invalid(at, "\(what) has the file name \"\(file)\", which is not a plain path inside the repository")
            }
            if let first = seenFiles[file] {
                throw .invalid(at, "\(what) names \"\(file)\" again (first at line \(first))")
            }
            seenFiles[file] = node.line
            var root = node["root"]
            if root == nil {
                switch kind {
                case .tbz2: root = "/"
                case .driver: root = "/lib/modules/${KERNEL_VERSION}/extra"
                case .firmware: root = nil
                }
            }
            if let r = root, !r.hasPrefix("/") {
                throw .invalid(at, "\(what) has root \"\(r)\", which is not an absolute path")
            }
            packages.append(Package(label: label, kind: kind, size: size, md5: md5.lowercased(), sha256: sha?.lowercased(),
                                    root: root, kernel: node["kernel"], file: file))
        }
        return packages
    }

    static func checkVersion(_ v: String, at: String, what: String) throws(InstallerError) {
        guard !v.isEmpty, v.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 }),
              !v.hasPrefix("."), !v.hasSuffix("."), !v.contains("..") else {
            throw .invalid(at, "\(what) is \"\(v)\", expected dotted numbers such as 0.1.0")
        }
    }

    // MARK: writing

    /// XS-REPOSITORY text for a repository (its packages are not part of it).
    public static func renderRepository(_ r: Repository) -> String {
        var attrs = [("originator", r.id.originator), ("name", r.id.name)]
        if !r.product.isEmpty { attrs.append(("product", r.product)) }
        attrs.append(("version", r.version))
        if let b = r.build { attrs.append(("build", b)) }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repository"
        for (k, v) in attrs { s += " \(k)=\"\(XMLEscape.escape(v))\"" }
        s += ">\n  <description>\(XMLEscape.escape(r.description))</description>\n"
        for q in r.requires {
            s += "  <requires originator=\"\(XMLEscape.escape(q.id.originator))\" name=\"\(XMLEscape.escape(q.id.name))\""
            if let t = q.test, let v = q.version { s += " test=\"\(t.rawValue)\" version=\"\(XMLEscape.escape(v))\"" }
            s += "/>\n"
        }
        return s + "</repository>\n"
    }

    /// XS-PACKAGES text.
    public static func renderPackages(_ packages: [Package]) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<packages>\n"
        for p in packages {
            s += "  <package label=\"\(XMLEscape.escape(p.label))\" type=\"\(p.kind.rawValue)\" size=\"\(p.size)\" md5=\"\(p.md5)\""
            if let sha = p.sha256 { s += " sha256=\"\(sha)\"" }
            if let k = p.kernel { s += " kernel=\"\(XMLEscape.escape(k))\"" }
            if let r = p.root { s += " root=\"\(XMLEscape.escape(r))\"" }
            s += ">\(XMLEscape.escape(p.file))</package>\n"
        }
        return s + "</packages>\n"
    }

}

// MARK: - libxml2

/// One parsed metadata document, read with the installer's one libxml2 reader (XMLTree.swift).
/// Only the first error is reported, as `FILE:LINE`.
struct MetadataXML {
    let root: XElement

    init(_ bytes: [UInt8], name: String) throws(InstallerError) {
        let (root, problems) = XMLTreeLoader.load(bytes, policy: .repositoryMetadata)
        if let e = problems.first(where: { $0.severity == .error }) {
            throw .invalid("\(name):\(e.line)", e.syntax ? "malformed XML (column \(e.column)): \(e.message)" : e.message)
        }
        guard let root else { throw .invalid("\(name):1", "malformed XML") }
        self.root = root
    }
}

extension XElement {
    subscript(_ key: String) -> String? { attribute(key) }

    func required(_ key: String, file: String) throws(InstallerError) -> String {
        guard let v = self[key], !v.isEmpty else {
            throw .invalid("\(file):\(line)", "<\(name)> has no \(key) attribute (it is required)")
        }
        return v
    }

    func checkAttributes(_ allowed: Set<String>, file: String) throws(InstallerError) {
        for (k, _) in attributes where !allowed.contains(k) {
            throw .invalid("\(file):\(line)", "unknown attribute \(k) on <\(name)> (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}
