import Foundation
import InstallerCore

/// The runner's side of "check the source" and "verify the source": the work runs in a
/// `BackgroundTask` (InstallEffects) while a wait or progress window stays responsive.
@MainActor
extension FlowRunner {
    /// Reachable, and holding a base repository whose requirements are met. nil when fine.
    func checkSource(_ source: Source) -> String? {
        if let error = configureSourceNetwork(for: source) { return error }
        let machine = state.machine
        mediaFound = nil
        let found = ui.wait(BackgroundTask { [effects] in effects.checkSource(source, machine: machine) },
                            "Please wait", "Searching for repository at \(source.displayName)...")
        mediaFound = found.media
        return found.error
    }

    /// Verifies every package, with a progress bar; the result is shown either way.
    /// nil when every package is intact.
    func verify(_ source: Source) -> String? {
        let machine = state.machine
        let started = Date()
        let task = BackgroundTask<Swift.Result<Verifier.Report, InstallerError>, (Double, String)>(name: "host-installer.verify") { [effects] send in
            effects.verify(source, machine: machine) { f, label in send((f, label)) }
        }
        let (form, label, bar) = FormKit.progress(title: "Verifying Installation Source", text: "Initializing...", width: 64,
                                                  help: "Every package is read and its checksum compared with the one the repository records.")
        var fraction = 0.0, package = ""
        var result: Swift.Result<Verifier.Report, InstallerError>?
        while result == nil {
            _ = ui.run(form, tickMs: 100) {
                let (updates, value) = task.take()
                if let last = updates.last { (fraction, package) = last }
                bar.fraction = fraction
                let elapsed = Date().timeIntervalSince(started)
                bar.secondsLeft = fraction > 0.02 ? elapsed * (1 - fraction) / fraction : nil
                label.text = package.isEmpty ? "Initializing..." : "Checking \(package)..."
                result = value
                return value == nil ? .redraw : .stop
            }
        }
        switch result {
        case let .failure(error)?:
            return "The installation source could not be read: \(error.description)\n\nCheck the address or the inserted media and try again."
        case let .success(report)? where report.ok:
            ui.message("Verification Successful", "Verification of your installation source \(source.displayName) completed successfully: no problems were found (\(report.checked) packages checked).")
            return nil
        case let .success(report)?:
            return "Some packages appeared damaged. These were:\n\n" + report.problems.map { "  * \($0.description)" }.joined(separator: "\n")
        case nil:
            return "Verification did not finish."
        }
    }

    /// nil when the network is up (or nothing had to be configured); else the message to show.
    /// Runtime networking for a remote source: with `--real-hardware` the NIC chosen on the
    /// Networking screen is really configured (DHCP or static) before the source is opened.
    func configureSourceNetwork(for source: Source) -> String? {
        guard RuntimeNetwork.isRemote(source), effects.runtimeNetworkEnabled(for: state.machine) else { return nil }
        let a = state.answers
        let isStatic = a.sourceConfig != .dhcp
        let settings = RuntimeNetwork.Settings(nic: a.sourceNIC ?? "", config: a.sourceConfig,
                                               nameserver: isStatic ? a.sourceNameserver : nil)
        return ui.wait(BackgroundTask { [effects] in effects.bringUpNetwork(settings) },
                       "Networking", "Configuring network interface \(settings.nic), please wait...")
    }
}
