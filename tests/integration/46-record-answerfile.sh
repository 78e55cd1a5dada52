#!/usr/bin/env bash
# --record-answerfile: the walk of Tests/Replays/equal-plans.replay, recorded, gives an
# answerfile (mode 0600, password only as a SHA-512 hash) whose plan is the walk's plan.
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
echo "recording then replaying gives the same plan"
