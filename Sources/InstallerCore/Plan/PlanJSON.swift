/// The plan as JSON (`--dry-run`, tests). The root password never appears: only whether it
/// is set and in which form.
extension InstallPlan {
    public var json: JSON {
        func source(_ s: Source) -> JSON {
            switch s {
            case let .local(p): return .object([("type", .string("local"))] + (p.map { [("path", .string($0))] } ?? []))
            case let .url(u, c):
                return .object([("type", .string("url")), ("url", .string(u))] + (c.map { [("user", .string($0.user)), ("password", .string("(hidden)"))] } ?? []))
            case let .nfs(p): return .object([("type", .string("nfs")), ("path", .string(p))])
            }
        }
        var o: [(String, JSON)] = [("mode", .string(mode.rawValue))]
        if mode == .reinstall {
            // What an upgrade really does with the settings: the old host's are kept
            // (PreservedSettings), whatever the screens or the answerfile said.
            let kept = JSON.string("(kept from the existing installation)")
            o += [("keymap", kept), ("primary_disk", .string(primaryDisk)), ("sources", .array(sources.map(source)))]
            if !driverSources.isEmpty { o.append(("driver_sources", .array(driverSources.map(source)))) }
            o += [("linux_pack", .string(linuxPack.rawValue)), ("root_password", kept), ("admin_interface", kept),
                  ("hostname", kept), ("nameservers", kept), ("timezone", kept), ("time", kept)]
            o.append(("bootloader", .object([("kind", .string(bootloader.kind.rawValue)), ("location", .string(bootloader.location.rawValue))])))
            if let p = postInstallScript { o.append(("post_install_script", source(p))) }
            return .object(o)
        }
        o.append(("keymap", .string(keymap)))
        o.append(("primary_disk", .string(primaryDisk)))
        if let m = mirrorDisk { o.append(("mirror_disk", .string(m))) }
        o.append(("guest_disks", .array(guestDisks.map { .string($0) })))
        o.append(("storage_on_primary", .bool(storageOnPrimary)))
        o.append(("sources", .array(sources.map(source))))
        if !driverSources.isEmpty { o.append(("driver_sources", .array(driverSources.map(source)))) }
        o.append(("linux_pack", .string(linuxPack.rawValue)))
        switch rootPassword {
        case .none: o.append(("root_password", .null))
        case .plaintext: o.append(("root_password", .string("(set)")))
        case .hash: o.append(("root_password", .string("(hash)")))
        }
        if let a = adminInterface {
            var ai: [(String, JSON)] = [("name", .string(a.nic)), ("hwaddr", .string(a.mac))]
            switch a.config {
            case .dhcp: ai.append(("proto", .string("dhcp")))
            case let .static(ip, mask, gw):
                ai += [("proto", .string("static")), ("ip", .string(ip)), ("subnet_mask", .string(mask))]
                ai.append(("gateway", gw.map { .string($0) } ?? .null))
            case .none: ai.append(("proto", .string("none")))
            }
            // Only when used, so that the JSON of an IPv4-only untagged plan is as it was.
            if a.ipv6 != .none { ai.append(("protov6", .string(a.ipv6.proto))) }
            if case let .static(addr, gw) = a.ipv6 {
                ai += [("ipv6", .string(addr)), ("gatewayv6", gw.map { .string($0) } ?? .null)]
            }
            if let v = a.vlan { ai.append(("vlan", .number(Double(v)))) }
            if let b = a.bond {
                ai.append(("bond", .object([("mode", .string(b.mode.rawValue)), ("members", .array(b.members.map { .string($0) }))])))
            }
            o.append(("admin_interface", .object(ai)))
        } else {
            o.append(("admin_interface", .null))
        }
        switch hostname {
        case .dhcp: o.append(("hostname", .object([("dhcp", .bool(true))])))
        case let .manual(h): o.append(("hostname", .string(h)))
        }
        switch nameservers {
        case .dhcp: o.append(("nameservers", .object([("dhcp", .bool(true))])))
        case let .manual(ns): o.append(("nameservers", .array(ns.map { .string($0) })))
        }
        o.append(("timezone", .string(timezone)))
        switch time {
        case let .ntp(servers, dhcp):
            o.append(("time", .object([("method", .string("ntp")), ("ntp_from_dhcp", .bool(dhcp)), ("ntp_servers", .array(servers.map { .string($0) }))])))
        case .manual:
            o.append(("time", .object([("method", .string("manual"))])))
        }
        o.append(("bootloader", .object([("kind", .string(bootloader.kind.rawValue)), ("location", .string(bootloader.location.rawValue))])))
        if let p = postInstallScript { o.append(("post_install_script", source(p))) }
        return .object(o)
    }
}
