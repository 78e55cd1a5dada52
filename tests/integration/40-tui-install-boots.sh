#!/usr/bin/env bash
# The whole product the way the guide describes it: a clean install driven through the
# screens (replay on a pseudo-terminal) from the sample product's CD image (read with
# libarchive), with a static management address, then the installed disk image is booted in
# qemu (TCG) and must print the configured hostname, IP settings, time zone and keymap.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=${HOST_INSTALLER:-.build/debug/host-installer}
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/tui-install.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

HOST_INSTALLER=$BIN scripts/build-sample-product "$work/media" >/dev/null
cat > "$work/machine.json" <<JSON
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 2048,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true } ],
  "cdrom": { "name": "sr0", "discs": ["media/main.iso"] }
}
JSON
cat > "$work/install.replay" <<'REPLAY'
size 80x25
machine machine.json
wait "Select Keymap"
key Down Enter
wait "Welcome"
key Enter
wait "Setup will install"
key Enter
wait "Select Installation Source"
key Enter
wait "Linux Pack"
key Enter
wait "Verify Installation Source"
key Enter
wait "Verification Successful" 60
key Enter
wait "Set Password"
type "tui-s3cret"
key Tab
type "tui-s3cret"
key Enter
wait "interface eth0?"
key Down Space Tab
type "10.0.2.15"
key Tab
type "255.255.255.0"
key Tab
type "10.0.2.2"
key F12
wait "Hostname Configuration"
type "xcp-tui"
key Tab
type "10.0.2.3"
key F12
wait "geographical area"
key E Enter
wait "city or area"
key P Enter
wait "System Time"
key Enter
wait "NTP Configuration"
type "10.0.2.2"
key F12
wait "Confirm Installation"
key BTab Enter
wait "Installation Complete" 180
key Enter
exit 0
REPLAY
start=$(date +%s)
HOST_INSTALLER_REPLAY_STATE="$work" "$BIN" replay "$work/install.replay"
echo "install through the screens: $(( $(date +%s) - start )) s"
! grep -q "tui-s3cret" "$work/install-log" || { echo "FAIL: the password is in the install log"; exit 1; }
losetup -a | grep -q "$work" && { echo "FAIL: loop devices left"; exit 1; }
tests/boot/boot-disk.sh "$work/disks/sda.img" 240 \
  "XCP-SAMPLE hostname=xcp-tui" \
  "XCP-SAMPLE ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE address=xenbr0 10.0.2.15/24" \
  "XCP-SAMPLE timezone=Europe/Paris" \
  "XCP-SAMPLE keymap=uk" \
  "XCP-SAMPLE root-password=sha512" \
  "XCP-SAMPLE linux-pack=0.1.0"
