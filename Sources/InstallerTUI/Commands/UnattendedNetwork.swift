import Foundation
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
        if !admin.usesDHCP || admin.config == .none, case let .manual(servers) = plan.nameservers { ns = servers.first }
        return RuntimeNetwork.Settings(nic: nic, config: admin.config, nameserver: ns, ipv6: admin.ipv6, vlan: admin.vlan, bond: admin.bond)
    }

    /// Brings the NIC up when the plan reads from the network; throws the reason otherwise.
    static func bringUpNetwork(_ plan: InstallPlan, machine: Machine, backend: InstallerBackend, device: String?,
                               say: (String) -> Void) throws(InstallerError) {
        guard backend.runtimeNetworkEnabled(for: machine), let settings = networkSettings(plan, machine: machine, device: device) else { return }
        let net = backend.runtimeNetwork
        if let existing = net.anyAddress(settings.device) {
            say("network: \(settings.device) is already up (\(existing))")
            return
        }
        say("network: configuring \(settings.device) (\(settings.label))")
        let done = try net.bringUp(settings)
        say("network: \(done.summary)")
    }
}

extension UnattendedInstall {
    /// Before an answerfile is fetched from the network (`--real-hardware`): DHCP on the
    /// `network_device=` NIC (a name or a MAC), else the first NIC with a link, unless a NIC
    /// already holds an IPv4 address (the CD's init runs DHCP at boot unless `nodhcp`).
    /// `network_config=` (`boot`) configures that NIC as it says (static, a VLAN, IPv6, a bond) instead of DHCP.
    static func bringUpForAnswerfile(_ location: String, machine: Machine, backend: InstallerBackend, device: String?,
                                     boot: BootNetwork? = nil) throws(InstallerError) {
        guard backend.runtimeNetworkEnabled(for: machine) else { return }
        let lower = location.lowercased()
        let remote = ["http://", "https://", "ftp://", "nfs://"].contains(where: lower.hasPrefix)
            || (!lower.hasPrefix("file:") && !location.hasPrefix("/") && location.contains(":/"))
        guard remote else { return }
        let net = backend.runtimeNetwork
        if boot == nil, let up = machine.nics.first(where: { !net.addresses($0.name).isEmpty }) {
            backend.log.log("network: \(up.name) already has an address; the answerfile is fetched through it")
            return
        }
        let named = device.flatMap { d in d == "all" ? nil : machine.nics.first { $0.name == d || $0.mac.lowercased() == d.lowercased() } }
        guard let nic = named ?? machine.nics.first(where: \.link) ?? machine.nics.first else {
            throw .failed("this computer has no network interface to fetch the answerfile with", at: location)
        }
        // A bond (network_config=...;bond=) stands for network_device=: its first member is the NIC.
        let settings = boot.map { RuntimeNetwork.Settings(nic: $0.bond?.members.first ?? nic.name, config: $0.config, nameserver: $0.nameservers.first,
                                                          ipv6: $0.ipv6, vlan: $0.vlan, bond: $0.bond) }
            ?? .init(nic: nic.name, config: .dhcp)
        if boot != nil, let existing = net.anyAddress(settings.device) {
            backend.log.log("network: \(settings.device) already has an address (\(existing)); the answerfile is fetched through it")
            return
        }
        // Unbuffered, as the install's progress lines that follow are (print() to a file is not).
        func say(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
        say("network: configuring \(settings.device) (\(settings.label)) for the answerfile")
        let done = try net.bringUp(settings)
        say("network: \(done.summary)")
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

extension UnattendedInstall {
    enum AutoAnswerfile { case file((name: String, bytes: [UInt8], url: String)), url(String) }

    /// `answerfile=auto`: `answerfile.xml` on the XCP-ANSWER file system, else the URL of DHCP
    /// option 224 (real hardware), else an error saying where the installer looked.
    static func autoAnswerfile(_ partition: (found: AnswerPartition?, examined: [String]), machine: Machine,
                               stateDir: String) throws(InstallerError) -> AutoAnswerfile {
        if let p = partition.found, let path = try p.read(AnswerPartition.answerfileName, into: stateDir + "/xcp-answer") {
            guard let d = FileManager.default.contents(atPath: path) else { throw .failed("cannot read the answerfile", at: p.shown(AnswerPartition.answerfileName)) }
            guard d.count <= Answerfile.maximumSize else { throw .invalid(p.shown(AnswerPartition.answerfileName), "the answerfile is larger than 1 MiB") }
            sayNow("answerfile=auto: \(p.shown(AnswerPartition.answerfileName))")
            return .file((AnswerPartition.answerfileName, Array(d), p.shown(AnswerPartition.answerfileName)))
        }
        if machine.isReal, let url = DHCPAnswerfileOption.url() {
            sayNow("answerfile=auto: \(HTTPAccessor.redactedURL(url)) (DHCP option \(DHCPAnswerfileOption.option))")
            return .url(url)
        }
        let looked = partition.found.map { "\($0.path) is labelled \(AnswerPartition.label) but holds no /\(AnswerPartition.answerfileName)" }
            ?? "no file system labelled \(AnswerPartition.label)" + (partition.examined.isEmpty ? "" : " (examined: \(partition.examined.joined(separator: ", ")))")
        throw .invalid("answerfile=auto", "no answerfile found: \(looked), and " +
                       (machine.isReal ? "the DHCP server gave no answerfile URL (option \(DHCPAnswerfileOption.option))" : "no DHCP answerfile URL on a profile machine"),
                       hint: "put answerfile.xml on a USB stick whose file system is labelled \(AnswerPartition.label), or give answerfile=URL")
    }
}

extension UnattendedInstall {
    /// A line on stdout at once (unbuffered, in order with the progress lines) and in the log.
    static func sayNow(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
        EventLog.shared.log(s)
    }
}
