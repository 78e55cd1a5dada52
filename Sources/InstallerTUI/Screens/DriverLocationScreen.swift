import InstallerCore

/// Driver disks, remote: the driver repository's URL (with optional credentials) or NFS path.
/// The same fields and checks as the installation source's location screen.
@MainActor
struct DriverLocationScreen: InstallerScreen {
    let form: Form
    private let isNFS: Bool
    private let url: Entry, user: Entry, password: Entry, nfs: Entry

    init(state: FlowState) {
        let d = state.driverDisk
        isNFS = d.kind == .nfs
        url = Entry("URL:", value: d.url, labelWidth: 11, fieldWidth: 44)
        user = Entry("Username:", value: d.urlUser, labelWidth: 11, fieldWidth: 16)
        password = Entry("Password:", value: d.urlPassword, labelWidth: 11, fieldWidth: 16, masked: true)
        nfs = Entry("NFS Path:", value: d.nfsPath, labelWidth: 11, fieldWidth: 44)
        let body: [Widget] = isNFS
            ? [TextBlock("Please enter the NFS server and the exported path of the driver disk, for example myserver:/drivers"), Spacer(), nfs]
            : [TextBlock("Please enter the address of the driver disk on an HTTP or FTP server (for example http://server/drivers/), and a username and password if the server needs them."),
               Spacer(), url, Spacer(), user, password]
        form = Form(title: "Specify Driver Repository", width: 64, body: body, buttons: [.ok, .back],
                    help: "Setup reads the address before it goes on: it must be reachable and hold a driver disk (a driver.NAME repository, or one with only drivers and firmware). The password is never shown or logged.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        if isNFS { return .driverNFS(nfs.value.trimmingCharacters(in: .whitespaces)) }
        return .driverURL(url.value.trimmingCharacters(in: .whitespaces), user: user.value, password: password.value)
    }

    nonisolated static func apply(url: String, user: String, password: String, to s: inout FlowState) -> Outcome {
        let lower = url.lowercased()
        guard ["http://", "https://", "ftp://"].contains(where: { lower.hasPrefix($0) }), url.count > 8 else {
            return .invalid(title: "Specify Driver Repository", message: "The URL must start with http://, https:// or ftp:// and name a server.")
        }
        s.driverDisk.url = url; s.driverDisk.urlUser = user; s.driverDisk.urlPassword = password
        let source = Source.url(url, credentials: user.isEmpty ? nil : Credentials(user: user, password: password))
        s.driverDisk.source = source
        return .pending([.scanDriverDisk(source)])
    }

    nonisolated static func apply(nfs path: String, to s: inout FlowState) -> Outcome {
        let parts = path.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
            return .invalid(title: "Specify Driver Repository", message: "The NFS path must look like server:/path/to/driver-disk.")
        }
        s.driverDisk.nfsPath = path
        s.driverDisk.source = .nfs(path)
        return .pending([.scanDriverDisk(.nfs(path))])
    }
}
