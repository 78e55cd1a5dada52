import Foundation
import InstallerCore

/// Dispatches `host-installer [SUBCOMMAND] [OPTIONS]` and turns errors into exit statuses.
enum CommandLineMain {
    static let usage = """
    usage: host-installer [--machine PROFILE.json | --real-hardware] [--dry-run]
           host-installer probe [--machine PROFILE.json]
           host-installer validate-answerfile FILE [--machine PROFILE.json | --no-machine] [--print-plan]
           host-installer replay SCRIPT... [--update]
           host-installer make-repo DIR [--originator O --name N --product P --version V --build B --description TEXT]
           host-installer install-packages SOURCE DIR
           host-installer make-efi-grub OUT.EFI

    With no arguments, installs interactively on the demo machine (state in .demo/ or
    $\(InstallEnvironment.Name.state)). Exit status: 0 success, 1 installation failed, 2 invalid input,
    3 cancelled.
    """

    static func run(_ args: [String]) -> Int32 {
        do {
            switch args.first {
            case "probe": return try ProbeCommand.run(Array(args.dropFirst()))
            case "replay": return try ReplayCommand.run(Array(args.dropFirst()))
            case "make-repo": return try MakeRepoCommand.run(Array(args.dropFirst()))
            case "validate-answerfile": return try ValidateAnswerfileCommand.run(Array(args.dropFirst()))
            case "install-packages": return try InstallPackagesCommand.run(Array(args.dropFirst()))
            case "make-efi-grub": return try MakeEfiGrubCommand.run(Array(args.dropFirst()))
            case "-h", "--help", "help":
                print(usage)
                return 0
            default: return try InstallCommand.run(args)
            }
        } catch {
            printError(error.description)
            return error.exitStatus
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(("host-installer: " + text + "\n").utf8))
    }
}

/// A tiny option reader: `--flag`, `--key VALUE`, positionals.
struct Options {
    var flags: Set<String> = []
    var values: [String: String] = [:]
    var positionals: [String] = []

    init(_ args: [String], flags known: Set<String>, values takes: Set<String>) throws(InstallerError) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if known.contains(a) {
                flags.insert(a)
            } else if takes.contains(a) {
                guard i + 1 < args.count else { throw .invalid(a, "needs a value", hint: "see host-installer --help") }
                values[a] = args[i + 1]
                i += 1
            } else if a.hasPrefix("--"), let eq = a.firstIndex(of: "="), takes.contains(String(a[..<eq])) {
                values[String(a[..<eq])] = String(a[a.index(after: eq)...])
            } else if a.hasPrefix("-") && a != "-" {
                throw .invalid(a, "unknown option", hint: "see host-installer --help")
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }
}
