#!/usr/bin/env bash
# Crash safety of the upgrade (issue 7): an upgrade 0.1.0 -> 0.1.1 is killed (SIGKILL) at
# step boundaries (HOST_INSTALLER_FAIL_AFTER), inside the backup copy
# (HOST_INSTALLER_FAIL_AT_BYTE) and at timed points inside the reinstall. After each kill
# the installer's own detection (a dry run of a restore / reinstall answerfile) must find a
# valid backup or the untouched old installation; restoring the backup must give a root
# whose file tree (paths, types, modes, owners, sizes, links, contents) is identical to
# the original. UPGRADE_KILL_POINTS=all (make soak) runs every kill point; the default is a
# bounded subset for make test.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/upgrade-crash.XXXXXX)
. tests/integration/lib/upgrade.sh
trap 'upg_release "$work"; rm -rf "$work"' EXIT

upg_products "$work"
upg_machine "$work"
M=$work/state/machine.json
img=$work/state/disks/sda.img
upg_fresh_answerfile "$work" "$work/m010" > "$work/fresh.xml"
"$BIN" --machine "$M" --answerfile "$work/fresh.xml" | tail -n 1 | grep -q '^Installation complete'
upg_manifest "$img" 1 > "$work/orig.manifest"
cp --sparse=always "$img" "$work/golden.img"
printf '<?xml version="1.0"?>\n<installation mode="reinstall"><existing-installation>sda</existing-installation><source type="local">%s</source></installation>\n' "$work/m011" > "$work/upgrade.xml"
printf '<?xml version="1.0"?>\n<installation mode="restore"><backup-disk>sda</backup-disk></installation>\n' > "$work/restore.xml"

# A full upgrade once, timed, for the timed kill points.
t0=$(date +%s.%N)
"$BIN" --machine "$M" --answerfile "$work/upgrade.xml" > "$work/full.out"
full=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
echo "full upgrade: $full s; $(grep -o 'backup: [0-9]* entries.*' "$work/state/install-log" | tail -n 1)"

steps="preserve backup check filesystems mount packages configure bootloader finish"
bytes="1 1048576 52428800 314572800 524288000"   # the sample root holds about 530 MiB of data
fractions="0.35 0.5 0.65 0.8 0.95"
if [ "${UPGRADE_KILL_POINTS:-quick}" != all ]; then
  steps="backup filesystems configure"; bytes="52428800"; fractions="0.6"
fi
points=()
for s in $steps; do points+=("after:$s"); done
for b in $bytes; do points+=("byte:$b"); done
for f in $fractions; do points+=("time:$f"); done

tried=0; lost=0; restored=0; untouched=0
for p in "${points[@]}"; do
  cp --sparse=always "$work/golden.img" "$img"
  kind=${p%%:*}; val=${p#*:}
  set +e
  case $kind in
    after) HOST_INSTALLER_FAIL_AFTER=$val "$BIN" --machine "$M" --answerfile "$work/upgrade.xml" > "$work/run.out" 2>&1 ;;
    byte) HOST_INSTALLER_FAIL_AT_BYTE=$val "$BIN" --machine "$M" --answerfile "$work/upgrade.xml" > "$work/run.out" 2>&1 ;;
    time) timeout -s KILL "$(awk -v f="$val" -v t="$full" 'BEGIN{printf "%.1f", f*t}')" "$BIN" --machine "$M" --answerfile "$work/upgrade.xml" > "$work/run.out" 2>&1 ;;
  esac
  rc=$?
  set -e
  upg_release "$work"
  tried=$((tried+1))
  what=""
  if "$BIN" --machine "$M" --answerfile "$work/restore.xml" --dry-run > /dev/null 2>&1; then
    if "$BIN" --machine "$M" --answerfile "$work/restore.xml" > "$work/restore.out" 2>&1 \
       && upg_manifest "$img" 1 > "$work/now.manifest" && cmp -s "$work/orig.manifest" "$work/now.manifest"; then
      what="valid backup, restored root identical"; restored=$((restored+1))
    else
      what="LOST: backup found but the restore did not give the original tree"; lost=$((lost+1))
      tail -n 3 "$work/restore.out"; diff "$work/orig.manifest" "$work/now.manifest" | head -n 10 || true
    fi
  elif "$BIN" --machine "$M" --answerfile "$work/upgrade.xml" --dry-run > /dev/null 2>&1 \
       && upg_manifest "$img" 1 > "$work/now.manifest" && cmp -s "$work/orig.manifest" "$work/now.manifest"; then
    what="no backup yet, old installation untouched"; untouched=$((untouched+1))
  else
    what="LOST: neither a valid backup nor the untouched old installation"; lost=$((lost+1))
  fi
  upg_release "$work"
  printf 'kill point %-16s exit %3s: %s\n' "$p" "$rc" "$what"
done
echo "kill points tried: $tried; restored from backup: $restored; old installation untouched: $untouched; lost data: $lost"
[ "$lost" -eq 0 ] && echo "none lost data"
[ "$lost" -eq 0 ]
