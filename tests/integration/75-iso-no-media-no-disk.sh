#!/usr/bin/env bash
# Issue 14 tests e and f, on the installer image in qemu (TCG), driven over the serial console:
#  1. UEFI (OVMF, q35, the image as an AHCI CD), the serial menu entry, and only an 8 GB disk:
#     the screens come up on the serial line under UEFI; after Welcome, No Disk Found names
#     the disk and why it was left out; Reboot leaves (the VM powers off, -no-reboot).
#  2. BIOS, the image's kernel and initrd booted directly with no CD at all and a 20 GB disk
#     (the second stage, boot/installer.sfs, as a second initrd as in a network boot):
#     init says "Installer media not found" and names the devices it examined; "c" goes on
#     without the media, the installer starts, and Reboot on Welcome leaves.
# Neither disk has a single block written.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
iso_setup "$TOP" no-media
trap 'rm -rf "$work"' EXIT
written() { du -k "$1" | cut -f1; }   # KiB allocated in the sparse image

# 1. UEFI, no disk Setup can use.
rm -f "$work/disk.img"; truncate -s 8G "$work/small.img"
iso_remaster "$ISO" "$work/installer.iso" serial ""
cat >"$work/no-disk.replay" <<REPLAY
size 80x24
exec $(iso_vm "-machine q35 $(iso_ovmf "$work") \
  -drive if=none,id=cd,file=$work/installer.iso,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd,bus=ide.0,bootindex=0 \
  -drive if=none,id=d0,file=$work/small.img,format=raw -device ide-hd,drive=d0,bus=ide.1 \
  -nic user,model=e1000e")
wait "Select Keymap" 180
key Enter
wait "Welcome" 30
key Enter
wait "Setup will install" 30
key Enter
wait "No Disk Found" 30
wait "sda 8 GB: smaller than 16 GB" 5
key Tab Enter
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/no-disk.replay" --times
echo "ok   UEFI serial walk to No Disk Found and Reboot in $(( $(date +%s) - start )) s"
[ "$(written "$work/small.img")" -eq 0 ] || { echo "FAIL: the 8 GB disk was written to"; exit 1; }
echo "ok   the 8 GB disk has no block written"

# 2. BIOS, no installer media anywhere.
truncate -s 20G "$work/disk.img"
mkdir -p "$work/stage2"
xorriso -osirrox on -indev "$ISO" -extract /boot/vmlinuz "$work/vmlinuz" \
  -extract /boot/initrd.img "$work/initrd.img" -extract /boot/installer.sfs "$work/stage2/installer.sfs" >/dev/null 2>&1
# The second stage comes as a second initrd, as in a network boot (scripts/pxe-export); qemu
# takes one initrd file, so the two are one, the second at a multiple of 4 bytes.
(cd "$work/stage2" && echo installer.sfs | cpio -o -H newc -R 0:0 --quiet) >"$work/installer.img"
pad=$(( (4 - $(stat -c %s "$work/initrd.img") % 4) % 4 ))
{ cat "$work/initrd.img"; head -c "$pad" /dev/zero; cat "$work/installer.img"; } >"$work/both.img"
cat >"$work/no-media.replay" <<REPLAY
size 80x24
exec $(iso_vm "-drive file=$work/disk.img,format=raw,if=virtio -nic user,model=virtio-net-pci \
  -kernel $work/vmlinuz -initrd $work/both.img -append \"quiet console=tty0 console=ttyS0,115200\"")
wait "Installer media not found" 120
wait "vda" 5
wait "continue without the media" 5
type "c"
key Enter
wait "Select Keymap" 60
key Enter
wait "Welcome" 30
key Down Down Enter
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/no-media.replay" --times
echo "ok   no media: init named the devices examined, the installer went on without it, Reboot left ($(( $(date +%s) - start )) s)"
[ "$(written "$work/disk.img")" -eq 0 ] || { echo "FAIL: the disk was written to"; exit 1; }
echo "ok   the disk has no block written"
