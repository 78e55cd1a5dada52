import Foundation

/// A Python test server (Tests/Fixtures/servers: testhttpd.py, testftpd.py, …) on 127.0.0.1,
/// on a port it picks and prints as "PORT n". Stopped by its PID when the value is dropped;
/// the script also exits when its parent dies.
public final class TestServer {
    public let process = Process()
    public private(set) var port = 0

    public init(script: String, root: String, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestPaths.servers + "/" + script, root] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        // Read "PORT n\n" (the server prints it once it listens), for at most 15 s.
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
            throw TestSupportError("the test server \(script) did not start: \(text)")
        }
        port = p
    }

    /// The server's base URL, e.g. `http://127.0.0.1:PORT`.
    public func url(scheme: String = "http") -> String { "\(scheme)://127.0.0.1:\(port)" }

    /// SIGTERM, then SIGKILL after 3 s (a child of Foundation.Process may start with SIGTERM blocked).
    public func stop() {
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
