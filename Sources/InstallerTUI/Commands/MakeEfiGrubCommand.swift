import Foundation
import InstallerCore

/// `host-installer make-efi-grub OUT.EFI`: writes the GRUB image that a clean install puts on
/// the EFI system partition (`EfiGrub.makeImage`: grub-mkstandalone from grub-efi-amd64-bin).
/// scripts/build-iso runs it so that the CD carries the image at `EfiGrub.prebuiltImage`
/// instead of GRUB's modules and grub-mkstandalone.
enum MakeEfiGrubCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: [], values: [])
        guard o.positionals.count == 1, let out = o.positionals.first else {
            throw .invalid("make-efi-grub", "usage: host-installer make-efi-grub OUT.EFI")
        }
        let dir = try Filesystem.makeTempDirectory("host-installer-efi")
        defer { unlink(dir + "/embedded.cfg"); rmdir(dir) }
        try EfiGrub.makeImage(out, workDirectory: dir, commands: SystemCommands(log: EventLog()))
        return 0
    }
}
