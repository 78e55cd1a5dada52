import Foundation

/// A scratch directory removed when the value is dropped.
public final class ScratchDirectory {
    public let path: String
    public init(_ tag: String = "media") {
        path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hi-\(tag)-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    public func write(_ rel: String, _ text: String) -> String { write(rel, Array(text.utf8)) }

    @discardableResult
    public func write(_ rel: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + rel
        try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// Deterministic pseudo-random bytes.
    public static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var x = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<count).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return UInt8(truncatingIfNeeded: x) }
    }
}
