import Foundation
import Testing
@testable import InstallerCore
import TestSupport

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
