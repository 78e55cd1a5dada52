// swift-tools-version:6.0
// host-installer: a text-mode installer for a Xen Cloud Platform style host.
// C libraries sit behind system-library targets (module.modulemap + shim.h);
// InstallerCore never draws, InstallerTUI is the only code that calls curses.
// curl, nfs, parted, archive, xml2 and crypto are not linked: LazyLibs opens each on the
// first call of one of its functions (Sources/LazyLibs/symbols.txt, DECISIONS.md).
import PackageDescription

/// libxml2's headers live in a subdirectory (pkg-config would also link the library).
let libxml2Headers: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])]

let package = Package(
    name: "host-installer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "host-installer", targets: ["InstallerTUI"]),
    ],
    targets: [
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CParted", path: "Sources/CParted", providers: [.apt(["libparted-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CVTerm", path: "Sources/CVTerm", providers: [.apt(["libvterm-dev"])]),
        .systemLibrary(name: "CArchive", path: "Sources/CArchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CNFS", path: "Sources/CNFS", providers: [.apt(["libnfs-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev", "libcrypt-dev"])]),
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .systemLibrary(name: "CBZip2", path: "Sources/CBZip2", providers: [.apt(["libbz2-dev"])]),
        .target(name: "LazyLibs", path: "Sources/LazyLibs", exclude: ["symbols.txt"],
                linkerSettings: [.linkedLibrary("dl")]),
        .target(
            name: "InstallerCore",
            dependencies: ["CParted", "CLibXML2", "CArchive", "CCurl", "CNFS", "CCrypto", "CSystem", "CBZip2", "LazyLibs"],
            path: "Sources/InstallerCore", swiftSettings: libxml2Headers
        ),
        .target(
            name: "Replay",
            dependencies: ["CVTerm", "CSystem"],
            path: "Sources/Replay"
        ),
        .executableTarget(
            name: "InstallerTUI",
            dependencies: ["InstallerCore", "Replay", "CNCurses", "CSystem"],
            path: "Sources/InstallerTUI", swiftSettings: libxml2Headers
        ),
        // Test scaffolding shared by both test targets: paths, scratch directories, the Python
        // test servers, tools, the root-gated integration check. No InstallerCore types.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "InstallerCoreTests",
            dependencies: ["InstallerCore", "LazyLibs", "TestSupport"],
            path: "Tests/InstallerCoreTests", swiftSettings: libxml2Headers
        ),
        .testTarget(
            name: "InstallerTUITests",
            dependencies: ["InstallerTUI", "InstallerCore", "Replay", "TestSupport"],
            path: "Tests/InstallerTUITests", swiftSettings: libxml2Headers
        ),
    ],
    swiftLanguageModes: [.v6]
)
