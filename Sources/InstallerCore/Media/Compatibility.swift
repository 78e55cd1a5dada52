/// Version comparison, `requires` checks and the install-source rules of SPEC section 3.
public enum VersionCompare {
    /// Compares dotted numbers: "0.1" == "0.1.0" < "0.1.1" < "0.1.9" < "0.1.10" < "0.10". Parts
    /// separated by `.` or `-`; missing parts count as 0; a part that is not a number is
    /// compared as text. The one comparator for product and repository versions (the upgrade
    /// check, `requires`); only kernel file names under /boot are ordered otherwise.
    public static func compare(_ a: String, _ b: String) -> Int {
        let x = parts(a), y = parts(b)
        for i in 0..<max(x.count, y.count) {
            let p = i < x.count ? x[i] : "0", q = i < y.count ? y[i] : "0"
            if let m = UInt64(p), let n = UInt64(q) {
                if m != n { return m < n ? -1 : 1 }
            } else if p != q {
                return p < q ? -1 : 1
            }
        }
        return 0
    }

    public static func test(_ a: String, _ test: Requirement.Test, _ b: String) -> Bool {
        let c = compare(a, b)
        switch test {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        }
    }

    private static func parts(_ v: String) -> [String] {
        v.split(whereSeparator: { $0 == "." || $0 == "-" }).map(String.init)
    }
}

extension Requirement: CustomStringConvertible {
    /// `xs:main ge 0.1.0`, or just `xs:main`.
    public var description: String {
        if let t = test, let v = version { return "\(id) \(t.rawValue) \(v)" }
        return id.description
    }

    public func isSatisfied(by repo: Repository) -> Bool {
        guard repo.id == id else { return false }
        guard let test, let version else { return true }
        return VersionCompare.test(repo.version, test, version)
    }
}

extension Repository {
    /// A driver disk: its name starts with `driver`, or it holds only driver and firmware packages.
    public var isDriverDisk: Bool {
        id.isDriverDisk || (!packages.isEmpty && packages.allSatisfy { $0.kind != .tbz2 })
    }

    /// Total bytes of its packages.
    public var totalSize: UInt64 { packages.reduce(0) { $0 + $1.size } }

    /// The `requires` that none of `available` (other repositories on the media and those
    /// already installed) satisfies, each with a sentence saying why.
    public func unmetRequirements(in available: [Repository]) -> [(Requirement, String)] {
        requires.compactMap { q in
            if available.contains(where: { q.isSatisfied(by: $0) }) { return nil }
            if let other = available.first(where: { $0.id == q.id }) {
                return (q, "\(id) needs \(q), but version \(other.version) of \(q.id) is present")
            }
            return (q, "\(id) needs \(q), which is not present")
        }
    }
}

public enum RepositoryRules {
    /// Checks what an installation source must hold: the base repository `xs:main`, and every
    /// `requires` met by the repositories found together with `installed`.
    /// Returns the repositories in install order (main first).
    @discardableResult
    public static func checkInstallSource(_ repos: [Repository], installed: [Repository] = [],
                                          source: String) throws(InstallerError) -> [Repository] {
        guard repos.contains(where: { $0.id == .main }) else {
            let found = repos.isEmpty ? "no repository at all" : "only " + repos.map(\.id.description).joined(separator: ", ")
            throw .invalid(source, "this is not an installation source: it has no base repository xs:main (found \(found))",
                           hint: "check the URL or path, or use the main product media")
        }
        try checkRequirements(repos, installed: installed, source: source)
        return repos.filter { $0.id == .main } + repos.filter { $0.id != .main }
    }

    /// Every repository's `requires` against the others and `installed`.
    public static func checkRequirements(_ repos: [Repository], installed: [Repository] = [],
                                         source: String) throws(InstallerError) {
        let problems = repos.flatMap { r in r.unmetRequirements(in: repos.filter { $0.id != r.id } + installed).map(\.1) }
        if !problems.isEmpty {
            throw .invalid(source, problems.joined(separator: "; "))
        }
    }

    /// The driver disks among `repos`.
    public static func driverDisks(_ repos: [Repository]) -> [Repository] { repos.filter(\.isDriverDisk) }
}
