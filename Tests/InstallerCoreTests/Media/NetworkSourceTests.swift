import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// HTTP and FTP sources against real servers on 127.0.0.1 (Tests/Fixtures/servers), each
/// started by its test on a free port and stopped by PID when the test ends.
@Suite(.serialized) struct NetworkSourceTests {
    static let password = "s3cret-pw"
    let media = ScratchDirectory("net")
    let made: [Repository]

    init() throws {
        made = try makeSampleMedia(in: media, bigSize: 3_000_000)
    }

    func http() throws -> TestServer { try TestServer(script: "testhttpd.py", root: media.path) }

    /// Fails the test if the password reached an error text, a display name or the event log.
    func expectNoPassword(_ texts: [String]) {
        for t in texts + EventLog.shared.lines { #expect(!t.contains(Self.password), "password leaked: \(t)") }
    }

    @Test func fetchesAndVerifiesARepositoryOverHTTP() throws {
        let server = try http()
        defer { server.stop() }
        let acc = try HTTPAccessor("http://127.0.0.1:\(server.port)/pool")
        #expect(acc.displayName == "http://127.0.0.1:\(server.port)/pool/")
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.map(\.id.description) == ["xs:main", "xs:linux"])   // HTTP cannot list driver.* directories
        #expect(repos.map(\.packages) == Array(made.prefix(2).map(\.packages)))
        let report = Verifier.verify(repos, accessor: acc)
        #expect(report.ok, "\(report.summary)")
        // Streaming: a 3 MB file arrives in pieces, hashed on the way.
        let s = HashingStream(try acc.open("packages.main/dom0-root.tar.bz2"), sha256: true)
        #expect(try readAll(s).count == 3_000_000)
        #expect(s.md5Hex == made[0].packages[0].md5 && s.sha256Hex == made[0].packages[0].sha256)
        #expect(acc.exists("packages.main/XS-PACKAGES") && !acc.exists("packages.main/nope"))
        // A redirect is followed.
        let red = try HTTPAccessor("http://127.0.0.1:\(server.port)/redirect/")
        #expect(try red.readAll("packages.main/XS-REPOSITORY").count > 50)
    }

    @Test func findsListedRepositoriesOverHTTP() throws {
        media.write("XS-REPOSITORY-LIST", "packages.main\ndriver.megaraid_sas\n")
        let server = try http()
        defer { server.stop() }
        let repos = try RepositoryScanner.scan(HTTPAccessor("http://127.0.0.1:\(server.port)/pool/"))
        #expect(repos.map(\.id.name) == ["main", "linux", "driver.megaraid_sas"])
    }

    @Test func reportsNotFoundRefusedAndBadSources() throws {
        let server = try http()
        defer { server.stop() }
        let acc = try HTTPAccessor("http://127.0.0.1:\(server.port)/pool/")
        #expect(throws: InstallerError.failed("not found (HTTP 404)", at: "http://127.0.0.1:\(server.port)/pool/nope.tar.gz", hint: "check the URL")) {
            try acc.open("nope.tar.gz")
        }
        #expect(try acc.openIfPresent("nope") == nil)
        let empty = ScratchDirectory()
        _ = empty
        do {
            _ = try RepositoryScanner.scanInstallSource(HTTPAccessor("http://127.0.0.1:\(server.port)/pool/packages.linux/x/"))
            Issue.record("accepted a URL without repositories")
        } catch {
            #expect(error.message.contains("no base repository xs:main (found no repository at all)"))
        }
        let port = closedPort()
        let refused = try HTTPAccessor("http://127.0.0.1:\(port)/")
        #expect(throws: InstallerError.failed("cannot connect to the server (connection refused or unreachable)",
                                              at: "http://127.0.0.1:\(port)/XS-REPOSITORY-LIST",
                                              hint: "check the address and port, and that the server is running")) {
            try RepositoryScanner.scan(refused)
        }
        #expect(throws: InstallerError.invalid("gopher://x/", "unsupported URL scheme \"gopher\" (use http, https or ftp)")) {
            try HTTPAccessor("gopher://x/")
        }
    }

    @Test func reportsATruncatedTransfer() throws {
        let server = try http()
        defer { server.stop() }
        // The server closes after half the body and ignores Range: the resume attempt fails too.
        let acc = try HTTPAccessor("http://127.0.0.1:\(server.port)/truncate/")
        do {
            _ = try readAll(acc.open("packages.main/dom0-root.tar.bz2"))
            Issue.record("a truncated transfer passed")
        } catch let e as InstallerError {
            #expect(e.message == "the download was cut short after 1500000 bytes, and the server cannot resume it (no byte ranges)")
        }
        acc.maxResumes = 0
        do {
            _ = try readAll(acc.open("packages.main/dom0-root.tar.bz2"))
            Issue.record("a truncated transfer passed")
        } catch let e as InstallerError {
            #expect(e.message == "the download was cut short: got 1500000 of 3000000 bytes (the connection was dropped)")
        }
        // The verifier names the package.
        let repos = try RepositoryScanner.scan(HTTPAccessor("http://127.0.0.1:\(server.port)/pool/"))
        let report = Verifier.verify(repos, accessor: acc)
        #expect(report.problems.first?.package.label == "dom0-root")
        #expect(report.problems.first?.reason.contains("cut short") == true)
    }

    @Test func resumesADroppedTransferWithRange() throws {
        let server = try http()
        defer { server.stop() }
        let before = EventLog.shared.count
        let acc = try HTTPAccessor("http://127.0.0.1:\(server.port)/dropfirst/")
        let s = HashingStream(try acc.open("packages.main/dom0-root.tar.bz2"), sha256: false)
        #expect(try readAll(s).count == 3_000_000)
        #expect(s.md5Hex == made[0].packages[0].md5)
        #expect(EventLog.shared.lines(from: before).contains { $0.contains("dropped after 1500000 bytes; resuming") })
    }

    @Test func timesOutAStalledTransfer() throws {
        let server = try http()
        defer { server.stop() }
        let acc = try HTTPAccessor("http://127.0.0.1:\(server.port)/stall/", timeouts: .init(connect: 5, stallSeconds: 2))
        let start = Date()
        do {
            _ = try readAll(acc.open("packages.main/dom0-root.tar.bz2"))
            Issue.record("a stalled transfer passed")
        } catch let e as InstallerError {
            #expect(e.message == "timed out: the transfer stalled (less than 1024 bytes/s for 2 s) after 65536 bytes")
        }
        let took = Date().timeIntervalSince(start)
        #expect(took > 1.5 && took < 10, "took \(took) s")
    }

    @Test func usesCredentialsWithoutShowingThePassword() throws {
        let server = try http()
        defer { server.stop() }
        let good = try HTTPAccessor("http://127.0.0.1:\(server.port)/auth/", credentials: Credentials(user: "alice", password: Self.password))
        #expect(good.displayName == "http://127.0.0.1:\(server.port)/auth/ (user alice)")
        #expect(try RepositoryScanner.scanInstallSource(good).count == 2)
        // Credentials written into the URL are taken out of it.
        let inURL = try HTTPAccessor("http://alice:\(Self.password)@127.0.0.1:\(server.port)/auth/")
        #expect(inURL.displayName == "http://127.0.0.1:\(server.port)/auth/ (user alice)")
        #expect(try inURL.readAll("packages.main/XS-REPOSITORY").count > 50)

        var texts = [good.displayName, inURL.displayName]
        let bad = try HTTPAccessor("http://127.0.0.1:\(server.port)/auth/", credentials: Credentials(user: "alice", password: "not-the-pw-42"))
        do { _ = try RepositoryScanner.scan(bad); Issue.record("wrong password accepted") } catch {
            #expect(error.message == "the server refused the user name or password (HTTP 401)")
            texts.append(error.description)
        }
        let none = try HTTPAccessor("http://127.0.0.1:\(server.port)/auth/")
        #expect(throws: InstallerError.self) { try RepositoryScanner.scan(none) }
        expectNoPassword(texts)
    }

    @Test func checksHTTPSCertificates() throws {
        let tls = ScratchDirectory("tls")
        try runTool(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                     "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tls.path + "/key.pem", "-out", tls.path + "/cert.pem"])
        let server = try TestServer(script: "testhttpd.py", root: media.path, extra: [tls.path + "/cert.pem", tls.path + "/key.pem"])
        defer { server.stop() }
        let acc = try HTTPAccessor("https://127.0.0.1:\(server.port)/pool/")
        do { _ = try RepositoryScanner.scan(acc); Issue.record("an untrusted certificate was accepted") } catch {
            #expect(error.message.hasPrefix("secure connection failed: SSL certificate problem: self"), "\(error)")
            #expect(error.hint == "the server's certificate is not trusted: add its certificate authority (--ca-file, ca_file=, ca.pem on an XCP-ANSWER stick), or check the URL")
        }
        acc.caFile = tls.path + "/cert.pem"
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(Verifier.verify(repos, accessor: acc).ok)
    }

    // MARK: FTP

    func ftp() throws -> TestServer { try TestServer(script: "testftpd.py", root: media.path) }

    @Test func fetchesListsAndVerifiesOverFTP() throws {
        let server = try ftp()
        defer { server.stop() }
        let acc = try HTTPAccessor("ftp://127.0.0.1:\(server.port)/")
        #expect(try acc.list("") == ["driver.megaraid_sas", "packages.linux", "packages.main"])
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.map(\.id.name) == ["main", "linux", "driver.megaraid_sas"])
        #expect(Verifier.verify(repos, accessor: acc).ok)
        #expect(throws: InstallerError.failed("not found (FTP 550)", at: "ftp://127.0.0.1:\(server.port)/packages.main/nope", hint: "check the URL")) {
            try acc.open("packages.main/nope")
        }
        #expect(try acc.openIfPresent("nodir/XS-REPOSITORY") == nil)
        do {
            _ = try readAll(acc.open("packages.main/dom0-root.tar.bz2.trunc"))
            Issue.record("a truncated FTP transfer passed")
        } catch let e as InstallerError {
            #expect(e.message.hasPrefix("the download was cut short"), "\(e.message)")
        }
    }

    @Test func resumesADroppedFTPTransferWithREST() throws {
        let server = try ftp()
        defer { server.stop() }
        let before = EventLog.shared.count
        let acc = try HTTPAccessor("ftp://127.0.0.1:\(server.port)/")
        let s = HashingStream(try acc.open("packages.main/dom0-root.tar.bz2.dropfirst"), sha256: true)
        #expect(try readAll(s).count == 3_000_000)
        #expect(s.md5Hex == made[0].packages[0].md5 && s.sha256Hex == made[0].packages[0].sha256)
        #expect(EventLog.shared.lines(from: before).contains { $0.contains("dropped after 1500000 bytes; resuming") })
    }

    @Test func refusesWrongFTPCredentialsWithoutShowingThePassword() throws {
        let server = try ftp()
        defer { server.stop() }
        let good = try HTTPAccessor("ftp://127.0.0.1:\(server.port)/packages.main", credentials: Credentials(user: "alice", password: Self.password))
        #expect(try RepositoryScanner.scan(good).map(\.id) == [.main])
        let bad = try HTTPAccessor("ftp://alice:not-\(Self.password)@127.0.0.1:\(server.port)/packages.main")
        var texts = [good.displayName, bad.displayName]
        do { _ = try RepositoryScanner.scan(bad); Issue.record("wrong password accepted") } catch {
            #expect(error.message == "the server refused the user name or password (FTP 530)")
            texts.append(error.description)
        }
        expectNoPassword(texts)
        let port = closedPort()
        #expect(throws: InstallerError.self) { try RepositoryScanner.scan(HTTPAccessor("ftp://127.0.0.1:\(port)/")) }
    }
}
