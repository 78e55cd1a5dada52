import Foundation

/// Runs a command to the end; throws (with its output) when it exits non-zero.
@discardableResult
public func runTool(_ argv: [String], in cwd: String? = nil) throws -> String {
    let (status, out) = try spawn(argv, in: cwd, keepStderr: true)
    if status != 0 { throw TestSupportError("\(argv.joined(separator: " ")) exited \(status): \(out)") }
    return out
}

/// Runs a command; nil when it fails (for optional set-up such as loop devices).
public func runToolQuiet(_ argv: [String]) throws -> String? {
    let (status, out) = try spawn(argv, in: nil, keepStderr: false)
    return status == 0 ? out : nil
}

private func spawn(_ argv: [String], in cwd: String?, keepStderr: Bool) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = keepStderr ? pipe : FileHandle(forWritingAtPath: "/dev/null")
    p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A port on 127.0.0.1 that nothing listens on (bound, then closed).
public func closedPort() -> Int {
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
