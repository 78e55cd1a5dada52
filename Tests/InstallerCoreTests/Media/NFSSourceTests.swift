import Foundation
import Testing
import TestSupport
@testable import InstallerCore

/// NFS sources through libnfs against nfs-ganesha (NFSv4, FSAL_VFS) started by the test on
/// 127.0.0.1 on a free port, without rpcbind, and stopped by its PID. Skipped (with a
/// message) when ganesha.nfsd is not installed; scripts/install-deps installs it.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ganesha.nfsd")))
struct NFSSourceTests {
    let media = ScratchDirectory("nfs")
    let made: [Repository]
    init() throws { made = try makeSampleMedia(in: media, bigSize: 2_000_000) }

    final class Ganesha {
        let process = Process()
        let port = closedPort()
        let state = ScratchDirectory("ganesha")

        init(export: String) throws {
            try FileManager.default.createDirectory(atPath: state.path + "/recov", withIntermediateDirectories: true)
            let conf = """
            NFS_CORE_PARAM {
                Bind_addr = 127.0.0.1;
                NFS_Port = \(port); MNT_Port = \(closedPort()); NLM_Port = \(closedPort()); Rquota_Port = \(closedPort());
                Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false;
                Protocols = 4;
                Plugins_Dir = /usr/lib/x86_64-linux-gnu/ganesha;
                mount_path_pseudo = true;
            }
            NFSv4 { Only_Numeric_Owners = true; Graceless = true; RecoveryBackend = fs; RecoveryRoot = \(state.path)/recov; Lease_Lifetime = 10; }
            NFS_KRB5 { Active_krb5 = false; }
            EXPORT_DEFAULTS { SecType = sys; Protocols = 4; Transports = TCP; }
            EXPORT {
                Export_Id = 1; Path = \(export); Pseudo = /export; Access_Type = RO; Squash = No_Root_Squash;
                CLIENT { Clients = 127.0.0.1; Access_Type = RO; }
                FSAL { Name = VFS; }
            }
            LOG { Default_Log_Level = EVENT; }
            """
            state.write("ganesha.conf", conf)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ganesha.nfsd")
            process.arguments = ["-F", "-f", state.path + "/ganesha.conf", "-L", state.path + "/ganesha.log", "-p", state.path + "/ganesha.pid"]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            try process.run()
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                if let log = try? String(contentsOfFile: state.path + "/ganesha.log", encoding: .utf8), log.contains("NFS SERVER INITIALIZED") { return }
                if !process.isRunning { break }
                usleep(50_000)
            }
            stop()
            throw InstallerError.failed("ganesha did not start; see \(state.path)/ganesha.log")
        }

        var url: String { "nfs://127.0.0.1/export?version=4&nfsport=\(port)" }
        func url(_ sub: String) -> String { "nfs://127.0.0.1/export/\(sub)?version=4&nfsport=\(port)" }

        func stop() {
            guard process.isRunning else { return }
            let pid = process.processIdentifier
            kill(pid, SIGCONT)
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        deinit { stop() }
    }

    @Test func fetchesListsAndVerifiesOverNFS() throws {
        let server = try Ganesha(export: media.path)
        defer { server.stop() }
        let acc = try NFSAccessor(server.url)
        defer { acc.close() }
        #expect(try acc.list("") == ["driver.megaraid_sas", "packages.linux", "packages.main"])
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.map(\.id.name) == ["main", "linux", "driver.megaraid_sas"])
        #expect(repos.map(\.packages) == made.map(\.packages))
        let report = Verifier.verify(repos, accessor: acc)
        #expect(report.ok, "\(report.summary)")
        #expect(try acc.openIfPresent("packages.main/nope") == nil)
        #expect(throws: InstallerError.failed("packages.main/nope is not there (file not found)", at: acc.displayName)) {
            try acc.open("packages.main/nope")
        }
        // A directory inside the export is mounted through its export.
        let sub = try NFSAccessor(server.url("packages.main"))
        #expect(try RepositoryScanner.scan(sub).map(\.directory) == [""])
        sub.close()
    }

    @Test func reportsAMissingExportAndADeadServer() throws {
        let server = try Ganesha(export: media.path)
        defer { server.stop() }
        do {
            _ = try NFSAccessor("nfs://127.0.0.1/nowhere/repo?version=4&nfsport=\(server.port)")
            Issue.record("mounted a missing export")
        } catch {
            #expect(error.message.contains("not on the server") || error.message.contains("no export"), "\(error)")
        }
        let port = closedPort()
        do {
            _ = try NFSAccessor("nfs://127.0.0.1/export?version=4&nfsport=\(port)", timeoutSeconds: 3)
            Issue.record("mounted from a dead server")
        } catch {
            #expect(error.message.hasPrefix("cannot reach the NFS server 127.0.0.1"), "\(error)")
        }
        #expect(throws: InstallerError.invalid("just-a-name", "not an NFS location (write it as server:/path)")) {
            try NFSAccessor("just-a-name")
        }
    }

    @Test func timesOutWhenTheServerHangs() throws {
        let server = try Ganesha(export: media.path)
        defer { server.stop() }
        let acc = try NFSAccessor(server.url, timeoutSeconds: 2)
        defer { acc.close() }
        let pid = server.process.processIdentifier
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        // Read only once the server is really stopped (state T), not while a thread of it
        // could still answer (this test once read the file on a busy machine).
        for _ in 0..<200 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)...].hasPrefix("T") { break }
            usleep(10_000)
        }
        let start = Date()
        do {
            _ = try readAll(acc.open("packages.main/dom0-root.tar.bz2"))
            Issue.record("read from a stopped server")
        } catch let e as InstallerError {
            #expect(e.message.hasPrefix("timed out"), "\(e)")
        }
        #expect(Date().timeIntervalSince(start) < 15)
    }
}

/// NFSv3 through the portmapper, with the guide's `server:/path` form. Runs only inside the
/// network namespace that tests/integration/31-nfs-v3.sh sets up (rpcbind + ganesha), which
/// sets HI_NFS3_SERVER and serves packages.main and packages.linux under /export.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HI_NFS3_SERVER"] != nil))
struct NFSv3Tests {
    let server = ProcessInfo.processInfo.environment["HI_NFS3_SERVER"] ?? ""

    @Test func readsARepositoryWithServerColonPath() throws {
        let acc = try NFSAccessor("\(server):/export")
        defer { acc.close() }
        #expect(acc.displayName == "nfs \(server):/export")
        let repos = try RepositoryScanner.scanInstallSource(acc)
        #expect(repos.map(\.id.name) == ["main", "linux"])
        let report = Verifier.verify(repos, accessor: acc)
        #expect(report.ok, "\(report.summary)")
        #expect(try acc.openIfPresent("packages.main/nope") == nil)
        // A repository directory below the export.
        let sub = try NFSAccessor("\(server):/export/packages.main")
        #expect(try RepositoryScanner.scan(sub).map(\.id) == [.main])
        sub.close()
    }

    @Test func reportsAMissingExport() throws {
        do {
            _ = try NFSAccessor("\(server):/elsewhere", timeoutSeconds: 5)
            Issue.record("mounted a missing export")
        } catch {
            #expect(error.message.contains("no export /") || error.message.contains("not on the server"), "\(error)")
        }
    }
}
