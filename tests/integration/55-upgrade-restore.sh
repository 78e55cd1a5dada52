#!/usr/bin/env bash
# Upgrade and restore (issue 7): sample product 0.1.0 is installed unattended (manual host
# name, static IP, DNS, time zone, keymap; a post-install script plants an ssh host key and
# a pool file), upgraded unattended to 0.1.1 (answerfile mode="reinstall"), and the upgraded
# disk boots in qemu with the OLD settings and version=0.1.1. Then the same disk is restored
# from its backup (mode="restore"): the root's file tree (paths, modes, owners, contents) is
# identical to the 0.1.0 one, the backup is untouched, and it boots as 0.1.0 again.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/upgrade-restore.XXXXXX)
. tests/integration/lib/upgrade.sh
trap 'upg_release "$work"; rm -rf "$work"' EXIT

upg_products "$work"
upg_machine "$work"
upg_fresh_answerfile "$work" "$work/m010" > "$work/fresh.xml"
"$BIN" --machine "$work/state/machine.json" --answerfile "$work/fresh.xml" | tail -n 1 | grep '^Installation complete'
img=$work/state/disks/sda.img
upg_manifest "$img" 1 > "$work/orig.manifest"
echo "0.1.0 root: $(wc -l < "$work/orig.manifest") entries"

cat > "$work/upgrade.xml" <<XML
<?xml version="1.0"?>
<installation mode="reinstall">
  <existing-installation>sda</existing-installation>
  <source type="local">$work/m011</source>
</installation>
XML
start=$(date +%s.%N)
"$BIN" --machine "$work/state/machine.json" --answerfile "$work/upgrade.xml" | tee "$work/upgrade.out" | grep -v '^\['
tail -n 1 "$work/upgrade.out" | grep -q '^Installation complete.*0\.1\.1'
echo "upgrade 0.1.0 -> 0.1.1: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
grep -o 'backup: [0-9]* entries.*' "$work/state/install-log" | tail -n 1
upg_manifest "$img" 2 | grep -v '\./\.xen-backup-partition' > "$work/backup.manifest"
diff "$work/orig.manifest" "$work/backup.manifest" || { echo "FAIL: the backup differs from the 0.1.0 root"; exit 1; }
echo "backup partition: identical to the 0.1.0 root"
p1=$(upg_offset "$img" 1)
cat1() { debugfs -R "cat $1" "$img?offset=$p1" 2>/dev/null; }
if [ "$(cat1 /etc/ssh/ssh_host_test_key)" = "old host key" ]; then echo "ssh host key: kept"; else echo "FAIL: ""ssh host key: kept"; exit 1; fi
if [ "$(cat1 /etc/xensource/pool.conf)" = "master" ]; then echo "pool.conf: kept"; else echo "FAIL: ""pool.conf: kept"; exit 1; fi
if cat1 /var/tmp/.previousInventory | grep -q "PRODUCT_VERSION='0.1.0'"; then echo "previous inventory: kept"; else echo "FAIL: ""previous inventory: kept"; exit 1; fi
old_uuid=$(debugfs -R "cat /var/tmp/.previousInventory" "$img?offset=$p1" 2>/dev/null | sed -n "s/^INSTALLATION_UUID='\(.*\)'/\1/p")
new_uuid=$(cat1 /etc/xensource-inventory | sed -n "s/^INSTALLATION_UUID='\(.*\)'/\1/p")
if [ -n "$old_uuid" ] && [ "$old_uuid" = "$new_uuid" ]; then echo "INSTALLATION_UUID: kept ($new_uuid)"; else echo "FAIL: ""INSTALLATION_UUID: kept ($new_uuid)"; exit 1; fi
cat1 /etc/firstboot.d/data/host.conf | grep -q "UPGRADE='true'"
# The ESP (partition 4, GRUB for UEFI) names the root it boots: rewritten by the upgrade and the restore.
esp_label() { MTOOLS_SKIP_CHECK=1 mtype -i "$img@@$(upg_offset "$img" 4)" ::/EFI/BOOT/grub.cfg | sed -n 's/^search --no-floppy --label --set=root //p'; }
new_label=$(sed -n 's/^Installation complete: sda, root \(root-[a-z]*\), .*/\1/p' "$work/upgrade.out")
if [ -n "$new_label" ] && [ "$(esp_label)" = "$new_label" ]; then echo "ESP grub.cfg: the upgraded root ($new_label)"; else echo "FAIL: ESP grub.cfg names '$(esp_label)', not '$new_label'"; exit 1; fi
losetup -a | grep -q "$work" && { echo "FAIL: loop devices left"; exit 1; }

BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$img" 240 \
  "XCP-SAMPLE version=0.1.1" "XCP-SAMPLE hostname=oldhost.example.com" \
  "XCP-SAMPLE ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE dns=10.0.2.3" \
  "XCP-SAMPLE timezone=Asia/Tokyo" "XCP-SAMPLE keymap=de" "XCP-SAMPLE ntp=ntp.example.com" | tail -n 1

# Older media than the installation: refused before any disk is touched (exit 2), with the reason.
sed "s#$work/m011#$work/m010#" "$work/upgrade.xml" > "$work/downgrade.xml"
before=$(upg_partsum "$img" 1)
rc=0; "$BIN" --machine "$work/state/machine.json" --answerfile "$work/downgrade.xml" > "$work/downgrade.out" 2>&1 || rc=$?
tail -n 1 "$work/downgrade.out"
if [ "$rc" -eq 2 ] && grep -q 'newer than this media (0.1.0)' "$work/downgrade.out" && [ "$(upg_partsum "$img" 1)" = "$before" ]; then
  echo "upgrade from older media: refused, root untouched"
else echo "FAIL: upgrade from older media not refused (exit $rc)"; exit 1; fi

cat > "$work/restore.xml" <<XML
<?xml version="1.0"?>
<installation mode="restore">
  <backup-disk>sda</backup-disk>
</installation>
XML
p2sum=$(upg_partsum "$img" 2)
"$BIN" --machine "$work/state/machine.json" --answerfile "$work/restore.xml" | tee "$work/restore.out" | grep -v '^\['
tail -n 1 "$work/restore.out" | grep -q '^Installation complete.*0\.1\.0'
if [ "$(upg_partsum "$img" 2)" = "$p2sum" ]; then echo "backup partition: not written by the restore"; else echo "FAIL: ""backup partition: not written by the restore"; exit 1; fi
upg_manifest "$img" 1 > "$work/restored.manifest"
diff "$work/orig.manifest" "$work/restored.manifest" || { echo "FAIL: the restored root differs"; exit 1; }
echo "restored root: identical to the 0.1.0 root ($(wc -l < "$work/orig.manifest") entries)"
BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$img" 240 \
  "XCP-SAMPLE version=0.1.0" "XCP-SAMPLE hostname=oldhost.example.com" "XCP-SAMPLE timezone=Asia/Tokyo" | tail -n 1
restored_label=$(sed -n 's/^Installation complete: sda, root \(root-[a-z]*\), .*/\1/p' "$work/restore.out")
if [ -n "$restored_label" ] && [ "$(esp_label)" = "$restored_label" ]; then echo "ESP grub.cfg: the restored root ($restored_label)"; else echo "FAIL: ESP grub.cfg names '$(esp_label)' after the restore, not '$restored_label'"; exit 1; fi

# An installation made before the ESP existed (partition 4 removed here): the upgrade adds none
# and the disk keeps booting with BIOS.
sfdisk -q --delete "$img" 4
"$BIN" --machine "$work/state/machine.json" --answerfile "$work/upgrade.xml" > "$work/upgrade2.out" 2>&1 || { cat "$work/upgrade2.out"; echo "FAIL: upgrade without an ESP"; exit 1; }
tail -n 1 "$work/upgrade2.out" | grep -q '^Installation complete.*0\.1\.1' || { tail -n 3 "$work/upgrade2.out"; echo "FAIL: upgrade without an ESP"; exit 1; }
grep -q 'the disk has no EFI system partition; it keeps its BIOS boot only' "$work/state/install-log" || { echo "FAIL: no log line for the missing ESP"; exit 1; }
if sfdisk -d "$img" | grep -q 'sda\.img4 :'; then echo "FAIL: the upgrade added a partition 4"; exit 1; fi
echo "upgrade without an ESP: no partition added"
BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$img" 240 "XCP-SAMPLE version=0.1.1" "XCP-SAMPLE hostname=oldhost.example.com" | tail -n 1
echo "upgrade and restore: PASS"
