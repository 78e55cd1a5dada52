#!/usr/bin/env bash
# The installer CD in a virtual machine, driven over its serial console: qemu (TCG) boots the
# ISO (`make iso`) with -nographic, the replay harness types "serial" at the isolinux prompt
# and walks the screens of a clean install from the CD (Local media) onto the VM's IDE disk,
# with golden screens at a few points (tests/iso/serial-install/). After Installation
# Complete, Enter makes the CD's init reboot (qemu -no-reboot exits). Then the installed disk
# boots and must print the configured hostname, IP settings, time zone and keymap.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
iso_setup "$TOP" iso-serial
trap 'rm -rf "$work"' EXIT
cp -r tests/iso/serial-install "$work/serial-install"
{
  echo "size 80x24"
  echo "exec $(iso_qemu "$ISO" "$work/disk.img")"
  cat tests/iso/serial-install.steps
} >"$work/serial-install.replay"
start=$(date +%s)
"$BIN" replay "$work/serial-install.replay" --times ${UPDATE:+--update}
[ -z "${UPDATE:-}" ] || cp "$work"/serial-install/*.screen tests/iso/serial-install/
echo "install through the serial console: $(( $(date +%s) - start )) s"
tests/boot/boot-disk.sh "$work/disk.img" 240 \
  "XCP-SAMPLE hostname=xcp-cd" \
  "XCP-SAMPLE ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE address=xenbr0 10.0.2.15/24" \
  "XCP-SAMPLE dns=10.0.2.3" \
  "XCP-SAMPLE timezone=Europe/Paris" \
  "XCP-SAMPLE keymap=uk" \
  "XCP-SAMPLE root-password=sha512" \
  "XCP-SAMPLE linux-pack=0.1.0" \
  "XCP-SAMPLE install-log=present"
