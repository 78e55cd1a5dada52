import Foundation
import Testing
@testable import InstallerCore

/// A scratch directory removed when the value is dropped.
final class ScratchDirectory {
    let path: String
    init(_ tag: String = "media") {
        path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hi-\(tag)-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ rel: String, _ text: String) -> String { write(rel, Array(text.utf8)) }

    @discardableResult
    func write(_ rel: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + rel
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var x = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<count).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return UInt8(truncatingIfNeeded: x) }
    }
}

/// A sample media tree: packages.main (a tarball and firmware), packages.linux (requires main),
/// driver.megaraid_sas (a .ko), made with make-repo.
func makeSampleMedia(in dir: ScratchDirectory, bigSize: Int = 300_000) throws -> [Repository] {
    dir.write("packages.main/dom0-root.tar.bz2", ScratchDirectory.bytes(bigSize, seed: 1))
    dir.write("packages.main/fw.bin", ScratchDirectory.bytes(1000, seed: 2))
    dir.write("packages.linux/linux-guest.tar.gz", ScratchDirectory.bytes(50_000, seed: 3))
    dir.write("driver.megaraid_sas/megaraid_sas.ko", ScratchDirectory.bytes(4096, seed: 4))
    return try ["packages.main", "packages.linux", "driver.megaraid_sas"].map {
        try MakeRepo.run(directory: dir.path + "/" + $0).repository
    }
}

/// Runs a command to the end; fails the test when it exits non-zero.
@discardableResult
func runTool(_ argv: [String], in cwd: String? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let out = String(decoding: data, as: UTF8.self)
    if p.terminationStatus != 0 {
        Issue.record("\(argv.joined(separator: " ")) exited \(p.terminationStatus): \(out)")
        throw InstallerError.failed("tool failed")
    }
    return out
}

/// A Python test server (Tests/Fixtures/servers) on 127.0.0.1, on a port it picks and prints.
/// Stopped by its PID when the value is dropped; the script also exits when its parent dies.
final class TestServer {
    let process = Process()
    private(set) var port = 0

    static var scriptDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/servers").path
    }

    init(script: String, root: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestServer.scriptDirectory + "/" + script, root]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        // Read "PORT n\n" (the server prints it once it listens).
        var line = [UInt8]()
        let fd = out.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 200) > 0 else { if !process.isRunning { break }; continue }
            var b: UInt8 = 0
            guard Glibc.read(fd, &b, 1) == 1 else { break }
            if b == 10 { break }
            line.append(b)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5)) else {
            stop()
            throw InstallerError.failed("the test server \(script) did not start: \(text)")
        }
        port = p
    }

    /// SIGTERM, then SIGKILL after 3 s (a child of Foundation.Process may start with SIGTERM blocked).
    func stop() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then closed).
func closedPort() -> Int {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(s) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Reads a whole stream.
func readAll(_ s: ByteStream) throws -> [UInt8] {
    defer { s.close() }
    var out = [UInt8]()
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 100_000, alignment: 8)
    defer { buf.deallocate() }
    while true {
        let n = try s.read(into: buf)
        if n == 0 { return out }
        out += UnsafeRawBufferPointer(rebasing: buf[0..<n])
    }
}
