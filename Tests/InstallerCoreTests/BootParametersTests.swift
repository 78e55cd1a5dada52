import Testing
@testable import InstallerCore

/// The kernel command line (the guide's appendix B; the 2009 installer's parameters).
@Suite struct BootParametersTests {
    @Test func readsTheGuidesParameters() {
        let p = BootParameters.parse("BOOT_IMAGE=xcp/vmlinuz initrd=xcp/initrd.img console=tty0 console=ttyS0,115200n8 answerfile=http://pxehost.example.com/answerfile.xml install keymap=uk network_device=eth1 atexit=poweroff quiet\n")
        #expect(p.answerfile == "http://pxehost.example.com/answerfile.xml")
        #expect(p.install)
        #expect(p.keymap == "uk")
        #expect(p.networkDevice == "eth1")
        #expect(p.consoles == ["tty0", "ttyS0,115200n8"])
        #expect(p.atExit == "poweroff")
        #expect(p.extraRepos.isEmpty && p.bootloader == nil)
    }

    @Test func quotesGroupAndUnknownWordsAreIgnored() {
        let p = BootParameters.parse("answerfile='nfs://server/export/my answers.xml' foo=bar \"keymap=de-latin1\" answerfile_device=eth2 install=yes")
        #expect(p.answerfile == "nfs://server/export/my answers.xml")
        #expect(p.keymap == "de-latin1")
        #expect(p.networkDevice == "eth2")
        #expect(!p.install, "install takes no value: install=yes is not install")
        #expect(BootParameters.words("a  'b c'\t\"\" d") == ["a", "b c", "", "d"])
        #expect(BootParameters.parse("") == BootParameters())
    }

    @Test func extraRepositoriesAndOtherBootloadersAreRefusedNotIgnored() {
        #expect(throws: InstallerError.self) { try BootParameters.parse("extrarepo=http://h/pack install").checkSupported() }
        #expect(throws: InstallerError.self) { try BootParameters.parse("bootloader=grub").checkSupported() }
        do throws(InstallerError) {
            try BootParameters.parse("bootloader=grub").checkSupported()
        } catch {
            #expect(error.description.contains("bootloader=grub") && error.description.contains("only extlinux"))
        }
        #expect((try? BootParameters.parse("bootloader=extlinux answerfile=x install").checkSupported()) != nil)
    }
}

@Suite struct AnswerfileFetchTests {
    @Test func theURLSplitsIntoDirectoryAndFileAndNFSOptionsStayWithTheDirectory() {
        #expect(AnswerfileFetch.split("http://h/dir/a.xml") == ("http://h/dir/", "a.xml"))
        #expect(AnswerfileFetch.split("ftp://u:p@h:21/a.xml") == ("ftp://u:p@h:21/", "a.xml"))
        #expect(AnswerfileFetch.split("nfs://h/export/pxe/a.xml?version=4&nfsport=2049") == ("nfs://h/export/pxe/?version=4&nfsport=2049", "a.xml"))
        #expect(AnswerfileFetch.split("h:/export/a.xml") == ("h:/export/", "a.xml"))
    }
}
