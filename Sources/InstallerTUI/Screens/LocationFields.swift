import InstallerCore

/// The fields of a location screen, shared by the installation source's and the driver
/// disk's: a URL with an optional username and password, or an NFS `server:/path`.
@MainActor
struct LocationFields {
    let isNFS: Bool
    private let url: Entry, user: Entry, password: Entry, nfs: Entry

    init(isNFS: Bool, url: String, user: String, password: String, nfsPath: String) {
        self.isNFS = isNFS
        self.url = Entry("URL:", value: url, labelWidth: 11, fieldWidth: 44)
        self.user = Entry("Username:", value: user, labelWidth: 11, fieldWidth: 16)
        self.password = Entry("Password:", value: password, labelWidth: 11, fieldWidth: 16, masked: true)
        self.nfs = Entry("NFS Path:", value: nfsPath, labelWidth: 11, fieldWidth: 44)
    }

    /// The screen's body: the text for the kind of location, then its fields.
    func body(nfsText: String, urlText: String) -> [Widget] {
        isNFS ? [TextBlock(nfsText), Spacer(), nfs] : [TextBlock(urlText), Spacer(), url, Spacer(), user, password]
    }

    /// What was typed (the URL and the NFS path without surrounding spaces).
    var nfsPath: String { nfs.value.trimmingCharacters(in: .whitespaces) }
    var urlAnswer: (url: String, user: String, password: String) {
        (url.value.trimmingCharacters(in: .whitespaces), user.value, password.value)
    }
}

/// The checks both location screens make before trying a location: the rule book's
/// (`PlanRules.locationProblem`), in the screens' words.
enum LocationRules {
    /// nil when the URL can be tried, else what is wrong with it.
    static func urlProblem(_ url: String) -> String? {
        PlanRules.locationProblem(.url(url, credentials: nil), kind: "source", example: "").map(\.screen)
    }

    /// nil when the path has the form server:/path, else what it should look like.
    static func nfsProblem(_ path: String, example: String) -> String? {
        PlanRules.locationProblem(.nfs(path), kind: "source", example: example).map(\.screen)
    }

    static func credentials(user: String, password: String) -> Credentials? {
        user.isEmpty ? nil : Credentials(user: user, password: password)
    }
}
