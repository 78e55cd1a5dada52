#!/usr/bin/env bash
# Issue 14: a server of today, booted the UEFI way. qemu's q35 machine with UEFI firmware
# (OVMF), its AHCI controller holding the installer image as a CD and the disk, an Intel
# e1000e NIC. The firmware boots the image's El Torito EFI image (GRUB), whose menu starts the
# serial entry with "answerfile=file:///cdrom/answerfiles/local.xml install atexit=poweroff"
# (the image remastered by iso_remaster: nothing is typed). The image's init loads ahci and
# e1000e by modalias, finds its media on sr0 by its label; the installer installs onto sda
# unattended and init powers off. The installed disk's EFI system partition (partition 4)
# must hold GRUB at /EFI/BOOT/BOOTX64.EFI (the CD carries mkfs.fat, mtools and the GRUB image,
# issue 14 item 4); the disk is then booted under UEFI (OVMF, empty NVRAM, the CD removed)
# on the same AHCI controller and e1000e NIC (the product's initrd carries ahci, issue 14
# item 5) and must print what the answerfile configured.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
iso_setup "$TOP" uefi-ahci
trap 'rm -rf "$work"' EXIT
iso_remaster "$ISO" "$work/installer.iso" serial "answerfile=file:///cdrom/answerfiles/local.xml install atexit=poweroff"
vm=$(iso_vm "-machine q35 $(iso_ovmf "$work") \
  -drive if=none,id=cd0,file=$work/installer.iso,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd0,bus=ide.1,bootindex=0 \
  -drive if=none,id=d0,file=$work/disk.img,format=raw -device ide-hd,drive=d0,bus=ide.0 \
  -nic user,model=e1000e")
cat >"$work/uefi.replay" <<REPLAY
size 80x24
exec $vm
wait "installer media: /dev/sr0" 120
wait "unattended fresh installation on sda" 60
wait "Installation complete" 180
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/uefi.replay" --times
echo "UEFI, q35, AHCI CD and disk, e1000e: unattended install in $(( $(date +%s) - start )) s"
# The ESP, read with mtools (no mount): GRUB and its menu written by the installer on the CD.
esp=$(sfdisk -d "$work/disk.img" | sed -n 's/^.*disk\.img4 : start= *\([0-9]*\), .*type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B.*name="esp".*/\1/p')
[ -n "$esp" ] || { sfdisk -d "$work/disk.img"; echo "FAIL: no EFI system partition 4 on the disk installed from the CD"; exit 1; }
MTOOLS_SKIP_CHECK=1 mdir -i "$work/disk.img@@$(( esp * 512 ))" ::/EFI/BOOT >"$work/mdir" 2>&1 &&
  grep -q 'BOOTX64  EFI' "$work/mdir" && grep -qi 'grub *cfg' "$work/mdir" ||
  { cat "$work/mdir"; echo "FAIL: no GRUB on the ESP of the disk installed from the CD"; exit 1; }
echo "ok   the disk installed from the CD has an ESP (partition 4) with /EFI/BOOT/BOOTX64.EFI and grub.cfg"
# The firmware's boot entry that the installer made with efibootmgr (its name, UTF-16, in
# the VM's variable store); the disk is then booted with that store.
python3 -c 'import sys; sys.exit(0 if "Xen Cloud Platform".encode("utf-16-le") in open(sys.argv[1], "rb").read() else 1)' \
  "$work/ovmf-vars.fd" || { echo "FAIL: no UEFI boot entry \"Xen Cloud Platform\" in the VM's variable store"; exit 1; }
echo "ok   the installer made the UEFI boot entry \"Xen Cloud Platform\" (efibootmgr)"
BOOT_DISK_UEFI_VARS="$work/ovmf-vars.fd" BOOT_DISK_FIRMWARE=uefi BOOT_DISK_IF=ahci BOOT_DISK_NIC=e1000e BOOT_DISK_LOG="$work/serial.log" tests/boot/boot-disk.sh "$work/disk.img" 300 \
  "XCP-SAMPLE hostname=xcp-unattended" \
  "XCP-SAMPLE ip=10.0.2.16 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE timezone=Asia/Tokyo" \
  "XCP-SAMPLE keymap=de"
tr -d '\r' <"$work/serial.log" | grep -q '^SYSLINUX' && { echo "FAIL: SYSLINUX ran: the installed disk did not boot the UEFI way"; exit 1; }
echo "ok   the installed disk booted under UEFI (OVMF, GRUB from the ESP), without the CD"
