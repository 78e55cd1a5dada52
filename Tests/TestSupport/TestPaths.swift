import Foundation

/// Where the checkout's test material is, for both test targets (and any later one).
public enum TestPaths {
    /// The checkout's top directory (the one holding Package.swift).
    public static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    /// `Tests/Fixtures`: machine profiles, servers, media.
    public static let fixtures = root + "/Tests/Fixtures"
    /// `Tests/Fixtures/machines`: the machine profiles.
    public static let machines = fixtures + "/machines"
    /// `Tests/Fixtures/servers`: the Python test servers (HTTP, FTP, NFS helpers).
    public static let servers = fixtures + "/servers"
    /// `Tests/Answerfiles`: good and bad answerfiles with their golden outputs.
    public static let answerfiles = root + "/Tests/Answerfiles"
    /// The debug build of the installer (built by `swift build --build-tests` before the tests).
    public static let debugBinary = root + "/.build/debug/host-installer"
}

/// Whether the root-gated tests can run here: root, /dev/loop-control and the tools that
/// `scripts/install-deps` installs. Suites use it in `.enabled(if:)`; `scripts/run-swift-tests`
/// counts such a skip apart and fails the run under CI.
public enum IntegrationEnv {
    public static let tools = ["losetup", "mke2fs", "mount", "umount", "extlinux", "mkswap", "debugfs", "python3", "bzip2"]
    public static var canRun: Bool {
        getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/loop-control")
            && tools.allSatisfy { t in ["/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + t) } }
    }
}

/// A failure of the test scaffolding itself (a tool that failed, a server that did not start).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
