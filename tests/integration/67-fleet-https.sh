#!/usr/bin/env bash
# Issue 16 item 5, HTTPS with verification: the test makes a certificate authority and a
# server certificate for 127.0.0.1 with openssl, and serves answerfiles, the installation
# source and the report receiver over HTTPS (Tests/Fixtures/servers/fleetd.py with TLS,
# started here, stopped by PID). Unattended installs on a machine profile (no qemu):
#  - without the CA: refused; the message names the URL and curl's reason; no disk written;
#  - with --ca-file CA.pem: the answerfile, the source and the reports go over HTTPS;
#  - with ca_file= on the boot line (--cmdline): the same;
#  - a file that is no certificate is refused, naming it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
[ -x "$BIN" ] || skip "build first"
command -v openssl >/dev/null || skip "openssl is missing (scripts/install-deps)"
. tests/integration/lib/servers.sh
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/fleet-https.XXXXXX)
FLEETPID=
cleanup() { stop_fleetd; release_images "$W"/*/disks/*.img; rm -rf "$W"; }
trap cleanup EXIT
fail=0

# A CA, and a server certificate it signs for 127.0.0.1.
make_test_ca "$W" "Fleet Test CA" 127.0.0.1 || exit 1
mkdir -p "$W/srv/answers" "$W/srv/pool"
cp -r Tests/Fixtures/media/sample/packages.main "$W/srv/pool/"
start_fleetd "$W/srv" "$W/srv.pem" "$W/srv.key"
BASE="https://127.0.0.1:$FLEETPORT"
echo "fleetd over HTTPS: $BASE (pid $FLEETPID)"
cat >"$W/srv/answers/52:54:00:00:63:01.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>https-root-pw-63</root-password>
  <source type="url">$BASE/pool/</source>
  <hostname>host-https</hostname>
  <timezone>Europe/Berlin</timezone>
  <report url="$BASE/report"/>
</installation>
XML
mkdir -p "$W/m"
cat >"$W/m/machine.json" <<'JSON'
{ "cpu": { "model": "QEMU Virtual CPU", "cores": 1, "hvm": true }, "memory_mib": 2048,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:00:63:01", "driver": "e1000", "link": true } ] }
JSON
written() { du --block-size=1 -c "$W/m"/disks/*.img 2>/dev/null | tail -n 1 | cut -f1; }
URL="$BASE/answers/\${mac}.xml"

# Without the CA: refused, naming the URL and the reason.
rc=0; HOST_INSTALLER_STATE=$W/m "$BIN" --machine "$W/m/machine.json" --answerfile "$URL" >"$W/no-ca.out" 2>&1 || rc=$?
cat "$W/no-ca.out"
{ [ "$rc" -ne 0 ] && grep -q "$BASE/answers/52:54:00:00:63:01.xml: secure connection failed: .*certificate" "$W/no-ca.out"; } \
  || { echo "FAIL: without the CA (exit $rc)"; fail=1; }
[ "$(written)" -eq 0 ] || { echo "FAIL: a disk was written"; fail=1; }

# Not a certificate: refused, naming the file.
rc=0; HOST_INSTALLER_STATE=$W/m "$BIN" --machine "$W/m/machine.json" --answerfile "$URL" --ca-file "$W/ext.cnf" >"$W/bad-ca.out" 2>&1 || rc=$?
cat "$W/bad-ca.out"
{ [ "$rc" -eq 2 ] && grep -q "$W/ext.cnf: holds no PEM certificate" "$W/bad-ca.out"; } || { echo "FAIL: a bad CA file (exit $rc)"; fail=1; }

# With --ca-file: answerfile, source and reports over HTTPS.
rc=0; HOST_INSTALLER_STATE=$W/m "$BIN" --machine "$W/m/machine.json" --answerfile "$URL" --ca-file "$W/ca.pem" >"$W/ca.out" 2>&1 || rc=$?
tail -n 4 "$W/ca.out"
{ [ "$rc" -eq 0 ] && tail -n 1 "$W/ca.out" | grep -q '^Installation complete'; } || { echo "FAIL: with --ca-file (exit $rc)"; cat "$W/ca.out"; fail=1; }
grep -q "^host-installer: unattended fresh installation on sda from $BASE/pool/" "$W/ca.out" || { echo "FAIL: the source is not the HTTPS one"; fail=1; }
python3 - "$W/srv/reports.jsonl" <<'PY' || fail=1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev[0]["event"] == "started" and ev[-1]["event"] == "finished" and ev[-1]["result"] == "success", [e["event"] for e in ev]
assert ev[-1]["hostname"] == "host-https", ev[-1]
print("reports over HTTPS: %d events, finished %s for %s" % (len(ev), ev[-1]["result"], ev[-1]["hostname"]))
PY

# ca_file= on the boot line.
rm -f "$W/m/disks/sda.img" "$W/srv/reports.jsonl"
printf 'answerfile=%s install ca_file=%s\n' "$URL" "$W/ca.pem" >"$W/m/cmdline"
rc=0; HOST_INSTALLER_STATE=$W/m "$BIN" --machine "$W/m/machine.json" --cmdline "$W/m/cmdline" >"$W/boot.out" 2>&1 || rc=$?
tail -n 1 "$W/boot.out"
{ [ "$rc" -eq 0 ] && [ -s "$W/srv/reports.jsonl" ]; } || { echo "FAIL: with ca_file= (exit $rc)"; cat "$W/boot.out"; fail=1; }
grep -q 'https-root-pw-63' "$W"/*.out "$W/srv/reports.jsonl" "$W/m/install-log" && { echo "FAIL: the password leaked"; fail=1; }
losetup -a | grep -q "$W" && { echo "FAIL: loop devices left"; fail=1; }
[ $fail -eq 0 ] && echo "67-fleet-https: ok" || { echo "67-fleet-https: FAILED"; exit 1; }
