import Foundation
import InstallerCore
import Synchronization

/// The runner's side of "check the source" and "verify the source": real accessors, a
/// wait dialog, and a progress dialog fed from the verifying threads.
@MainActor
extension FlowRunner {
    /// Reachable, and holding a base repository whose requirements are met. nil when fine.
    func checkSource(_ source: Source) -> String? {
        if let error = configureSourceNetwork(for: source) { return error }
        let machine = state.machine
        mediaFound = nil
        return ui.working("Please wait", "Searching for repository at \(source.displayName)...") { () -> String? in
            do throws(InstallerError) {
                let accessor = try Accessors.make(for: source, machine: machine)
                defer { accessor.close() }
                let repos = try RepositoryScanner.scanInstallSource(accessor)
                EventLog.shared.log("source \(source.displayName): " + repos.map { "\($0.id) \($0.version)" }.joined(separator: ", "))
                mediaFound = repos.first { $0.id == .main }.map { MediaIdentity(product: $0.product, version: $0.version) }
                return nil
            } catch {
                return error.description + "\n\nCheck the location (and the network settings, for a server) and try again."
            }
        }
    }

    /// Verifies every package, with a progress bar; the result is shown either way.
    /// nil when every package is intact.
    func verify(_ source: Source) -> String? {
        struct Progress { var fraction = 0.0; var label = ""; var report: Verifier.Report?; var error: String? }
        let shared = Mutex(Progress())
        let machine = state.machine
        let started = Date()
        Thread.detachNewThread {
            do throws(InstallerError) {
                let accessor = try Accessors.make(for: source, machine: machine)
                defer { accessor.close() }
                let repos = try RepositoryScanner.scanInstallSource(accessor)
                let report = Verifier.verify(repos, accessor: accessor) { f, label in
                    shared.withLock { $0.fraction = f; $0.label = label }
                }
                shared.withLock { $0.report = report }
            } catch {
                shared.withLock { $0.error = error.description }
            }
        }
        let (form, label, bar) = FormKit.progress(title: "Verifying Installation Source", text: "Initializing...", width: 64,
                                                  help: "Every package is read and its checksum compared with the one the repository records.")
        _ = ui.run(form, tickMs: 100) {
            let p = shared.withLock { $0 }
            bar.fraction = p.fraction
            let elapsed = Date().timeIntervalSince(started)
            bar.secondsLeft = p.fraction > 0.02 ? elapsed * (1 - p.fraction) / p.fraction : nil
            label.text = p.label.isEmpty ? "Initializing..." : "Checking \(p.label)..."
            return (p.report != nil || p.error != nil) ? "done" : nil
        }
        let result = shared.withLock { $0 }
        if let error = result.error {
            return "The installation source could not be read: \(error)\n\nCheck the address or the inserted media and try again."
        }
        guard let report = result.report else { return "Verification did not finish." }
        if report.ok {
            ui.message("Verification Successful", "Verification of your installation source \(source.displayName) completed successfully: no problems were found (\(report.checked) packages checked).")
            return nil
        }
        return "Some packages appeared damaged. These were:\n\n" + report.problems.map { "  * \($0.description)" }.joined(separator: "\n")
    }
}
