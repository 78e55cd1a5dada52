#!/usr/bin/env bash
# A random key walk through the screens (issue 17): RANDOM_KEYS actions in all (2,000 by
# default; `make soak` gives 10,000), split over several machine profiles, in dry-run mode,
# through the replay harness (`random N SEED`: keys, the console keys and resizes; the
# installer must never crash or hang, and is started again when it leaves with 0 or 3).
# The Alt-F2 console runs cat, never a root shell (HOST_INSTALLER_CONSOLE_SHELL). No disk
# image may change: each profile's images are made first, and their size, allocated blocks
# and times compared after the walk. A failure names its seed, which replays it exactly.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ -x "$BIN" ] || { echo "FAIL: build first"; exit 1; }
TOTAL=${RANDOM_KEYS:-2000}
unset RANDOM_KEYS
w=$(mktemp -d /tmp/hi-random.XXXXXX); trap 'rm -rf "$w"' EXIT
profiles=(two-disks old-hardware needs-driver appendix-b)
per=$(( TOTAL / ${#profiles[@]} ))
seed=${RANDOM_SEED:-$(date +%s)}
echo "random walk: $TOTAL actions over ${#profiles[@]} profiles, first seed $seed"
status=0
for p in "${profiles[@]}"; do
  state=$w/$p; mkdir -p "$state"
  cat > "$w/$p-start.replay" <<R
size 80x25
machine $PWD/Tests/Fixtures/machines/$p.json
args --dry-run
wait "Select Keymap"
R
  HOST_INSTALLER_REPLAY_STATE=$state "$BIN" replay "$w/$p-start.replay" > /dev/null
  # Size, allocated blocks, modification and change times (the images are large and sparse:
  # reading them whole would take minutes; any write changes the times).
  images() { find "$state" -name '*.img' -printf '%p %s %b %T@ %C@\n' | sort; }
  images > "$w/$p.before"
  cat > "$w/$p.replay" <<R
size 80x25
machine $PWD/Tests/Fixtures/machines/$p.json
args --dry-run
env HOST_INSTALLER_CONSOLE_SHELL=/bin/cat
random $per $seed
R
  if ! HOST_INSTALLER_REPLAY_STATE=$state "$BIN" replay "$w/$p.replay"; then
    echo "FAIL: profile $p (seed $seed)"; status=1
  fi
  images > "$w/$p.after"
  if ! diff "$w/$p.before" "$w/$p.after"; then echo "FAIL: profile $p: a disk image changed during the walk"; status=1; fi
  [ -s "$w/$p.before" ] || { echo "FAIL: profile $p made no disk image to watch"; status=1; }
  seed=$((seed + 1))
done
[ "$status" -eq 0 ] && echo "ok   $TOTAL random actions: no crash, no hang, no disk written"
exit "$status"
