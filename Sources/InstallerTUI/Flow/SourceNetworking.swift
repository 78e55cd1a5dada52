import InstallerCore

/// Runtime networking for a remote source: with `--real-hardware` the NIC chosen on the
/// Networking screen is really configured (DHCP or static) before the source is opened.
@MainActor
extension FlowRunner {
    /// nil when the network is up (or nothing had to be configured); else the message to show.
    func configureSourceNetwork(for source: Source) -> String? {
        guard RuntimeNetwork.isRemote(source), backend.runtimeNetworkEnabled(for: state.machine) else { return nil }
        let a = state.answers
        let isStatic = a.sourceConfig != .dhcp
        let settings = RuntimeNetwork.Settings(nic: a.sourceNIC ?? "", config: a.sourceConfig,
                                               nameserver: isStatic ? a.sourceNameserver : nil)
        return ui.working("Networking", "Configuring network interface \(settings.nic), please wait...") { () -> String? in
            do throws(InstallerError) {
                try backend.runtimeNetwork.bringUp(settings)
                return nil
            } catch {
                return "The network could not be configured: \(error.description)."
            }
        }
    }
}
