import Foundation

/// Opens the plan's sources and picks the repositories to install: the base product, the
/// Linux Pack when chosen, and driver disks. Used by the screens and by unattended runs;
/// nothing is written to any disk here.
public enum InstallSources {
    public struct Opened {
        public var repositories: [(Repository, Accessor)]
        public var accessors: [Accessor]
        /// Where the post-install script is read from (a server or media), when it is not a local path.
        public var postInstall: (Accessor, String)?
        /// The Linux Pack was chosen and is not on the main media: it is asked for after the
        /// main installation ("insert the Linux Pack disc").
        public var linuxPackOnAnotherDisc = false
        public func close() { accessors.forEach { $0.close() } }
    }

    /// The location of the refusal when `<linux-pack>yes</linux-pack>` finds no Linux Pack.
    public static let linuxPackLocation = "linux-pack"

    public static func open(_ plan: InstallPlan, machine: Machine) throws(InstallerError) -> Opened {
        var opened = Opened(repositories: [], accessors: [])
        do throws(InstallerError) {
            for (i, source) in plan.sources.enumerated() {
                let accessor = try Accessors.make(for: source, machine: machine)
                opened.accessors.append(accessor)
                let repos = i == 0 ? try RepositoryScanner.scanInstallSource(accessor) : try RepositoryScanner.scan(accessor)
                for r in repos where wanted(r, plan: plan) && !opened.repositories.contains(where: { $0.0.id == r.id }) {
                    opened.repositories.append((r, accessor))
                }
            }
            for source in plan.driverSources {
                // The copy made when the drivers were loaded, when there is one: what is
                // installed is what was loaded, even if the disc was swapped since.
                let accessor: Accessor
                if let copy = DriverDisk.localCopy(of: source), FileManager.default.fileExists(atPath: copy) { accessor = DirectoryAccessor(copy) } else {
                    accessor = try Accessors.make(for: source, machine: machine)
                }
                opened.accessors.append(accessor)
                for r in try RepositoryScanner.scanDriverDisk(accessor) { opened.repositories.append((r, accessor)) }
            }
            if let script = plan.postInstallScript {
                switch script {
                case .local(let p?) where p.hasPrefix("/"): break
                case let .url(u, c):
                    let (dir, file) = AnswerfileFetch.split(u)
                    let a = try HTTPAccessor(dir, credentials: c)
                    opened.accessors.append(a)
                    opened.postInstall = (a, file)
                case let .nfs(p):
                    let (dir, file) = AnswerfileFetch.split(p)
                    let a = try NFSAccessor(dir)
                    opened.accessors.append(a)
                    opened.postInstall = (a, file)
                case .local:
                    throw InstallerError.invalid("post-install-script", "a local post-install script must be given by its absolute path")
                }
            }
            let packFound = opened.repositories.contains(where: { $0.0.id == .linux })
            if plan.linuxPack == .yes && !packFound, case .local(nil)? = plan.sources.first, machine.cdrom != nil {
                // Not on the main media: the front end asks for the Linux Pack disc once the
                // main installation is done (LinuxPackDisc), as the guide's step 17 says.
                opened.linuxPackOnAnotherDisc = true
            } else if plan.linuxPack == .yes && !packFound {
                // Refused here, before any disk is touched; the front end puts the answerfile's
                // line and column in place of `linuxPackLocation` when it has them.
                let searched = plan.sources.map(\.displayName).joined(separator: ", ")
                throw InstallerError.invalid(linuxPackLocation, "the Linux Pack was asked for (<linux-pack>yes</linux-pack>) but no source provides it (no xs:linux repository in \(searched.isEmpty ? "the sources" : searched))",
                                             hint: "add a <source> holding the Linux Pack, or remove <linux-pack> or write <linux-pack>no</linux-pack>")
            }
        } catch {
            opened.close()
            throw error
        }
        return opened
    }

    static func wanted(_ r: Repository, plan: InstallPlan) -> Bool {
        if r.id == .main { return true }
        if r.id == .linux { return plan.linuxPack != .no }
        return false
    }
}
