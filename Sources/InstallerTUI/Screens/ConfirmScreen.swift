import InstallerCore

/// Step 16: the last chance: what will be installed and how (source, management interface,
/// host name, DNS, time), so a wrong choice is caught here, and the disks that will be
/// erased. Back is the default.
@MainActor
struct ConfirmScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        let p = state.answers.plan
        let text: String
        let button: String
        switch p.mode {
        case .fresh:
            var disks = p.systemDisks
            for g in p.guestDisks where !disks.contains(g) { disks.append(g) }
            // A mirror: its disks' old md, LVM and filesystem signatures are cleared first.
            let mirror = p.mirrorDisk.map { "\n\n\(p.primaryDisk) and \($0) become a mirror (software RAID 1); their old RAID and LVM signatures are cleared." } ?? ""
            text = "Setup has all the information it needs to install Xen Cloud Platform:\n\n"
                + Self.summary(p).joined(separator: "\n")
                + "\n\nPlease confirm you wish to proceed: ALL DATA on these disks will be destroyed:\n\n"
                + disks.map { d in "  * " + (state.machine.disk(named: d)?.label ?? d) }.joined(separator: "\n") + mirror
            button = "Install Xen Cloud Platform"
        case .reinstall:
            let to = state.answers.media.map { ", to \($0.product) \($0.version)" } ?? ""
            // A mirror: the backup goes to the backup mirror (both disks).
            let backup = state.machine.installations.first { $0.isOn(p.primaryDisk) }.flatMap { i in i.mirror.map { "the mirrored backup partitions \($0.describe(i.disk, partition: 2))" } }
                ?? "the backup partition of \(p.primaryDisk)"
            text = "Setup has all the information it needs to upgrade \(state.answers.existing ?? "the existing installation")\(to).\n\nThe existing installation is first copied to \(backup); its settings and VMs are kept."
            button = "Install Xen Cloud Platform"
        case .restore:
            text = "Setup will restore the backup \(state.answers.existing.map { "(\($0)) " } ?? "")over the installation on \(p.primaryDisk)\(state.machine.installations.first { $0.isOn(p.primaryDisk) }.map { " (\($0.product) \($0.version))" } ?? ""). The installation there now is overwritten; the VMs stay, and so does the backup.\n\nTHIS CANNOT BE UNDONE."
            button = "Restore from backup"
        }
        form = FormKit.message(title: "Confirm Installation", text: text, width: 64,
                               help: "This is the last screen before the disks are written. Back returns to change anything.",
                               buttons: [FormButton("ok", button), .back], focus: "back")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .confirm : nil }

    /// What a fresh install will do, a line each (never the password).
    nonisolated static func summary(_ p: InstallPlan) -> [String] {
        let pack: String
        switch p.linuxPack {
        case .yes: pack = ", with the Linux Pack"
        case .no: pack = ""
        case .auto: pack = ", with the Linux Pack if found"
        }
        let source = (p.sources.map(\.displayName).first ?? "local media") + pack
        var management = "none"
        if let a = p.adminInterface {
            var parts: [String] = []
            switch a.config {
            case .dhcp: parts.append("DHCP")
            case let .static(ip, mask, gw): parts.append("\(ip)/\(mask)" + (gw.map { ", gateway \($0)" } ?? ""))
            case .none: break
            }
            switch a.ipv6 {
            case .none: break
            case .autoconf: parts.append("IPv6 SLAAC")
            case .dhcp: parts.append("DHCPv6")
            case let .static(addr, _): parts.append(addr)
            }
            let link = a.bond.map { "bond \($0.members.joined(separator: "+")) (\($0.mode.rawValue))" } ?? a.nic
            management = ([a.vlan.map { "\(link) VLAN \($0)" } ?? link] + parts).joined(separator: ", ")
        }
        let host: String
        switch p.hostname { case .dhcp: host = "from DHCP"; case let .manual(h): host = h }
        let dns: String
        switch p.nameservers { case .dhcp: dns = "from DHCP"; case let .manual(n): dns = n.isEmpty ? "none" : n.joined(separator: ", ") }
        let time: String
        switch p.time {
        case .manual: time = "clock set by hand"
        case let .ntp(servers, fromDHCP):
            time = fromDHCP ? "NTP servers from DHCP" : "NTP " + servers.joined(separator: ", ")
        }
        return ["  - Source: " + source,
                "  - Management interface: " + management,
                "  - Host name: " + host + "; DNS " + dns,
                "  - Time zone: " + p.timezone + "; " + time]
    }
}
