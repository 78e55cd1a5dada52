#!/usr/bin/env bash
# Issue 14: a server of today, booted the UEFI way. qemu's q35 machine with UEFI firmware
# (OVMF), its AHCI controller holding the installer image as a CD and the disk, an Intel
# e1000e NIC. The firmware boots the image's El Torito EFI image (GRUB), whose menu starts the
# serial entry with "answerfile=file:///cdrom/answerfiles/local.xml install atexit=poweroff"
# (the image remastered by iso_remaster: nothing is typed). The image's init loads ahci and
# e1000e by modalias, finds its media on sr0 by its label; the installer installs onto sda
# unattended and init powers off. Then the disk is booted (BIOS: booting an installed disk
# under UEFI is issue 14 item 4) and must print what the answerfile configured.
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
tests/boot/boot-disk.sh "$work/disk.img" 240 \
  "XCP-SAMPLE hostname=xcp-unattended" \
  "XCP-SAMPLE ip=10.0.2.16 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE timezone=Asia/Tokyo" \
  "XCP-SAMPLE keymap=de"
