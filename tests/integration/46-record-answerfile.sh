#!/usr/bin/env bash
# --record-answerfile: the walk of Tests/Replays/equal-plans.replay, recorded, gives an
# answerfile (mode 0600, password only as a SHA-512 hash) whose plan is the walk's plan,
# with the walk's Linux Pack answer (<linux-pack>no</linux-pack>) and time method (ntp).
# The walk of Tests/Replays/manual-time.replay (Manual time entry), recorded in a dry run,
# gives <time-config-method>manual</time-config-method>, read back as manual time.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
work=$(mktemp -d /tmp/record-answerfile.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The same walk, without its golden checks, recording the answerfile.
sed -e "s#^machine ../Fixtures#machine $PWD/Tests/Fixtures#" -e '/^screen /d' -e '/^plan /d' \
    -e "s#^args --dry-run#args --dry-run --record-answerfile $work/recorded.xml#" \
    Tests/Replays/equal-plans.replay > "$work/walk.replay"
"$BIN" replay "$work/walk.replay"
cat "$work/recorded.xml"
[ "$(stat -c %a "$work/recorded.xml")" = 600 ] || { echo "FAIL: mode $(stat -c %a "$work/recorded.xml")"; exit 1; }
grep -q '<root-password type="hash">\$6\$' "$work/recorded.xml"
! grep -q 's3cret!x' "$work/recorded.xml" || { echo "FAIL: the password is in clear"; exit 1; }
HOST_INSTALLER_STATE=$work/state "$BIN" validate-answerfile "$work/recorded.xml" \
  --machine Tests/Fixtures/machines/two-disks.json --print-plan > "$work/replayed.json"
# The same plan; only the password's form differs (typed: set; recorded: a hash).
sed 's/"root_password": "(set)"/"root_password": "(hash)"/' Tests/Replays/equal-plans/plan.json | diff - "$work/replayed.json"
grep -q '<linux-pack>no</linux-pack>' "$work/recorded.xml" || { echo "FAIL: the Linux Pack answer was not recorded"; exit 1; }
grep -q '<time-config-method>ntp</time-config-method>' "$work/recorded.xml" || { echo "FAIL: the time method was not recorded"; exit 1; }
echo "recording then replaying gives the same plan"

# Manual time: the manual-time walk as a dry run, up to Confirm.
awk -v m="$PWD/Tests/Fixtures" -v rec="$work/manual.xml" '
  /^machine / { sub("\\.\\./Fixtures", m); print; print "args --dry-run --record-answerfile " rec; next }
  /^(screen|mask) / { next }
  { print }
  /^key BTab Enter$/ { print "exit 0"; exit }' Tests/Replays/manual-time.replay > "$work/manual.replay"
"$BIN" replay "$work/manual.replay"
cat "$work/manual.xml"
grep -q '<time-config-method>manual</time-config-method>' "$work/manual.xml" || { echo "FAIL: manual time was not recorded"; exit 1; }
grep -q '<linux-pack>no</linux-pack>' "$work/manual.xml" || { echo "FAIL: the Linux Pack answer was not recorded"; exit 1; }
HOST_INSTALLER_STATE=$work/state "$BIN" validate-answerfile "$work/manual.xml" \
  --machine Tests/Fixtures/machines/two-disks.json --print-plan > "$work/manual.json"
grep -q '"method": "manual"' "$work/manual.json" || { echo "FAIL: the recorded answerfile does not give manual time"; cat "$work/manual.json"; exit 1; }
grep -q '"linux_pack": "no"' "$work/manual.json" || { echo "FAIL: the recorded answerfile does not give the Linux Pack answer"; exit 1; }
echo "manual time and the Linux Pack answer are recorded and read back"

# IPv6 and a VLAN (issue 18): the ipv6-vlan walk, recorded, gives protov6="static", <ipv6>,
# <gatewayv6> and vlan="42", read back as the walk's plan.
sed -e "s#^machine ../Fixtures#machine $PWD/Tests/Fixtures#" -e '/^screen /d' -e '/^plan /d' \
    -e "s#^args --dry-run#args --dry-run --record-answerfile $work/v6.xml#" \
    Tests/Replays/ipv6-vlan.replay > "$work/v6.replay"
"$BIN" replay "$work/v6.replay"
cat "$work/v6.xml"
grep -q '<admin-interface name="eth0" hwaddr="00:16:3e:00:00:01" proto="dhcp" protov6="static" vlan="42">' "$work/v6.xml" \
  || { echo "FAIL: protov6 and vlan were not recorded"; exit 1; }
grep -q '<ipv6>2001:db8::5/64</ipv6>' "$work/v6.xml" && grep -q '<gatewayv6>fe80::1</gatewayv6>' "$work/v6.xml" \
  || { echo "FAIL: the IPv6 address or gateway was not recorded"; exit 1; }
HOST_INSTALLER_STATE=$work/state "$BIN" validate-answerfile "$work/v6.xml" \
  --machine Tests/Fixtures/machines/two-disks.json --print-plan > "$work/v6.json"
sed 's/"root_password": "(set)"/"root_password": "(hash)"/' Tests/Replays/ipv6-vlan/plan.json | diff - "$work/v6.json"
echo "IPv6 and the VLAN tag are recorded and read back as the same plan"
