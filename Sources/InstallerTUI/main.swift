import Foundation
import InstallerCore

// host-installer: the command line (SPEC section 1). Each subcommand lives in Commands/.
let arguments = Array(CommandLine.arguments.dropFirst())
let status = CommandLineMain.run(arguments)
exit(status)
