#!/usr/bin/env bash
# Appendix B of the guide: the fresh-install answerfile example, fetched from an HTTP server
# on 127.0.0.1 (with the guide's host name replaced by the test server), installs the
# sample product unattended from that server into disk images, runs the post-install
# script, and the installed disk boots in qemu with the configured values. A bad answerfile
# exits 2 and leaves the disk images untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/unattended-http.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

HOST_INSTALLER=$BIN scripts/build-sample-product "$work/www" >/dev/null
mkdir -p "$work/www/myscripts"
cat > "$work/www/myscripts/post-install-script" <<'SH'
#!/bin/sh
echo "post-install ran on $1" > "$1/root/post-install-marker"
SH
python3 Tests/Fixtures/servers/testhttpd.py "$work/www" > "$work/port" &
server=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/ {print $2}' "$work/port")
base="http://127.0.0.1:$port/pool"

# The guide's example, with only the server name changed.
sed -n '/<installation>/,/<\/installation>/p' Tests/Answerfiles/good/appendix-b-fresh.xml \
  | sed "s#http://pxehost.example.com#$base#" > "$work/www/answerfile.xml"
cat "$work/www/answerfile.xml"
mkdir -p "$work/state"
cat > "$work/state/machine.json" <<'JSON'
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 2048,
  "disks": [
    { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" },
    { "name": "sdb", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sdb.img" },
    { "name": "sdc", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sdc.img" }
  ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true,
              "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2", "dns": ["10.0.2.3"] } } ]
}
JSON
export HOST_INSTALLER_STATE="$work/state"

# A bad answerfile first: exit 2, nothing written.
sed 's#<keymap>us</keymap>#<keymap>klingon</keymap>#' "$work/www/answerfile.xml" > "$work/www/bad.xml"
"$BIN" --machine "$work/state/machine.json" --answerfile "$base/bad.xml" > "$work/bad.out" 2>&1 && { echo "FAIL: bad answerfile accepted"; exit 1; } || rc=$?
cat "$work/bad.out"
[ "$rc" -eq 2 ] || { echo "FAIL: exit $rc for a bad answerfile, expected 2"; exit 1; }
grep -q 'bad.xml:.*keymap' "$work/bad.out"
# What a write would change: the allocated blocks and the first MiB of each image.
fingerprint() { for i in "$work/state/disks/"*.img; do du --block-size=1 "$i"; head -c 1048576 "$i" | md5sum; done; }
before=$(fingerprint)
[ "$(du --block-size=1 -c "$work/state/disks/"*.img | tail -n 1 | cut -f1)" -eq 0 ] || { echo "FAIL: the bad answerfile wrote to a disk"; exit 1; }

start=$(date +%s)
"$BIN" --machine "$work/state/machine.json" --answerfile "$base/answerfile.xml" | tee "$work/out"
echo "unattended install from HTTP: $(( $(date +%s) - start )) s"
tail -n 1 "$work/out" | grep -q '^Installation complete'
grep -q '^\[ *[0-9]*%\] Installing packages (time left' "$work/out"
for f in "$work/out" "$work/state/install-log"; do
  ! grep -q mypassword "$f" || { echo "FAIL: the password appears in $f"; exit 1; }
done
[ "$(fingerprint)" != "$before" ]
losetup -a | grep -q "$work" && { echo "FAIL: loop devices left"; exit 1; }

tests/boot/boot-disk.sh "$work/state/disks/sda.img" 240 \
  "XCP-SAMPLE ip=dhcp" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE timezone=Europe/London" "XCP-SAMPLE keymap=us" "XCP-SAMPLE root-password=sha512"
# The post-install script ran with the new root as its argument.
offset=$(( $(sfdisk -J "$work/state/disks/sda.img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
debugfs -R "cat /root/post-install-marker" "$work/state/disks/sda.img?offset=$offset" 2>/dev/null | grep -q "post-install ran"
echo "post-install script: ran"

# The guide's second example: reinstall (upgrade) over the existing installation, from the
# same server; the settings of the installation are kept and the disk still boots with them.
sed -n '/<installation/,/<\/installation>/p' Tests/Answerfiles/good/appendix-b-reinstall.xml \
  | sed "s#http://pxehost.example.com#$base#" > "$work/www/reinstall.xml"
cat "$work/www/reinstall.xml"
"$BIN" --machine "$work/state/machine.json" --answerfile "$base/reinstall.xml" | tee "$work/out2"
tail -n 1 "$work/out2" | grep -q '^Installation complete'
tests/boot/boot-disk.sh "$work/state/disks/sda.img" 240 \
  "XCP-SAMPLE ip=dhcp" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE timezone=Europe/London" "XCP-SAMPLE keymap=us" "XCP-SAMPLE root-password=sha512"
echo "reinstall example: ok"
