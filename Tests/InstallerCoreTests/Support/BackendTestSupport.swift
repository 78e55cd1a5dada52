import Foundation
@testable import InstallerCore

/// Test-only: an `Accessor` over a local directory (the real accessors live elsewhere).

final class FileStream: ByteStream {
    var fd: Int32
    init(fd: Int32) { self.fd = fd }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        guard n >= 0 else { throw .failed("read error: \(String(cString: strerror(errno)))") }
        return n
    }
    func close() { if fd >= 0 { Glibc.close(fd); fd = -1 } }
    deinit { close() }
}

/// A ByteStream over bytes in memory.
final class BytesStream: ByteStream {
    let bytes: [UInt8]
    var pos = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        let n = min(buffer.count, bytes.count - pos, 1000)   // small reads exercise the callbacks
        bytes.withUnsafeBytes { src in buffer.baseAddress!.copyMemory(from: src.baseAddress! + pos, byteCount: n) }
        pos += n
        return n
    }
    func close() {}
}

enum Shell {
    /// Runs a shell command line for test set-up; returns (status, output).
    @discardableResult
    static func run(_ cmd: String) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", cmd]
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try? p.run()
        let d = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: d, as: UTF8.self))
    }

    static func tempDir(_ name: String) -> String {
        var t = Array("/tmp/hi-test-\(name).XXXXXX".utf8CString)
        return t.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }
}
