import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes an answerfile that reproduces a plan (`--record-answerfile`). The root password is
/// always stored as a SHA-512 crypt hash, and the file is created with mode 0600. A source's
/// password is never written: the URL keeps the user name, and a comment above the element
/// says where the password goes.
///
/// The Linux Pack choice is written as `<linux-pack>` (left out for auto) and the time method
/// as `<time-config-method>` (manual time too). What the format cannot say is left out: DHCP
/// nameservers together with a static admin interface.
public enum AnswerfileWriter {
    public static func render(_ plan: InstallPlan) throws(InstallerError) -> String {
        try render(plan, plaintextPassword: false)
    }

    /// `plaintextPassword`: a plaintext root password and the sources' passwords are written
    /// as they are (tests that hold the answerfile to the screens' rules and round trips;
    /// never for a file that is kept).
    static func render(_ plan: InstallPlan, plaintextPassword: Bool) throws(InstallerError) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<!-- Written by host-installer. It holds the root password hash: keep it private. -->\n"
        out += "<installation mode=\"\(plan.mode.rawValue)\">\n"
        func element(_ name: String, _ attrs: [(String, String)] = [], _ text: String? = nil) {
            var line = "  <\(name)"
            for (k, v) in attrs { line += " \(k)=\"\(XMLEscape.escape(v))\"" }
            if let text, !text.isEmpty { line += ">\(XMLEscape.escape(text))</\(name)>" } else { line += "/>" }
            out += line + "\n"
        }
        func source(_ name: String, _ s: Source) {
            switch s {
            case let .local(p): element(name, [("type", "local")], p)
            case let .nfs(p): element(name, [("type", "nfs")], p)
            case let .url(u, c?) where !plaintextPassword && !c.password.isEmpty:
                out += "  <!-- the password of \(XMLEscape.escape(c.user)) is not recorded: write it after the user name, as USER:PASSWORD@ in this URL -->\n"
                element(name, [("type", "url")], withCredentials(u, Credentials(user: c.user, password: "")))
            case let .url(u, c): element(name, [("type", "url")], withCredentials(u, c))
            }
        }

        switch plan.mode {
        case .fresh:
            if !plan.primaryDisk.isEmpty {
                // A mirror in XenServer's form: <primary-disk swraid="true">sda,sdb</primary-disk>.
                let raid: [(String, String)] = plan.mirrorDisk == nil ? [] : [("swraid", "true")]
                element("primary-disk", [("gueststorage", plan.storageOnPrimary ? "yes" : "no")] + raid,
                        plan.systemDisks.joined(separator: ","))
            }
            for g in plan.guestDisks { element("guest-disk", [], g) }
        case .reinstall:
            if !plan.primaryDisk.isEmpty { element("existing-installation", [], plan.primaryDisk) }
        case .restore:
            if !plan.primaryDisk.isEmpty { element("backup-disk", [], plan.primaryDisk) }
            for d in plan.driverSources { source("driver-source", d) }
            out += "</installation>\n"
            return out
        }
        element("keymap", [], plan.keymap)
        switch plan.rootPassword {
        case .none: break
        case let .hash(h): element("root-password", [("type", "hash")], h)
        case let .plaintext(p) where plaintextPassword: element("root-password", [("type", "plaintext")], p)
        case let .plaintext(p): element("root-password", [("type", "hash")], try PasswordHash.sha512(p))
        }
        for s in plan.sources { source("source", s) }
        if plan.linuxPack != .auto { element("linux-pack", [], plan.linuxPack.rawValue) }
        for d in plan.driverSources { source("driver-source", d) }
        if let p = plan.postInstallScript { source("post-install-script", p) }
        var isStatic = false
        if let a = plan.adminInterface {
            var attrs: [(String, String)] = []
            // With a bond its first member is the NIC: <bond> names them all.
            if !a.nic.isEmpty && a.bond == nil { attrs.append(("name", a.nic)) }
            if !a.mac.isEmpty && a.bond == nil { attrs.append(("hwaddr", a.mac)) }
            var kids: [(String, String)] = []
            var bondLine: String?
            if let b = a.bond {
                bondLine = "    <bond mode=\"\(b.mode.rawValue)\">\(XMLEscape.escape(b.members.joined(separator: " ")))</bond>\n"
            }
            switch a.config {
            case .dhcp: attrs.append(("proto", "dhcp"))
            case .none: attrs.append(("proto", "none"))
            case let .static(ip, mask, gw):
                attrs.append(("proto", "static"))
                kids += [("ip", ip), ("subnet-mask", mask)]
                if let gw { kids.append(("gateway", gw)) }
            }
            if a.ipv6 != .none { attrs.append(("protov6", a.ipv6.proto)) }
            if case let .static(addr, gw) = a.ipv6 {
                kids.append(("ipv6", addr))
                if let gw { kids.append(("gatewayv6", gw)) }
            }
            if let v = a.vlan { attrs.append(("vlan", "\(v)")) }
            isStatic = !a.usesDHCP
            if kids.isEmpty && bondLine == nil {
                element("admin-interface", attrs)
            } else {
                out += "  <admin-interface" + attrs.map { " \($0.0)=\"\(XMLEscape.escape($0.1))\"" }.joined() + ">\n"
                if let bondLine { out += bondLine }
                for (k, v) in kids { out += "    <\(k)>\(XMLEscape.escape(v))</\(k)>\n" }
                out += "  </admin-interface>\n"
            }
        }
        if case let .manual(ns) = plan.nameservers { for n in ns { element("nameserver", [], n) } }
        if case let .manual(h) = plan.hostname { element("hostname", [], h) }
        if !plan.timezone.isEmpty { element("timezone", [], plan.timezone) }
        switch plan.time {
        case let .ntp(servers, fromDHCP):
            element("time-config-method", [], "ntp")
            // The parser's default without <ntp-server>: from DHCP unless the interface is static.
            if fromDHCP && !isStatic && !servers.isEmpty { element("ntp-server", [("dhcp", "true")]) }
            if !fromDHCP && !isStatic && servers.isEmpty { element("ntp-server", [("dhcp", "false")]) }
            for s in servers { element("ntp-server", [], s) }
        case .manual:
            element("time-config-method", [], "manual")
        }
        element("bootloader", [("location", plan.bootloader.location.rawValue)], plan.bootloader.kind.rawValue)
        out += "</installation>\n"
        return out
    }

    /// Writes the answerfile with mode 0600 (atomically: a private temporary file renamed).
    public static func write(_ plan: InstallPlan, to path: String) throws(InstallerError) {
        let data = Array(try render(plan).utf8)
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { throw .failed("cannot write the answerfile: \(String(cString: strerror(errno)))", at: path) }
        var ok = fchmod(fd, 0o600) == 0
        var written = 0
        while ok && written < data.count {
            let n = data[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { ok = false } else { written += n }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tmp)
            throw .failed("cannot write the answerfile: \(msg)", at: path)
        }
    }


    /// Puts the credentials back into the URL, percent-encoded.
    static func withCredentials(_ url: String, _ c: Credentials?) -> String {
        guard let c, let r = url.range(of: "://") else { return url }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let user = c.user.addingPercentEncoding(withAllowedCharacters: allowed) ?? c.user
        let pw = c.password.addingPercentEncoding(withAllowedCharacters: allowed) ?? c.password
        return String(url[..<r.upperBound]) + user + (c.password.isEmpty ? "" : ":" + pw) + "@" + String(url[r.upperBound...])
    }
}
