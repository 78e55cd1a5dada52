/// Installation repositories (SPEC section 3): the typed form of XS-REPOSITORY and XS-PACKAGES.
public struct RepositoryID: Hashable, Sendable, CustomStringConvertible {
    public var originator: String
    public var name: String
    public init(originator: String, name: String) { self.originator = originator; self.name = name }
    public var description: String { "\(originator):\(name)" }
    public static let main = RepositoryID(originator: "xs", name: "main")
    public static let linux = RepositoryID(originator: "xs", name: "linux")
    public var isDriverDisk: Bool { name.hasPrefix("driver") }
}

public struct Requirement: Equatable, Sendable {
    public enum Test: String, Sendable { case eq, ne, lt, le, gt, ge }
    public var id: RepositoryID
    public var test: Test?
    public var version: String?
    public init(id: RepositoryID, test: Test?, version: String?) { self.id = id; self.test = test; self.version = version }
}

public struct Package: Equatable, Sendable {
    public enum Kind: String, Sendable { case tbz2, driver, firmware }
    public var label: String
    public var kind: Kind
    public var size: UInt64
    public var md5: String
    public var sha256: String?
    /// Where a tbz2 is extracted or a driver copied (`${KERNEL_VERSION}` is expanded later).
    public var root: String?
    public var kernel: String?
    /// The file name, relative to the repository directory.
    public var file: String
    public init(label: String, kind: Kind, size: UInt64, md5: String, sha256: String? = nil, root: String? = nil, kernel: String? = nil, file: String) {
        self.label = label; self.kind = kind; self.size = size; self.md5 = md5; self.sha256 = sha256
        self.root = root; self.kernel = kernel; self.file = file
    }
}

public struct Repository: Equatable, Sendable {
    public var id: RepositoryID
    public var product: String
    public var version: String
    public var build: String?
    public var description: String
    public var requires: [Requirement]
    public var packages: [Package]
    /// The repository's directory inside its source ("" for the top, "packages.main", ...).
    public var directory: String
    public init(id: RepositoryID, product: String, version: String, build: String?, description: String,
                requires: [Requirement], packages: [Package], directory: String) {
        self.id = id; self.product = product; self.version = version; self.build = build
        self.description = description; self.requires = requires; self.packages = packages; self.directory = directory
    }
}

/// A stream of bytes read from a source (a file on a disc, an HTTP body, an NFS file).
public protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 at the end. Throws a readable `InstallerError`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int
    func close()
}

/// Reads files from an installation source: a directory, an ISO image or CD device,
/// HTTP/HTTPS/FTP, or NFS. Paths are relative to the source's top, with `/` separators.
public protocol Accessor: AnyObject {
    /// For screens and logs; never holds a password.
    var displayName: String { get }
    func open(_ path: String) throws(InstallerError) -> ByteStream
    func exists(_ path: String) -> Bool
    /// Releases connections or files held.
    func close()
}
