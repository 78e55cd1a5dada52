#!/usr/bin/env bash
# Disks by identity (issue 19 item 1): an unattended install on a machine profile with three
# disks (two of the same model, one NVMe) and a removable USB disk bigger than all of them,
# the answerfile naming the primary disk by size (largest), one guest disk by serial and one
# by model. validate-answerfile --machine prints which disk each rule matched; the install
# writes those disks and leaves the USB disk untouched. Then an answerfile whose rule matches
# two disks is refused with FILE:LINE:COLUMN, and no byte is written to any disk (the sparse
# images keep 0 allocated blocks). No boot (test 20 boots an installed disk).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
command -v sfdisk >/dev/null || skip "sfdisk is missing (scripts/install-deps)"
[ -x "$BIN" ] || { echo "FAIL: no $BIN (make build)"; exit 1; }
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/disks-id.XXXXXX)
cleanup() { release_images "$W"/*/disks/*.img; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }

machine() {
  mkdir -p "$1"
  cat >"$1/machine.json" <<'JSON'
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 2048,
  "disks": [
    { "name": "sda", "vendor": "ATA", "model": "WDC WD5000AAKS", "serial": "WMAS1111", "size": "20G", "image": "disks/sda.img" },
    { "name": "sdb", "vendor": "ATA", "model": "WDC WD5000AAKS", "serial": "WMAS2222", "size": "24G", "image": "disks/sdb.img",
      "wwn": "0x50014ee2b1c2d3e4" },
    { "name": "nvme0n1", "model": "Samsung SSD 970 EVO", "serial": "S4EWNX0M", "size": "18G", "image": "disks/nvme0n1.img" },
    { "name": "sdc", "vendor": "SanDisk", "model": "Cruzer", "serial": "USB0001", "size": "32G", "image": "disks/sdc.img",
      "bus": "usb", "removable": true }
  ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true,
              "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2", "dns": ["10.0.2.3"] } } ]
}
JSON
}
answerfile() {
  cat >"$1" <<EOF
<?xml version="1.0"?>
<installation>
  $2
  <keymap>us</keymap>
  <root-password type="plaintext">by-identity-pw</root-password>
  <source type="local">$PWD/Tests/Fixtures/media/sample</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
EOF
}
blocks() { stat -c %b "$1"; }

# 1. Matched by size, serial and model.
S=$W/good; machine "$S"
answerfile "$S/a.xml" '<primary-disk size="largest" gueststorage="no"/>
  <guest-disk serial="wmas1111"/>
  <guest-disk model="Samsung SSD 970 EVO"/>'
HOST_INSTALLER_STATE=$S "$BIN" validate-answerfile "$S/a.xml" --machine "$S/machine.json" >"$S/validate.out" 2>&1 || { cat "$S/validate.out"; fail "validate"; }
cat "$S/validate.out"
grep -qxF "$S/a.xml:3:3: <primary-disk> size=\"largest\" is sdb - 24 GB [ATA WDC WD5000AAKS] S/N WMAS2222 (/dev/disk/by-id/ata-WDC_WD5000AAKS_WMAS2222)" "$S/validate.out" || fail "primary by size"
grep -qxF "$S/a.xml:4:3: <guest-disk> serial=\"wmas1111\" is sda - 20 GB [ATA WDC WD5000AAKS] S/N WMAS1111 (/dev/disk/by-id/ata-WDC_WD5000AAKS_WMAS1111)" "$S/validate.out" || fail "guest by serial"
grep -qxF "$S/a.xml:5:3: <guest-disk> model=\"Samsung SSD 970 EVO\" is nvme0n1 - 18 GB [Samsung SSD 970 EVO] S/N S4EWNX0M (/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_S4EWNX0M)" "$S/validate.out" || fail "guest by model"
ok "validate-answerfile --machine: largest is sdb (the 32 GB USB disk is never matched), serial is sda, model is nvme0n1"

HOST_INSTALLER_STATE=$S "$BIN" --machine "$S/machine.json" --answerfile "$S/a.xml" >"$S/out" 2>&1 || { tail -n 20 "$S/out"; fail "the install failed"; }
release_images "$S"/disks/*.img
tail -n 1 "$S/out" | grep -q '^Installation complete' || fail "last line: $(tail -n 1 "$S/out")"
sfdisk -d "$S/disks/sdb.img" | grep -q 'name="root"' || fail "sdb has no root partition: $(sfdisk -d "$S/disks/sdb.img")"
for g in sda nvme0n1; do
  sfdisk -d "$S/disks/$g.img" | grep -Eq "$g\.img1 : start= *2048, .*type=E6D6D379-F507-44C2-A23C-238F2A3DF928" || fail "$g is not a guest disk: $(sfdisk -d "$S/disks/$g.img" 2>&1)"
done
[ "$(blocks "$S/disks/sdc.img")" = 0 ] || fail "the removable disk was written ($(blocks "$S/disks/sdc.img") blocks)"
ok "install: root on sdb, VM storage on sda and nvme0n1, the removable disk untouched (0 blocks)"

# 2. An ambiguous rule: refused at its line and column, nothing written.
S=$W/bad; machine "$S"
answerfile "$S/a.xml" '<primary-disk serial="WMAS2222" gueststorage="no"/>
  <guest-disk model="WDC WD5000AAKS"/>'
rc=0; HOST_INSTALLER_STATE=$S "$BIN" --machine "$S/machine.json" --answerfile "$S/a.xml" >"$S/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || { cat "$S/out"; fail "exit $rc, not 2"; }
grep -qF "a.xml:4:3: model=\"WDC WD5000AAKS\" matches 2 disks (sda, sdb)" "$S/out" || { cat "$S/out"; fail "no FILE:LINE:COLUMN refusal"; }
written=0
for img in "$S"/disks/*.img; do [ -e "$img" ] && written=$(( written + $(blocks "$img") )); done
[ "$written" = 0 ] || fail "$written blocks written to the disk images"
grep -F "matches 2 disks" "$S/out" | head -n 1
ok "ambiguous rule refused with line 4, column 3 (exit 2); 0 blocks written to any disk"
