#!/usr/bin/env bash
# Power-on to the Xen host's ready line ("XCP-SAMPLE dom0-ready": Xen up, oxenstored and
# xen-init-dom0 run, the management network up, `xl list` shows Domain-0) under qemu TCG:
# the disk host-installer installed (BIOS, gptmbr, extlinux, mboot.c32 loading xen.gz, the
# kernel and the initrd from ext3), against the same xen.gz, kernel, initrd and command lines
# booted directly by qemu (-kernel xen ELF, -initrd "vmlinuz ARGS,initrd": multiboot) with the
# same disk as root, in the same run, alternately. Prints both (median of XEN_BOOT_RUNS,
# default 3), to Xen's banner (BIOS and bootloader) and to the ready line, the difference and the
# ratio. Goal: the installed disk adds at most 2 s. Never fails on timing.
# The disk is on virtio (XEN_BOOT_DISK=virtio, the default), as servers' AHCI, NVMe and SAS
# controllers are: SeaBIOS reads them by DMA. On qemu's emulated IDE SeaBIOS reads extlinux's
# files by PIO, which costs seconds under TCG that no real server pays; one more boot of the
# installed disk on IDE prints that time to Xen's banner apart (XEN_BOOT_DISK=ide: all on IDE).
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/host-installer}")
RUNS=${XEN_BOOT_RUNS:-3}
BUS=${XEN_BOOT_DISK:-virtio}
if [ "$(id -u)" -ne 0 ]; then echo "xen-boot: skipped (needs root for loop devices)"; exit 0; fi
command -v qemu-system-x86_64 >/dev/null || { echo "xen-boot: skipped (no qemu-system-x86_64)"; exit 0; }
work=$(mktemp -d /tmp/bench-xen-boot.XXXXXX)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$work"' EXIT
HOST_INSTALLER=$BIN scripts/build-sample-product "$work/media" >/dev/null 2>&1 || { echo "xen-boot: the sample product could not be built"; exit 0; }
mkdir -p "$work/state"
printf '{"cpu":{"cores":2},"memory_mib":1024,"disks":[{"name":"sda","size":"16G","image":"disks/sda.img"}],"nics":[{"name":"eth0","mac":"52:54:00:12:34:56","link":true}]}\n' > "$work/state/machine.json"
cat > "$work/answerfile.xml" <<XML
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password>bench-pw</root-password>
  <source type="local">$work/media</source>
  <admin-interface name="eth0" proto="static">
    <ip>10.0.2.15</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.0.2.2</gateway>
  </admin-interface>
  <nameserver>10.0.2.3</nameserver>
  <ntp-server>10.0.2.2</ntp-server>
  <hostname>bench-host</hostname>
  <timezone>Europe/London</timezone>
</installation>
XML
HOST_INSTALLER_STATE=$work/state "$BIN" --machine "$work/state/machine.json" --answerfile "$work/answerfile.xml" > "$work/install.out" 2>&1 ||
  { echo "xen-boot: the install failed: $(tail -n 1 "$work/install.out")"; exit 0; }
img=$work/state/disks/sda.img

# The files and command lines of the installed `xe` entry.
start=$(partx -g -o START -n 1 "$img" | tr -d ' ')
debugfs -R "cat /boot/extlinux/extlinux.conf" "$img?offset=$((start * 512))" 2>/dev/null > "$work/extlinux.conf"
append=$(awk '/^LABEL xe$/ {f = 1; next} f && /APPEND/ {sub(/^ *APPEND /, ""); print; exit}' "$work/extlinux.conf")
[ -n "$append" ] || { echo "xen-boot: no xe entry in the installed extlinux.conf"; exit 0; }
xenargs=$(echo "$append" | awk -F' --- ' '{print $1}' | cut -d' ' -f2-)
kline=$(echo "$append" | awk -F' --- ' '{print $2}')
initrd=$(echo "$append" | awk -F' --- ' '{print $3}')
mkdir -p "$work/boot"
tar -C "$work/boot" -xjf "$work/media/packages.main/dom0-root.tar.bz2" ./boot
zcat "$work/boot/boot/xen.gz" > "$work/xen.elf"    # qemu's multiboot loader wants the ELF
kfile=$work/boot${kline%% *}; kargs=${kline#* }

# boot KIND: power-on to Xen's banner and to the ready line, "BANNER READY" in seconds, with the
# machine of tests/boot/boot-disk.sh; KIND disk boots the disk's own MBR and extlinux, KIND
# direct hands qemu the same Xen, kernel, initrd and command lines.
# boot KIND [BUS [banner]]: with "banner", stop at Xen's banner.
boot() {
  local log=$work/$1.log t0 t banner= extra=() bus=${2:-$BUS} upto=${3:-ready}
  [ "$1" = direct ] && extra=(-kernel "$work/xen.elf" -append "$xenargs" -initrd "$kfile $kargs,$work/boot$initrd")
  : > "$log"
  t0=$(date +%s.%N)
  qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64 -smp 2 -m 1024 -no-user-config -nodefaults \
    -display none -monitor none -serial "file:$log" -no-reboot -nic user,model=e1000 -snapshot \
    -drive "file=$img,format=raw,if=$bus" "${extra[@]}" </dev/null >"$work/qemu.out" 2>&1 &
  QPID=$!
  while kill -0 "$QPID" 2>/dev/null; do
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    [ -n "$banner" ] || ! grep -q '^(XEN) Xen version' "$log" || banner=$t
    if [ "$upto" = banner ] && [ -n "$banner" ]; then echo "$banner $banner"; break; fi
    if grep -q '^XCP-SAMPLE dom0-ready' "$log"; then echo "${banner:-$t} $t"; break; fi
    awk -v t="$t" 'BEGIN{exit !(t>240)}' && break
    sleep 0.1
  done
  kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for i in $(seq "$RUNS"); do
  for kind in disk direct; do
    r=$(boot $kind)
    [ -n "$r" ] || { echo "xen-boot: the $kind boot did not reach the ready line:"; tail -n 5 "$work/$kind.log"; exit 0; }
    echo "${r% *}" >> "$work/$kind.banner"; echo "${r#* }" >> "$work/$kind.ready"
  done
done
grep -q 'XCP-SAMPLE hostname=bench-host' "$work/disk.log" || { echo "xen-boot: note: the disk's boot did not report its host name:"; grep -a 'XCP-SAMPLE' "$work/disk.log" | head -n 5; }
ib=
[ "$BUS" = ide ] || { r=$(boot ide ide banner); ib=${r% *}; }
db=$(median < "$work/disk.banner"); dr=$(median < "$work/disk.ready")
qb=$(median < "$work/direct.banner"); qr=$(median < "$work/direct.ready")
awk -v db="$db" -v dr="$dr" -v qb="$qb" -v qr="$qr" -v n="$RUNS" -v bus="$BUS" -v ib="$ib" 'BEGIN {
  printf "xen boot (TCG, 2 vCPUs, 1 GiB, median of %d): power-on to Xen banner: installed disk %.1f s, qemu -kernel %.1f s\n", n, db, qb
  printf "xen boot (disk on %s): power-on to XCP-SAMPLE dom0-ready: installed disk %.1f s, qemu -kernel %.1f s: %+.1f s, ratio %.2fx (goal: at most +2 s)\n", bus, dr, qr, dr-qr, dr/qr
  if (ib != "") printf "xen boot: the installed disk on IDE (SeaBIOS reads it by PIO): power-on to Xen banner %.1f s\n", ib }'
exit 0
