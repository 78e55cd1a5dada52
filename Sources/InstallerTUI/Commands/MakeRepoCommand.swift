import Foundation
import InstallerCore

/// `host-installer make-repo DIR [--originator O --name N --product P --version V --build B --description TEXT]`:
/// writes XS-PACKAGES (size, MD5 and SHA-256 of every package file in DIR) and XS-REPOSITORY.
/// An existing XS-REPOSITORY is kept unless identity options are given.
enum MakeRepoCommand {
    static func run(_ args: [String]) throws(InstallerError) -> Int32 {
        let o = try Options(args, flags: [],
                            values: ["--originator", "--name", "--product", "--version", "--build", "--description"])
        guard o.positionals.count == 1, let dir = o.positionals.first else {
            throw .invalid("make-repo", "needs exactly one directory", hint: "host-installer make-repo DIR [--name NAME --version V ...]")
        }
        let identity = MakeRepo.Identity(originator: o.values["--originator"], name: o.values["--name"],
                                         product: o.values["--product"], version: o.values["--version"],
                                         build: o.values["--build"], description: o.values["--description"])
        let result = try MakeRepo.run(directory: dir, identity: identity)
        let r = result.repository
        print("\(dir): \(r.id) \(r.version)\(r.build.map { " build \($0)" } ?? ""), \(r.packages.count) package(s)"
              + (result.wroteRepositoryFile ? "; wrote XS-REPOSITORY and XS-PACKAGES" : "; kept XS-REPOSITORY, wrote XS-PACKAGES"))
        return 0
    }
}
