#!/usr/bin/env bash
# Flat memory (issue 20 item 3): unattended clean installs of a product and of the same
# product ten times larger (Tests/Fixtures/media/sample plus two zstd packages of
# incompressible data: one single file of half the payload, and 1 MiB files), onto sparse
# image disks (loop devices; no boot), from the media directory and from HTTP on loopback
# (testhttpd.py, stopped by PID). Fails when the installer's peak resident memory (its own,
# from the last line of its install log, and the largest of it and its commands, from
# getrusage) exceeds 64 MiB, or when the larger product's exceeds the smaller's by more than
# 16 MiB. Also checks that the single large file arrived intact from HTTP (debugfs, md5sum).
# A memory bound, not a timing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
for t in zstd debugfs python3; do command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"; done
[ -x "$BIN" ] || { echo "FAIL: no $BIN (make build)"; exit 1; }
. tests/integration/lib/machine.sh
. tests/integration/lib/images.sh
SMALL_MB=${FLAT_MEMORY_SMALL_MB:-16}
LIMIT_MIB=64
MARGIN_MIB=16
W=$(mktemp -d /tmp/flat-memory.XXXXXX)
HPID=
cleanup() {
  [ -z "$HPID" ] || { kill -TERM "$HPID" 2>/dev/null || true; wait "$HPID" 2>/dev/null || true; }
  release_images "$W"/state-*/disks/*.img
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# product NAME MB: the fixture product with MB MiB more of packages.
product() {
  local d=$W/www/$1 half=$(( $2 / 2 )) g=$W/gen
  mkdir -p "$d"
  cp -r Tests/Fixtures/media/sample/. "$d/"
  mkdir -p "$g/1/opt/blob" "$g/2/opt/files"
  head -c "${half}M" /dev/urandom > "$g/1/opt/blob/blob"
  for f in $(seq "$half"); do head -c 1M /dev/urandom > "$g/2/opt/files/f$f"; done
  md5sum < "$g/1/opt/blob/blob" | cut -d' ' -f1 > "$W/$1.blob.md5"
  for p in 1 2; do
    tar -C "$g/$p" --numeric-owner --owner=0 --group=0 -cf - . | zstd -q -1 -T1 -o "$d/packages.main/payload-$p.tar.zst"
  done
  rm -rf "$g"
  "$BIN" make-repo "$d/packages.main" >/dev/null || fail "make-repo $d/packages.main"
}
product small "$SMALL_MB"
product big $(( SMALL_MB * 10 ))

/usr/bin/python3 Tests/Fixtures/servers/testhttpd.py "$W/www" >"$W/http.out" 2>"$W/http.err" & HPID=$!
for _ in $(seq 100); do grep -q '^PORT' "$W/http.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/^PORT/{print $2}' "$W/http.out")
[ -n "$PORT" ] || { cat "$W/http.err"; fail "the HTTP server did not start"; }

# install NAME SOURCE-ELEMENT: sets OWN and TREE (KiB), leaves the disk in $W/state-NAME.
install() {
  local st=$W/state-$1 rc
  vm_machine "$st"
  cat >"$st/answerfile.xml" <<EOF
<?xml version="1.0"?>
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">flat-memory-pw</root-password>
  $2
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
EOF
  read -r TREE rc < <(HOST_INSTALLER_STATE=$st OUT=$st/out /usr/bin/python3 -c 'import os, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=open(os.environ["OUT"], "w"), stderr=subprocess.STDOUT)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)' "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml")
  release_images "$st"/disks/*.img
  [ "$rc" = 0 ] || { tail -n 20 "$st/out"; fail "$1: the install failed (exit $rc)"; }
  OWN=$(sed -n 's/.*installation complete: peak memory \([0-9.]*\) MiB.*/\1/p' "$st/install-log" | awk '{printf "%d", $1 * 1024}')
  [ -n "$OWN" ] || fail "$1: no 'installation complete: peak memory' line in the install log"
}
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
for src in dir http; do
  for size in small big; do
    case $src in
      dir) install "$size-$src" "<source type=\"local\">$W/www/$size</source>" ;;
      http) install "$size-$src" "<source type=\"url\">http://127.0.0.1:$PORT/pool/$size/</source>" ;;
    esac
    mb=$(du -cm "$W"/www/$size/packages.main/* | tail -n 1 | cut -f1)
    echo "$size product ($mb MB) from $src: peak memory $(mib "$OWN") MiB (with its commands $(mib "$TREE") MiB)"
    for k in "$OWN" "$TREE"; do
      [ "$k" -le $(( LIMIT_MIB * 1024 )) ] || fail "$size product from $src: $(mib "$k") MiB is over $LIMIT_MIB MiB"
    done
    eval "own_$size=$OWN tree_$size=$TREE"
    [ "$size-$src" = big-http ] || rm -rf "$W/state-$size-$src"
  done
  [ $(( own_big - own_small )) -le $(( MARGIN_MIB * 1024 )) ] && [ $(( tree_big - tree_small )) -le $(( MARGIN_MIB * 1024 )) ] ||
    fail "from $src, memory grew with the product: $(mib "$own_small") -> $(mib "$own_big") MiB (with commands $(mib "$tree_small") -> $(mib "$tree_big")), more than $MARGIN_MIB MiB"
  echo "ok   from $src: flat ($(mib $(( own_big - own_small ))) MiB more for ten times the product; limits $LIMIT_MIB MiB, +$MARGIN_MIB MiB)"
done

img=$W/state-big-http/disks/sda.img
offset=$(( $(sfdisk -J "$img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
got=$(debugfs -R "cat /opt/blob/blob" "$img?offset=$offset" 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$(cat "$W/big.blob.md5")" ] || fail "the $(( SMALL_MB * 5 )) MiB file installed from HTTP differs from the package's (md5 $got)"
echo "ok   the $(( SMALL_MB * 5 )) MiB file installed from HTTP is intact"
