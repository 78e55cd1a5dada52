#!/usr/bin/env bash
# Disks by identity on a real kernel (issue 19 item 1): the installer CD booted (BIOS) in a VM
# with three disks that differ only by serial number and bus: two virtio disks (serial=VDISK-A,
# VDISK-B) and a SCSI disk on virtio-scsi (serial=SCSI-C, read by the probe from VPD page
# 0x80). The answerfile on the image names the primary disk by serial and a guest disk by its
# /dev/disk/by-id name (derived by the probe: the CD runs without udev). After the unattended
# install the SCSI disk holds the root partition, VDISK-B one LVM partition, and VDISK-A was
# not written (0 allocated blocks in its sparse image).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
iso_setup "$TOP" iso-disks-serial
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for d in a b c; do truncate -s 20G "$work/$d.img"; done
cat >"$work/serial.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk serial="SCSI-C" gueststorage="no"/>
  <guest-disk>/dev/disk/by-id/virtio-VDISK-B</guest-disk>
  <keymap>us</keymap>
  <root-password>xcp-serial-s3cret</root-password>
  <source type="local"/>
  <timezone>Europe/London</timezone>
</installation>
XML
iso_remaster "$ISO" "$work/installer.iso" serial "answerfile=file:///cdrom/answerfiles/serial.xml install atexit=poweroff" \
  "answerfiles/serial.xml=$work/serial.xml"
vm=$(iso_vm "-drive if=none,id=cd0,file=$work/installer.iso,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd0,bootindex=0 \
  -drive if=none,id=d0,file=$work/a.img,format=raw -device virtio-blk-pci,drive=d0,serial=VDISK-A \
  -drive if=none,id=d1,file=$work/b.img,format=raw -device virtio-blk-pci,drive=d1,serial=VDISK-B \
  -device virtio-scsi-pci,id=scsi0 -drive if=none,id=d2,file=$work/c.img,format=raw -device scsi-hd,drive=d2,bus=scsi0.0,serial=SCSI-C \
  -nic user,model=virtio-net-pci")
cat >"$work/serial.replay" <<REPLAY
size 80x24
exec $vm
wait "installer media: /dev/sr0" 120
wait "unattended fresh installation on sda" 60
wait "Installation complete" 180
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/serial.replay" --times
echo "three disks by serial and by-id: unattended install from the CD in $(( $(date +%s) - start )) s"
sfdisk -d "$work/c.img" | grep -q 'name="root"' || fail "the SCSI disk (serial SCSI-C) has no root partition: $(sfdisk -d "$work/c.img" 2>&1)"
sfdisk -d "$work/b.img" | grep -Eq 'b\.img1 : start= *2048, .*type=E6D6D379-F507-44C2-A23C-238F2A3DF928' ||
  fail "VDISK-B is not a guest disk: $(sfdisk -d "$work/b.img" 2>&1)"
[ "$(stat -c %b "$work/a.img")" = 0 ] || fail "VDISK-A was written ($(stat -c %b "$work/a.img") blocks)"
echo "ok   serial=\"SCSI-C\" installed on the SCSI disk, /dev/disk/by-id/virtio-VDISK-B is VM storage, VDISK-A untouched"
