import Foundation
import InstallerCore
import Synchronization

/// An unattended install from an answerfile: no curses, plain progress lines on stdout,
/// exit 0 on success, 1 on failure (the reason on the last line), 2 for an invalid answerfile.
enum UnattendedInstall {
    /// Checks the answerfile (`bytes`, fetched from `name`) against the machine; every problem
    /// is printed to stderr. Also gives where `<linux-pack>` is (`FILE:LINE:COLUMN`), when the file has one.
    /// `url`: where it came from (the refusal names it).
    static func plan(bytes: [UInt8], name: String, url: String, machine: Machine, allowMissing: Bool) throws(InstallerError) -> (AnswerfileResult, String, linuxPackAt: String?) {
        var options = AnswerfileOptions(machine: machine)
        options.allowMissing = allowMissing
        options.installationsDetected = true
        let result = Answerfile.parse(bytes, options: options)
        let shown = URL(fileURLWithPath: name).lastPathComponent
        for line in result.report(file: shown) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if var error = result.error(file: shown) {
            error.location = url
            throw error
        }
        return (result, String(decoding: bytes, as: UTF8.self), result.linuxPackAt.map { "\(shown):\($0.line):\($0.column)" })
    }

    /// Runs `plan` through `backend` (network, driver disks, then the backend's preamble and
    /// the installation), printing progress lines; returns the exit status.
    /// `linuxPackAt`: where the answerfile's `<linux-pack>` is, for the refusal of `yes`.
    /// `reporter`: where status reports go (started was sent already).
    static func run(_ plan: InstallPlan, machine: Machine, backend: InstallerBackend, networkDevice: String? = nil, linuxPackAt: String? = nil,
                    reporter: StatusReporter? = nil) -> Int32 {
        @Sendable func say(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
        say("host-installer: unattended \(plan.mode.rawValue) installation on \(plan.primaryDisk) from " + (plan.mode == .restore ? "its backup partition" : plan.sources.map(\.displayName).joined(separator: ", ")))
        let log = backend.log
        let prepared: PreparedInstallation
        do throws(InstallerError) {
            try bringUpNetwork(plan, machine: machine, backend: backend, device: networkDevice, say: say)
            let machine = try loadDriverSources(plan, machine: machine, backend: backend, say: say)
            prepared = try backend.prepare(plan, machine: machine)
        } catch var error {
            if error.location == InstallSources.linuxPackLocation { error.location = linuxPackAt ?? "<linux-pack>" }
            log.log("unattended installation refused: \(error.description)")
            if let reporter { say(reporter.failed(error.description)) }
            say("Installation failed: \(error.description)")
            return error.kind == .invalidInput ? 2 : 1
        }
        defer { prepared.close() }
        say("Linux Pack: " + linuxPackLine(plan, prepared))
        let last = Mutex((percent: -1, step: ""))
        let started = Date()
        let result = prepared.run { event in
            guard case let .progress(f, step, left) = event else { return }
            reporter?.progress(fraction: f, step: step, timeLeft: left)
            let pct = Int((f * 100).rounded(.down))
            let changed = last.withLock { l -> Bool in
                guard pct != l.percent || step != l.step else { return false }
                l = (pct, step)
                return true
            }
            if changed {
                let timeLeft = left.map { "time left " + ProgressText.duration($0) } ?? "time left: estimating"
                say(String(format: "[%3d%%] %@ (%@)", pct, step, timeLeft))
            }
        }
        // A bond made for the installation: its members' state now (a member lost during the
        // install shows here, and in the install's log).
        if backend.runtimeNetworkEnabled(for: machine), networkSettings(plan, machine: machine, device: networkDevice)?.bond != nil,
           let status = backend.runtimeNetwork.bondStatus() {
            log.log("network: " + status)
            say("network: " + status)
        }
        switch result {
        case let .success(summary):
            // The install's own time by this machine's clock, from after validation to here
            // (bench/iso.sh reads it off the serial console of the installer CD). Printed before
            // the completion line, which stays the last line of the output.
            let installTime = Date().timeIntervalSince(started)
            if let reporter {
                say(reporter.succeeded(facts(plan, machine: machine, backend: backend, summary: summary, product: prepared.mainRepository?.product ?? "")))
            }
            say(String(format: "Install time: %.2f s (from the start of the installation to its completion)", installTime))
            say("Installation complete: \(summary.primaryDisk), root \(summary.rootLabel), \(summary.productVersion)")
            return 0
        case let .failure(e):
            if let reporter { say(reporter.failed(e.description)) }
            say("Installation failed: \(e.description)")
            return 1
        }
    }
}

extension UnattendedInstall {
    /// The installed host's facts for the `finished` report: its host name and management
    /// address as configured (for DHCP, the address the NIC holds or the profile's lease).
    static func facts(_ plan: InstallPlan, machine: Machine, backend: InstallerBackend, summary: InstallSummary, product: String) -> StatusReporter.Facts {
        var hostname = ""
        if case let .manual(h) = plan.hostname { hostname = h }
        var address = ""
        if let admin = plan.adminInterface {
            if case let .static(ip, _, _) = admin.config { address = ip }
            if address.isEmpty, let lease = machine.nic(named: admin.nic)?.dhcp {
                address = lease.ip
                if hostname.isEmpty { hostname = lease.hostname ?? "" }
            }
            if address.isEmpty, machine.isReal { address = backend.runtimeNetwork.addresses(admin.nic).first.map { String($0.split(separator: "/")[0]) } ?? "" }
        }
        return StatusReporter.Facts(hostname: hostname, address: address, rootLabel: summary.rootLabel, product: product,
                                    version: summary.productVersion, disk: summary.primaryDisk)
    }

    /// Whether the Linux Pack is installed, and why.
    static func linuxPackLine(_ plan: InstallPlan, _ prepared: PreparedInstallation) -> String {
        let found = prepared.sources.repositories.contains { $0.0.id == .linux }
        switch (plan.linuxPack, found) {
        case (.no, _): return "not installed (<linux-pack>no</linux-pack>)"
        case (_, true): return "installed (" + (plan.linuxPack == .yes ? "asked for" : "a source provides it") + ")"
        case (.yes, false): return "from its own disc after the installation"
        case (.auto, false): return "not installed (no source provides it)"
        }
    }
}

/// Durations as progress lines and the progress bar show them.
enum ProgressText {
    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded(.up))
        if t >= 3600 { return "\(t / 3600) h \((t % 3600) / 60) min" }
        if t >= 60 { return "\(t / 60) min \(t % 60) s" }
        return "\(t) s"
    }
}
