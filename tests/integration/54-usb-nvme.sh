#!/usr/bin/env bash
# Issue 14: the installer image written to a USB stick (the hybrid image as the stick's raw
# contents), booted two ways:
#  a. UEFI (OVMF, q35): the stick on an xHCI controller, an NVMe disk, an Intel e1000 NIC;
#     the firmware boots the image's EFI system partition (GRUB).
#  b. BIOS (i440fx): the stick on an EHCI controller, the disk behind an LSI MegaRAID SAS
#     controller (qemu megasas), a Realtek 8139 NIC; the BIOS boots the isohybrid MBR.
# Each installs unattended with an answerfile on the stick (answerfile=file:///cdrom/...):
# init finds the stick by its label among the disks, the installer reads the packages from
# it and never offers it as a target (the answerfile names the other disk). Then the disk is
# booted with the same firmware, on the same controller (NVMe, MegaRAID SAS: the product's
# initrd carries their drivers, issue 14 item 5) and NIC, and must print its settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
iso_setup "$TOP" usb-nvme
trap 'rm -rf "$work"' EXIT
answerfile() {  # DISK HOSTNAME
  cat <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>$1</primary-disk>
  <keymap>us</keymap>
  <root-password>usb-s3cret</root-password>
  <source type="local"/>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>$2</hostname>
  <timezone>Europe/Berlin</timezone>
</installation>
XML
}
answerfile nvme0n1 xcp-usb-uefi >"$work/uefi.xml"
answerfile sda xcp-usb-bios >"$work/bios.xml"
iso_remaster "$ISO" "$work/stick-uefi.img" serial "answerfile=file:///cdrom/answerfiles/usb-uefi.xml install atexit=poweroff" \
  "answerfiles/usb-uefi.xml=$work/uefi.xml"
iso_remaster "$ISO" "$work/stick-bios.img" serial "answerfile=file:///cdrom/answerfiles/usb-bios.xml install atexit=poweroff" \
  "answerfiles/usb-bios.xml=$work/bios.xml"

# install NAME DISK "QEMU OPTIONS" MEDIA: the unattended install; prints its time.
install() {
  local name=$1 disk=$2 opts=$3 media=$4 start
  cat >"$work/$name.replay" <<REPLAY
size 80x24
exec $(iso_vm "$opts")
wait "installer media: $media" 120
wait "unattended fresh installation on $disk" 60
wait "Installation complete" 180
exit 0
REPLAY
  start=$(date +%s)
  "$BIN" replay "$work/$name.replay" --times
  echo "$name: unattended install in $(( $(date +%s) - start )) s"
}
checks() {  # HOSTNAME FIRMWARE CONTROLLER NIC: the installed disk booted on the machine it was installed on
  BOOT_DISK_FIRMWARE=$2 BOOT_DISK_IF=$3 BOOT_DISK_NIC=$4 tests/boot/boot-disk.sh "$work/disk.img" 240 "XCP-SAMPLE hostname=$1" "XCP-SAMPLE ip=dhcp" \
    "XCP-SAMPLE timezone=Europe/Berlin" "XCP-SAMPLE keymap=us"
}

# a. UEFI, USB stick on xHCI, NVMe disk, e1000.
install uefi-xhci-nvme nvme0n1 "-machine q35 $(iso_ovmf "$work") \
  -device qemu-xhci,id=xhci -drive if=none,id=stick,file=$work/stick-uefi.img,format=raw \
  -device usb-storage,bus=xhci.0,drive=stick,bootindex=0 \
  -drive if=none,id=d0,file=$work/disk.img,format=raw -device nvme,serial=NVME0001,drive=d0 \
  -nic user,model=e1000" /dev/sda
checks xcp-usb-uefi uefi nvme e1000

# b. BIOS, USB stick on EHCI, disk on MegaRAID SAS, rtl8139. The stick's SCSI disk shows up
# a second after the RAID controller's (usb-storage waits for the stick to settle), so the
# RAID disk is sda and the stick sdb.
rm -f "$work/disk.img"; truncate -s 20G "$work/disk.img"
install bios-ehci-megasas sda "-device usb-ehci,id=ehci -drive if=none,id=stick,file=$work/stick-bios.img,format=raw \
  -device usb-storage,bus=ehci.0,drive=stick,bootindex=0 \
  -device megasas,id=sas -drive if=none,id=d0,file=$work/disk.img,format=raw -device scsi-hd,drive=d0,bus=sas.0 \
  -nic user,model=rtl8139" /dev/sdb
checks xcp-usb-bios bios megasas rtl8139
