#!/usr/bin/env bash
# Issue 16 items 2, 3 and 5 from the installer CD: a CD built with a site's certificate
# authority (ISO_EXTRA_CA, the test's own CA) on top of Debian's CA bundle boots in qemu (TCG)
# with "answerfile=https://10.0.2.2:PORT/answers/${mac}.xml install report=https://.../report";
# fleetd.py (Tests/Fixtures/servers, on 127.0.0.1, reached by the VM as 10.0.2.2, certificate
# for 10.0.2.2 signed by that CA) serves the VM's answer by its MAC, the source and the
# report receiver over HTTPS. The initrd holds the whole Debian bundle plus the site CA and
# mtools' mcopy; the install completes and the receiver sees started, progress and finished.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
. tests/integration/lib/servers.sh
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
command -v openssl >/dev/null || skip "openssl is missing (scripts/install-deps)"
BIN=$(iso_replay_bin "$TOP")
REL=$TOP/.build/release/host-installer
[ -x "$REL" ] || skip "no release build (swift build -c release --static-swift-stdlib)"
work=$(mktemp -d /tmp/iso-https.XXXXXX)
FLEETPID=
cleanup() { stop_fleetd; rm -rf "$work"; }
trap cleanup EXIT

make_test_ca "$work" "Site Test CA" 10.0.2.2 || exit 1

# The CD with the site's CA.
t0=$(date +%s)
ISO_EXTRA_CA="$work/ca.pem" HOST_INSTALLER_STATIC=$REL ISO_CACHE="$TOP/.cache/iso" scripts/build-iso "$work/site.iso" 2>&1 | tail -n 2
echo "CD with the site CA built in $(( $(date +%s) - t0 )) s"
xorriso -osirrox on -indev "$work/site.iso" -extract /boot/initrd.img "$work/initrd.img" >/dev/null 2>&1
mkdir "$work/initrd" && (cd "$work/initrd" && zstd -dc "$work/initrd.img" | cpio -id --quiet etc/ssl/certs/ca-certificates.crt)
# (mtools is in the second stage, boot/installer.sfs.)
xorriso -osirrox on -indev "$work/site.iso" -extract /boot/installer.sfs "$work/installer.sfs" >/dev/null 2>&1
unsquashfs -q -n -f -d "$work/initrd" "$work/installer.sfs" usr/local/sbin/mcopy usr/local/sbin/mtools >/dev/null
sys=$(grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt)
cd_n=$(grep -c 'BEGIN CERTIFICATE' "$work/initrd/etc/ssl/certs/ca-certificates.crt")
[ "$cd_n" -eq $((sys + 1)) ] || { echo "FAIL: the CD's bundle has $cd_n certificates, expected $sys + 1"; exit 1; }
tail -n 25 "$work/initrd/etc/ssl/certs/ca-certificates.crt" | grep -q -- "$(sed -n 2p "$work/ca.pem")" || { echo "FAIL: the site CA is not at the end of the bundle"; exit 1; }
[ -x "$work/initrd/usr/local/sbin/mcopy" ] || { echo "FAIL: no mcopy (mtools) on the CD"; exit 1; }
echo "initrd: CA bundle with $cd_n certificates (Debian's $sys + the site's), mcopy"

mkdir -p "$work/srv/answers" "$work/srv/pool"
cp -r .cache/iso/media/packages.main "$work/srv/pool/"
start_fleetd "$work/srv" "$work/srv.pem" "$work/srv.key"
echo "fleetd over HTTPS: 127.0.0.1:$FLEETPORT (pid $FLEETPID), the VM's 10.0.2.2:$FLEETPORT"
B="https://10.0.2.2:$FLEETPORT"
cat >"$work/srv/answers/52:54:00:12:34:56.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>iso-https-pw-69</root-password>
  <source type="url">$B/pool/</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>xcp-https-cd</hostname>
  <timezone>Europe/Madrid</timezone>
</installation>
XML
truncate -s 20G "$work/disk.img"
cat >"$work/https.replay" <<REPLAY
size 80x24
exec $(iso_qemu_direct "$work/site.iso" "$work/disk.img" "$work" "answerfile=$B/answers/\${mac}.xml install report=$B/report atexit=poweroff")
wait "unattended fresh installation on sda" 180
wait "Installation complete" 300
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/https.replay" --times
echo "unattended install from the CD over HTTPS: $(( $(date +%s) - t0 )) s"
python3 - "$work/srv/reports.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
assert kinds[0] == "started" and "progress" in kinds and kinds[-1] == "finished", kinds
f = ev[-1]
assert f["result"] == "success" and f["hostname"] == "xcp-https-cd" and f["address"].startswith("10.0.2."), f
assert ev[0]["host"]["mac"] == "52:54:00:12:34:56", ev[0]["host"]
print("reports from the CD: %d events, finished %s: %s %s %s %s" % (len(ev), f["result"], f["hostname"], f["address"], f["product"], f["version"]))
PY
! grep -q iso-https-pw-69 "$work/srv/reports.jsonl" || { echo "FAIL: the password is in a report"; exit 1; }
echo "69-iso-https: ok"
