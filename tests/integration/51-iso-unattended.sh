#!/usr/bin/env bash
# An unattended install from the installer CD (guide appendix B): qemu boots the ISO and the
# boot prompt gets "serial answerfile=file:///cdrom/answerfiles/local.xml install
# atexit=poweroff" (the answerfile ships on the CD). The installer runs without screens,
# partitions the VM's disk, installs from the CD, and the CD's init powers off. Then the
# disk boots and prints what the answerfile configured.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
iso_setup "$TOP" iso-unattended
trap 'rm -rf "$work"' EXIT
cat >"$work/unattended.replay" <<REPLAY
size 80x24
exec $(iso_qemu_direct "$ISO" "$work/disk.img" "$work" "answerfile=file:///cdrom/answerfiles/local.xml install atexit=poweroff")
wait "unattended fresh installation on sda" 120
wait "Installation complete" 180
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/unattended.replay" --times
echo "unattended install from the CD: $(( $(date +%s) - start )) s"
tests/boot/boot-disk.sh "$work/disk.img" 240 \
  "XCP-SAMPLE hostname=xcp-unattended" \
  "XCP-SAMPLE ip=10.0.2.16 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE address=xenbr0 10.0.2.16/24" \
  "XCP-SAMPLE dns=10.0.2.3" \
  "XCP-SAMPLE ntp=10.0.2.2" \
  "XCP-SAMPLE timezone=Asia/Tokyo" \
  "XCP-SAMPLE keymap=de" \
  "XCP-SAMPLE root-password=sha512"
