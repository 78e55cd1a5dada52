#!/usr/bin/env bash
# Issue 16 items 4 and 5: answerfile=auto and the XCP-ANSWER partition. A machine profile has
# a target disk and a small removable "USB stick" image holding a file system labelled
# XCP-ANSWER (ext4 made with mke2fs -d, then FAT made with mkfs.fat and mtools; read by the
# installer in user space, no mount) with answerfile.xml and ca.pem. The answerfile's source
# and report are HTTPS on 127.0.0.1 with a certificate from a CA the test makes, so the
# install works only if ca.pem from the stick is trusted. Without the stick, answerfile=auto
# fails with a message saying where it looked, exit 2, nothing written.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
[ -x "$BIN" ] || skip "build first"
for t in openssl mkfs.fat mcopy mke2fs debugfs blkid; do command -v $t >/dev/null || skip "$t is missing (scripts/install-deps)"; done
. tests/integration/lib/servers.sh
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/answer-partition.XXXXXX)
FLEETPID=
cleanup() { stop_fleetd; release_images "$W"/*/disks/*.img; rm -rf "$W"; }
trap cleanup EXIT
fail=0

make_test_ca "$W" "Stick Test CA" 127.0.0.1 || exit 1
mkdir -p "$W/srv/pool" "$W/stick"
cp -r Tests/Fixtures/media/sample/packages.main "$W/srv/pool/"
start_fleetd "$W/srv" "$W/srv.pem" "$W/srv.key"
BASE="https://127.0.0.1:$FLEETPORT"
echo "fleetd over HTTPS: $BASE (pid $FLEETPID)"
cat >"$W/stick/answerfile.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>stick-root-pw-64</root-password>
  <source type="url">$BASE/pool/</source>
  <hostname>host-from-stick</hostname>
  <timezone>Europe/Rome</timezone>
  <report url="$BASE/report"/>
</installation>
XML
cp "$W/ca.pem" "$W/stick/ca.pem"

machine() {   # NAME [with-stick]
  mkdir -p "$W/$1/disks"
  local stick=""
  [ -n "${2:-}" ] && stick=', { "name": "sdb", "vendor": "Kingston", "model": "DataTraveler", "size": "64M", "removable": true, "image": "disks/stick.img" }'
  cat >"$W/$1/machine.json" <<JSON
{ "cpu": { "model": "QEMU Virtual CPU", "cores": 1, "hvm": true }, "memory_mib": 2048,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } $stick ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:00:64:01", "driver": "e1000", "link": true } ] }
JSON
  printf 'answerfile=auto install\n' >"$W/$1/cmdline"
}
run() {   # NAME
  rc=0; HOST_INSTALLER_STATE=$W/$1 "$BIN" --machine "$W/$1/machine.json" --cmdline "$W/$1/cmdline" >"$W/$1.out" 2>&1 || rc=$?
}
check_ok() {   # NAME
  if [ "$rc" -eq 0 ] && tail -n 1 "$W/$1.out" | grep -q '^Installation complete'; then
    grep -q "answerfile=auto: XCP-ANSWER ($W/$1/disks/stick.img):/answerfile.xml" "$W/$1.out" || { echo "FAIL: $1 does not say where the answerfile came from"; fail=1; }
    grep -q "trusting the certificate authorities of XCP-ANSWER" "$W/$1.out" || { echo "FAIL: $1 did not take ca.pem"; fail=1; }
    echo "$1: installed from the stick's answerfile over HTTPS ($(grep -c . "$W/srv/reports.jsonl") reports so far)"
  else
    echo "FAIL: $1 (exit $rc)"; cat "$W/$1.out"; fail=1
  fi
}

# ext4 stick.
machine ext with-stick
truncate -s 64M "$W/ext/disks/stick.img"
mke2fs -q -t ext4 -L XCP-ANSWER -d "$W/stick" "$W/ext/disks/stick.img"
run ext; check_ok ext

# FAT stick (the usual USB stick; read with mtools).
machine fat with-stick
truncate -s 64M "$W/fat/disks/stick.img"
mkfs.fat -n XCP-ANSWER "$W/fat/disks/stick.img" >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$W/fat/disks/stick.img" "$W/stick/answerfile.xml" "$W/stick/ca.pem" ::
run fat; check_ok fat
python3 - "$W/srv/reports.jsonl" <<'PY' || fail=1
import json, sys
fin = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "finished"]
assert len(fin) == 2 and all(e["result"] == "success" and e["hostname"] == "host-from-stick" for e in fin), fin
print("reports: 2 installs finished, host-from-stick")
PY

# A stick labelled XCP-ANSWER without answerfile.xml, and no stick at all: a clear refusal.
machine empty with-stick
truncate -s 64M "$W/empty/disks/stick.img"
mkfs.fat -n XCP-ANSWER "$W/empty/disks/stick.img" >/dev/null
run empty; cat "$W/empty.out"
{ [ "$rc" -eq 2 ] && grep -q "answerfile=auto: no answerfile found: $W/empty/disks/stick.img is labelled XCP-ANSWER but holds no /answerfile.xml" "$W/empty.out"; } \
  || { echo "FAIL: an empty stick (exit $rc)"; fail=1; }
machine none
run none; cat "$W/none.out"
{ [ "$rc" -eq 2 ] && grep -q "answerfile=auto: no answerfile found: no file system labelled XCP-ANSWER (examined: $W/none/disks/sda.img)" "$W/none.out"; } \
  || { echo "FAIL: no stick (exit $rc)"; fail=1; }
[ "$(du --block-size=1 -c "$W"/{empty,none}/disks/sda.img | tail -n 1 | cut -f1)" -eq 0 ] || { echo "FAIL: a disk was written without an answerfile"; fail=1; }
grep -q 'stick-root-pw-64' "$W"/*.out "$W/srv/reports.jsonl" "$W"/*/install-log && { echo "FAIL: the password leaked"; fail=1; }
losetup -a | grep -q "$W" && { echo "FAIL: loop devices left"; fail=1; }
[ $fail -eq 0 ] && echo "68-answer-partition: ok" || { echo "68-answer-partition: FAILED"; exit 1; }
