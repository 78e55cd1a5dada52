import Foundation
import Synchronization

/// The certificate authorities HTTPS connections trust: the system's bundle (Debian's
/// ca-certificates, `/etc/ssl/certs/ca-certificates.crt`, also on the installer image) plus
/// any a site adds (`--ca-file`, `ca_file=`, `ca.pem` on the XCP-ANSWER partition). Adding
/// one writes a combined bundle (system + added) and makes it libcurl's CAINFO for every
/// later transfer. Verification is never turned off.
public enum TLSTrust {
    public static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    private static let state = Mutex<(file: String?, added: [String])>((nil, []))

    /// The combined bundle, once an authority was added; nil: libcurl's default (the system's).
    public static var caFile: String? { state.withLock { $0.file } }
    /// The PEM files added, in order.
    public static var added: [String] { state.withLock { $0.added } }

    /// Adds the certificates in `pem` to those trusted. The combined bundle is written in
    /// `directory` (mode 0644). A file holding no certificate is refused, naming it.
    public static func add(_ pem: String, directory: String) throws(InstallerError) {
        guard let d = FileManager.default.contents(atPath: pem) else {
            throw .invalid(pem, "cannot read the certificate authority file", hint: "check the path given with --ca-file or ca_file=")
        }
        let text = String(decoding: d, as: UTF8.self)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw .invalid(pem, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let out = directory + "/ca-bundle.pem"
        let files = added + [pem]
        var bundle = FileManager.default.contents(atPath: systemBundle).map { String(decoding: $0, as: UTF8.self) } ?? ""
        for f in files {
            if !bundle.isEmpty && !bundle.hasSuffix("\n") { bundle += "\n" }
            bundle += "# added: \(f)\n" + (f == pem ? text : (FileManager.default.contents(atPath: f).map { String(decoding: $0, as: UTF8.self) } ?? ""))
        }
        do { try bundle.write(toFile: out, atomically: true, encoding: .utf8) } catch {
            throw .failed("cannot write the certificate bundle: \(error.localizedDescription)", at: out)
        }
        state.withLock { $0 = (out, files) }
        EventLog.shared.log("HTTPS: trusting the certificate authorities in \(pem) besides the system's (\(out))")
    }
}
