import Foundation
import Testing
@testable import InstallerCore

enum Fixtures {
    static var machine: Machine {
        Machine(cpu: .init(model: "Xeon", cores: 8, hvm: true), memoryMiB: 4096,
                disks: [.init(name: "sda", sizeBytes: 60 * Size.GiB, path: "/img/sda.img", isImage: true),
                        .init(name: "sdb", sizeBytes: 500 * Size.GiB, path: "/img/sdb.img", isImage: true)],
                nics: [.init(name: "eth0", mac: "00:16:3e:00:00:01", link: true),
                       .init(name: "eth1", mac: "00:16:3E:00:00:02", link: false)],
                cdrom: nil)
    }

    static var staticPlan: InstallPlan {
        var p = InstallPlan()
        p.keymap = "de"
        p.primaryDisk = "sda"
        p.guestDisks = ["sdb"]
        p.rootPassword = .plaintext("s3cret!")
        p.adminInterface = AdminInterface(nic: "eth0", mac: "00:16:3e:00:00:01",
                                          config: .static(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1"))
        p.hostname = .manual("xcp1.example.com")
        p.nameservers = .manual(["10.0.0.2", "10.0.0.3"])
        p.timezone = "Europe/London"
        p.time = .ntp(servers: ["ntp1.example.com"], fromDHCP: false)
        return p
    }

    static let facts = TargetFacts(rootLabel: "root-abcdefgh", installationUUID: "11111111-2222-3333-4444-555555555555",
                                   controlDomainUUID: "66666666-7777-8888-9999-000000000000", installationDate: "2026-11-27 00:10:00",
                                   primaryDisk: "/dev/sda", backupPartition: "/dev/sda2", storagePartitions: ["/dev/sda3", "/dev/sdb1"],
                                   productBrand: "XCP", productVersion: "0.1.0", buildNumber: "1234")
}

@Suite struct TargetFilesTests {
    @Test func staticNetworkFiles() {
        let f = NetworkFiles.files(Fixtures.staticPlan, Fixtures.machine)
        #expect(f["/etc/hostname"] == "xcp1.example.com\n")
        #expect(f["/etc/sysconfig/network"] == "NETWORKING=yes\nHOSTNAME=xcp1.example.com\n")
        #expect(f["/etc/resolv.conf"] == "# written by host-installer\nsearch example.com\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n")
        #expect(f["/etc/sysconfig/network-scripts/ifcfg-eth0"] == "DEVICE=eth0\nHWADDR=00:16:3e:00:00:01\nONBOOT=yes\nBRIDGE=xenbr0\nXEMANAGED=yes\n")
        #expect(f["/etc/sysconfig/network-scripts/ifcfg-xenbr0"] == """
            DEVICE=xenbr0
            TYPE=Bridge
            STP=off
            ONBOOT=yes
            BOOTPROTO=none
            IPADDR=10.0.0.5
            NETMASK=255.255.255.0
            GATEWAY=10.0.0.1
            DNS1=10.0.0.2
            DNS2=10.0.0.3
            DOMAIN=example.com

            """)
        #expect(f["/etc/firstboot.d/data/network.conf"] == "ADMIN_INTERFACE='00:16:3e:00:00:01'\nINTERFACES='00:16:3e:00:00:01 00:16:3E:00:00:02'\n")
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:01.conf"] == """
            LABEL='eth0'
            MODE='static'
            IP='10.0.0.5'
            NETMASK='255.255.255.0'
            GATEWAY='10.0.0.1'
            DNS1='10.0.0.2'
            DNS2='10.0.0.3'
            DOMAIN='example.com'

            """)
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:02.conf"] == "LABEL='eth1'\nMODE='none'\n")
        #expect(f.count == 8)
    }

    @Test func dhcpNetworkFilesAlwaysWriteAHostname() {
        var p = InstallPlan()
        p.adminInterface = nil
        let f = NetworkFiles.files(p, Fixtures.machine)
        #expect(f["/etc/hostname"] == "localhost.localdomain\n")
        #expect(f["/etc/resolv.conf"] == "# written by host-installer\n# nameservers come from DHCP on the management interface\n")
        // No admin interface in the plan: the first NIC with link, DHCP.
        #expect(f["/etc/sysconfig/network-scripts/ifcfg-xenbr0"] == "DEVICE=xenbr0\nTYPE=Bridge\nSTP=off\nONBOOT=yes\nBOOTPROTO=dhcp\nPEERDNS=yes\n")
        var other = Fixtures.machine
        other.nics = [.init(name: "enp1s0", mac: "00:16:3e:00:00:09", link: true)]
        // A NIC not called ethN keeps its own name and carries the address itself.
        #expect(NetworkFiles.files(p, other)["/etc/sysconfig/network-scripts/ifcfg-enp1s0"] == "DEVICE=enp1s0\nHWADDR=00:16:3e:00:00:09\nONBOOT=yes\nBOOTPROTO=dhcp\nPEERDNS=yes\n")
        #expect(f["/etc/firstboot.d/data/interface-00:16:3e:00:00:01.conf"] == "LABEL='eth0'\nMODE='dhcp'\n")
    }

    @Test func systemFiles() {
        let f = SystemFiles.files(Fixtures.staticPlan, Fixtures.machine, Fixtures.facts)
        #expect(f["/etc/ntp.conf"] == """
            # written by host-installer
            driftfile /var/lib/ntp/drift
            restrict default kod nomodify notrap nopeer noquery
            restrict 127.0.0.1
            server ntp1.example.com iburst

            """)
        #expect(f["/etc/sysconfig/clock"] == "ZONE=\"Europe/London\"\nUTC=true\nARC=false\n")
        #expect(f["/etc/timezone"] == "Europe/London\n")
        #expect(f["/etc/sysconfig/keyboard"] == "KEYBOARDTYPE=\"pc\"\nKEYTABLE=\"de\"\n")
        #expect(f["/etc/firstboot.d/data/default-storage.conf"] == "XSPARTITIONS='/dev/sda3 /dev/sdb1'\nXSTYPE='lvm'\nPARTITIONS='/dev/sda3 /dev/sdb1'\nTYPE='lvm'\n")
        #expect(f["/etc/firstboot.d/data/host.conf"] == "UPGRADE='false'\n")
        #expect(f["/etc/fstab"]?.hasPrefix("LABEL=root-abcdefgh    /          ext3     defaults        1  1\n/var/swap/swap.001    swap       swap") == true)
    }

    @Test func manualTimeWritesNoNTPAndDHCPNTPSaysSo() {
        var p = Fixtures.staticPlan
        p.time = .manual
        #expect(SystemFiles.files(p, Fixtures.machine, Fixtures.facts)["/etc/ntp.conf"] == nil)
        p.time = .ntp(servers: [], fromDHCP: true)
        let ntp = SystemFiles.files(p, Fixtures.machine, Fixtures.facts)["/etc/ntp.conf"] ?? ""
        #expect(!ntp.contains("server ") && ntp.contains("DHCP"))
        p.time = .ntp(servers: [], fromDHCP: false)
        #expect(SystemFiles.files(p, Fixtures.machine, Fixtures.facts)["/etc/ntp.conf"]?.contains("server 0.pool.ntp.org iburst") == true)
    }

    @Test func inventory() {
        let inv = SystemFiles.inventory(Fixtures.staticPlan, Fixtures.machine, Fixtures.facts)
        #expect(inv == """
            PRODUCT_BRAND='XCP'
            PRODUCT_VERSION='0.1.0'
            BUILD_NUMBER='1234'
            INSTALLATION_DATE='2026-11-27 00:10:00'
            PRIMARY_DISK='/dev/sda'
            BACKUP_PARTITION='/dev/sda2'
            INSTALLATION_UUID='11111111-2222-3333-4444-555555555555'
            CONTROL_DOMAIN_UUID='66666666-7777-8888-9999-000000000000'
            MANAGEMENT_INTERFACE='xenbr0'
            DEFAULT_SR_PHYSDEVS='/dev/sda3 /dev/sdb1'

            """)
        let kv = SystemFiles.parseKeyValues(inv)
        #expect(kv["PRODUCT_VERSION"] == "0.1.0" && kv["DEFAULT_SR_PHYSDEVS"] == "/dev/sda3 /dev/sdb1")
        #expect(SystemFiles.parseKeyValues("A='it'\\''s'\n")["A"] == "it's")
    }

    @Test func noFileHoldsThePlaintextPassword() {
        let all = TargetConfigurator.files(Fixtures.staticPlan, Fixtures.machine, Fixtures.facts)
        #expect(!all.values.contains { $0.contains("s3cret!") })
    }
}

@Suite struct PasswordHashTests {
    @Test func sha512CryptVerifiesWithCryptR() throws {
        let h = try PasswordHash.sha512("s3cret!")
        #expect(h.hasPrefix("$6$"))
        #expect(!h.contains("s3cret!"))
        #expect(h.split(separator: "$").count == 3)          // $6$salt$hash
        #expect(PasswordHash.verify("s3cret!", against: h))
        #expect(!PasswordHash.verify("s3cret", against: h))
        #expect(try PasswordHash.sha512("s3cret!") != h)      // random salt
    }

    @Test func knownVector() throws {
        // From the SHA-crypt specification (Drepper): rounds=5000 default.
        #expect(try PasswordHash.hash("Hello world!", setting: "$6$saltstring") ==
                "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")
    }

    @Test func shadowReplacesOnlyRoot() {
        let old = "root:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n"
        #expect(PasswordHash.shadow(existing: old, rootHash: "$6$x$y", days: 20000) == "root:$6$x$y:20000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n")
        #expect(PasswordHash.shadow(existing: nil, rootHash: "$6$x$y", days: 1) == "root:$6$x$y:1:0:99999:7:::\n")
    }
}

@Suite struct ExtlinuxTests {
    @Test func findsTheNewestKernelAndItsInitrd() {
        let k = Extlinux.findKernels(bootNames: ["vmlinuz-6.1.9-amd64", "vmlinuz-6.1.10-amd64", "initrd.img-6.1.10-amd64",
                                                 "initrd.img-6.1.9-amd64", "vmlinuz", "extlinux"])
        #expect(k == Extlinux.Kernels(version: "6.1.10-amd64", kernel: "/boot/vmlinuz-6.1.10-amd64",
                                      initrd: "/boot/initrd.img-6.1.10-amd64", xen: nil))
        #expect(Extlinux.findKernels(bootNames: ["grub"]) == nil)
        #expect(Extlinux.findKernels(bootNames: ["vmlinuz-2.6.27-xen", "initrd-2.6.27-xen.img", "xen-3.4.2.gz", "xen.gz"])?.xen == "/boot/xen.gz")
    }

    @Test func configHasNormalSerialAndSafeEntries() {
        let k = Extlinux.Kernels(version: "1.0", kernel: "/boot/vmlinuz-1.0", initrd: "/boot/initrd.img-1.0", xen: nil)
        #expect(Extlinux.config(k, rootLabel: "root-abcdefgh", machineMiB: 1024) == """
            # extlinux.conf written by host-installer
            SERIAL 0 115200
            DEFAULT xe
            PROMPT 1
            TIMEOUT 10

            LABEL xe
              KERNEL /boot/vmlinuz-1.0
              INITRD /boot/initrd.img-1.0
              APPEND root=LABEL=root-abcdefgh ro console=tty0 quiet

            LABEL xe-serial
              KERNEL /boot/vmlinuz-1.0
              INITRD /boot/initrd.img-1.0
              APPEND root=LABEL=root-abcdefgh ro console=tty0 console=ttyS0,115200

            LABEL safe
              KERNEL /boot/vmlinuz-1.0
              INITRD /boot/initrd.img-1.0
              APPEND root=LABEL=root-abcdefgh ro nosmp noapic acpi=off console=tty0 console=ttyS0,115200

            """)
    }

    @Test func hypervisorEntriesAreXCPs() {
        let k = Extlinux.Kernels(version: "6.1.0-57-amd64", kernel: "/boot/vmlinuz-6.1.0-57-amd64",
                                 initrd: "/boot/initrd.img-6.1.0-57-amd64", xen: "/boot/xen.gz")
        #expect(Extlinux.config(k, rootLabel: "root-x", machineMiB: 1024) == """
            # extlinux.conf written by host-installer
            SERIAL 0 115200
            DEFAULT xe
            PROMPT 1
            TIMEOUT 10

            LABEL xe
              KERNEL mboot.c32
              APPEND /boot/xen.gz dom0_mem=752M lowmem_emergency_pool=1M crashkernel=64M@32M com1=115200,8n1 console=vga,com1 --- /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro console=tty0 console=hvc0 quiet --- /boot/initrd.img-6.1.0-57-amd64

            LABEL xe-serial
              KERNEL mboot.c32
              APPEND /boot/xen.gz dom0_mem=752M lowmem_emergency_pool=1M crashkernel=64M@32M com1=115200,8n1 console=com1,vga --- /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro console=tty0 console=hvc0 --- /boot/initrd.img-6.1.0-57-amd64

            LABEL safe
              KERNEL mboot.c32
              APPEND /boot/xen.gz nosmp noreboot noirqbalance acpi=off noapic dom0_mem=752M com1=115200,8n1 console=com1,vga --- /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro nousb console=tty0 console=hvc0 --- /boot/initrd.img-6.1.0-57-amd64

            """)
        let big = Extlinux.config(k, rootLabel: "root-x", machineMiB: 16384)
        #expect(big.components(separatedBy: "dom0_mem=1360M ").count == 4)
    }

    /// GRUB for UEFI (on the ESP) carries the same three entries, Xen through multiboot2.
    @Test func efiGrubConfigHasTheExtlinuxEntries() {
        let k = Extlinux.Kernels(version: "6.1.0-57-amd64", kernel: "/boot/vmlinuz-6.1.0-57-amd64",
                                 initrd: "/boot/initrd.img-6.1.0-57-amd64", xen: "/boot/xen.gz")
        #expect(EfiGrub.config(k, rootLabel: "root-x", machineMiB: 1024) == """
            # grub.cfg written by host-installer (UEFI; the BIOS boots /boot/extlinux/extlinux.conf)
            search --no-floppy --label --set=root root-x
            serial --unit=0 --speed=115200
            terminal_input serial console
            terminal_output serial console
            set default=xe
            set timeout=1

            menuentry 'xe' --id xe {
              multiboot2 /boot/xen.gz dom0_mem=752M lowmem_emergency_pool=1M crashkernel=64M@32M com1=115200,8n1 console=vga,com1
              module2 /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro console=tty0 console=hvc0 quiet
              module2 --nounzip /boot/initrd.img-6.1.0-57-amd64
            }

            menuentry 'xe-serial' --id xe-serial {
              multiboot2 /boot/xen.gz dom0_mem=752M lowmem_emergency_pool=1M crashkernel=64M@32M com1=115200,8n1 console=com1,vga
              module2 /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro console=tty0 console=hvc0
              module2 --nounzip /boot/initrd.img-6.1.0-57-amd64
            }

            menuentry 'safe' --id safe {
              multiboot2 /boot/xen.gz nosmp noreboot noirqbalance acpi=off noapic dom0_mem=752M com1=115200,8n1 console=com1,vga
              module2 /boot/vmlinuz-6.1.0-57-amd64 root=LABEL=root-x ro nousb console=tty0 console=hvc0
              module2 --nounzip /boot/initrd.img-6.1.0-57-amd64
            }

            """)
        let plain = Extlinux.Kernels(version: "1.0", kernel: "/boot/vmlinuz-1.0", initrd: nil, xen: nil)
        let cfg = EfiGrub.config(plain, rootLabel: "root-y", machineMiB: 1024)
        #expect(cfg.contains("  linux /boot/vmlinuz-1.0 root=LABEL=root-y ro console=tty0 quiet\n}"))
        #expect(!cfg.contains("multiboot2") && !cfg.contains("initrd"))
    }

    @Test func grubIsRefusedAtValidation() {
        var p = Fixtures.staticPlan
        p.sources = [.url("http://10.0.0.1/xcp/", credentials: nil)]
        p.bootloader.kind = .grub
        let repo = Repository(id: .main, product: "XCP", version: "0.1.0", build: nil, description: "", requires: [], packages: [], directory: "")
        #expect(throws: InstallerError.invalid("bootloader", "grub is not supported by this build; use extlinux (the default)")) {
            try Installation.validate(p, Fixtures.machine, repositories: [repo], log: EventLog())
        }
    }
}

@Suite struct Dom0MemoryTests {
    @Test func followsTheRule() {
        // 752 MiB up to 4 GiB of memory (but at most 3/4 of a small machine)
        #expect(Dom0Memory.mebibytes(machineMiB: 4096) == 752)
        #expect(Dom0Memory.mebibytes(machineMiB: 1024) == 752)
        #expect(Dom0Memory.mebibytes(machineMiB: 1000) == 744)   // 750 rounded down to 8 MiB
        #expect(Dom0Memory.mebibytes(machineMiB: 512) == 384)
        // plus 5% of what is above 4 GiB, rounded down to a multiple of 8 MiB
        #expect(Dom0Memory.mebibytes(machineMiB: 8192) == 952)     // 752 + 204.8
        #expect(Dom0Memory.mebibytes(machineMiB: 16384) == 1360)   // 752 + 614.4 = 1366
        #expect(Dom0Memory.mebibytes(machineMiB: 65536) == 3824)   // 752 + 3072
        // at most 8 GiB
        #expect(Dom0Memory.mebibytes(machineMiB: 262144) == 8192)
        #expect(Dom0Memory.mebibytes(machineMiB: 1048576) == 8192)
        #expect(Dom0Memory.option(machineMiB: 2048) == "dom0_mem=752M")
    }

    @Test func isAlwaysAMultipleOf8AndBelowTheMachine() {
        for m in stride(from: 64, through: 300_000, by: 997) {
            let d = Dom0Memory.mebibytes(machineMiB: m)
            #expect(d % 8 == 0 && d > 0 && d <= max(m * 3 / 4, 8) && d <= 8192, "machine \(m) MiB: \(d)")
        }
    }
}
