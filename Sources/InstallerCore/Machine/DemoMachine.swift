import Foundation

/// The demo machine: the embedded default profile that `host-installer` with no
/// arguments installs onto. Its files live in the state directory.
public enum DemoMachine {
    public static let profile = """
    {
      "cpu": { "model": "Intel(R) Xeon(R) CPU E5520 @ 2.27GHz", "cores": 8, "hvm": true },
      "memory_mib": 4096,
      "disks": [
        { "name": "sda", "vendor": "ATA", "model": "ST3500418AS", "serial": "9VM1DEMO",
          "size": "60G", "image": "disks/sda.img" },
        { "name": "sdb", "vendor": "ATA", "model": "WDC WD5000AAKS", "serial": "WCAS0DEMO",
          "size": "500G", "image": "disks/sdb.img" }
      ],
      "nics": [
        { "name": "eth0", "mac": "00:16:3e:00:00:01", "driver": "e1000", "link": true,
          "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2",
                    "dns": ["10.0.2.3"], "hostname": "xcp-demo", "ntp": ["10.0.2.2"] } },
        { "name": "eth1", "mac": "00:16:3e:00:00:02", "driver": "tg3", "link": false }
      ],
      "cdrom": { "name": "sr0", "discs": ["media/main.iso"] }
    }

    """

    /// The state directory of this process (`InstallEnvironment.stateDirectory`).
    public static var stateDirectory: String { InstallEnvironment.process.stateDirectory }

    /// Writes the demo profile into the state directory (once) and returns its path.
    public static func ensureProfile() throws(InstallerError) -> String {
        let dir = stateDirectory
        let path = dir + "/machine.json"
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try profile.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .invalid(dir, "cannot write the demo machine: \(error.localizedDescription)", hint: "set \(InstallEnvironment.Name.state) to a writable directory")
        }
        return path
    }
}
