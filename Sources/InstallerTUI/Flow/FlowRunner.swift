import Foundation
import InstallerCore

/// Performs the flow on a terminal: shows the current screen, feeds its answer to the
/// reducer, and carries out the effects the reducer returns.
@MainActor
final class FlowRunner {
    let ui: UI
    var state: FlowState
    let log = EventLog.shared
    /// Everything the flow asks InstallerCore to do (set by the command; the default backend
    /// reads this process's environment).
    var effects = InstallEffects(backend: InstallerBackend(environment: .process, log: .shared))
    /// The base product of the source last checked by `checkSource` (nil when unknown).
    var mediaFound: MediaIdentity?
    /// Alt-F2/F3 for the failure screen's "Shell" and "View log".
    var consoles: Consoles?
    /// For the support bundle: the answerfile as given, and the machine as first probed.
    var answerfileText: String?
    var bundleMachine: Machine?
    /// The flow after Confirm, while `install()` runs.
    var end: EndRun?

    init(ui: UI, state: FlowState) { self.ui = ui; self.state = state }

    enum Result { case finished(InstallPlan), exit(Int32) }

    func run() -> Result {
        _ = Flow.reduce(&state, .start)
        while let id = state.current {
            log.log("Displaying screen \(id.rawValue)")
            let screen = Screens.make(id, state: state)
            ui.backdrop = screen.form
            defer { ui.backdrop = nil }
            var resolved = false
            while !resolved {
                let button = ui.run(screen.form)
                guard let answer = screen.answer(button: button) else {
                    _ = Flow.reduce(&state, .back)
                    break
                }
                resolved = true
                for effect in Flow.reduce(&state, .submit(answer)) {
                    switch effect {
                    case let .showError(title, message):
                        ui.message(title, message)
                        resolved = false          // same form, with what was typed
                    case let .focus(field): screen.focus(field)
                    case let .applyKeymap(k): applyKeymap(k)
                    case let .checkSource(source):
                        let error = checkSource(source)
                        if let error { log.log("source \(source.displayName): \(error)") }
                        if error == nil, let media = mediaFound { _ = Flow.reduce(&state, .mediaIdentified(media)) }
                        if case let .showError(title, message)? = Flow.reduce(&state, .sourceChecked(error: error)).first {
                            ui.message(title, message)
                            resolved = false
                        }
                    case let .verifySource(source):
                        let error = verify(source)
                        if let error {
                            ui.message("Problems Found", error)
                            resolved = false
                        } else {
                            _ = Flow.reduce(&state, .sourceChecked(error: nil))
                        }
                    case let .scanDriverDisk(source):
                        if case let .showError(title, message)? = Flow.reduce(&state, scanDriverDisk(source)).first {
                            ui.message(title, message)
                            resolved = false
                        }
                    case let .loadDrivers(source):
                        if case let .showError(title, message)? = Flow.reduce(&state, loadDrivers(source)).first {
                            ui.message(title, message)
                            resolved = false
                        }
                    case let .finish(plan): return .finished(plan)
                    case let .exit(code): return .exit(code)
                    case let .log(line): log.log(line)
                    case .startInstall, .setClock, .readLinuxPackDisc, .installLinuxPack, .showConsole, .saveBundle,
                         .showMessage, .leaveInstaller:
                        break   // after Confirm: `install()`
                    }
                }
            }
        }
        return .finished(state.answers.plan)
    }

    /// loadkeys only on a real Linux console; elsewhere the terminal's own keymap applies.
    func applyKeymap(_ keymap: String) {
        guard state.machine.isReal, let tty = ttyname(0).map({ String(cString: $0) }), tty.hasPrefix("/dev/tty"),
              tty.dropFirst(8).allSatisfy(\.isNumber) else {
            log.log("Keymap \(keymap) chosen (not loaded: not a Linux console)")
            return
        }
        effects.loadKeymap(keymap)
    }
}
