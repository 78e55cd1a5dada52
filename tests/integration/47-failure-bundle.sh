#!/usr/bin/env bash
# An install forced to fail (a damaged package, verification skipped) shows the failure
# screen, and the support bundle saved from it holds the log, the hardware and the plan,
# and no password; neither do the logs.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=${HOST_INSTALLER:-.build/debug/host-installer}
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/failure-bundle.XXXXXX)
trap 'rm -rf "$work"' EXIT
HOST_INSTALLER_REPLAY_STATE="$work" "$BIN" replay Tests/Replays/install-fails.replay
bundle=$(ls "$work"/support/host-installer-support-*.tar.gz)
echo "bundle: $bundle ($(stat -c %s "$bundle") bytes, mode $(stat -c %a "$bundle"))"
tar -tzf "$bundle"
mkdir "$work/x" && tar -xzf "$bundle" -C "$work/x"
for f in install-log hardware.json plan.json dmesg.txt README; do
  [ -s "$work"/x/*/"$f" ] || { echo "FAIL: $f missing from the bundle"; exit 1; }
done
grep -q "cannot read the archive" "$work"/x/*/install-log
grep -q '"root_password": "(set)"' "$work"/x/*/plan.json
if grep -rq "bundle-pw-93" "$work/x" "$work/install-log"; then echo "FAIL: the password is in the bundle or the log"; exit 1; fi
echo "no password in the bundle or the log"
losetup -a | grep -q "$work" && { echo "FAIL: loop devices left"; exit 1; } || true
