#!/usr/bin/env bash
# Installing packages from HTTP on loopback: host-installer (`install-packages`: download,
# MD5/SHA-256 while reading, extract into a staging directory, move into place) against a
# shell baseline doing the same by hand in the same run: `curl URL | md5sum` for each
# package, then `tar -xf` of the same package into a directory. Both read from the same test
# HTTP server (Tests/Fixtures/servers/testhttpd.py on 127.0.0.1) and write to the same
# filesystem. Two repositories: the sample product (one bzip2 package, 15 MB) and a
# synthetic one (4 zstd packages of incompressible files, HTTP_BENCH_MB in all, default 256),
# where decompression costs little and the transfer, hashing and file writes dominate.
# Prints the times (median of HTTP_BENCH_RUNS, default 5) and the ratio. Never fails on timing.
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/host-installer}")
RUNS=${HTTP_BENCH_RUNS:-5}
MB=${HTTP_BENCH_MB:-256}
work=$(mktemp -d /tmp/bench-http.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for t in curl md5sum tar zstd python3; do command -v "$t" >/dev/null || { echo "http install: skipped ($t missing)"; exit 0; }; done

# The sample product, and the synthetic repository.
HOST_INSTALLER=$BIN scripts/build-sample-product "$work/www/sample" >/dev/null 2>&1 || { echo "http install: the sample product could not be built"; exit 0; }
mkdir -p "$work/www/synthetic/packages.main"
for p in 1 2 3 4; do
  d="$work/gen/pkg$p"; mkdir -p "$d"
  for f in $(seq 1 $(( MB / 4 ))); do head -c 1048576 /dev/urandom > "$d/file$f.bin"; done
  tar -C "$d" -cf - . | zstd -q -1 -T1 -o "$work/www/synthetic/packages.main/pkg$p.tar.zst"
done
rm -rf "$work/gen"
"$BIN" make-repo "$work/www/synthetic/packages.main" --originator xs --name main --product XCP --version 0.1.0 --build 1 --description "HTTP bench" >/dev/null \
  || { echo "http install: make-repo failed"; exit 0; }

python3 Tests/Fixtures/servers/testhttpd.py "$work/www" > "$work/port" &
server=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/ {print $2}' "$work/port")
[ -n "$port" ] || { echo "http install: the HTTP server did not start"; exit 0; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
for repo in sample synthetic; do
  url="http://127.0.0.1:$port/pool/$repo"
  pkgs=$(cd "$work/www/$repo/packages.main" && ls | grep -v '^XS-')
  size=$(cd "$work/www/$repo/packages.main" && du -cm $pkgs | tail -n 1 | cut -f1)
  : > "$work/inst"; : > "$work/base"
  for i in $(seq "$RUNS"); do
    rm -rf "$work/dest"; mkdir "$work/dest"; sync
    t0=$(now)
    "$BIN" install-packages "$url" "$work/dest" > "$work/inst.out" 2>&1 || { cat "$work/inst.out"; echo "http install: the installer failed"; exit 0; }
    sync; t1=$(now)
    echo "$t0 $t1" | awk '{print $2-$1}' >> "$work/inst"
    rm -rf "$work/dest"; mkdir "$work/dest"; sync
    t0=$(now)
    for p in $pkgs; do
      sum=$(curl -sf "$url/packages.main/$p" | md5sum | cut -d' ' -f1)
      grep -q "$sum" "$work/www/$repo/packages.main/XS-PACKAGES" || { echo "http install: baseline md5 mismatch for $p"; exit 0; }
      tar -xf "$work/www/$repo/packages.main/$p" -C "$work/dest"
    done
    sync; t1=$(now)
    echo "$t0 $t1" | awk '{print $2-$1}' >> "$work/base"
  done
  mi=$(median < "$work/inst"); mb=$(median < "$work/base")
  awk -v r="$repo" -v s="$size" -v i="$mi" -v b="$mb" -v n="$RUNS" 'BEGIN {
    printf "HTTP install (%s, %d MB of packages): host-installer %.2f s, curl|md5sum + tar -x %.2f s (median of %d): ratio %.2fx (goal: no slower)\n", r, s, i, b, n, i/b }'
done
rm -rf "$work/dest"
