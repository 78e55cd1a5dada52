#!/usr/bin/env bash
# Software RAID 1 of the primary disk (issue 19 item 2) on a real kernel: the installer CD
# booted (BIOS) in a VM with two virtio disks and an answerfile in XenServer's form
# (<primary-disk swraid="true">vda,vdb</primary-disk>). The install partitions both disks
# alike, mirrors root, backup and local storage with mdadm (metadata 1.0) and puts the
# bootloader on both. Then the installed pair boots (the product's initrd assembles the
# mirrors; root is mounted from an md device, each mirror [UU]), and each disk boots alone
# (the other removed; -snapshot, so the two boots do not change the images): root from the
# degraded mirror, [U_] with disk 1 only, [_U] with disk 2 only. Then the pair is installed
# over with XCP-ng's form (<raid device="md127"> with the disks the other way round,
# <primary-disk gueststorage="no">md127</primary-disk>): the old mirrors' superblocks are
# cleared, also the one at the end of the old partition 3, which no new partition covers,
# and the new pair boots with two mirrors (root, backup).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/iso-boot.sh
. tests/integration/lib/raid.sh
iso_setup "$TOP" iso-raid1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for d in a b; do truncate -s 20G "$work/$d.img"; done
cat >"$work/raid.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk swraid="true">vda,vdb</primary-disk>
  <keymap>us</keymap>
  <root-password>xcp-raid-s3cret</root-password>
  <source type="local"/>
  <timezone>Europe/London</timezone>
</installation>
XML
start=$(date +%s)
raid_cd_run raid "unattended fresh installation on vda" "Installation complete"
echo "mirror of two virtio disks: unattended install from the CD in $(( $(date +%s) - start )) s"
for d in a b; do
  sfdisk -d "$work/$d.img" >"$work/$d.sfdisk" 2>&1 || fail "$d.img has no partition table: $(cat "$work/$d.sfdisk")"
  grep -q 'name="root"' "$work/$d.sfdisk" || fail "$d.img has no root partition: $(cat "$work/$d.sfdisk")"
done
# The same partitions on both (the GUIDs aside).
diff <(sed -E 's/(uuid=|label-id: )[^,]*//g; s/[ab]\.img//g' "$work/a.sfdisk") <(sed -E 's/(uuid=|label-id: )[^,]*//g; s/[ab]\.img//g' "$work/b.sfdisk") ||
  fail "the two disks are not partitioned alike"
# The MBR code on both.
for d in a b; do
  [ "$(head -c 440 "$work/$d.img" | md5sum | cut -d' ' -f1)" = "$(head -c 440 /usr/lib/syslinux/mbr/gptmbr.bin | md5sum | cut -d' ' -f1)" ] ||
    fail "$d.img has no syslinux gptmbr code in its MBR"
done
echo "ok   both disks partitioned alike, with the MBR code"

raid_boot "$work/both.log" UU "$work/a.img" "$work/b.img"
echo "ok   the pair boots: root on md, root, backup and storage mirrors [UU]"
SNAP=1 raid_boot "$work/one.log" U_ "$work/a.img"
echo "ok   disk 1 alone boots: the mirrors degraded [U_]"
SNAP=1 raid_boot "$work/two.log" _U "$work/b.img"
echo "ok   disk 2 alone boots: the mirrors degraded [_U]"

# The md superblock (metadata 1.0) of partition 3: 8 KiB before its end, on a 4 KiB boundary.
read -r s3 n3 <<<"$(sed -n 's/^.*a\.img3 : start= *\([0-9]*\), size= *\([0-9]*\),.*/\1 \2/p' "$work/a.sfdisk")"
[ -n "${n3:-}" ] || fail "no partition 3 (local storage) after the first install: $(cat "$work/a.sfdisk")"
sb=$(( s3 + ((n3 - 16) & ~7) ))
magic() { dd if="$1" bs=512 skip="$sb" count=1 2>/dev/null | head -c 4 | od -An -tx1 | tr -d ' \n'; }
for d in a b; do [ "$(magic "$work/$d.img")" = fc4e2ba9 ] || fail "$d.img: no md superblock at the end of partition 3 (sector $sb)"; done
cat >"$work/raid2.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <raid device="md127"><disk>vdb</disk><disk>vda</disk></raid>
  <primary-disk gueststorage="no">md127</primary-disk>
  <keymap>us</keymap>
  <root-password>xcp-raid-s3cret</root-password>
  <source type="local"/>
  <timezone>Europe/London</timezone>
</installation>
XML
raid_cd_run raid2 "unattended fresh installation on vdb" "Installation complete"
for d in a b; do
  sfdisk -d "$work/$d.img" >"$work/$d.sfdisk2" 2>&1
  ! grep -q "$d\.img3 :" "$work/$d.sfdisk2" || fail "$d.img still has a partition 3 with gueststorage=\"no\": $(cat "$work/$d.sfdisk2")"
  [ "$(magic "$work/$d.img")" = 00000000 ] || fail "$d.img: the old mirror's superblock at the end of the old partition 3 was not cleared ($(magic "$work/$d.img"))"
done
echo "ok   installed over with <raid>: the old mirrors' superblocks cleared, also where no partition is now"
ARRAYS=2 raid_boot "$work/again.log" UU "$work/a.img" "$work/b.img"
echo "ok   the pair installed over boots: root and backup mirrors [UU]"
echo "raid1: two installs and four boots in $(( $(date +%s) - start )) s"
