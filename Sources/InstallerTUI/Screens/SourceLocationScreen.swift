import InstallerCore

/// Step 8 (remote): the repository's URL with optional credentials, or the NFS path.
@MainActor
struct SourceLocationScreen: InstallerScreen {
    let form: Form
    private let fields: LocationFields

    init(state: FlowState) {
        let a = state.answers
        fields = LocationFields(isNFS: a.sourceKind == .nfs, url: a.url, user: a.urlUser, password: a.urlPassword, nfsPath: a.nfsPath)
        form = Form(title: "Specify Repository", width: 64,
                    body: fields.body(nfsText: "Please enter the NFS server and the exported path of the repository, for example myserver:/my/directory",
                                      urlText: "Please enter the address of the HTTP or FTP repository (for example http://server/xcp/), and a username and password if the server needs them."),
                    buttons: [.ok, .back],
                    help: "Setup checks the address before it goes on: it must be reachable and hold a Xen Cloud Platform repository (XS-REPOSITORY). The password is never shown or logged.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        if fields.isNFS { return .nfs(fields.nfsPath) }
        let a = fields.urlAnswer
        return .url(a.url, user: a.user, password: a.password)
    }

    nonisolated static func apply(url: String, user: String, password: String, to s: inout FlowState) -> Outcome {
        if let problem = LocationRules.urlProblem(url) { return .invalid(title: "Specify Repository", message: problem) }
        s.answers.url = url; s.answers.urlUser = user; s.answers.urlPassword = password
        let creds = LocationRules.credentials(user: user, password: password)
        s.answers.plan.sources = [.url(url, credentials: creds)]
        s.answers.verified = false
        return .pending([.checkSource(.url(url, credentials: creds))])
    }

    nonisolated static func apply(nfs path: String, to s: inout FlowState) -> Outcome {
        if let problem = LocationRules.nfsProblem(path, example: "path/to/repository") {
            return .invalid(title: "Specify Repository", message: problem)
        }
        s.answers.nfsPath = path
        s.answers.plan.sources = [.nfs(path)]
        s.answers.verified = false
        return .pending([.checkSource(.nfs(path))])
    }
}

/// Step 8: install the Linux Pack? From a second CD for local media; from the server when a
/// remote source holds it (the question is not asked for a remote source without it).
@MainActor
struct LinuxPackScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        let remote = state.remoteSource
        let text = remote
            ? "The installation source also holds the Linux Pack. Would you like to install it? It is needed to run Linux VMs. In a resource pool, install it on every host or on none."
            : "Would you like to install the Linux Pack from a second CD? It is needed to run Linux VMs. In a resource pool, install it on every host or on none."
        let help = remote
            ? "Yes installs the Linux Pack from the same server. Choose No if this host will only run Windows VMs; you can add the pack later."
            : "Yes asks for the Linux Pack CD near the end of the installation. Choose No if this host will only run Windows VMs; you can add the pack later."
        form = FormKit.message(title: "Linux Pack", text: text, help: help,
            buttons: [FormButton("yes", "Yes"), FormButton("no", "No"), .back],
            focus: state.answers.plan.installLinuxPack || state.history.last != .linuxPack ? "yes" : "no")
    }
    func answer(button: String) -> ScreenAnswer? {
        switch button {
        case "yes", "ok": return .linuxPack(true)
        case "no": return .linuxPack(false)
        default: return nil
        }
    }
}

/// Step 9: verify the installation source.
@MainActor
struct VerifyScreen: InstallerScreen {
    let form: Form
    private let list: ListBox
    init(state: FlowState) {
        let remote = state.remoteSource
        (form, list) = FormKit.list(title: "Verify Installation Source",
            text: remote ? "Would you like to test the repository? Every package is downloaded and checked, which causes a lot of network traffic."
                         : "Would you like to test your media? The checksum of every package is computed and compared with the one recorded on the media.",
            items: ["Verify installation source", "Skip verification"], selected: state.answers.verifyChosen ? 0 : (remote ? 1 : 0), rows: 2, width: 60,
            help: "Verification reads every package and checks its MD5 (and SHA-256) checksum; damaged packages are named. The install checks each package again as it reads it.")
    }
    func answer(button: String) -> ScreenAnswer? { button == "ok" ? .verify(list.selected == 0) : nil }

    nonisolated static func apply(_ verify: Bool, to s: inout FlowState) -> Outcome {
        s.answers.verifyChosen = verify
        guard verify, let source = s.answers.plan.sources.first else { return .next([]) }
        return .pending([.verifySource(source)])
    }
}
