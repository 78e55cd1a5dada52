import Foundation
import InstallerCore

/// The reducer's part after Confirm: the install's progress, the set-time dialog, the Linux
/// Pack disc, Installation Complete and the failure screen with its support bundle. The
/// runner performs the effects (start the install, read the disc, set the clock, save the
/// bundle) and sends their results back as actions; nothing here does I/O.
enum InstallFlow {
    static func reduce(_ s: inout FlowState, _ action: FlowAction) -> [Effect] {
        if case .beginInstall = action {
            s.install = InstallState(mode: s.answers.plan.mode)
            return [.startInstall(s.answers.plan)]
        }
        guard var i = s.install else { return [] }
        defer { s.install = i }
        switch action {
        case let .installStarted(disc):
            i.linuxPackDisc = disc
            return []
        case let .progress(fraction, step, left):
            i.progress = ProgressInfo(fraction: fraction, step: step, secondsLeft: left)
            return []
        case .askTime:
            guard !i.timeAsked, i.screen == .progress else { return [] }
            i.timeAsked = true
            i.screen = .setTime
            return []
        case let .installFinished(result):
            i.running = false
            i.result = result
            // The time dialog is finished first; the rest follows its Ok.
            return i.screen == .setTime ? [] : afterInstall(&i, plan: s.answers.plan)
        case let .linuxPackDiscChecked(check):
            guard i.screen == .linuxPackDisc, let main = i.linuxPackDisc else { return [] }
            switch check {
            case .noDisc:
                return [.showError(title: "No Disc", message: "There is no disc in the drive. Insert the Linux Pack disc and choose \"Use media\", or choose Skip.")]
            case let .wrongDisc(what):
                let text = what.prefix(1).uppercased() + what.dropFirst()
                return [.showMessage(title: "Wrong Disc", message: "\(text).\n\nInsert the Linux Pack disc for \(main.product) \(main.version) and choose \"Use media\" again, or choose Skip.", width: 60)]
            case .ready:
                i.screen = .progress
                i.title = "Installing Linux Pack"
                i.progress = ProgressInfo(step: "Preparing...")
                i.running = true
                i.linuxPackRunning = true
                return [.installLinuxPack]
            }
        case let .linuxPackFinished(error):
            i.running = false
            if let error { fail(&i, error) } else { i.screen = .complete }
            return []
        case let .bundleSaved(result):
            guard i.screen == .saveBundle else { return [] }
            i.screen = .failed
            switch result {
            case let .success(path):
                return [.log("support bundle saved: \(path)"),
                        .showMessage(title: "Support Bundle Saved", message: "The support bundle was saved as:\n\n\(path)", width: 56)]
            case let .failure(e):
                return [.showMessage(title: "Support Bundle Not Saved", message: e.description, width: 56)]
            }
        case let .endScreen(answer):
            return submit(answer, &i, plan: s.answers.plan)
        default:
            return []
        }
    }

    private static func submit(_ answer: EndAnswer, _ i: inout InstallState, plan: InstallPlan) -> [Effect] {
        switch (i.screen, answer) {
        case let (.setTime, .setTime(y, mo, d, h, mi)):
            guard let date = localTime(year: y, month: mo, day: d, hour: h, minute: mi, timezone: plan.timezone) else {
                return [.showError(title: "Date error", message: "The date/time you entered was not valid. Please try again.")]
            }
            if i.running {
                i.screen = .progress
                return [.setClock(date)]
            }
            return [.setClock(date)] + afterInstall(&i, plan: plan)
        case (.linuxPackDisc, .useDisc):
            return [.readLinuxPackDisc]
        case (.linuxPackDisc, .skipDisc):
            i.screen = .complete
            return [.log("Linux Pack disc: skipped by the administrator; the Linux Pack is not installed")]
        case (.complete, .leave):
            return [.leaveInstaller(error: nil)]
        case (.failed, .viewLog): return [.showConsole(3)]
        case (.failed, .shell): return [.showConsole(2)]
        case (.failed, .saveBundle):
            i.screen = .saveBundle
            return []
        case (.failed, .leave):
            return [.leaveInstaller(error: i.error)]
        case (.saveBundle, .bundle(nil)):
            i.screen = .failed
            return []
        case let (.saveBundle, .bundle(place?)):
            return [.saveBundle(to: place.trimmingCharacters(in: .whitespaces))]
        default:
            return []
        }
    }

    /// Once the main install has ended: the failure screen; or the time (manual time entry,
    /// when not asked yet), then the Linux Pack disc when it is on its own disc, then
    /// Installation Complete.
    private static func afterInstall(_ i: inout InstallState, plan: InstallPlan) -> [Effect] {
        switch i.result {
        case nil: return []
        case let .failure(e)?: fail(&i, e)
        case .success?:
            if case .manual = plan.time, !i.timeAsked {
                i.timeAsked = true
                i.screen = .setTime
            } else {
                i.screen = i.linuxPackDisc == nil ? .complete : .linuxPackDisc
            }
        }
        return []
    }

    private static func fail(_ i: inout InstallState, _ e: InstallerError) {
        i.error = e
        i.screen = .failed
    }

    /// The instant typed on "Set local time" in the plan's time zone; nil when it is not a
    /// real date and time (a 31st of a short month, an hour past 23, a year out of 1970-2200).
    /// The zone is read from tzdata's file (ZoneInfo); a zone without one counts as UTC.
    static func localTime(year: String, month: String, day: String, hour: String, minute: String, timezone: String,
                          zoneinfo: String = TimezoneCatalogue.system.root) -> Date? {
        guard let y = Int(year), let mo = Int(month), let d = Int(day), let h = Int(hour), let mi = Int(minute),
              (1970...2200).contains(y) else { return nil }
        let zone = ZoneInfo(zone: timezone, root: zoneinfo) ?? ZoneInfo.utc
        return zone.instant(year: y, month: mo, day: d, hour: h, minute: mi).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
