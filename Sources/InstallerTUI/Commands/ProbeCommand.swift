import Foundation
import InstallerCore

/// `host-installer probe [--machine PROFILE]`: prints the hardware as a machine profile.
enum ProbeCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: ["--real-hardware"], values: ["--machine"])
        if let path = o.values["--machine"] {
            let m = try MachineProfile.load(path: path, createImages: false)
            let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
            print(MachineProfile.render(m, relativeTo: base), terminator: "")
        } else {
            print(MachineProfile.render(HardwareProbe().probe()), terminator: "")
        }
        return 0
    }
}
