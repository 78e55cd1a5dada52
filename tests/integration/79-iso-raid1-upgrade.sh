#!/usr/bin/env bash
# Upgrade and restore of a mirrored installation (issue 19 item 2) on a real kernel: the CD
# installs sample product 0.1.0 on a mirror of two virtio disks of 20G and 24G (partitioned
# alike after the smaller; host name and time zone set), then, booted again with 0.1.1 on the
# CD (/cdrom/m011) and <existing-installation> naming the SECOND disk of the mirror, upgrades
# it: the installation is found once on the pair, its mirrors are assembled from their
# members, the old root is backed up onto the mirrored backup partition and 0.1.1 installed
# through md, with the bootloader on both disks. The
# pair boots 0.1.1 with the settings kept, and so does the second disk alone. Then the
# backup is restored (mode="restore"): the pair boots 0.1.0, and so does the first disk
# alone. Last, the CD boots with the first disk only: the mirror is reported degraded (the
# array and the missing member named) and the upgrade is refused, the disk untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
. tests/integration/lib/raid.sh
iso_setup "$TOP" iso-raid1-upgrade
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Disks of different sizes: the mirror is sized to the smaller.
truncate -s 20G "$work/a.img"; truncate -s 24G "$work/b.img"
start=$(date +%s)
HOST_INSTALLER=$BIN scripts/build-sample-product --version 0.1.1 "$work/m011" >/dev/null || fail "cannot build sample product 0.1.1"
cat >"$work/fresh.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk swraid="true">vda,vdb</primary-disk>
  <keymap>us</keymap>
  <root-password>xcp-raid-s3cret</root-password>
  <source type="local"/>
  <hostname>mirrorhost.example.com</hostname>
  <timezone>Asia/Tokyo</timezone>
</installation>
XML
raid_cd_run fresh "unattended fresh installation on vda" "Installation complete"
echo "ok   0.1.0 installed on the mirror of vda and vdb ($(( $(date +%s) - start )) s)"
p3() { sfdisk -d "$1" | sed -n 's/^.*img3 : \(start= *[0-9]*, size= *[0-9]*\),.*/\1/p'; }
[ -n "$(p3 "$work/a.img")" ] && [ "$(p3 "$work/a.img")" = "$(p3 "$work/b.img")" ] ||
  fail "the storage partitions differ: 20G disk $(p3 "$work/a.img"), 24G disk $(p3 "$work/b.img")"
echo "ok   20G and 24G disks: the same partitions (storage $(p3 "$work/a.img")), sized to the smaller"

# Partition N's offset in an image, and a file of its ext3 (a member of metadata 1.0 reads as a plain filesystem).
off() { echo $(( $(sfdisk -d "$1" | sed -n "s/^.*img$2 : start= *\\([0-9]*\\),.*/\\1/p") * 512 )); }
cat_p() { debugfs -R "cat $3" "$1?offset=$(off "$1" "$2")" 2>/dev/null; }

cat >"$work/upgrade.xml" <<'XML'
<?xml version="1.0"?>
<installation mode="reinstall">
  <existing-installation>vdb</existing-installation>
  <source type="local">/cdrom/m011</source>
</installation>
XML
t=$(date +%s)
raid_cd_run upgrade "unattended reinstall installation on vdb" "Installation complete: vdb" "m011=$work/m011"
echo "ok   upgraded to 0.1.1 through the second disk's name ($(( $(date +%s) - t )) s)"
for d in a b; do
  cat_p "$work/$d.img" 1 /etc/xensource-inventory | grep -q "PRODUCT_VERSION='0.1.1'" || fail "$d.img: the root is not 0.1.1"
  cat_p "$work/$d.img" 2 /.xen-backup-partition | grep -q '^backup of 0.1.0 made' ||
    fail "$d.img: no backup of 0.1.0 on partition 2: $(debugfs -R 'ls -l /' "$work/$d.img?offset=$(off "$work/$d.img" 2)" 2>&1 | head -20)"
  cat_p "$work/$d.img" 2 /etc/xensource-inventory | grep -q "PRODUCT_VERSION='0.1.0'" || fail "$d.img: the backup is not 0.1.0"
  cat_p "$work/$d.img" 1 /etc/mdadm/mdadm.conf | grep -c '^ARRAY' | grep -qx 3 || fail "$d.img: mdadm.conf has not three arrays: $(cat_p "$work/$d.img" 1 /etc/mdadm/mdadm.conf)"
done
[ "$(cat_p "$work/a.img" 1 /etc/xensource-inventory)" = "$(cat_p "$work/b.img" 1 /etc/xensource-inventory)" ] || fail "the two halves of the root differ"
echo "ok   both halves: root 0.1.1, backup of 0.1.0 with its marker, mdadm.conf with the three arrays"
raid_boot "$work/up.log" UU "$work/a.img" "$work/b.img" "XCP-SAMPLE version=0.1.1" "XCP-SAMPLE hostname=mirrorhost.example.com" "XCP-SAMPLE timezone=Asia/Tokyo"
echo "ok   the upgraded pair boots 0.1.1 with the host name and time zone kept"
SNAP=1 raid_boot "$work/up2.log" _U "$work/b.img" "" "XCP-SAMPLE version=0.1.1"
echo "ok   the second disk alone boots 0.1.1"

cat >"$work/restore.xml" <<'XML'
<?xml version="1.0"?>
<installation mode="restore">
  <backup-disk>vda</backup-disk>
</installation>
XML
p2=$(dd if="$work/a.img" bs=1M skip=$(( $(off "$work/a.img" 2) / 1048576 )) count=64 2>/dev/null | md5sum)
t=$(date +%s)
raid_cd_run restore "unattended restore installation on vda" "Installation complete: vda"
echo "ok   restored ($(( $(date +%s) - t )) s)"
[ "$(dd if="$work/a.img" bs=1M skip=$(( $(off "$work/a.img" 2) / 1048576 )) count=64 2>/dev/null | md5sum)" = "$p2" ] || fail "the restore wrote the backup partition"
echo "ok   the backup mirror was not written by the restore (assembled read-only)"
raid_boot "$work/back.log" UU "$work/a.img" "$work/b.img" "XCP-SAMPLE version=0.1.0" "XCP-SAMPLE hostname=mirrorhost.example.com"
echo "ok   the restored pair boots 0.1.0"
SNAP=1 raid_boot "$work/back1.log" U_ "$work/a.img" "" "XCP-SAMPLE version=0.1.0"
echo "ok   the first disk alone boots 0.1.0"

# The first disk alone: the mirror is degraded; the upgrade is refused and the disk untouched.
sed 's/vdb/vda/' "$work/upgrade.xml" >"$work/degraded.xml"
before=$(head -c 64M "$work/a.img" | md5sum)
RAID_DISKS=a RAID_SIZE=250x50 raid_cd_run degraded "unattended reinstall installation on vda" "the mirror root is degraded: member 2 of 2 is missing" "m011=$work/m011"
[ "$(head -c 64M "$work/a.img" | md5sum)" = "$before" ] || fail "the refused upgrade wrote the disk"
echo "ok   with vdb missing: reported (the mirror root is degraded: member 2 of 2 is missing), the upgrade refused, vda untouched"
echo "raid1 upgrade and restore: PASS in $(( $(date +%s) - start )) s"
