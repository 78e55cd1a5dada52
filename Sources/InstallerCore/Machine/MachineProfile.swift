import Foundation

/// The profile probe: a machine described by a JSON file (SPEC section 2).
/// Paths are relative to the profile; a disk image that does not exist is created sparse.
public enum MachineProfile {
    /// Reads and checks a profile. Errors are `PROFILE:LINE: message` (exit status 2).
    public static func load(path: String, createImages: Bool = true) throws(InstallerError) -> Machine {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid(path, "cannot read the machine profile", hint: "check the path given to --machine")
        }
        let text = String(decoding: data, as: UTF8.self)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let machine = try parse(text, name: path, baseDirectory: base)
        if createImages { try createMissingImages(machine) }
        return machine
    }

    public static func parse(_ text: String, name: String, baseDirectory: String) throws(InstallerError) -> Machine {
        let root: JSONNode
        do { root = try JSONParser.parse(text) } catch { throw .invalid("\(name):\(error.line)", error.message) }
        var r = Reader(file: name)
        return try r.machine(root, base: baseDirectory)
    }

    /// Creates each missing disk image as a sparse file of the disk's size.
    public static func createMissingImages(_ machine: Machine) throws(InstallerError) {
        for d in machine.disks where d.isImage {
            if FileManager.default.fileExists(atPath: d.path) { continue }
            let dir = URL(fileURLWithPath: d.path).deletingLastPathComponent().path
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw .invalid(d.path, "cannot create the directory for the disk image: \(error.localizedDescription)")
            }
            let fd = open(d.path, O_CREAT | O_WRONLY | O_EXCL, 0o644)
            guard fd >= 0 else { throw .invalid(d.path, "cannot create the disk image: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            guard ftruncate(fd, off_t(d.sizeBytes)) == 0 else {
                throw .invalid(d.path, "cannot size the disk image: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The machine as profile JSON (what `host-installer probe` prints).
    public static func render(_ m: Machine, relativeTo base: String? = nil) -> String {
        func rel(_ p: String) -> String {
            guard let base, p.hasPrefix(base + "/") else { return p }
            return String(p.dropFirst(base.count + 1))
        }
        var disks: [JSON] = []
        for d in m.disks {
            var o: [(String, JSON)] = [("name", .string(d.name)), ("vendor", .string(d.vendor)), ("model", .string(d.model))]
            if !d.serial.isEmpty { o.append(("serial", .string(d.serial))) }
            o.append(("size", .string(sizeText(d.sizeBytes))))
            o.append(d.isImage ? ("image", .string(rel(d.path))) : ("device", .string(d.path)))
            if d.removable { o.append(("removable", .bool(true))) }
            if let n = d.needsDriver { o.append(("needs_driver", .string(n))) }
            if d.bus != DiskIdentity.bus(name: d.name, vendor: d.vendor) { o.append(("bus", .string(d.bus.rawValue))) }
            if !d.wwn.isEmpty { o.append(("wwn", .string(d.wwn))) }
            if let p = d.byPath.first { o.append(("by_path", .string(p))) }
            disks.append(.object(o))
        }
        var nics: [JSON] = []
        for n in m.nics {
            var o: [(String, JSON)] = [("name", .string(n.name)), ("mac", .string(n.mac)), ("driver", .string(n.driver)), ("link", .bool(n.link))]
            if let l = n.dhcp {
                var lo: [(String, JSON)] = [("ip", .string(l.ip)), ("netmask", .string(l.netmask))]
                if let g = l.gateway { lo.append(("gateway", .string(g))) }
                lo.append(("dns", .array(l.dns.map { .string($0) })))
                if let h = l.hostname { lo.append(("hostname", .string(h))) }
                lo.append(("ntp", .array(l.ntp.map { .string($0) })))
                o.append(("dhcp", .object(lo)))
            }
            nics.append(.object(o))
        }
        var top: [(String, JSON)] = [
            ("cpu", .object([("model", .string(m.cpu.model)), ("cores", .number(Double(m.cpu.cores))), ("hvm", .bool(m.cpu.hvm))])),
            ("memory_mib", .number(Double(m.memoryMiB))),
            ("disks", .array(disks)),
            ("nics", .array(nics)),
        ]
        if !m.dmi.serial.isEmpty || !m.dmi.uuid.isEmpty {
            top.append(("dmi", .object([("serial", .string(m.dmi.serial)), ("uuid", .string(m.dmi.uuid))])))
        }
        if let cd = m.cdrom {
            top.append(("cdrom", .object([("name", .string(cd.name)), ("discs", .array(cd.discs.map { .string(rel($0)) }))])))
        }
        return JSON.object(top).rendered() + "\n"
    }

    static func sizeText(_ b: UInt64) -> String {
        for (unit, s) in [("T", Size.GiB * 1024), ("G", Size.GiB), ("M", Size.MiB), ("K", Size.KiB)] where b >= s && b % s == 0 {
            return "\(b / s)\(unit)"
        }
        return String(b)
    }

    /// Walks the JSON tree, turning each wrong or missing value into an error with its line.
    struct Reader {
        let file: String

        func fail(_ node: JSONNode, _ message: String) -> InstallerError { .invalid("\(file):\(node.line)", message) }

        func object(_ n: JSONNode, _ what: String, allowed: [String]) throws(InstallerError) {
            guard case .object = n.value else { throw fail(n, "\(what) must be an object") }
            for (k, line) in n.keys where !allowed.contains(k) {
                throw InstallerError.invalid("\(file):\(line)", "unknown key \"\(k)\" in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
        func string(_ n: JSONNode?, _ what: String, in parent: JSONNode, required: Bool = true) throws(InstallerError) -> String? {
            guard let n else {
                if required { throw fail(parent, "\(what) is missing") }
                return nil
            }
            guard case let .string(s) = n.value else { throw fail(n, "\(what) must be a string") }
            if required && s.isEmpty { throw fail(n, "\(what) must not be empty") }
            return s
        }
        func int(_ n: JSONNode?, _ what: String, in parent: JSONNode) throws(InstallerError) -> Int {
            guard let n else { throw fail(parent, "\(what) is missing") }
            guard case let .number(d) = n.value, d == d.rounded(), d >= 0, d < 1e12 else { throw fail(n, "\(what) must be a whole number") }
            return Int(d)
        }
        func bool(_ n: JSONNode?, _ what: String, default def: Bool) throws(InstallerError) -> Bool {
            guard let n else { return def }
            guard case let .bool(b) = n.value else { throw fail(n, "\(what) must be true or false") }
            return b
        }
        func strings(_ n: JSONNode?, _ what: String) throws(InstallerError) -> [String] {
            guard let n else { return [] }
            guard case let .array(items) = n.value else { throw fail(n, "\(what) must be a list of strings") }
            var out: [String] = []
            for i in items {
                guard case let .string(s) = i.value else { throw fail(i, "\(what) must be a list of strings") }
                out.append(s)
            }
            return out
        }
        /// `InstallEnvironment.statePlaceholder` stands for the state directory (so test profiles can keep
        /// their disk images in a per-run directory); other paths are relative to the profile.
        func resolve(_ p: String, base: String) -> String {
            let path = p.replacingOccurrences(of: InstallEnvironment.statePlaceholder, with: DemoMachine.stateDirectory)
            return path.hasPrefix("/") ? path : base + "/" + path
        }

        mutating func machine(_ root: JSONNode, base: String) throws(InstallerError) -> Machine {
            try object(root, "the profile", allowed: ["cpu", "memory_mib", "disks", "nics", "cdrom", "dmi"])
            guard let cpuNode = root["cpu"] else { throw fail(root, "\"cpu\" is missing") }
            try object(cpuNode, "\"cpu\"", allowed: ["model", "cores", "hvm"])
            let cpu = Machine.CPU(model: try string(cpuNode["model"], "cpu model", in: cpuNode, required: false) ?? "",
                                  cores: try int(cpuNode["cores"], "cpu cores", in: cpuNode),
                                  hvm: try bool(cpuNode["hvm"], "cpu hvm", default: true))
            let mem = try int(root["memory_mib"], "\"memory_mib\"", in: root)

            var disks: [Machine.Disk] = []
            if let dn = root["disks"] {
                guard case let .array(items) = dn.value else { throw fail(dn, "\"disks\" must be a list") }
                for item in items {
                    try object(item, "a disk", allowed: ["name", "vendor", "model", "serial", "size", "image", "removable", "needs_driver",
                                                             "bus", "wwn", "by_path"])
                    let name = try string(item["name"], "disk name", in: item)!
                    guard name.allSatisfy({ $0.isLetter || $0.isNumber }) else { throw fail(item["name"]!, "disk name \"\(name)\" may hold only letters and digits") }
                    if disks.contains(where: { $0.name == name }) { throw fail(item, "a second disk is named \"\(name)\"") }
                    let sizeText = try string(item["size"], "size of disk \(name)", in: item)!
                    guard let size = Size.parse(sizeText), size >= Size.MiB else {
                        throw fail(item["size"]!, "size of disk \(name) is not a size: \"\(sizeText)\" (use a number with K, M, G or T, at least 1M)")
                    }
                    let image = try string(item["image"], "image of disk \(name)", in: item)!
                    var bus: DiskIdentity.Bus?
                    if let bn = item["bus"] {
                        let b = try string(bn, "bus of disk \(name)", in: item)!
                        guard let bb = DiskIdentity.Bus(rawValue: b) else {
                            throw fail(bn, "bus of disk \(name) must be one of \(DiskIdentity.Bus.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(b)\"")
                        }
                        bus = bb
                    }
                    let wwn = try string(item["wwn"], "wwn of disk \(name)", in: item, required: false) ?? ""
                    if !wwn.isEmpty && DiskIdentity.normalisedWWN(wwn).isEmpty {
                        throw fail(item["wwn"]!, "wwn of disk \(name) is not a WWN: \"\(wwn)\" (hex digits, as 0x5000c500a1b2c3d4 or naa.5000c500a1b2c3d4, or eui.…)")
                    }
                    let byPath = try string(item["by_path"], "by_path of disk \(name)", in: item, required: false) ?? ""
                    disks.append(Machine.Disk(
                        name: name, vendor: try string(item["vendor"], "vendor", in: item, required: false) ?? "",
                        model: try string(item["model"], "model", in: item, required: false) ?? "",
                        serial: try string(item["serial"], "serial", in: item, required: false) ?? "",
                        sizeBytes: size, path: resolve(image, base: base), isImage: true,
                        removable: try bool(item["removable"], "removable", default: false),
                        needsDriver: try string(item["needs_driver"], "needs_driver", in: item, required: false),
                        bus: bus, wwn: wwn, byPath: byPath.isEmpty ? [] : [byPath]))
                }
            }

            var nics: [Machine.NIC] = []
            if let nn = root["nics"] {
                guard case let .array(items) = nn.value else { throw fail(nn, "\"nics\" must be a list") }
                for item in items {
                    try object(item, "a NIC", allowed: ["name", "mac", "driver", "link", "dhcp"])
                    let name = try string(item["name"], "NIC name", in: item)!
                    if nics.contains(where: { $0.name == name }) { throw fail(item, "a second NIC is named \"\(name)\"") }
                    let mac = try string(item["mac"], "MAC address of \(name)", in: item)!.lowercased()
                    guard Net.isMAC(mac) else { throw fail(item["mac"]!, "\"\(mac)\" is not a MAC address (six pairs of hex digits separated by ':')") }
                    var lease: Machine.DHCPLease?
                    if let l = item["dhcp"] {
                        try object(l, "the dhcp lease of \(name)", allowed: ["ip", "netmask", "gateway", "dns", "hostname", "ntp"])
                        let ip = try string(l["ip"], "dhcp ip", in: l)!
                        let mask = try string(l["netmask"], "dhcp netmask", in: l)!
                        guard Net.isIPv4(ip) else { throw fail(l["ip"]!, "\"\(ip)\" is not an IPv4 address") }
                        guard Net.isIPv4(mask) else { throw fail(l["netmask"]!, "\"\(mask)\" is not a subnet mask") }
                        let gw = try string(l["gateway"], "dhcp gateway", in: l, required: false)
                        if let gw, !Net.isIPv4(gw) { throw fail(l["gateway"]!, "\"\(gw)\" is not an IPv4 address") }
                        let dns = try strings(l["dns"], "dhcp dns")
                        for d in dns where !Net.isIPv4(d) { throw fail(l["dns"]!, "\"\(d)\" is not an IPv4 address") }
                        lease = Machine.DHCPLease(ip: ip, netmask: mask, gateway: gw, dns: dns,
                                                  hostname: try string(l["hostname"], "dhcp hostname", in: l, required: false),
                                                  ntp: try strings(l["ntp"], "dhcp ntp"))
                    }
                    nics.append(Machine.NIC(name: name, mac: mac,
                                            driver: try string(item["driver"], "driver", in: item, required: false) ?? "",
                                            link: try bool(item["link"], "link", default: true), dhcp: lease))
                }
            }

            var cdrom: Machine.CDROM?
            if let cn = root["cdrom"] {
                try object(cn, "\"cdrom\"", allowed: ["name", "discs"])
                cdrom = Machine.CDROM(name: try string(cn["name"], "cdrom name", in: cn, required: false) ?? "sr0",
                                      discs: try strings(cn["discs"], "cdrom discs").map { resolve($0, base: base) })
            }
            var machine = Machine(cpu: cpu, memoryMiB: mem, disks: disks, nics: nics, cdrom: cdrom)
            if let dn = root["dmi"] {
                try object(dn, "\"dmi\"", allowed: ["serial", "uuid"])
                machine.dmi = Machine.DMI(serial: try string(dn["serial"], "dmi serial", in: dn, required: false) ?? "",
                                          uuid: (try string(dn["uuid"], "dmi uuid", in: dn, required: false) ?? "").lowercased())
            }
            return machine
        }
    }
}
