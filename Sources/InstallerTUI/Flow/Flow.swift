import InstallerCore

/// The reducer: state + action → new state + effects. It does no I/O.
enum Flow {
    static func reduce(_ s: inout FlowState, _ action: FlowAction, table: [FlowStep] = FlowTable.main) -> [Effect] {
        // After Confirm, the second table (the install to its end screen) takes every action.
        if s.install != nil { return InstallFlow.reduce(&s, action) }
        switch action {
        case .beginInstall, .installStarted, .progress, .askTime, .installFinished, .linuxPackDiscChecked,
             .linuxPackFinished, .bundleSaved, .endScreen:
            return InstallFlow.reduce(&s, action)
        case .start:
            s.history = []
            applyDefaults(&s)
            s.current = nextScreen(after: nil, in: s, table: table)
            return []
        case .back:
            guard let prev = s.history.popLast() else { return [] }
            s.current = prev
            return []
        case let .sourceChecked(error):
            if let error { return [.showError(title: "Problem With Location", message: error)] }
            return advance(&s, table: table, effects: [])
        case let .driverDiskScanned(found, error):
            if let error { return [.showError(title: "Driver Disk", message: error)] }
            s.driverDisk.found = found
            return advance(&s, table: table, effects: [])
        case let .driversLoaded(loaded, machine, error):
            if let error { return [.showError(title: "Loading Drivers", message: error)] }
            DriverDiskRules.loaded(loaded, machine: machine, to: &s)
            return advance(&s, table: table, effects: [])
        case let .mediaIdentified(media):
            s.answers.media = media
            // A remote source without the Linux Pack: nothing to ask, nothing to install.
            if s.remoteSource && !media.hasLinuxPack { s.answers.plan.installLinuxPack = false }
            return []
        case let .submit(answer):
            guard let current = s.current else { return [] }
            switch ScreenRules.apply(answer, on: current, to: &s) {
            case let .invalid(title, message, field): return [.showError(title: title, message: message)] + (field.map { [.focus($0)] } ?? [])
            case let .leave(effects): return effects
            case let .pending(effects): return effects
            case let .next(effects): return advance(&s, table: table, effects: effects)
            case let .returnTo(screen, effects):
                if let i = s.history.lastIndex(of: screen) { s.history.removeSubrange(i...) }
                s.current = screen
                return effects
            case let .jump(after, effects):
                if let i = s.history.lastIndex(of: after) { s.history = Array(s.history[...i]) } else { s.history.append(current) }
                s.current = nextScreen(after: after, in: s, table: table)
                if s.current == nil { return effects + [.finish(s.answers.plan)] }
                return effects
            }
        }
    }

    private static func advance(_ s: inout FlowState, table: [FlowStep], effects: [Effect]) -> [Effect] {
        guard let current = s.current else { return effects }
        s.history.append(current)
        s.current = nextScreen(after: current, in: s, table: table)
        if s.current == nil { return effects + [.finish(s.answers.plan)] }
        return effects
    }

    /// Values the screens would set when they are skipped (a single disk, a single NIC).
    static func applyDefaults(_ s: inout FlowState) {
        let disks = s.machine.eligibleDisks
        if s.answers.plan.primaryDisk.isEmpty || !disks.contains(where: { $0.name == s.answers.plan.primaryDisk }) {
            s.answers.plan.primaryDisk = disks.first?.name ?? ""
            s.answers.plan.guestDisks = []
            s.answers.plan.storageOnPrimary = true
        }
        let firstWithLink = s.machine.nics.first { $0.link } ?? s.machine.nics.first
        if s.answers.adminNIC == nil { s.answers.adminNIC = firstWithLink?.name }
        if s.answers.sourceNIC == nil { s.answers.sourceNIC = firstWithLink?.name }
        if s.answers.plan.adminInterface == nil, let nic = firstWithLink {
            s.answers.plan.adminInterface = AdminInterface(nic: nic.name, mac: nic.mac, config: .dhcp)
        }
        if s.answers.plan.sources.isEmpty { s.answers.plan.sources = [.local(path: nil)] }
    }

    static func nextScreen(after screen: ScreenID?, in s: FlowState, table: [FlowStep]) -> ScreenID? {
        var i = screen.flatMap { sc in table.firstIndex { $0.screen == sc } }.map { $0 + 1 } ?? 0
        while i < table.count {
            let shown = s.options.onlyScreens.map { $0.contains(table[i].screen) } ?? true
            if shown && table[i].when(s) { return table[i].screen }
            i += 1
        }
        return nil
    }
}

/// What submitting a screen leads to.
enum Outcome: Equatable {
    /// Go to the next screen shown, after these effects.
    case next([Effect])
    /// Stay on the screen; show this error.
    case invalid(title: String, message: String, field: PlanField? = nil)
    /// Stay, and run these effects (exit, reboot).
    case leave([Effect])
    /// Stay until the effects report back (`sourceChecked`), then go on.
    case pending([Effect])
    /// Go back to an earlier screen of the history (the end of a nested sequence such as
    /// the driver disks), dropping the screens shown since from the history.
    case returnTo(ScreenID, [Effect])
    /// Go on as if leaving `after` now (the history is cut back to it): the choice made there changed.
    case jump(after: ScreenID, [Effect])
}
