#!/usr/bin/env bash
# The installer CD: its size, and the time from power-on to the Select Keymap screen on the
# serial console (qemu TCG, the "serial" boot entry typed at the isolinux prompt), against a
# baseline CD built the same way (isolinux, the same Debian kernel) whose initrd holds only
# busybox and starts a shell prompt on the serial console. Median of ISO_RUNS (default 3).
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
command -v qemu-system-x86_64 >/dev/null || { echo "iso: skipped (no qemu-system-x86_64)"; exit 0; }
RUNS=${ISO_RUNS:-3}
ISO=$(iso_build "$TOP") || { echo "iso: could not build the installer CD"; exit 0; }
BIN=$(iso_replay_bin "$TOP")
tmp=$(mktemp -d /tmp/bench-iso.XXXXXX); trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The baseline CD: same isolinux and kernel, a busybox-only initrd.
SP=$TOP/.cache/sample-product/debs
KDEB=$(ls -1 "$SP"/linux-image-[0-9]*-cloud-amd64_*.deb | sort -V | tail -n 1)
BDEB=$(ls -1 "$SP"/busybox-static_*.deb | sort -V | tail -n 1)
mkdir -p "$tmp/k" "$tmp/ird/bin" "$tmp/cd/isolinux" "$tmp/cd/boot"
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$tmp/k" --wildcards './boot/vmlinuz-*'
cp "$tmp"/k/boot/vmlinuz-* "$tmp/cd/boot/vmlinuz"
dpkg-deb --fsys-tarfile "$BDEB" | tar -x -C "$tmp/ird" ./bin/busybox
mkdir -p "$tmp"/ird/{proc,sys,dev}
cat >"$tmp/ird/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t devtmpfs dev /dev
export PS1='baseline# '
exec setsid -c sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
INIT
chmod 755 "$tmp/ird/init"
(cd "$tmp/ird" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -6n >"$tmp/cd/boot/initrd.img"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tmp/cd/isolinux/"
printf 'SERIAL 0 115200\nPROMPT 1\nTIMEOUT 50\nDEFAULT serial\nLABEL serial\n  KERNEL /boot/vmlinuz\n  APPEND initrd=/boot/initrd.img quiet console=tty0 console=ttyS0,115200\n' >"$tmp/cd/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -R -J -V BASELINE -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
  -boot-load-size 4 -boot-info-table -o "$tmp/baseline.iso" "$tmp/cd" 2>/dev/null

truncate -s 20G "$tmp/disk.img"
run() {  # run ISO WAIT-TEXT: seconds from power-on to WAIT-TEXT
  { echo "size 80x24"; echo "exec $(iso_qemu "$1" "$tmp/disk.img")"
    echo 'wait "boot:" 30'; echo 'type "serial"'; echo 'key Enter'; echo "wait \"$2\" 120"; } >"$tmp/run.replay"
  "$BIN" replay "$tmp/run.replay" --times 2>/dev/null | awk -v w="time to \"$2\"" 'index($0, w) {print $NF == "s" ? $(NF-1) : $NF; exit}'
}
for i in $(seq "$RUNS"); do
  run "$ISO" "Select Keymap" >>"$tmp/inst"
  run "$tmp/baseline.iso" "baseline#" >>"$tmp/base"
done
if [ "$(grep -c . "$tmp/inst")" -lt "$RUNS" ] || [ "$(grep -c . "$tmp/base")" -lt "$RUNS" ]; then
  echo "iso: a boot did not reach its prompt (installer: $(tr '\n' ' ' <"$tmp/inst"), baseline: $(tr '\n' ' ' <"$tmp/base"))"; exit 0
fi
mi=$(median <"$tmp/inst"); mb=$(median <"$tmp/base")
si=$(du -m "$ISO" | cut -f1); sb=$(du -m "$tmp/baseline.iso" | cut -f1)
awk -v i="$mi" -v b="$mb" -v n="$RUNS" -v si="$si" -v sb="$sb" 'BEGIN {
  printf "installer CD: %d MB (baseline CD %d MB); power-on to Select Keymap on ttyS0 %.1f s, baseline to a shell prompt %.1f s (median of %d, TCG): ratio %.2fx\n", si, sb, i, b, n, i/b }'
