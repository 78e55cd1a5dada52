import Foundation
import InstallerCore
import Synchronization

/// The guide's step 17: after the main installation, "insert the Linux Pack disc". Each
/// Use media reads the disc now in the drive (on a profile machine: the next disc listed
/// for the CD drive, as if the previous one had been ejected); a disc that is not a Linux
/// Pack for this product is named and the prompt comes back. Skip finishes without it.
@MainActor
extension InstallRunner {
    static let linuxPackHelp = """
    The Linux Pack is needed to run Linux VMs. Take the main disc out of the drive, put the \
    Linux Pack disc in, and choose "Use media". "Skip" finishes the installation without it; \
    it can be added later with install.sh from the Linux Pack disc.
    """

    func linuxPackFromDisc(_ plan: InstallPlan, main: Repository) -> Outcome {
        let log = EventLog.shared
        var next = 1   // discs[0] is the main disc
        while true {
            let prompt = Form(title: "Linux Pack", width: 60, body: [TextBlock("""
                The main installation is complete. Please eject the main disc, insert the Linux Pack \
                disc for \(main.product) \(main.version), then choose "Use media".
                """)], buttons: [FormButton("use", "Use media"), FormButton("skip", "Skip")],
                help: Self.linuxPackHelp, focusButton: "use")
            let choice = ui.run(prompt)
            if choice == "skip" {
                log.log("Linux Pack disc: skipped by the administrator; the Linux Pack is not installed")
                return .complete
            }
            guard let disc = discInDrive(&next) else {
                ui.message("No Disc", "There is no disc in the drive. Insert the Linux Pack disc and choose \"Use media\", or choose Skip.")
                continue
            }
            let accessor: Accessor
            let pack: Repository
            do throws(InstallerError) {
                (accessor, pack) = try ui.working("Please wait", "Reading the disc...") { () throws(InstallerError) -> (Accessor, Repository) in
                    let a = try Accessors.local(disc)
                    do throws(InstallerError) { return (a, try LinuxPackDisc.check(a, main: main)) } catch { a.close(); throw error }
                }
            } catch {
                log.log("Linux Pack disc \(disc): \(error.description)")
                // What the disc is, without the drive's path; the log has the full text.
                let what = error.message.prefix(1).uppercased() + error.message.dropFirst()
                ui.message("Wrong Disc", "\(what).\n\nInsert the Linux Pack disc for \(main.product) \(main.version) and choose \"Use media\" again, or choose Skip.", width: 60)
                continue
            }
            defer { accessor.close() }
            log.log("Linux Pack disc \(disc): \(pack.id) \(pack.version), \(pack.packages.count) packages")
            return install(pack, from: accessor, plan: plan)
        }
    }

    /// The disc now in the drive: the device on real hardware; on a profile machine the next
    /// disc listed (each Use media ejects the previous one). nil when the drive is empty.
    private func discInDrive(_ next: inout Int) -> String? {
        guard let cd = machine.cdrom else { return nil }
        if machine.isReal { return cd.discs.first }
        guard next < cd.discs.count else { return nil }
        defer { next += 1 }
        return cd.discs[next]
    }

    private func install(_ pack: Repository, from accessor: Accessor, plan: InstallPlan) -> Outcome {
        struct Progress { var fraction = 0.0, step = "Preparing...", left: Double?; var result: Result<Void, InstallerError>? }
        let shared = Mutex(Progress())
        let machine = self.machine
        nonisolated(unsafe) let acc = accessor
        let t = Thread {
            let r = LinuxPackDisc.run(pack, from: acc, plan: plan, machine: machine) { e in
                if case let .progress(f, step, left) = e { shared.withLock { $0.fraction = f; $0.step = step; $0.left = left } }
            }
            shared.withLock { $0.result = r }
        }
        t.stackSize = 8 << 20
        t.start()
        let (form, step, bar) = FormKit.progress(title: "Installing Linux Pack", text: "Preparing...",
                                                 help: "The Linux Pack's packages are being installed onto the new system.")
        _ = ui.run(form, tickMs: 200) {
            let p = shared.withLock { $0 }
            bar.fraction = p.fraction
            bar.secondsLeft = p.left
            step.text = p.step
            return p.result != nil ? "done" : nil
        }
        switch shared.withLock({ $0.result })! {
        case .success: return .complete
        case let .failure(e): return .failed(e)
        }
    }
}
