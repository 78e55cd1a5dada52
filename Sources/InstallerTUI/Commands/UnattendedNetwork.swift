import InstallerCore

/// Runtime networking for an unattended install from a remote source (`--real-hardware`):
/// the NIC named by `network_device=` (a name or a MAC), else the answerfile's management
/// interface, configured as the answerfile gives it (DHCP for another NIC). A NIC that
/// already holds an IPv4 address (the CD's init runs DHCP at boot) is used as it is.
extension UnattendedInstall {
    static func networkSettings(_ plan: InstallPlan, machine: Machine, device: String?) -> RuntimeNetwork.Settings? {
        let remote = plan.sources.contains(where: RuntimeNetwork.isRemote) || plan.driverSources.contains(where: RuntimeNetwork.isRemote)
            || plan.postInstallScript.map(RuntimeNetwork.isRemote) == true
        guard remote else { return nil }
        let named = device.flatMap { d in d == "all" ? nil : machine.nics.first { $0.name == d || $0.mac.lowercased() == d.lowercased() } }
        guard let nic = named?.name ?? plan.adminInterface?.nic ?? (machine.nics.first { $0.link } ?? machine.nics.first)?.name else { return nil }
        guard let admin = plan.adminInterface, admin.nic == nic else { return RuntimeNetwork.Settings(nic: nic, config: .dhcp) }
        var ns: String?
        if case .static = admin.config, case let .manual(servers) = plan.nameservers { ns = servers.first }
        return RuntimeNetwork.Settings(nic: nic, config: admin.config, nameserver: ns)
    }

    /// Brings the NIC up when the plan reads from the network; throws the reason otherwise.
    static func bringUpNetwork(_ plan: InstallPlan, machine: Machine, backend: InstallerBackend, device: String?,
                               say: (String) -> Void) throws(InstallerError) {
        guard backend.runtimeNetworkEnabled(for: machine), let settings = networkSettings(plan, machine: machine, device: device) else { return }
        let net = backend.runtimeNetwork
        if let existing = net.addresses(settings.nic).first {
            say("network: \(settings.nic) is already up (\(existing))")
            return
        }
        say("network: configuring \(settings.nic) (\(settings.config == .dhcp ? "DHCP" : "static"))")
        let done = try net.bringUp(settings)
        say("network: \(done.summary)")
    }
}

extension UnattendedInstall {
    /// Before an answerfile is fetched from the network (`--real-hardware`): DHCP on the
    /// `network_device=` NIC (a name or a MAC), else the first NIC with a link, unless a NIC
    /// already holds an IPv4 address (the CD's init runs DHCP at boot unless `nodhcp`).
    static func bringUpForAnswerfile(_ location: String, machine: Machine, backend: InstallerBackend, device: String?) throws(InstallerError) {
        guard backend.runtimeNetworkEnabled(for: machine) else { return }
        let lower = location.lowercased()
        let remote = ["http://", "https://", "ftp://", "nfs://"].contains(where: lower.hasPrefix)
            || (!lower.hasPrefix("file:") && !location.hasPrefix("/") && location.contains(":/"))
        guard remote else { return }
        let net = backend.runtimeNetwork
        if let up = machine.nics.first(where: { !net.addresses($0.name).isEmpty }) {
            backend.log.log("network: \(up.name) already has an address; the answerfile is fetched through it")
            return
        }
        let named = device.flatMap { d in d == "all" ? nil : machine.nics.first { $0.name == d || $0.mac.lowercased() == d.lowercased() } }
        guard let nic = named ?? machine.nics.first(where: \.link) ?? machine.nics.first else {
            throw .failed("this computer has no network interface to fetch the answerfile with", at: location)
        }
        print("network: configuring \(nic.name) (DHCP) for the answerfile")
        let done = try net.bringUp(.init(nic: nic.name, config: .dhcp))
        print("network: \(done.summary)")
    }
}

extension UnattendedInstall {
    /// This host as the answerfile and report servers see it: the booting NIC is `BOOTIF=`'s,
    /// else `network_device=`'s, else the first holding an address (real hardware), else the
    /// first with a link (HostDescription).
    static func host(_ machine: Machine, boot: BootParameters, backend: InstallerBackend) -> HostDescription {
        let live = backend.runtimeNetworkEnabled(for: machine)
        let net = backend.runtimeNetwork
        return HostDescription(machine: machine, bootif: boot.bootif, device: boot.networkDevice,
                               hasAddress: { live && !net.addresses($0).isEmpty })
    }
}
