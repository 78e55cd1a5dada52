import Foundation
import InstallerCore

/// The one place where the screens' runner asks InstallerCore to act: check and verify a
/// source, bring up its NIC, read a driver disk and load its drivers, load the keymap, open
/// the sources and validate the plan, run the install, read and install the Linux Pack disc,
/// set the clock, save the support bundle. Each function blocks; the runner
/// calls them inside a `BackgroundTask`. Results come back as values or `FlowAction`s. The
/// install itself, the clock, the keymap and runtime networking go through the backend
/// facade (`InstallerBackend`) the command made.
struct InstallEffects: Sendable {
    let backend: InstallerBackend
    /// Where status reports go (`report=`, `--report`, the answerfile's `<report>`), if anywhere.
    var reporter: StatusReporter?

    init(backend: InstallerBackend, reporter: StatusReporter? = nil) { self.backend = backend; self.reporter = reporter }

    /// Reachable, and holding a base repository: nil, or the message to show. With the base
    /// product found.
    func checkSource(_ source: Source, machine: Machine) -> (error: String?, media: MediaIdentity?) {
        do throws(InstallerError) {
            let found = try backend.checkSource(source, machine: machine)
            return (nil, found.map { MediaIdentity(product: $0.product, version: $0.version, hasLinuxPack: $0.hasLinuxPack) })
        } catch {
            return (error.description + "\n\nCheck the location (and the network settings, for a server) and try again.", nil)
        }
    }

    /// Reads every package of the source and compares its checksum; `progress(fraction, package)`.
    func verify(_ source: Source, machine: Machine,
                       progress: @escaping @Sendable (Double, String) -> Void) -> Result<Verifier.Report, InstallerError> {
        backend.verifySource(source, machine: machine, progress: progress)
    }

    /// Runtime networking is on: `--real-hardware`, or a profile machine in the network test.
    func runtimeNetworkEnabled(for machine: Machine) -> Bool {
        backend.runtimeNetworkEnabled(for: machine)
    }

    /// Brings up the source's NIC (runtime networking); nil when it is up.
    func bringUpNetwork(_ settings: RuntimeNetwork.Settings) -> String? {
        do throws(InstallerError) {
            try backend.runtimeNetwork.bringUp(settings)
            return nil
        } catch {
            return "The network could not be configured: \(error.description)."
        }
    }

    /// The driver repositories on a driver disk source, as `driverDiskScanned`.
    func scanDriverDisk(_ source: Source, machine: Machine) -> FlowAction {
        do throws(InstallerError) {
            return .driverDiskScanned(found: try backend.scanDriverDisk(source, machine: machine), error: nil)
        } catch {
            return .driverDiskScanned(found: [], error: error.description + "\n\nCheck the location (and the network settings, for a server) and try again.")
        }
    }

    /// Loads the drivers, then probes the hardware and the installations again: `driversLoaded`.
    func loadDrivers(_ source: Source, machine: Machine) -> FlowAction {
        do throws(InstallerError) {
            let (loaded, m) = try backend.loadDrivers(source, machine: machine)
            return .driversLoaded(loaded: loaded, machine: m, error: nil)
        } catch {
            return .driversLoaded(loaded: [], machine: nil, error: error.description)
        }
    }

    /// Loads the keymap into the Linux console (the caller checks that it is one).
    func loadKeymap(_ keymap: String) {
        let status = backend.loadKeymap(keymap)
        backend.log.log("Keymap \(keymap) loaded with loadkeys: exit \(status)")
    }

    /// Opens the plan's sources and validates the plan against them (nothing is written).
    func open(_ plan: InstallPlan, machine: Machine) -> Result<Session, InstallerError> {
        reporter?.started(source: plan.sources.map(\.displayName).joined(separator: ", "))
        if case let .plaintext(pw)? = plan.rootPassword { reporter?.addSecret(pw) }
        do throws(InstallerError) {
            let s = Session(plan: plan, machine: machine, backend: backend, prepared: try backend.prepare(plan, machine: machine))
            s.reporter = reporter
            return .success(s)
        } catch {
            reporter?.failed(error.description)
            return .failure(error)
        }
    }

    /// "Set local time": the clock is set only on real hardware (kept in UTC).
    func setClock(_ date: Date, machine: Machine) {
        backend.setClock(date, machine: machine)
    }

    /// Writes the support bundle (the password removed) and saves it to `place`; the path saved.
    func saveBundle(_ contents: SupportBundle.Contents, to place: String) -> Result<String, InstallerError> {
        do throws(InstallerError) {
            return .success(try backend.saveSupportBundle(contents, to: place))
        } catch {
            return .failure(error)
        }
    }

    /// The open sources of one install, from `open` to `close`. Used by one background task
    /// at a time (the runner starts the next only once the previous one has reported).
    final class Session: @unchecked Sendable {
        let plan: InstallPlan
        let machine: Machine
        private let backend: InstallerBackend
        private let prepared: PreparedInstallation
        /// The next disc of a profile machine's drive (discs[0] is the main disc).
        private var nextDisc = 1
        private var pack: InstallerBackend.LinuxPackOnDisc?
        var reporter: StatusReporter?

        init(plan: InstallPlan, machine: Machine, backend: InstallerBackend, prepared: PreparedInstallation) {
            self.plan = plan; self.machine = machine; self.backend = backend; self.prepared = prepared
        }

        /// The installed product, when the Linux Pack is to be asked for on its own disc.
        var linuxPackDisc: MediaIdentity? {
            guard prepared.linuxPackOnAnotherDisc, let main = prepared.mainRepository else { return nil }
            return MediaIdentity(product: main.product, version: main.version)
        }

        /// Runs the install (clean, upgrade or restore); progress and the time question come
        /// as actions, the end as `installFinished`. SIGINT, SIGTERM or SIGHUP stop it at its
        /// next check, releasing its mounts and loop devices (CleanupRegistry).
        func runInstall(send: @escaping @Sendable (FlowAction) -> Void) -> FlowAction {
            let reporter = self.reporter
            let result = prepared.run { event in
                switch event {
                case let .progress(f, step, left):
                    reporter?.progress(fraction: f, step: step, timeLeft: left)
                    send(.progress(fraction: f, step: step, secondsLeft: left))
                case .question(.setTime): send(.askTime)
                case .log, .question, .finished: break
                }
            }
            switch result {
            case let .success(summary):
                reporter?.succeeded(UnattendedInstall.facts(plan, machine: machine, backend: backend, summary: summary,
                                                           product: prepared.mainRepository?.product ?? ""))
            case let .failure(e):
                reporter?.failed(e.description)
            }
            return .installFinished(result)
        }

        /// The disc now in the drive: the device on real hardware; on a profile machine the
        /// next disc listed (each Use media ejects the previous one). nil when it is empty.
        func discInDrive() -> String? {
            guard let cd = machine.cdrom else { return nil }
            if machine.isReal { return cd.discs.first }
            guard nextDisc < cd.discs.count else { return nil }
            defer { nextDisc += 1 }
            return cd.discs[nextDisc]
        }

        /// Reads `disc`: the Linux Pack for the installed product, kept for `installLinuxPack`.
        func readLinuxPackDisc(_ disc: String) -> DiscCheck {
            guard let main = prepared.mainRepository else { return .wrongDisc("the installed product is not known") }
            do throws(InstallerError) {
                pack = try backend.readLinuxPackDisc(disc, main: main)
                return .ready
            } catch {
                // What the disc is, without the drive's path; the log has the full text.
                return .wrongDisc(error.message)
            }
        }

        /// Installs the Linux Pack read by `readLinuxPackDisc` onto the new system.
        func installLinuxPack(send: @escaping @Sendable (FlowAction) -> Void) -> FlowAction {
            guard let disc = pack else { return .linuxPackFinished(error: .failed("no Linux Pack disc was read")) }
            defer { disc.close(); pack = nil }
            let r = backend.installLinuxPack(disc, plan: plan, machine: machine) { e in
                if case let .progress(f, step, left) = e { send(.progress(fraction: f, step: step, secondsLeft: left)) }
            }
            if case let .failure(e) = r { return .linuxPackFinished(error: e) }
            return .linuxPackFinished(error: nil)
        }

        /// Closes the sources (and a Linux Pack disc read but not installed).
        func close() {
            pack?.close()
            pack = nil
            prepared.close()
        }
    }
}
