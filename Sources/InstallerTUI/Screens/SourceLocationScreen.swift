import InstallerCore

/// Step 8 (remote): the repository's URL with optional credentials, or the NFS path.
@MainActor
struct SourceLocationScreen: InstallerScreen {
    let form: Form
    private let isNFS: Bool
    private let url: Entry, user: Entry, password: Entry, nfs: Entry

    init(state: FlowState) {
        isNFS = state.answers.sourceKind == .nfs
        url = Entry("URL:", value: state.answers.url, labelWidth: 11, fieldWidth: 44)
        user = Entry("Username:", value: state.answers.urlUser, labelWidth: 11, fieldWidth: 16)
        password = Entry("Password:", value: state.answers.urlPassword, labelWidth: 11, fieldWidth: 16, masked: true)
        nfs = Entry("NFS Path:", value: state.answers.nfsPath, labelWidth: 11, fieldWidth: 44)
        let body: [Widget] = isNFS
            ? [TextBlock("Please enter the NFS server and the exported path of the repository, for example myserver:/my/directory"), Spacer(), nfs]
            : [TextBlock("Please enter the address of the HTTP or FTP repository (for example http://server/xcp/), and a username and password if the server needs them."),
               Spacer(), url, Spacer(), user, password]
        form = Form(title: "Specify Repository", width: 64, body: body, buttons: [.ok, .back],
                    help: "Setup checks the address before it goes on: it must be reachable and hold a Xen Cloud Platform repository (XS-REPOSITORY). The password is never shown or logged.")
    }

    func answer(button: String) -> ScreenAnswer? {
        guard button == "ok" else { return nil }
        if isNFS { return .nfs(nfs.value.trimmingCharacters(in: .whitespaces)) }
        return .url(url.value.trimmingCharacters(in: .whitespaces), user: user.value, password: password.value)
    }

    nonisolated static func apply(url: String, user: String, password: String, to s: inout FlowState) -> Outcome {
        let lower = url.lowercased()
        guard ["http://", "https://", "ftp://"].contains(where: { lower.hasPrefix($0) }), url.count > 8 else {
            return .invalid(title: "Specify Repository", message: "The URL must start with http://, https:// or ftp:// and name a server.")
        }
        s.answers.url = url; s.answers.urlUser = user; s.answers.urlPassword = password
        let creds = user.isEmpty ? nil : Credentials(user: user, password: password)
        s.answers.plan.sources = [.url(url, credentials: creds)]
        s.answers.verified = false
        return .pending([.checkSource(.url(url, credentials: creds))])
    }

    nonisolated static func apply(nfs path: String, to s: inout FlowState) -> Outcome {
        let parts = path.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
            return .invalid(title: "Specify Repository", message: "The NFS path must look like server:/path/to/repository.")
        }
        s.answers.nfsPath = path
        s.answers.plan.sources = [.nfs(path)]
        s.answers.verified = false
        return .pending([.checkSource(.nfs(path))])
    }
}

/// Step 8 (local media): install the Linux Pack from a second CD?
@MainActor
struct LinuxPackScreen: InstallerScreen {
    let form: Form
    init(state: FlowState) {
        form = FormKit.message(title: "Linux Pack", text: """
        Would you like to install the Linux Pack from a second CD? It is needed to run \
        Linux VMs. In a resource pool, install it on every host or on none.
        """, help: "Yes asks for the Linux Pack CD near the end of the installation. Choose No if this host will only run Windows VMs; you can add the pack later.",
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
