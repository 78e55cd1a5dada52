/// Boot parameters from a kernel command line (/proc/cmdline): `answerfile=URL`,
/// `install`, `keymap=`, `network_device=`, `extrarepo=`, `bootloader=`, `console=`,
/// `atexit=`, `BOOTIF=`, `report=`, `ca_file=`. Other words are kept but ignored. Values may be quoted.
public struct BootParameters: Equatable, Sendable {
    public var answerfile: String?
    /// `install`: run unattended (with `answerfile=`).
    public var install = false
    public var keymap: String?
    public var networkDevice: String?
    public var extraRepos: [String] = []
    public var bootloader: String?
    public var consoles: [String] = []
    public var atExit: String?
    /// `BOOTIF=01-52-54-00-12-34-56` (pxelinux IPAPPEND 2, or an iPXE script): the NIC the
    /// machine booted from, whose MAC `${mac}` in the answerfile URL stands for.
    public var bootif: String?
    /// `report=URL`: where status reports are POSTed (StatusReporter).
    public var report: String?
    /// `ca_file=PATH`: a PEM file of certificate authorities trusted besides the system's.
    public var caFile: String?

    public init() {}

    public static func parse(_ text: String) -> BootParameters {
        var p = BootParameters()
        for word in words(text) {
            let (key, value): (String, String?) = {
                guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
                return (String(word[..<eq]), String(word[word.index(after: eq)...]))
            }()
            switch (key, value) {
            case ("answerfile", let v?): p.answerfile = v
            case ("install", nil): p.install = true
            case ("keymap", let v?): p.keymap = v
            case ("network_device", let v?), ("answerfile_device", let v?): p.networkDevice = v
            case ("extrarepo", let v?): p.extraRepos.append(v)
            case ("bootloader", let v?): p.bootloader = v
            case ("console", let v?): p.consoles.append(v)
            case ("atexit", let v?): p.atExit = v
            case ("BOOTIF", let v?), ("bootif", let v?): p.bootif = v
            case ("report", let v?): p.report = v
            case ("ca_file", let v?): p.caFile = v
            default: break
            }
        }
        return p
    }

    /// Parameters this build parses but cannot honour are refused at start, never ignored:
    /// `extrarepo=` (give the supplemental repository as a second `<source>` in the
    /// answerfile instead) and a `bootloader=` other than extlinux.
    public func checkSupported() throws(InstallerError) {
        if let repo = extraRepos.first {
            throw .invalid("extrarepo=\(repo)", "extra repositories on the boot line are not supported by this build",
                           hint: "give the repository as a second <source> element in the answerfile")
        }
        if let b = bootloader, b != Bootloader.Kind.extlinux.rawValue {
            throw .invalid("bootloader=\(b)", "only extlinux is supported by this build",
                           hint: "remove bootloader= from the boot line: extlinux is the default")
        }
    }

    /// Splits on blanks, honouring single and double quotes.
    static func words(_ s: String) -> [String] {
        var out: [String] = [], cur = "", quote: Character?, any = false
        for ch in s {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch; any = true
            } else if ch == " " || ch == "\t" || ch == "\n" {
                if any || !cur.isEmpty { out.append(cur); cur = ""; any = false }
            } else {
                cur.append(ch)
            }
        }
        if any || !cur.isEmpty { out.append(cur) }
        return out
    }
}
