import Foundation
import InstallerCore

/// Performs the flow after Confirm on the terminal: shows the screen the state names, feeds
/// its answers and the background work's reports to the reducer, and carries out the
/// effects. The install, the Linux Pack disc and the bundle run in `BackgroundTask`s, so the
/// screen keeps answering keys (F1, Alt-F2/F3, resize) while they work.
@MainActor
extension FlowRunner {
    /// Installs the plan the screens made: progress, the time, the Linux Pack disc, then
    /// Installation Complete or the failure screen. nil when complete, else what failed.
    func install() -> InstallerError? {
        let e = EndRun()
        end = e
        defer { e.session?.close(); end = nil; ui.backdrop = nil }
        dispatch(.beginInstall)
        while e.left == nil, let id = state.install?.screen {
            let screen = EndScreens.make(id, state: state)
            if id == .progress { e.progressForm = screen.form }
            // The bundle holds the log as it was when the failure was first shown.
            if id == .failed, e.failureLog == nil { e.failureLog = log.lines }
            // Dialogs are drawn alone, except the set-time one over a running install.
            ui.backdrop = state.install?.overProgress == true ? e.progressForm : nil
            while e.left == nil, state.install?.screen == id {
                let button = ui.run(screen.form, tickMs: e.task == nil ? -1 : 200) {
                    let changed = self.takeReports()
                    if self.end?.left != nil || self.state.install?.screen != id { return .stop }
                    if changed { screen.update(self.state) }
                    return changed ? .redraw : .idle
                }
                if let button, let answer = screen.answer(button: button) { dispatch(.endScreen(answer)) }
            }
        }
        guard let left = e.left else { return .failed("the installation did not finish") }
        return left
    }

    /// The background work's reports since the last tick, given to the reducer. true when
    /// there were any.
    private func takeReports() -> Bool {
        guard let e = end, let task = e.task else { return false }
        let (updates, value) = task.take()
        for action in updates { dispatch(action) }
        if let value {
            e.task = nil
            dispatch(value)
        }
        return !updates.isEmpty || value != nil
    }

    private func dispatch(_ action: FlowAction) {
        for effect in Flow.reduce(&state, action) { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        guard let e = end else { return }
        switch effect {
        case let .startInstall(plan):
            let machine = state.machine
            let opened = ui.wait(BackgroundTask { [effects] in effects.open(plan, machine: machine) }, "Please wait", "Reading package information...")
            switch opened {
            case let .failure(error):
                dispatch(.installFinished(.failure(error)))
            case let .success(session):
                e.session = session
                e.task = BackgroundTask(name: "host-installer.install") { send in session.runInstall(send: send) }
                dispatch(.installStarted(linuxPackDisc: session.linuxPackDisc))
            }
        case let .setClock(date):
            effects.setClock(date, machine: state.machine)
        case .readLinuxPackDisc:
            guard let session = e.session, let disc = session.discInDrive() else {
                dispatch(.linuxPackDiscChecked(.noDisc))
                return
            }
            dispatch(.linuxPackDiscChecked(ui.wait(BackgroundTask { session.readLinuxPackDisc(disc) }, "Please wait", "Reading the disc...")))
        case .installLinuxPack:
            guard let session = e.session else { return }
            e.task = BackgroundTask(name: "host-installer.linux-pack") { send in session.installLinuxPack(send: send) }
        case let .showConsole(n):
            consoles?.show(n)
        case let .saveBundle(place):
            let contents = SupportBundle.Contents(log: e.failureLog ?? log.lines, machine: bundleMachine ?? state.machine,
                                                  answerfile: answerfileText, plan: state.answers.plan)
            dispatch(.bundleSaved(ui.wait(BackgroundTask { [effects] in effects.saveBundle(contents, to: place) }, "Please wait", "Saving the support bundle...")))
        case let .showError(title, message):
            ui.message(title, message)
        case let .showMessage(title, message, width):
            ui.message(title, message, width: width)
        case let .log(line):
            log.log(line)
        case let .leaveInstaller(error):
            e.left = .some(error)
        case .applyKeymap, .checkSource, .verifySource, .scanDriverDisk, .loadDrivers, .finish, .exit, .focus:
            break   // the questions' effects: not sent after Confirm
        }
    }
}

/// What the runner holds while the flow after Confirm runs.
@MainActor
final class EndRun {
    /// The open sources of the install.
    var session: InstallEffects.Session?
    /// The work whose reports the screens are waiting for (the install, the Linux Pack).
    var task: BackgroundTask<FlowAction, FlowAction>?
    /// The progress window, under the set-time dialog while the install runs.
    var progressForm: Form?
    /// The event log when the failure screen was first shown (for the support bundle).
    var failureLog: [String]?
    /// Set by `leaveInstaller`: nil inside when complete, else the error.
    var left: InstallerError??
}
