import Foundation
import InstallerCore
import Synchronization

/// Runs the install behind the progress screen: progress with the step and time left, the
/// manual time dialog near 90 %, then "Installation Complete" or the failure screen.
@MainActor
struct InstallRunner {
    let ui: UI
    let machine: Machine
    let consoles: Consoles?
    let backend: InstallerBackend

    enum Outcome { case complete, failed(InstallerError) }

    func run(_ plan: InstallPlan) -> Outcome {
        let opened: PreparedInstallation
        do throws(InstallerError) {
            opened = try ui.working("Please wait", "Reading package information...") { () throws(InstallerError) -> PreparedInstallation in
                try backend.prepare(plan, machine: machine)
            }
        } catch {
            return .failed(error)
        }
        defer { opened.close() }

        struct Progress {
            var fraction = 0.0, step = "Preparing for installation...", left: Double?
            var askTime = false
            var result: Result<InstallSummary, InstallerError>?
        }
        let shared = Mutex(Progress())
        // SIGINT, SIGTERM or SIGHUP during the install: the install stops at its next check,
        // its mounts and loop devices are released, the terminal is restored (Terminal.start).
        opened.start { event in
            shared.withLock { p in
                switch event {
                case let .progress(f, step, left): p.fraction = f; p.step = step; p.left = left
                case let .finished(r): p.result = r
                case .question(.setTime): p.askTime = true
                case .log, .question: break
                }
            }
        }
        let title = plan.mode == .restore ? "Restoring From Backup" : plan.mode == .reinstall ? "Upgrading Xen Cloud Platform" : "Installing Xen Cloud Platform"
        let (form, step, bar) = FormKit.progress(title: title, text: "Preparing for installation...",
                                                 help: "The installation is running. Alt-F2 opens a shell and Alt-F3 the event log meanwhile; Alt-F1 comes back here.")
        var askedTime = false
        _ = ui.run(form, tickMs: 200) {
            let p = shared.withLock { $0 }
            bar.fraction = p.fraction
            bar.secondsLeft = p.left
            step.text = p.step
            // The backend asks once the system is configured (near 90 %); it goes on meanwhile.
            if p.askTime, !askedTime {
                askedTime = true
                askTime(plan)
            }
            return p.result != nil ? "done" : nil
        }
        switch shared.withLock({ $0.result }) {
        case nil: return .failed(.failed("the installation ended without a result"))
        case .success?:
            if case .manual = plan.time, !askedTime { askTime(plan) }
            if opened.linuxPackOnAnotherDisc, let main = opened.mainRepository {
                if case let .failed(e) = linuxPackFromDisc(plan, main: main) { return .failed(e) }
            }
            return .complete
        case let .failure(e)?: return .failed(e)
        }
    }

    /// "Set local time": validated; the clock is set only on real hardware.
    func askTime(_ plan: InstallPlan) {
        let now = Date()
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: plan.timezone) ?? .gmt
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        func two(_ v: Int?) -> String { let s = String(v ?? 0); return s.count < 2 ? "0" + s : s }
        let year = Entry("Year (YYYY):", value: String(c.year ?? 2026), labelWidth: 14, fieldWidth: 5)
        let month = Entry("Month (MM):", value: two(c.month), labelWidth: 14, fieldWidth: 3)
        let day = Entry("Day (DD):", value: two(c.day), labelWidth: 14, fieldWidth: 3)
        let hour = Entry("Hour (HH):", value: two(c.hour), labelWidth: 14, fieldWidth: 3)
        let minute = Entry("Min (MM):", value: two(c.minute), labelWidth: 14, fieldWidth: 3)
        let form = Form(title: "Set local time", width: 66, body: [
            TextBlock("Please set the current (local) date and time in \(plan.timezone)."), Spacer(),
            year, month, day, Spacer(), TextBlock("Time (24-hour clock):"), hour, minute,
        ], buttons: [.ok], help: "The installer sets the computer's clock from these values (kept in UTC).")
        while true {
            _ = ui.run(form)
            var dc = DateComponents()
            dc.year = Int(year.value); dc.month = Int(month.value); dc.day = Int(day.value)
            dc.hour = Int(hour.value); dc.minute = Int(minute.value)
            if let y = dc.year, let mo = dc.month, let d = dc.day, let h = dc.hour, let mi = dc.minute,
               (1970...2200).contains(y), (1...12).contains(mo), (0...23).contains(h), (0...59).contains(mi),
               let date = cal.date(from: dc), cal.component(.day, from: date) == d {
                backend.setClock(date, machine: machine)
                return
            }
            ui.message("Date error", "The date/time you entered was not valid. Please try again.")
        }
    }
}
