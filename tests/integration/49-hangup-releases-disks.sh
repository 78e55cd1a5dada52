#!/usr/bin/env bash
# Hanging up on the installer in the middle of an install (the terminal closed, as when an
# ssh session drops or a replay ends early) releases its mounts and loop devices: the replay
# walks to the progress screen, ends while the install is held at its configure step, and
# the harness closes the terminal (SIGHUP, then SIGKILL only after 10 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=${HOST_INSTALLER:-.build/debug/host-installer}
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/hangup.XXXXXX)
trap 'rm -rf "$work"' EXIT
HOST_INSTALLER_REPLAY_STATE="$work" "$BIN" replay tests/integration/replays/hangup-during-install.replay
grep -q "signal 1: releasing mounts and loop devices" "$work/install-log" \
  || { echo "FAIL: no cleanup on hangup: $(tail -3 "$work/install-log")"; exit 1; }
if losetup -a | grep -q "$work"; then echo "FAIL: loop devices left: $(losetup -a | grep "$work")"; exit 1; fi
if grep -q "$work" /proc/mounts; then echo "FAIL: mounts left"; exit 1; fi
if grep -rq "hangup-pw-31" "$work/install-log"; then echo "FAIL: the password is in the log"; exit 1; fi
echo "49-hangup-releases-disks: ok (the installer released its disks when hung up on)"
