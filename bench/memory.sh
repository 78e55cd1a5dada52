#!/usr/bin/env bash
# Peak memory of a clean install (issue 20 item 3): the sample product, and the same product
# ten times larger (its base repository with three more packages of incompressible data,
# zstd: one 1/3 of the payload in a single file, two of 1 MiB files), each installed by
# host-installer unattended into a sparse 16 GiB image, from the media directory and from
# HTTP on loopback (Tests/Fixtures/servers/testhttpd.py), beside the shell baseline doing
# the same work from the directory (tests/boot/make-reference-disk.sh REF_INSTALL_LAYOUT=1:
# md5sum, sha256sum and tar -x of every package, mke2fs, dd, mkswap, extlinux).
# The installer's figure is its own peak resident set (getrusage, the last line of its
# install log); the baseline's is its largest process (tar, bzip2, zstd, mke2fs...).
# Goal: under 64 MiB for both sizes, not growing with the product. Needs root (loop devices);
# prints a note otherwise. Never fails on the numbers (tests/integration/21-flat-memory.sh does).
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/host-installer}")
if [ "$(id -u)" -ne 0 ]; then echo "memory: skipped (needs root for loop devices)"; exit 0; fi
for t in zstd python3 curl; do command -v "$t" >/dev/null || { echo "memory: skipped ($t missing)"; exit 0; }; done
work=$(mktemp -d /tmp/bench-memory.XXXXXX)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
. tests/integration/lib/images.sh

HOST_INSTALLER=$BIN scripts/build-sample-product "$work/www/small" >/dev/null 2>&1 || { echo "memory: the sample product could not be built"; exit 0; }
cp -a "$work/www/small" "$work/www/big"
base=$(du -cb "$work"/www/small/packages.main/*.tar.* | tail -n 1 | cut -f1)
payload=$(( base * 9 / 1048576 ))   # MiB: the big repository is ten times the sample's
one=$(( payload / 3 ))
mkdir -p "$work/gen/1/opt/payload-1" "$work/gen/2/opt/payload-2" "$work/gen/3/opt/payload-3"
head -c "${one}M" /dev/urandom > "$work/gen/1/opt/payload-1/blob"
for p in 2 3; do for f in $(seq "$one"); do head -c 1M /dev/urandom > "$work/gen/$p/opt/payload-$p/f$f"; done; done
for p in 1 2 3; do
  tar -C "$work/gen/$p" --numeric-owner --owner=0 --group=0 -cf - . | zstd -q -1 -T1 -o "$work/www/big/packages.main/payload-$p.tar.zst"
done
rm -rf "$work/gen"
"$BIN" make-repo "$work/www/big/packages.main" >/dev/null || { echo "memory: make-repo failed"; exit 0; }

python3 Tests/Fixtures/servers/testhttpd.py "$work/www" > "$work/port" 2>/dev/null &
server=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/ {print $2}' "$work/port")
[ -n "$port" ] || { echo "memory: the HTTP server did not start"; exit 0; }

# maxrss CMD...: runs CMD (output to $work/cmd.out) and prints the largest resident set of it
# and its descendants in KiB, then its exit status.
maxrss() {
  OUT=$work/cmd.out python3 -c 'import os, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=open(os.environ["OUT"], "w"), stderr=subprocess.STDOUT)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)' "$@"
}
# install NAME SOURCE: prints the installer's own peak (KiB, from its install log).
install() {
  local st=$work/state-$1
  rm -rf "$st"; mkdir -p "$st"
  printf '{"cpu":{"cores":2},"memory_mib":2048,"disks":[{"name":"sda","size":"16G","image":"disks/sda.img"}],"nics":[{"name":"eth0","mac":"52:54:00:12:34:56","link":true,"dhcp":{"ip":"10.0.2.15","netmask":"255.255.255.0"}}]}\n' > "$st/machine.json"
  cat > "$st/answerfile.xml" <<XML
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password>bench-pw</root-password>
  $2
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
XML
  read -r _ rc < <(HOST_INSTALLER_STATE=$st maxrss "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml")
  release_images "$st"/disks/*.img
  [ "$rc" = 0 ] || { echo "memory: the installer failed ($1, exit $rc): $(tail -n 3 "$work/cmd.out")" >&2; echo 0; rm -rf "$st"; return; }
  sed -n 's/.*installation complete: peak memory \([0-9.]*\) MiB.*/\1/p' "$st/install-log" | awk '{printf "%d\n", $1 * 1024}'
  rm -rf "$st"
}
for size in small big; do
  mb=$(du -cm "$work"/www/$size/packages.main/*.tar.* | tail -n 1 | cut -f1)
  dir=$(install "$size-dir" "<source type=\"local\">$work/www/$size</source>")
  http=$(install "$size-http" "<source type=\"url\">http://127.0.0.1:$port/pool/$size/</source>")
  read -r ref rc < <(REF_INSTALL_LAYOUT=1 maxrss tests/boot/make-reference-disk.sh "$work/ref.img" "$work/www/$size")
  rm -f "$work/ref.img"
  [ "$rc" = 0 ] || { echo "memory: the shell baseline failed ($size): $(tail -n 3 "$work/cmd.out")"; ref=0; }
  echo "$size $mb ${dir:-0} ${http:-0} $ref" >> "$work/results"
done
awk '{n[NR]=$1; mb[NR]=$2; d[NR]=$3/1024; h[NR]=$4/1024; r[NR]=$5/1024}
  END {
    printf "peak memory, clean install of the sample product (%d MB of packages): host-installer %.1f MiB (from HTTP %.1f MiB), shell baseline %.1f MiB (its largest process)\n", mb[1], d[1], h[1], r[1]
    printf "peak memory, a product ten times larger (%d MB): host-installer %.1f MiB (from HTTP %.1f MiB), shell baseline %.1f MiB: the installer grew %+.1f MiB (%+.1f from HTTP) (goal: under 64 MiB, flat)\n", mb[2], d[2], h[2], r[2], d[2]-d[1], h[2]-h[1]
  }' "$work/results"
