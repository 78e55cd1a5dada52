extension CleanInstall {
    /// A clean install whose repositories (and post-install script) come from the plan's
    /// sources, opened by `InstallSources` (the one place that picks them).
    /// The accessors stay open for the life of the install.
    public static func fromSources(plan: InstallPlan, machine: Machine, log: EventLog = .shared,
                                   options: Options = Options()) throws(InstallerError) -> CleanInstall {
        let opened = try InstallSources.open(plan, machine: machine)
        let install = CleanInstall(plan: plan, machine: machine, repositories: opened.repositories, log: log, options: options)
        install.postInstallScript = opened.postInstall
        return install
    }
}
