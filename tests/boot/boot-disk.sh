#!/usr/bin/env bash
# Boots a raw disk image in qemu (TCG) from its own bootloader and checks the serial console.
#
#   tests/boot/boot-disk.sh IMAGE TIMEOUT_SECONDS EXPECTED_LINE...
#
# Prints the serial log (carriage returns removed), then one line per expected line that is
# missing, then "boot-disk: PASS|FAIL ... boot=N.Ns ready=N.Ns". Exit status 0 only when every
# EXPECTED_LINE appears as a whole line of the log (and the Xen checks pass); 1 otherwise; 2 for
# bad arguments. The qemu started here is stopped (by its PID) on timeout, on failure and on exit.
#
# The machine: qemu TCG, -cpu qemu64 (with -cpu max Xen's control domain crashes at start),
# 2 CPUs, 1024 MiB, one NIC on qemu's user network (10.0.2.0/24, DHCP from 10.0.2.2).
# The installed product is a Xen host: unless BOOT_DISK_XEN=0 the log must also show Xen's
# banner with its version, `xl info` with the same xen_version, total_memory (at most the
# machine's) and nr_cpus (2), Domain-0 in `xl list` and "XCP-SAMPLE dom0-ready".
# ready=N.Ns is the time from power-on to that ready line.
#
# Environment:
#   BOOT_DISK_IF=ide|virtio|ahci|nvme|megasas|xhci
#                            the disk's controller (default ide: the guest sees /dev/sda);
#                            ahci, nvme, an LSI MegaRAID SAS (megasas) or a USB disk on xHCI
#                            are the controllers of real servers (issue 14 item 5)
#   BOOT_DISK_LOG=FILE       keep the serial log here (default: a temporary file, removed)
#   BOOT_DISK_QUIET_AFTER=S  give up when the serial port is still silent after S seconds
#                            (default 30: a missing MBR or boot flag stops before syslinux)
#   BOOT_DISK_SNAPSHOT=1     boot with -snapshot (the image is left untouched)
#   BOOT_DISK_NIC=MODEL|none the NIC's model (default e1000), or no NIC
#   BOOT_DISK_NICS=2         two NICs (the second 52:54:00:12:34:57), each on its own user network
#   BOOT_DISK_NETDEV=OPTIONS the (first) NIC on this qemu -netdev instead of the user network,
#                            e.g. stream,server=off,addr.type=unix,addr.path=SOCKET (77: a
#                            user-space 802.1Q trunk, Tests/Fixtures/servers/vlantrunk.py)
#   BOOT_DISK_XEN=0          skip the Xen checks (a product without a hypervisor)
#   BOOT_DISK_IMAGE2=FILE    a second disk on the same controller (ide or virtio), after IMAGE
#                            (the other half of a mirror)
#   BOOT_DISK_BLOCK_SIZE=N   the disk on virtio with N-byte logical and physical sectors
#                            (4096: a 4Kn disk; boot it with BOOT_DISK_FIRMWARE=uefi)
#   BOOT_DISK_FIRMWARE=uefi  boot with OVMF (package ovmf) and an empty private variable store:
#                            the firmware finds /EFI/BOOT/BOOTX64.EFI by itself. The machine
#                            stays qemu's default (i440fx). Default bios (SeaBIOS).
#   BOOT_DISK_UEFI_VARS=FILE start from a copy of this variable store instead (the one the
#                            installer ran with, holding the boot entry it made)
set -uo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 IMAGE TIMEOUT_SECONDS EXPECTED_LINE..." >&2; exit 2
fi
IMAGE=$1; TIMEOUT=$2; shift 2
[ -f "$IMAGE" ] || { echo "boot-disk: no image $IMAGE" >&2; exit 2; }
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] && [ "$TIMEOUT" -gt 0 ] || { echo "boot-disk: TIMEOUT_SECONDS must be a positive integer" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "boot-disk: qemu-system-x86_64 is missing (scripts/install-deps)" >&2; exit 2; }
IF=${BOOT_DISK_IF:-ide}
case "$IF" in ide|virtio|ahci|nvme|megasas|xhci) ;; *) echo "boot-disk: BOOT_DISK_IF must be ide, virtio, ahci, nvme, megasas or xhci" >&2; exit 2 ;; esac
QUIET_AFTER=${BOOT_DISK_QUIET_AFTER:-30}
FIRMWARE=${BOOT_DISK_FIRMWARE:-bios}
case "$FIRMWARE" in bios|uefi) ;; *) echo "boot-disk: BOOT_DISK_FIRMWARE must be bios or uefi" >&2; exit 2 ;; esac

TMP=$(mktemp -d /tmp/boot-disk.XXXXXX)
LOG=${BOOT_DISK_LOG:-$TMP/serial.log}
: >"$LOG"
QPID=
cleanup() {
  if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
    kill "$QPID" 2>/dev/null; sleep 0.5; kill -9 "$QPID" 2>/dev/null
    wait "$QPID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

snapshot=(); [ "${BOOT_DISK_SNAPSHOT:-0}" = 1 ] && snapshot=(-snapshot)
fw=()
if [ "$FIRMWARE" = uefi ]; then
  code=/usr/share/OVMF/OVMF_CODE_4M.fd; vars=/usr/share/OVMF/OVMF_VARS_4M.fd
  [ -r "$code" ] && [ -r "$vars" ] || { echo "boot-disk: $code is missing (package ovmf; scripts/install-deps)" >&2; exit 2; }
  cp "${BOOT_DISK_UEFI_VARS:-$vars}" "$TMP/vars.fd"
  fw=(-drive "if=pflash,format=raw,unit=0,file=$code,readonly=on" -drive "if=pflash,format=raw,unit=1,file=$TMP/vars.fd")
fi
# BOOT_DISK_BLOCK_SIZE: a virtio disk with that logical and physical sector size (4096: 4Kn).
case "$IF" in
  ide|virtio) disk=(-drive "file=$IMAGE,format=raw,if=$IF") ;;
  *) disk=(-drive "file=$IMAGE,format=raw,if=none,id=d0")
     case "$IF" in
       ahci) disk+=(-device ahci,id=ahci0 -device ide-hd,drive=d0,bus=ahci0.0,bootindex=1) ;;
       nvme) disk+=(-device nvme,serial=BOOTDISK0001,drive=d0,bootindex=1) ;;
       megasas) disk+=(-device megasas,id=sas0 -device scsi-hd,drive=d0,bus=sas0.0,bootindex=1) ;;
       xhci) disk+=(-device qemu-xhci,id=xhci0 -device usb-storage,drive=d0,bus=xhci0.0,bootindex=1) ;;
     esac ;;
esac
if [ -n "${BOOT_DISK_IMAGE2:-}" ]; then
  case "$IF" in ide|virtio) ;; *) echo "boot-disk: BOOT_DISK_IMAGE2 needs BOOT_DISK_IF=ide or virtio" >&2; exit 2 ;; esac
  [ -f "$BOOT_DISK_IMAGE2" ] || { echo "boot-disk: no image $BOOT_DISK_IMAGE2" >&2; exit 2; }
  disk+=(-drive "file=$BOOT_DISK_IMAGE2,format=raw,if=$IF")
fi
if [ -n "${BOOT_DISK_BLOCK_SIZE:-}" ]; then
  disk=(-drive "file=$IMAGE,format=raw,if=none,id=d0"
        -device "virtio-blk-pci,drive=d0,logical_block_size=$BOOT_DISK_BLOCK_SIZE,physical_block_size=$BOOT_DISK_BLOCK_SIZE")
fi
start=$(date +%s.%N)
# -display none/-monitor none rather than -nographic: nothing reads stdin here.
SMP=2; MEM=1024
NIC=${BOOT_DISK_NIC:-e1000}
nic=(-nic none); [ "$NIC" = none ] || nic=(-nic "user,model=$NIC")
[ -n "${BOOT_DISK_NETDEV:-}" ] && [ "$NIC" != none ] && nic=(-netdev "$BOOT_DISK_NETDEV,id=n0" -device "$NIC,netdev=n0")
# BOOT_DISK_NICS=2: a second NIC (52:54:00:12:34:57) on its own user network (a bond's members).
[ "${BOOT_DISK_NICS:-1}" = 2 ] && [ "$NIC" != none ] && nic+=(-nic "user,model=$NIC,mac=52:54:00:12:34:57")
qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64 -smp $SMP -m $MEM -no-user-config -nodefaults \
  -display none -monitor none -serial "file:$LOG" -no-reboot "${fw[@]}" "${nic[@]}" "${snapshot[@]}" \
  "${disk[@]}" \
  -chardev "file,id=bios,path=$TMP/bios.log" -device isa-debugcon,iobase=0x402,chardev=bios \
  </dev/null >"$TMP/qemu.out" 2>&1 &
QPID=$!

now() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
outcome=exited
ready=
while kill -0 "$QPID" 2>/dev/null; do
  t=$(now)
  [ -n "$ready" ] || ! grep -q '^XCP-SAMPLE dom0-ready' "$LOG" || ready=$t
  if awk -v t="$t" -v m="$TIMEOUT" 'BEGIN{exit !(t>=m)}'; then outcome="timeout after ${TIMEOUT}s"; break; fi
  if [ ! -s "$LOG" ] && awk -v t="$t" -v m="$QUIET_AFTER" 'BEGIN{exit !(t>=m)}'; then
    outcome="no serial output after ${QUIET_AFTER}s"; break
  fi
  sleep 0.2
done
boot=$(now)
qrc=
if [ "$outcome" = exited ]; then wait "$QPID"; qrc=$?; QPID=; else kill "$QPID" 2>/dev/null; fi

tr -d '\r' <"$LOG" >"$TMP/serial.txt"
echo "----- serial console ($IMAGE, if=$IF, $FIRMWARE) -----"
cat "$TMP/serial.txt"
echo "----- end of serial console -----"
missing=0
for want in "$@"; do
  if ! grep -qxF -- "$want" "$TMP/serial.txt"; then
    echo "boot-disk: MISSING: $want"; missing=$((missing+1))
  fi
done
total=$#
if [ "${BOOT_DISK_XEN:-1}" != 0 ]; then
  # Xen's banner "(XEN) Xen version 4.17.7-pre (...)", then `xl info` and `xl list` from dom0.
  field() { sed -n "s/^$1[[:space:]]*:[[:space:]]*\([^[:space:]]*\).*/\1/p" "$TMP/serial.txt" | head -n 1; }
  banner=$(sed -n 's/^(XEN) Xen version \([0-9][0-9.]*[^ ]*\) .*/\1/p' "$TMP/serial.txt" | head -n 1)
  xv=$(field xen_version); tm=$(field total_memory); nc=$(field nr_cpus)
  xfail() { echo "boot-disk: MISSING: $*"; missing=$((missing+1)); }
  [ -n "$banner" ] || xfail "Xen's banner '(XEN) Xen version ...'"
  [ -n "$xv" ] && [ "${banner%%-*}" = "${xv%%-*}" ] || xfail "xl info: xen_version '$xv' as in the banner '$banner'"
  [[ "$tm" =~ ^[0-9]+$ ]] && [ "$tm" -gt $((MEM / 2)) ] && [ "$tm" -le $MEM ] || xfail "xl info: total_memory '$tm' (MiB; the machine has $MEM)"
  [ "$nc" = $SMP ] || xfail "xl info: nr_cpus '$nc' (the machine has $SMP)"
  grep -qE '^Domain-0 +0 +[0-9]+ +[0-9]+ ' "$TMP/serial.txt" || xfail "xl list: Domain-0"
  grep -qx 'XCP-SAMPLE dom0-ready' "$TMP/serial.txt" || xfail "XCP-SAMPLE dom0-ready"
  total=$((total + 6))
  echo "boot-disk: xen banner=$banner xen_version=$xv total_memory=$tm nr_cpus=$nc"
fi
if [ "$outcome" != exited ] || [ "${qrc:-0}" != 0 ]; then
  echo "boot-disk: qemu ${outcome}${qrc:+ (status $qrc)}"
  [ -s "$TMP/qemu.out" ] && sed 's/^/qemu: /' "$TMP/qemu.out"
  if [ -s "$TMP/bios.log" ]; then echo "boot-disk: last BIOS messages:"; tail -n 5 "$TMP/bios.log" | sed 's/^/bios: /'; fi
fi
if [ "$missing" -eq 0 ]; then
  echo "boot-disk: PASS $total lines found, qemu $outcome, boot=${boot}s ready=${ready:-none}s"; exit 0
fi
echo "boot-disk: FAIL $missing of $total lines missing, qemu $outcome, boot=${boot}s ready=${ready:-none}s"
exit 1
