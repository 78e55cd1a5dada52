#!/usr/bin/env bash
# Issue 19: a disk holding an old md array and an old LVM volume group is installed over
# cleanly. A first unattended install gives the layout; then the test plants, where a scan
# would find them on the next system:
#   - md 1.0 superblocks (an earlier mirror of the same layout, RAID 1 of 2, metadata at the
#     end of each partition) on sda's root, backup and storage partitions. This machine's
#     kernel has no md driver, so mdadm cannot create them here: tests/integration/lib/
#     mdsuper.py writes them byte for byte as mdadm 4.2 does (with the checksum libblkid
#     verifies). libblkid (wipefs -n) must report each as linux_raid_member before the install.
#   - a real LVM physical volume and volume group (lvm2's pvcreate and vgcreate, on loop
#     devices of this test only, LVM's scan filtered to them) on sda's storage partition and
#     on the whole guest disk sdb.
# A second install of the same answerfile must then complete, and afterwards libblkid finds
# no md superblock and no LVM label on either disk or any partition, and LVM sees no volume
# group on them; the root partition holds the new ext3 filesystem.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
for t in sfdisk wipefs partx pvcreate vgcreate vgs python3; do command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"; done
[ -x "$BIN" ] || { echo "FAIL: no $BIN (make build)"; exit 1; }
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/old-signatures.XXXXXX)

cleanup() {
  detach_all 2>/dev/null
  release_images "$W"/disks/*.img; rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }

cat >"$W/machine.json" <<'JSON'
{ "cpu": { "cores": 2, "hvm": true }, "memory_mib": 2048,
  "disks": [ { "name": "sda", "size": "20G", "image": "disks/sda.img" },
             { "name": "sdb", "size": "18G", "image": "disks/sdb.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "link": true, "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0" } } ] }
JSON
cat >"$W/a.xml" <<EOF
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <guest-disk>sdb</guest-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">old-signatures-pw</root-password>
  <source type="local">$PWD/Tests/Fixtures/media/sample</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
EOF
install() {
  HOST_INSTALLER_STATE=$W "$BIN" --machine "$W/machine.json" --answerfile "$W/a.xml" >"$W/out.$1" 2>&1 || { tail -n 20 "$W/out.$1"; fail "install $1 failed"; }
  release_images "$W"/disks/*.img
  grep -q '^Installation complete' "$W/out.$1" || fail "install $1: no 'Installation complete'"
}
# attach IMG [START_SECTOR SECTORS]: a loop device of the whole image or of one partition.
attach() {
  local l
  if [ $# -eq 3 ]; then l=$(losetup -f --show -o $(( $2 * 512 )) --sizelimit $(( $3 * 512 )) "$1")
  else l=$(losetup -f --show "$1"); fi
  echo "$l" >>"$W/loops"; echo "$l"
}
detach_all() { local l; [ -e "$W/loops" ] || return 0; while read -r l; do losetup -d "$l" 2>/dev/null || true; done <"$W/loops"; rm -f "$W/loops"; }
# LVM confined to the loop devices named (no scan of this machine's disks), no backups in /etc/lvm.
lvmcfg() { local f= l; for l in "$@"; do f+="\"a|^$l\$|\","; done
  echo "devices { use_devicesfile=0 filter=[ ${f}\"r|.*|\" ] } backup { backup=0 archive=0 }"; }
lvm_() { local cmd=$1; shift; "$cmd" --nolocking --config "$CFG" "$@" 2>>"$W/lvm.err"; }
# signatures DEVICE: the types libblkid finds (wipefs -n), on one line.
signatures() { wipefs -n -O TYPE --noheadings "$1" 2>/dev/null | sort -u | tr '\n' ' '; }
parts() { partx -g -o NR,START,SECTORS "$1" | awk '{print $1, $2, $3}'; }

install 1
parts "$W/disks/sda.img" >"$W/parts"
sed 's/^/     sda partition (number start sectors): /' "$W/parts"
[ "$(wc -l <"$W/parts")" -ge 3 ] || fail "sda has fewer than 3 partitions"
storage=$(partx -g -o NR,NAME "$W/disks/sda.img" | awk '$2 == "storage" {print $1}')
[ -n "$storage" ] || fail "sda has no partition named storage: $(partx -g -o NR,NAME "$W/disks/sda.img")"

# Plant: a real LVM PV (first: LVM refuses a partition that already carries an md superblock) and VG on sda's storage partition, and on the whole of sdb.
read -r _ sst ssec < <(awk -v n="$storage" '$1 == n' "$W/parts")
lst=$(attach "$W/disks/sda.img" "$sst" "$ssec"); lsdb=$(attach "$W/disks/sdb.img")
CFG=$(lvmcfg "$lst" "$lsdb")
lvm_ pvcreate -y "$lst" "$lsdb" >/dev/null || { cat "$W/lvm.err"; fail "pvcreate"; }
lvm_ vgcreate oldvg64 "$lst" >/dev/null || { cat "$W/lvm.err"; fail "vgcreate oldvg64"; }
lvm_ vgcreate oldguest64 "$lsdb" >/dev/null || { cat "$W/lvm.err"; fail "vgcreate oldguest64"; }
vgs_before=$(lvm_ vgs --noheadings -o vg_name | tr -d ' ' | sort | tr '\n' ' ')
detach_all
# Plant: md 1.0 superblocks at the end of partitions 1-3 (members of three old arrays).
while read -r nr start sectors; do
  [ "$nr" -le 3 ] || continue
  python3 tests/integration/lib/mdsuper.py "$W/disks/sda.img" "$start" "$sectors" "oldhost:$nr" || fail "mdsuper.py"
done <"$W/parts"
# What libblkid sees before the second install: the plant is real to it.
while read -r nr start sectors; do
  l=$(attach "$W/disks/sda.img" "$start" "$sectors"); s=$(signatures "$l"); detach_all
  echo "     before: sda$nr: $s"
  if [ "$nr" -le 3 ]; then grep -q linux_raid_member <<<"$s" || fail "before: no md superblock seen on sda$nr"; fi
  if [ "$nr" = "$storage" ]; then grep -q LVM2_member <<<"$s" || fail "before: no LVM label seen on sda$nr"; fi
done <"$W/parts"
l=$(attach "$W/disks/sdb.img"); s=$(signatures "$l"); detach_all
echo "     before: sdb: $s; volume groups: $vgs_before"
grep -q LVM2_member <<<"$s" || fail "before: no LVM label on sdb"
[ "$vgs_before" = "oldguest64 oldvg64 " ] || fail "before: LVM does not see both old volume groups ($vgs_before)"
ok "planted: md 1.0 superblocks on sda1-3 (libblkid: linux_raid_member), volume groups oldvg64 on sda$storage and oldguest64 on sdb"

install 2
bad=
check() { # NAME DEVICE
  local s; s=$(signatures "$2")
  echo "     after:  $1: ${s:-(none)}"
  if grep -qE 'linux_raid_member|LVM2_member' <<<"$s"; then bad+=" $1"; fi
}
while read -r nr start sectors; do
  l=$(attach "$W/disks/sda.img" "$start" "$sectors"); check "sda$nr" "$l"
  if [ "$nr" = 1 ]; then t=$(blkid -o value -s TYPE "$l" || true); [ "$t" = ext3 ] || fail "sda1 holds '$t', not ext3"; fi
done < <(parts "$W/disks/sda.img")
while read -r nr start sectors; do l=$(attach "$W/disks/sdb.img" "$start" "$sectors"); check "sdb$nr" "$l"; done < <(parts "$W/disks/sdb.img")
la=$(attach "$W/disks/sda.img"); check sda "$la"; lb=$(attach "$W/disks/sdb.img"); check sdb "$lb"
CFG=$(lvmcfg $(cat "$W/loops"))
vgs_after=$(lvm_ vgs --noheadings -o vg_name | tr -d ' ' | tr '\n' ' ')
detach_all
[ -z "$bad" ] || fail "old signatures left on:$bad"
[ -z "$vgs_after" ] || fail "LVM still sees volume groups: $vgs_after"
ok "installed over: no md superblock and no LVM label on sda, sdb or any partition (libblkid); LVM sees no volume group; sda1 is ext3"
echo "64-old-md-lvm-signatures: ok ($SECONDS s)"
