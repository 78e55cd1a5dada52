#!/usr/bin/env bash
# Issue 16 item 1: the network boot files of scripts/pxe-export, booted the three ways a rack
# boots. An HTTP server on the host's loopback (python3 -m http.server on 127.0.0.1, seen from
# the VMs as 10.0.2.2) serves the exported http/ tree: repositories, answerfile, and the
# kernel and initrd for iPXE. qemu's user network is the DHCP/TFTP server: it serves the
# exported tftp/ tree and hands out one boot file.
#   1. BIOS, PXELINUX (pxelinux.0 by TFTP): unattended install onto the IDE disk, then the disk
#      boots and shows what the answerfile configured;
#   2. UEFI (OVMF, q35, e1000e), GRUB's network image bootx64.efi: the install runs;
#   3. iPXE (qemu's NIC boot ROM is iPXE) running boot.ipxe, kernel and initrd by HTTP: the
#      install runs.
# Each boot line carries the MAC of the NIC it booted from (BOOTIF=), which the image's init
# says on the serial console.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
iso_setup "$TOP" pxe-boot
. tests/integration/lib/servers.sh
HTTPPID=
cleanup() {
  local rc=$?
  stop_http
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -r /usr/lib/PXELINUX/pxelinux.0 ] || skip "no /usr/lib/PXELINUX/pxelinux.0 (package pxelinux)"

mkdir -p "$work/pxe"
start_http "$work/pxe" "$work/http.log" || exit 1
S=http://10.0.2.2:$HTTPPORT/http
scripts/pxe-export --server "$S" --answerfile "$S/answerfiles/example.xml" --params "atexit=poweroff" "$ISO" "$work/pxe"
for f in tftp/pxelinux.0 tftp/ldlinux.c32 tftp/pxelinux.cfg/default tftp/bootx64.efi tftp/grub/grub.cfg \
         tftp/boot.ipxe tftp/boot/vmlinuz tftp/boot/initrd.img http/boot/initrd.img http/boot.ipxe \
         http/packages.main/XS-REPOSITORY http/packages.linux/XS-REPOSITORY http/driver.megaraid_sas/XS-REPOSITORY http/answerfiles/example.xml; do
  [ -s "$work/pxe/$f" ] || fail "pxe-export wrote no $f"
done
grep -q "<source type=\"url\">$S/</source>" "$work/pxe/http/answerfiles/example.xml" || fail "the example answerfile does not name the server"
echo "ok   pxe-export: $(cd "$work/pxe" && find . -type f | wc -l) files, $(du -sm "$work/pxe" | cut -f1) MB"

# run NAME BOOTFILE "QEMU OPTIONS" MAC WAIT_FOR: one network boot, until WAIT_FOR on ttyS0.
run() {
  local name=$1 bootfile=$2 opts=$3 mac=$4 until=$5 start
  truncate -s 20G "$work/$name.img"
  cat >"$work/$name.replay" <<REPLAY
size 100x30
exec $(iso_vm "$opts -boot n -drive file=$work/$name.img,format=raw,if=ide,index=0 -nic user,model=$NIC,mac=$mac,tftp=$work/pxe/tftp,bootfile=$bootfile")
wait "installer-cd: hardware ready" 300
wait "booted from the network on $mac: no installer media" 60
wait "unattended fresh installation on sda" 180
wait "$until" 300
screen done
exit 0
REPLAY
  start=$(date +%s)
  "$BIN" replay "$work/$name.replay" --update --times >"$work/$name.out" 2>&1 ||
    { cat "$work/$name.out"; tail -c 3000 "$work/$name/done.screen" 2>/dev/null; fail "$name: network boot"; }
  grep 'time to' "$work/$name.out" | sed "s/^/     $name: /"
  echo "ok   $name: booted $bootfile from the network and installed (to \"$until\") in $(( $(date +%s) - start )) s"
}

NIC=virtio-net-pci run bios pxelinux.0 "" 52:54:00:12:34:01 "Installation complete"
grep -q 'GET /http/packages.main/dom0-root.tar.bz2' "$work/http.log" || fail "bios: the root package was not fetched over HTTP"
tests/boot/boot-disk.sh "$work/bios.img" 240 \
  "XCP-SAMPLE hostname=xcp-unattended" \
  "XCP-SAMPLE ip=10.0.2.16 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE timezone=Asia/Tokyo" \
  "XCP-SAMPLE keymap=de" >"$work/bios-boot.out" 2>&1 || { cat "$work/bios-boot.out"; fail "bios: the installed disk"; }
tail -n 1 "$work/bios-boot.out"
rm -f "$work/bios.img"

NIC=e1000e run uefi bootx64.efi "-machine q35 $(iso_ovmf "$work")" 52:54:00:12:34:02 "Installation complete"
rm -f "$work/uefi.img"

before=$(grep -c 'GET /http/boot/initrd.img' "$work/http.log" || true)
NIC=virtio-net-pci run ipxe boot.ipxe "" 52:54:00:12:34:03 "Installation complete"
[ "$(grep -c 'GET /http/boot/initrd.img' "$work/http.log")" -gt "$before" ] || fail "ipxe: the initrd was not fetched over HTTP"
echo "59-pxe-boot: ok"
