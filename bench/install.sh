#!/usr/bin/env bash
# A clean install of the sample product into a sparse disk image: host-installer
# (unattended, from the media directory) against a shell baseline doing the same work by
# hand in the same run (tests/boot/make-reference-disk.sh with REF_INSTALL_LAYOUT=1: the
# same 16 GiB disk and partitions (root 4 GiB, backup 4 GiB), ext3, the package's MD5 and
# SHA-256 checked then extracted with tar, the base repository recorded, the configuration
# files, the 512 MiB swap file (dd, mkswap), extlinux and the MBR; see DECISIONS.md). Prints both times (median of INSTALL_RUNS, default 3), the ratio,
# and the installer's peak memory. Needs root (loop devices); prints a note otherwise.
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/host-installer}")
RUNS=${INSTALL_RUNS:-3}
if [ "$(id -u)" -ne 0 ]; then echo "install: skipped (needs root for loop devices)"; exit 0; fi
work=$(mktemp -d /tmp/bench-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
HOST_INSTALLER=$BIN scripts/build-sample-product "$work/media" >/dev/null 2>&1 || { echo "install: the sample product could not be built"; exit 0; }
cat > "$work/answerfile.xml" <<XML
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password>bench-pw</root-password>
  <source type="local">$work/media</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
XML
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
for i in $(seq "$RUNS"); do
  rm -rf "$work/state"; mkdir -p "$work/state"
  printf '{"cpu":{"cores":2},"memory_mib":2048,"disks":[{"name":"sda","size":"16G","image":"disks/sda.img"}],"nics":[{"name":"eth0","mac":"52:54:00:12:34:56","link":true,"dhcp":{"ip":"10.0.2.15","netmask":"255.255.255.0"}}]}\n' > "$work/state/machine.json"
  t0=$(now)
  HOST_INSTALLER_STATE=$work/state python3 -c 'import resource,subprocess,sys; r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)' \
    "$BIN" --machine "$work/state/machine.json" --answerfile "$work/answerfile.xml" > "$work/rss"
  t1=$(now)
  read -r rss rc < "$work/rss"
  [ "$rc" = 0 ] || { echo "install: the installer failed (exit $rc)"; exit 0; }
  echo "$t0 $t1" | awk '{print $2-$1}' >> "$work/inst"; echo "$rss" >> "$work/rssall"
  rm -rf "$work/state"
  t0=$(now); REF_INSTALL_LAYOUT=1 tests/boot/make-reference-disk.sh "$work/ref.img" "$work/media" >/dev/null 2>&1 || { echo "install: the shell baseline failed"; exit 0; }; t1=$(now)
  echo "$t0 $t1" | awk '{print $2-$1}' >> "$work/base"
  rm -f "$work/ref.img"
done
mi=$(median < "$work/inst"); mb=$(median < "$work/base"); rss=$(sort -g "$work/rssall" | tail -n 1)
awk -v i="$mi" -v b="$mb" -v n="$RUNS" -v r="$rss" -v s="$(du -m "$work/media/packages.main/dom0-root.tar.bz2" | cut -f1)" 'BEGIN {
  printf "clean install of the sample product (%d MB): host-installer %.2f s, shell baseline %.2f s (median of %d): ratio %.2fx (goal: 0.6x or less)\n", s, i, b, n, i/b
  printf "installer peak memory: %.1f MiB (goal: under 64 MiB, not growing with the product)\n", r/1024 }'
