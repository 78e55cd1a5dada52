#!/usr/bin/env bash
# Issue 16 item 3, status reported to a server: unattended installs on machine profiles
# (sparse images, no qemu) POST JSON events to fleetd.py (Tests/Fixtures/servers, started
# here on 127.0.0.1, stopped by PID), which records them:
#  - report= on the boot line: started (the host's description), progress (step, percent,
#    time left), finished success with the host name, address, root label, product, version;
#  - <report url=...> in the answerfile, and an answer naming a disk the host lacks: finished
#    failure with that reason and the last log lines;
#  - a report server that accepts and never answers, and one that is down: the install still
#    finishes; the added time is printed and must stay under a generous bound (30 s);
#  - no report body holds the root password or the report URL's password.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
[ -x "$BIN" ] || skip "build first"
. tests/integration/lib/servers.sh
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/fleet-report.XXXXXX)
FLEETPID=
cleanup() { stop_fleetd; release_images "$W"/*/disks/*.img; rm -rf "$W"; }
trap cleanup EXIT
fail=0
PW=report-root-pw-62
URLPW=rep-url-pw-62

mkdir -p "$W/srv/answers" "$W/srv/pool"
cp -r Tests/Fixtures/media/sample/packages.main "$W/srv/pool/"
start_fleetd "$W/srv"
BASE="http://127.0.0.1:$FLEETPORT"
REPORT="http://fleet:$URLPW@127.0.0.1:$FLEETPORT/report"
echo "fleetd: $BASE (pid $FLEETPID)"

answer() {   # FILE HOSTNAME DISK [EXTRA-XML]
  cat >"$W/srv/answers/$1" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>$3</primary-disk>
  <keymap>us</keymap>
  <root-password>$PW</root-password>
  <source type="url">$BASE/pool/</source>
  <admin-interface name="eth0" proto="static"><ip>10.0.9.$((RANDOM % 200 + 2))</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.0.9.1</gateway></admin-interface>
  <nameserver>10.0.9.1</nameserver>
  <ntp-server>10.0.9.1</ntp-server>
  <hostname>$2</hostname>
  <timezone>Europe/Paris</timezone>
  ${4:-}
</installation>
XML
}
machine() {   # NAME MAC SERIAL
  mkdir -p "$W/$1"
  cat >"$W/$1/machine.json" <<JSON
{ "cpu": { "model": "QEMU Virtual CPU", "cores": 1, "hvm": true }, "memory_mib": 2048,
  "dmi": { "serial": "$3", "uuid": "00000000-0000-0000-0000-0000000000$4" },
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "$2", "driver": "e1000", "link": true } ] }
JSON
}
run() {   # NAME CMDLINE -> $W/NAME.out, sets rc and secs
  printf '%s\n' "$2" >"$W/$1/cmdline"
  local t0; t0=$(date +%s.%N); rc=0
  HOST_INSTALLER_STATE=$W/$1 "$BIN" --machine "$W/$1/machine.json" --cmdline "$W/$1/cmdline" >"$W/$1.out" 2>&1 || rc=$?
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
}
events() { python3 - "$W/srv/reports.jsonl" "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["host"]["mac"] == sys.argv[2]: print(json.dumps(e))
PY
}

machine ok 52:54:00:00:62:01 SN-62-OK 01
machine bad 52:54:00:00:62:02 SN-62-BAD 02
machine hang 52:54:00:00:62:03 SN-62-HANG 03
machine down 52:54:00:00:62:04 SN-62-DOWN 04
answer ok.xml host-ok sda
answer bad.xml host-bad sdz "<report url=\"$REPORT\"/>"
answer hang.xml host-hang sda
answer down.xml host-down sda

# 1. report= on the boot line, success.
run ok "answerfile=$BASE/answers/ok.xml install report=$REPORT"
tail -n 3 "$W/ok.out"
[ "$rc" -eq 0 ] || { echo "FAIL: ok exited $rc"; cat "$W/ok.out"; fail=1; }
echo "ok: installed in $secs s with reports"
events 52:54:00:00:62:01 >"$W/ok.events"
python3 - "$W/ok.events" <<'PY' || fail=1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
assert kinds[0] == "started" and kinds[-1] == "finished", kinds
assert [e["seq"] for e in ev] == sorted(e["seq"] for e in ev), "out of order"
s = ev[0]
assert s["host"] == {"mac": "52:54:00:00:62:01", "serial": "SN-62-OK", "uuid": "00000000-0000-0000-0000-000000000001"}, s["host"]
assert s["source"].endswith("/answers/ok.xml") and "rep-url-pw" not in s["source"]
d = s["description"]; assert d["disks"][0]["model"] == "QEMU HARDDISK" and d["memory_mib"] == 2048, d
prog = [e for e in ev if e["event"] == "progress"]
assert len(prog) >= 3, kinds
assert all(0 <= e["percent"] <= 100 and e["step"] and "time_left_s" in e for e in prog), prog
steps = sorted({e["step"] for e in prog})
f = ev[-1]
assert f["result"] == "success", f
assert f["hostname"] == "host-ok" and f["address"].startswith("10.0.9.") and f["root_label"] and f["product"] == "XCP" and f["version"] == "0.1.0", f
print("ok: %d events: started, %d progress (%d steps, last %d%%), finished %s: %s %s root %s %s %s" % (
      len(ev), len(prog), len(steps), prog[-1]["percent"], f["result"], f["hostname"], f["address"], f["root_label"], f["product"], f["version"]))
PY
base_secs=$secs

# 2. The answerfile's <report>, and an answer naming a disk the host does not have.
run bad "answerfile=$BASE/answers/bad.xml install"
tail -n 3 "$W/bad.out"
[ "$rc" -eq 2 ] || { echo "FAIL: bad exited $rc, expected 2"; fail=1; }
events 52:54:00:00:62:02 >"$W/bad.events"
python3 - "$W/bad.events" <<'PY' || fail=1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["event"] for e in ev] == ["started", "finished"], [e["event"] for e in ev]
f = ev[-1]
assert f["result"] == "failure" and 'unknown disk "sdz"' in f["reason"], f
assert 0 < len(f["log"]) <= 100 and any("sdz" in l for l in f["log"]), f["log"]
print("bad: finished failure: %s (%d log lines)" % (f["reason"].splitlines()[-1], len(f["log"])))
PY

# 3. A report server that never answers, and one that is down.
run hang "answerfile=$BASE/answers/hang.xml install report=$BASE/hang"
tail -n 3 "$W/hang.out"
[ "$rc" -eq 0 ] || { echo "FAIL: hang exited $rc"; fail=1; }
echo "hanging report server: install took $secs s (with a working one: $base_secs s)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hang_secs=$secs
run down "answerfile=$BASE/answers/down.xml install report=http://127.0.0.1:$port/report"
tail -n 3 "$W/down.out"
[ "$rc" -eq 0 ] || { echo "FAIL: down exited $rc"; fail=1; }
echo "report server down: install took $secs s"
for s in "$hang_secs" "$secs"; do
  awk -v s="$s" -v b="$base_secs" 'BEGIN{exit !(s - b > 30)}' && { echo "FAIL: the report server delayed the install by more than 30 s"; fail=1; }
done
grep -h '^Report:' "$W/hang.out" "$W/down.out"

# 4. The screens report too: an answerfile without a time zone, the rest on the screens
#    (a replay on a pseudo-terminal), with --report.
machine tui 52:54:00:00:62:05 SN-62-TUI 05
answer tui.xml host-tui sda
sed -i '/<timezone>/d' "$W/srv/answers/tui.xml"
cat >"$W/tui.replay" <<REPLAY
size 80x25
machine $W/tui/machine.json
args --ask-missing --answerfile $BASE/answers/tui.xml --report $REPORT
wait "geographical area"
key E Enter
wait "city or area"
key L Enter
wait "Confirm Installation"
key BTab Enter
wait "Installation Complete" 60
key Enter
exit 0
REPLAY
rc=0; HOST_INSTALLER_REPLAY_STATE=$W/tui "$BIN" replay "$W/tui.replay" >"$W/tui.out" 2>&1 || rc=$?
tail -n 2 "$W/tui.out"
[ "$rc" -eq 0 ] || { echo "FAIL: the interactive install (exit $rc)"; fail=1; }
events 52:54:00:00:62:05 >"$W/tui.events"
python3 - "$W/tui.events" <<'PY' || fail=1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
assert kinds[0] == "started" and kinds[-1] == "finished" and "progress" in kinds, kinds
assert ev[-1]["result"] == "success" and ev[-1]["hostname"] == "host-tui", ev[-1]
print("interactive: %d events, finished %s for %s" % (len(ev), ev[-1]["result"], ev[-1]["hostname"]))
PY

# 5. No secret in any report body, nor in the output or the logs.
n=$(wc -l <"$W/srv/reports.jsonl")
if grep -q -e "$PW" -e "$URLPW" "$W/srv/reports.jsonl"; then echo "FAIL: a secret is in a report"; fail=1; else echo "$n report bodies: no root password, no URL password"; fi
for f in "$W"/*.out "$W"/*/install-log; do
  ! grep -q -e "$PW" -e "$URLPW" "$f" || { echo "FAIL: a secret is in $f"; fail=1; }
done
losetup -a | grep -q "$W" && { echo "FAIL: loop devices left"; fail=1; }
[ $fail -eq 0 ] && echo "66-fleet-report: ok" || { echo "66-fleet-report: FAILED"; exit 1; }
