import Foundation
import Synchronization
import Testing
@testable import InstallerCore

@Suite struct CleanupRegistryTests {
    @Test func runsNewestFirstAndForgetsRemovedActions() {
        let r = CleanupRegistry()
        let order = Mutex<[String]>([])
        r.register("detach loop") { _ in order.withLock { $0.append("loop") } }
        let t = r.register("removed") { _ in order.withLock { $0.append("removed") } }
        r.register("unmount") { urgent in order.withLock { $0.append("unmount urgent=\(urgent)") } }
        r.remove(t)
        #expect(r.pending == ["detach loop", "unmount"])
        r.runAll(urgent: true)
        #expect(order.withLock { $0 } == ["unmount urgent=true", "loop"])
        #expect(r.pending == [] && r.isDying)
        #expect(throws: InstallerError.self) { try r.checkNotDying() }
    }

    @Test func shutdownWaitsForNormalRelease() {
        let r = CleanupRegistry()
        let urgent = Mutex<Bool?>(nil)
        let t = r.register("mount") { u in urgent.withLock { $0 = u } }
        Thread.detachNewThread { usleep(50_000); r.remove(t) }   // the install releases it itself
        r.shutdown(grace: 5)
        #expect(urgent.withLock { $0 } == nil)
        let r2 = CleanupRegistry()
        r2.register("stuck") { u in urgent.withLock { $0 = u } }
        r2.shutdown(grace: 0.05)
        #expect(urgent.withLock { $0 } == true)
    }
}
