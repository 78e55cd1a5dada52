import Foundation

/// Which elements exist, how often, and in which modes.
struct ElementRule {
    enum Need { case required, optional, unused }
    let name: String
    let repeatable: Bool
    let attributes: [String]
    let fresh: Need, reinstall: Need, restore: Need

    func need(_ mode: InstallPlan.Mode) -> Need {
        switch mode {
        case .fresh: return fresh
        case .reinstall: return reinstall
        case .restore: return restore
        }
    }

    static let all: [ElementRule] = [
        ElementRule(name: "primary-disk", repeatable: false, attributes: ["gueststorage", "swraid"] + DiskRule.attributes, fresh: .required, reinstall: .unused, restore: .unused),
        // XCP-ng's software RAID: <raid device="md127"><disk>sda</disk><disk>sdb</disk></raid>,
        // named by <primary-disk>md127</primary-disk> (AnswerfileChecker+Raid.swift).
        ElementRule(name: "raid", repeatable: false, attributes: ["device"], fresh: .optional, reinstall: .unused, restore: .unused),
        ElementRule(name: "guest-disk", repeatable: true, attributes: DiskRule.attributes, fresh: .optional, reinstall: .unused, restore: .unused),
        ElementRule(name: "existing-installation", repeatable: false, attributes: DiskRule.attributes, fresh: .unused, reinstall: .required, restore: .unused),
        ElementRule(name: "backup-disk", repeatable: false, attributes: DiskRule.attributes, fresh: .unused, reinstall: .unused, restore: .required),
        ElementRule(name: "keymap", repeatable: false, attributes: [], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "root-password", repeatable: false, attributes: ["type"], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "source", repeatable: true, attributes: ["type"], fresh: .required, reinstall: .required, restore: .unused),
        ElementRule(name: "driver-source", repeatable: true, attributes: ["type"], fresh: .optional, reinstall: .optional, restore: .optional),
        ElementRule(name: "post-install-script", repeatable: false, attributes: ["type"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "admin-interface", repeatable: false, attributes: ["name", "hwaddr", "proto", "protov6", "vlan"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "nameserver", repeatable: true, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "hostname", repeatable: false, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "timezone", repeatable: false, attributes: [], fresh: .required, reinstall: .optional, restore: .unused),
        ElementRule(name: "ntp-server", repeatable: true, attributes: ["dhcp"], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "time-config-method", repeatable: false, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "linux-pack", repeatable: false, attributes: [], fresh: .optional, reinstall: .optional, restore: .unused),
        ElementRule(name: "bootloader", repeatable: false, attributes: ["location"], fresh: .optional, reinstall: .optional, restore: .unused),
        // Where status reports go (AnswerfileChecker+Report.swift, StatusReporter).
        ElementRule(name: "report", repeatable: false, attributes: ["url"], fresh: .optional, reinstall: .optional, restore: .optional),
    ]

    static func named(_ n: String) -> ElementRule? { all.first { $0.name == n } }

    /// Older spellings (the 2009 installer and later releases) that mean the same element.
    static let aliases: [String: String] = ["ntp-servers": "ntp-server", "name-server": "nameserver"]
}
