#!/usr/bin/env bash
# The installer CD: its size, and the time from power-on to the Select Keymap screen on the
# serial console (qemu TCG, the "serial" boot entry typed at the isolinux prompt), against a
# baseline CD built the same way (isolinux, the CD's own kernel) whose initrd holds only
# busybox and starts a shell prompt on the serial console. Median of ISO_RUNS (default 3).
# ISO_INSTALL=0 leaves out the last part (the unattended install in the VM and on the host).
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
BDEB=$(ls -1 "$SP"/busybox-static_*.deb | sort -V | tail -n 1)
mkdir -p "$tmp/k" "$tmp/ird/bin" "$tmp/cd/isolinux" "$tmp/cd/boot"
# The installer CD's own kernel (Debian's generic kernel since issue 14).
xorriso -osirrox on -indev "$ISO" -extract /boot/vmlinuz "$tmp/cd/boot/vmlinuz" >/dev/null 2>&1 ||
  { echo "iso: cannot extract the kernel from $ISO"; exit 0; }
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
  echo "iso: a boot did not reach its prompt (installer: $(tr '\n' ' ' <"$tmp/inst"), baseline: $(tr '\n' ' ' <"$tmp/base"))"
else
  mi=$(median <"$tmp/inst"); mb=$(median <"$tmp/base")
  si=$(du -m "$ISO" | cut -f1); sb=$(du -m "$tmp/baseline.iso" | cut -f1)
  awk -v i="$mi" -v b="$mb" -v n="$RUNS" -v si="$si" -v sb="$sb" 'BEGIN {
    printf "installer CD: %d MB (baseline CD %d MB); power-on to Select Keymap on ttyS0 %.1f s, baseline to a shell prompt %.1f s (median of %d, TCG): ratio %.2fx (goal: at most 8 s)\n", si, sb, i, b, n, i/b }'
fi

# UEFI (issue 14: at most 12 s): OVMF on q35, the image as an AHCI CD, GRUB's serial entry
# started at once (iso_remaster), to Select Keymap; the baseline is the same image, GRUB and
# kernel with the busybox-only initrd in place of the installer's.
. tests/integration/lib/iso-boot.sh
if iso_ovmf "$tmp" >/dev/null 2>&1; then
  iso_remaster "$ISO" "$tmp/uefi.iso" serial "" &&
    iso_remaster "$ISO" "$tmp/uefi-base.iso" serial "" "boot/initrd.img=$tmp/cd/boot/initrd.img" || { echo "iso uefi: could not remaster the image"; }
  urun() {  # urun ISO WAIT-TEXT: seconds from power-on to WAIT-TEXT under OVMF
    { echo "size 80x24"; echo "exec $(iso_vm "-machine q35 $(iso_ovmf "$tmp") \
        -drive if=none,id=cd,file=$1,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd,bus=ide.0,bootindex=0 \
        -drive if=none,id=d0,file=$tmp/disk.img,format=raw -device ide-hd,drive=d0,bus=ide.1 -nic user,model=e1000e")"
      echo "wait \"$2\" 180"; } >"$tmp/urun.replay"
    "$BIN" replay "$tmp/urun.replay" --times 2>/dev/null | awk -v w="time to \"$2\"" 'index($0, w) {print $(NF-1); exit}'
  }
  for i in $(seq "$RUNS"); do
    urun "$tmp/uefi.iso" "Select Keymap" >>"$tmp/uinst"
    urun "$tmp/uefi-base.iso" "baseline#" >>"$tmp/ubase"
  done
  if [ "$(grep -c . "$tmp/uinst")" -lt "$RUNS" ] || [ "$(grep -c . "$tmp/ubase")" -lt "$RUNS" ]; then
    echo "iso uefi: a boot did not reach its prompt (installer: $(tr '\n' ' ' <"$tmp/uinst"), baseline: $(tr '\n' ' ' <"$tmp/ubase"))"
  else
    awk -v i="$(median <"$tmp/uinst")" -v b="$(median <"$tmp/ubase")" -v n="$RUNS" 'BEGIN {
      printf "installer CD under UEFI (OVMF, q35, AHCI CD): power-on to Select Keymap on ttyS0 %.1f s, the same image with a busybox-only initrd to a shell prompt %.1f s (median of %d, TCG): ratio %.2fx (goal: at most 12 s)\n", i, b, n, i/b }'
  fi
else
  echo "iso uefi: skipped (no OVMF; package ovmf)"
fi

# The CD's own install (issue 20 item 4): the unattended install of the CD's answerfile
# (answerfiles/local.xml: sda, the CD as the source, so the sample product and its Linux Pack)
# in the VM, kernel and initrd booted directly (no typing at the isolinux prompt). The time is
# the installer's own "Install time:" line on ttyS0 (the guest's clock, from the start of the
# installation after validation to its completion); the host-side time between the "Linux
# Pack:" and "Installation complete" lines on the serial output is printed beside it. The
# baseline: the same binary with the same answerfile and the same repositories (the media
# directory the CD was built from) onto a 20 GiB disk image on this host, its own "Install
# time:" line, median of 3. The sample product is the Xen host product, so this one
# measurement is the Xen product's as well.
[ "${ISO_INSTALL:-1}" = 0 ] && exit 0   # (ISO_INSTALL=0: the boot times only)
itime() { grep -o 'Install time: [0-9.]*' "$@" | tail -n 1 | awk '{print $3}'; }
truncate -s 20G "$tmp/vm-disk.img"
{ echo "size 100x50"
  echo "exec $(iso_qemu_direct "$ISO" "$tmp/vm-disk.img" "$tmp" "answerfile=file:///cdrom/answerfiles/local.xml install atexit=poweroff")"
  echo 'wait "Linux Pack:" 300'; echo 'wait "Install time:" 600'; echo 'wait "Installation complete" 30'
  echo 'screen done'; } >"$tmp/vm-install.replay"
"$BIN" replay "$tmp/vm-install.replay" --times --update >"$tmp/vm-install.out" 2>&1
hstart=$(awk '/time to "Linux Pack:"/ {print $(NF-1)}' "$tmp/vm-install.out")
hend=$(awk '/time to "Installation complete"/ {print $(NF-1)}' "$tmp/vm-install.out")
vm=$(itime "$tmp/vm-install/done.screen" 2>/dev/null)
vmpack=$(grep -o 'Linux Pack: .*' "$tmp/vm-install/done.screen" 2>/dev/null | sed 's/ *$//')
if [ -z "$vm" ] || [ -z "$hstart" ] || [ -z "$hend" ]; then
  echo "iso install: the unattended install in the VM did not complete:"; tail -n 30 "$tmp/vm-install.out"; exit 0
fi
MEDIA=${ISO_CACHE:-$TOP/.cache/iso}/media
xorriso -osirrox on -indev "$ISO" -extract /answerfiles/local.xml "$tmp/cd-local.xml" >/dev/null 2>&1
sed "s|<source type=\"local\"/>|<source type=\"local\">$MEDIA</source>|" "$tmp/cd-local.xml" >"$tmp/local.xml"
for i in 1 2 3; do
  rm -rf "$tmp/state"; mkdir -p "$tmp/state"
  printf '{"cpu":{"cores":2},"memory_mib":2048,"disks":[{"name":"sda","size":"20G","image":"disks/sda.img"}],"nics":[{"name":"eth0","mac":"52:54:00:12:34:56","link":true}]}\n' >"$tmp/state/machine.json"
  HOST_INSTALLER_STATE=$tmp/state "$TOP/.build/release/host-installer" --machine "$tmp/state/machine.json" \
    --answerfile "$tmp/local.xml" >"$tmp/host-install.out" 2>&1
  itime "$tmp/host-install.out" >>"$tmp/host"
done
rm -rf "$tmp/state"
hostpack=$(grep -o 'Linux Pack: .*' "$tmp/host-install.out")
if [ "$(grep -c . "$tmp/host")" -lt 3 ]; then
  echo "iso install: the baseline install on the host failed:"; tail -n 5 "$tmp/host-install.out"; exit 0
fi
[ "$vmpack" = "$hostpack" ] || echo "iso install: note: the two installs differ: VM \"$vmpack\", host \"$hostpack\""
awk -v v="$vm" -v hs="$hstart" -v he="$hend" -v b="$(median <"$tmp/host")" 'BEGIN {
  printf "installer CD install of the sample product (the Xen host product: one product, so this is the Xen product'"'"'s too), start of the installation to Installation complete: %.1f s in the VM by the guest'"'"'s clock (%.1f s host-side between the lines on ttyS0; TCG, 2 vCPUs, 2 GiB), the same binary installing the same repositories onto a disk image on this host %.2f s (median of 3): ratio %.1fx\n", v, he-hs, b, v/b }'
