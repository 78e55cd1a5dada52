import InstallerCore

/// Driver disks, remote: the driver repository's URL (with optional credentials) or NFS path.
/// The same fields and checks as the installation source's location screen.
@MainActor
struct DriverLocationScreen: InstallerScreen {
    let form: Form
    private let fields: LocationFields

    init(state: FlowState) {
        let d = state.driverDisk
        fields = LocationFields(isNFS: d.kind == .nfs, url: d.url, user: d.urlUser, password: d.urlPassword, nfsPath: d.nfsPath)
        form = Form(title: "Specify Driver Repository", width: 64,
                    body: fields.body(nfsText: "Please enter the NFS server and the exported path of the driver disk, for example myserver:/drivers",
                                      urlText: "Please enter the address of the driver disk on an HTTP or FTP server (for example http://server/drivers/), and a username and password if the server needs them."),
                    buttons: [.ok, .back],
                    help: "Setup reads the address before it goes on: it must be reachable and hold a driver disk (a driver.NAME repository, or one with only drivers and firmware). The password is never shown or logged.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        if fields.isNFS { return .driverNFS(fields.nfsPath) }
        let a = fields.urlAnswer
        return .driverURL(a.url, user: a.user, password: a.password)
    }

    nonisolated static func apply(url: String, user: String, password: String, to s: inout FlowState) -> Outcome {
        if let problem = LocationRules.urlProblem(url) { return .invalid(title: "Specify Driver Repository", message: problem) }
        s.driverDisk.url = url; s.driverDisk.urlUser = user; s.driverDisk.urlPassword = password
        let source = Source.url(url, credentials: LocationRules.credentials(user: user, password: password))
        s.driverDisk.source = source
        return .pending([.scanDriverDisk(source)])
    }

    nonisolated static func apply(nfs path: String, to s: inout FlowState) -> Outcome {
        if let problem = LocationRules.nfsProblem(path, example: "path/to/driver-disk") {
            return .invalid(title: "Specify Driver Repository", message: problem)
        }
        s.driverDisk.nfsPath = path
        s.driverDisk.source = .nfs(path)
        return .pending([.scanDriverDisk(.nfs(path))])
    }
}
