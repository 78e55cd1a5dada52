#!/usr/bin/env bash
# Interactive upgrade and restore (issue 7) as screen replays with golden screens, over a disk
# image that holds a real 0.1.0 installation: 0.1.0 is installed unattended, then
# tests/integration/replays/upgrade.replay upgrades it to 0.1.1 through the screens and the
# disk boots in qemu with the old host name, IP settings and time zone and version 0.1.1;
# older-media.replay shows that 0.1.0 media refuses to upgrade it (root untouched);
# restore.replay restores the backup through the screens and the disk boots as 0.1.0 again.
# REPLAY_UPDATE=1 re-records the golden screens.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/upgrade-replay.XXXXXX)
. tests/integration/lib/upgrade.sh
trap 'upg_release "$work"; rm -rf "$work"' EXIT
R=tests/integration/replays
update=(); [ "${REPLAY_UPDATE:-}" = 1 ] && update=(--update)

upg_products "$work"
export HOST_INSTALLER_STATE=$work/state HOST_INSTALLER_REPLAY_STATE=$work/state
mkdir -p "$work/state"
upg_fresh_answerfile "$work" "$work/m010" > "$work/fresh.xml"
"$BIN" --machine "$R/machine.json" --answerfile "$work/fresh.xml" | tail -n 1 | grep '^Installation complete.*0\.1\.0'
img=$work/state/disks/sda.img
upg_manifest "$img" 1 > "$work/orig.manifest"
echo "0.1.0 installed: $(wc -l < "$work/orig.manifest") entries in root"

# replay SCRIPT: runs it on the shared state; the disc in the drive is $work/state/cdrom.
replay() {
  local start; start=$(date +%s.%N)
  "$BIN" replay "${update[@]}" "$R/$1" | tee "$work/$1.out" | grep -v '^     recorded' || true
  grep -q '^replay: 1 passed, 0 failed' "$work/$1.out" || { echo "FAIL: replay $1"; tail -n 40 "$work/state/install-log"; exit 1; }
}

ln -sfn "$work/m011" "$work/state/cdrom"
replay upgrade.replay
grep -q 'upgrade complete' "$work/state/install-log" || { echo "FAIL: the log does not end with the upgrade"; exit 1; }
grep -o 'backup: [0-9]* entries.*' "$work/state/install-log" | tail -n 1
upg_manifest "$img" 2 | grep -v '\./\.xen-backup-partition' > "$work/backup.manifest"
diff "$work/orig.manifest" "$work/backup.manifest" || { echo "FAIL: the backup differs from the 0.1.0 root"; exit 1; }
echo "backup partition: identical to the 0.1.0 root"
losetup -a | grep -q "$work" && { echo "FAIL: loop devices left"; exit 1; }
BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$img" 240 \
  "XCP-SAMPLE version=0.1.1" "XCP-SAMPLE hostname=oldhost.example.com" \
  "XCP-SAMPLE ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE dns=10.0.2.3" \
  "XCP-SAMPLE timezone=Asia/Tokyo" "XCP-SAMPLE keymap=de" | tail -n 1

# 0.1.0 media cannot upgrade the 0.1.1 installation: said after the source screen, nothing written.
ln -sfn "$work/m010" "$work/state/cdrom"
p1=$(upg_partsum "$img" 1); p2=$(upg_partsum "$img" 2)
replay older-media.replay
if [ "$(upg_partsum "$img" 1)" = "$p1" ] && [ "$(upg_partsum "$img" 2)" = "$p2" ]; then
  echo "older media: upgrade refused with the reason, disk untouched"
else echo "FAIL: the disk was written by the refused upgrade"; exit 1; fi

ln -sfn "$work/m011" "$work/state/cdrom"
replay restore.replay
grep -q 'restore complete' "$work/state/install-log" || { echo "FAIL: the log does not end with the restore"; exit 1; }
if [ "$(upg_partsum "$img" 2)" = "$p2" ]; then echo "backup partition: not written by the restore"; else echo "FAIL: the restore wrote the backup partition"; exit 1; fi
upg_manifest "$img" 1 > "$work/restored.manifest"
diff "$work/orig.manifest" "$work/restored.manifest" || { echo "FAIL: the restored root differs"; exit 1; }
echo "restored root: identical to the 0.1.0 root ($(wc -l < "$work/orig.manifest") entries)"
BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$img" 240 \
  "XCP-SAMPLE version=0.1.0" "XCP-SAMPLE hostname=oldhost.example.com" \
  "XCP-SAMPLE ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE timezone=Asia/Tokyo" | tail -n 1
echo "upgrade and restore replays: PASS"
