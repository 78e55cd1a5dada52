#!/usr/bin/env bash
# Issue 16 item 2, one answer per host from one URL: an HTTP server on 127.0.0.1 (Tests/
# Fixtures/servers/fleetd.py, started here, stopped by PID) holds answerfiles named by MAC and
# by DMI serial. Unattended installs on machine profiles (sparse images, no qemu):
#  - ${mac} picks the answer of the booting NIC (the first with a link; BOOTIF= when given);
#  - ${serial} picks the answer by the DMI serial (boot line via --cmdline);
#  - a host without an answer: the URL with its MAC and "not found (HTTP 404)" are printed,
#    the exit is non-zero and nothing is written to its disk;
#  - post:URL sends the host's description (JSON: MACs, serial, UUID, disks with model,
#    serial and size, memory), which the server checks, and installs the answer it returns.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
[ -x "$BIN" ] || skip "build first"
command -v debugfs >/dev/null || skip "debugfs is missing (e2fsprogs)"
. tests/integration/lib/servers.sh
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/fleet-answers.XXXXXX)
FLEETPID=
cleanup() { stop_fleetd; release_images "$W"/*/disks/*.img; rm -rf "$W"; }
trap cleanup EXIT
fail=0

mkdir -p "$W/srv/answers" "$W/srv/pool"
cp -r Tests/Fixtures/media/sample/packages.main "$W/srv/pool/"
start_fleetd "$W/srv"
BASE="http://127.0.0.1:$FLEETPORT"
echo "fleetd: $BASE (pid $FLEETPID)"

# answer NAME HOSTNAME DISK: an answerfile for one host.
answer() {
  cat >"$W/srv/answers/$1.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>$3</primary-disk>
  <keymap>us</keymap>
  <root-password>fleet-root-pw-61</root-password>
  <source type="url">$BASE/pool/</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>$2</hostname>
  <timezone>Europe/London</timezone>
</installation>
XML
}
# machine NAME MAC0 MAC1 SERIAL: a profile with disk sda and NICs eth0 (MAC0, no link) and eth1 (MAC1, link).
machine() {
  mkdir -p "$W/$1"
  cat >"$W/$1/machine.json" <<JSON
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 1, "hvm": true },
  "memory_mib": 2048,
  "dmi": { "serial": "$4", "uuid": "4C4C4544-0000-1111-2222-$(printf %012d "${#1}")" },
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "serial": "QM-$1", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "$2", "driver": "e1000", "link": false,
              "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2", "dns": ["10.0.2.3"] } },
            { "name": "eth1", "mac": "$3", "driver": "e1000", "link": true } ]
}
JSON
}
hostname_on() {   # the installed /etc/hostname of DIR's sda
  local img="$W/$1/disks/sda.img" off
  off=$(( $(sfdisk -J "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
  debugfs -R "cat /etc/hostname" "$img?offset=$off" 2>/dev/null
}
written() { du --block-size=1 -c "$W/$1"/disks/*.img 2>/dev/null | tail -n 1 | cut -f1; }
check_install() {   # NAME OUT EXPECTED_HOSTNAME
  if tail -n 1 "$2" | grep -q '^Installation complete'; then
    local h; h=$(hostname_on "$1")
    [ "$h" = "$3" ] && echo "$1: installed, hostname $h" || { echo "FAIL: $1 has hostname '$h', expected $3"; fail=1; }
  else
    echo "FAIL: $1 did not install"; tail -n 5 "$2"; fail=1
  fi
}

answer 52:54:00:00:00:b1 host-by-mac sda          # a's booting NIC (eth1: the first with a link)
answer 52:54:00:00:00:a1 wrong-nic sda            # a's eth0, no link: must not be used
answer 52:54:00:00:00:c0 host-by-bootif sda       # c's eth0, named by BOOTIF=
answer SN-FLEET-0003 host-by-serial sda
machine a 52:54:00:00:00:a1 52:54:00:00:00:b1 SN-FLEET-0001
machine b 52:54:00:00:00:a2 52:54:00:00:00:b2 SN-FLEET-0002
machine c 52:54:00:00:00:c0 52:54:00:00:00:c1 SN-FLEET-0003

# ${mac}: the first NIC with a link.
HOST_INSTALLER_STATE=$W/a "$BIN" --machine "$W/a/machine.json" --answerfile "$BASE/answers/\${mac}.xml" >"$W/a.out" 2>&1 || true
check_install a "$W/a.out" host-by-mac

# ${mac} with BOOTIF= on the boot line (pxelinux's form), and ${serial}.
printf 'answerfile=%s/answers/${mac}.xml install BOOTIF=01-52-54-00-00-00-c0\n' "$BASE" >"$W/c/cmdline"
HOST_INSTALLER_STATE=$W/c "$BIN" --machine "$W/c/machine.json" --cmdline "$W/c/cmdline" >"$W/c.out" 2>&1 || true
check_install c "$W/c.out" host-by-bootif
rm -f "$W/c/disks/sda.img"
printf 'answerfile=%s/answers/${serial}.xml install\n' "$BASE" >"$W/c/cmdline"
HOST_INSTALLER_STATE=$W/c "$BIN" --machine "$W/c/machine.json" --cmdline "$W/c/cmdline" >"$W/c2.out" 2>&1 || true
check_install c "$W/c2.out" host-by-serial

# No answer for b: the URL with b's MAC and the reason, a non-zero exit, no disk write.
rc=0; HOST_INSTALLER_STATE=$W/b "$BIN" --machine "$W/b/machine.json" --answerfile "$BASE/answers/\${mac}.xml" >"$W/b.out" 2>&1 || rc=$?
cat "$W/b.out"
[ "$rc" -ne 0 ] || { echo "FAIL: b exited 0 without an answer"; fail=1; }
grep -q "$BASE/answers/52:54:00:00:00:b2.xml.*not found (HTTP 404)" "$W/b.out" || { echo "FAIL: the 404 does not name the URL"; fail=1; }
[ "$(written b)" -eq 0 ] || { echo "FAIL: b's disk was written"; fail=1; }
echo "b: exit $rc, $(written b) bytes written"

# post:URL: the server checks the host's description and answers by its MAC.
rm -f "$W/a/disks/sda.img"
HOST_INSTALLER_STATE=$W/a "$BIN" --machine "$W/a/machine.json" --answerfile "post:$BASE/answer" >"$W/a2.out" 2>&1 || true
check_install a "$W/a2.out" host-by-mac
python3 - "$W/srv/posted.jsonl" <<'PY' || fail=1
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
assert len(posts) == 1, posts
assert posts[0]["problems"] == [], posts[0]["problems"]
h = json.loads(posts[0]["body"])
assert h["mac"] == "52:54:00:00:00:b1", h["mac"]
assert h["serial"] == "SN-FLEET-0001" and h["uuid"].startswith("4c4c4544-"), h
assert h["macs"] == ["52:54:00:00:00:a1", "52:54:00:00:00:b1"], h["macs"]
d = h["disks"][0]
assert (d["name"], d["model"], d["serial"], d["size_bytes"]) == ("sda", "QEMU HARDDISK", "QM-a", 20 << 30), d
assert h["memory_mib"] == 2048
print("POSTed description: mac %s serial %s, %d disk(s), %d MiB" % (h["mac"], h["serial"], len(h["disks"]), h["memory_mib"]))
PY
# post: for b: 404 from the server, printed with the URL.
rc=0; HOST_INSTALLER_STATE=$W/b "$BIN" --machine "$W/b/machine.json" --answerfile "post:$BASE/answer" >"$W/b2.out" 2>&1 || rc=$?
cat "$W/b2.out"
{ [ "$rc" -ne 0 ] && grep -q "$BASE/answer: not found (HTTP 404).*no answerfile for 52:54:00:00:00:b2" "$W/b2.out"; } || { echo "FAIL: post 404 not reported"; fail=1; }
[ "$(written b)" -eq 0 ] || { echo "FAIL: b's disk was written"; fail=1; }
# An invalid answer (a disk b does not have): exit 2, the problem named, nothing written.
answer 52:54:00:00:00:b2 host-b sdz
rc=0; HOST_INSTALLER_STATE=$W/b "$BIN" --machine "$W/b/machine.json" --answerfile "post:$BASE/answer" >"$W/b3.out" 2>&1 || rc=$?
cat "$W/b3.out"
{ [ "$rc" -eq 2 ] && grep -q "$BASE/answer: the answerfile is not valid" "$W/b3.out" && grep -q 'sdz' "$W/b3.out"; } || { echo "FAIL: an invalid answer gave exit $rc"; fail=1; }
[ "$(written b)" -eq 0 ] || { echo "FAIL: b's disk was written"; fail=1; }
for f in "$W"/*.out "$W"/*/install-log; do
  ! grep -q fleet-root-pw-61 "$f" || { echo "FAIL: the root password is in $f"; fail=1; }
done
losetup -a | grep -q "$W" && { echo "FAIL: loop devices left"; fail=1; }
[ $fail -eq 0 ] && echo "65-fleet-answers: ok" || { echo "65-fleet-answers: FAILED"; exit 1; }
