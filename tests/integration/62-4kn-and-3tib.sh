#!/usr/bin/env bash
# The disk formats of today's servers (issue 19 item 3), installed unattended from the sample
# product onto machine-profile disks, then booted in qemu:
# - a 3 TiB sparse disk: GPT, root, backup and ESP at the start, VM storage to the last MiB
#   (past 2 TiB, where an MBR label cannot reach); booted with BIOS (IDE disk, extlinux);
# - a 4Kn disk: on this host a loop device with 4096-byte logical sectors (losetup
#   --sector-size 4096) over a sparse image, named in the profile; the GPT in 4 KiB sectors
#   1 MiB aligned, ext3 with 4 KiB blocks, the ESP FAT16 with 4096-byte sectors (FAT32 cannot
#   fit 64 MiB of 4 KiB sectors); booted under UEFI (OVMF) from a virtio disk with
#   logical_block_size=physical_block_size=4096.
# The loop device is detached by name when the test ends, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
. tests/integration/lib/images.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices)"
for t in sfdisk dumpe2fs qemu-system-x86_64 mdir; do command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"; done
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "OVMF is missing (package ovmf; scripts/install-deps)"
[ -x "$BIN" ] || { echo "FAIL: no $BIN (make build)"; exit 1; }
W=$(mktemp -d /tmp/big-disks.XXXXXX)
L4=
cleanup() {
  set +e
  release_images "$W"/*/disks/*.img
  if [ -n "$L4" ]; then
    for m in $(awk -v d="$L4" '$1==d {print $2}' /proc/mounts); do umount "$m"; done
    [ "$(cat "/sys/block/${L4#/dev/}/loop/backing_file" 2>/dev/null)" = "$W/4kn/disks/vda.img" ] && losetup -d "$L4"
  fi
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }

HOST_INSTALLER=$BIN timeout 600 scripts/build-sample-product "$W/media" >"$W/media.out" 2>&1 && [ -d "$W/media/packages.main" ] ||
  fail "scripts/build-sample-product: $(tail -n 3 "$W/media.out")"

# install NAME DISK-JSON HOSTNAME: an unattended install onto the profile's one disk.
install() {
  local s=$W/$1
  mkdir -p "$s/disks"
  cat >"$s/machine.json" <<JSON
{ "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true }, "memory_mib": 2048,
  "disks": [ $2 ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true,
              "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2", "dns": ["10.0.2.3"] } } ] }
JSON
  cat >"$s/a.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk size="largest"/>
  <keymap>us</keymap>
  <root-password type="plaintext">big-disks-pw</root-password>
  <source type="local">$W/media</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>$3</hostname>
  <timezone>Europe/London</timezone>
</installation>
XML
  HOST_INSTALLER_STATE=$s "$BIN" --machine "$s/machine.json" --answerfile "$s/a.xml" >"$s/out" 2>&1 || { tail -n 20 "$s/out"; fail "$1: the install failed"; }
  tail -n 1 "$s/out"
}

# 1. 3 TiB.
install 3t '{ "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "serial": "BIG3T", "size": "3T", "image": "disks/sda.img" }' big-3t
A=$W/3t/disks/sda.img
release_images "$A"
sfdisk -d "$A" >"$W/3t.sfdisk"
grep -q '^label: gpt' "$W/3t.sfdisk" || fail "3 TiB: no GPT: $(cat "$W/3t.sfdisk")"
read -r start size < <(sed -n 's/^.*sda\.img3 : start= *\([0-9]*\), size= *\([0-9]*\), type=E6D6D379.*/\1 \2/p' "$W/3t.sfdisk")
total=$(( 3 * 1024 * 1024 * 1024 * 2 ))   # sectors of 512 bytes
end=$(( start + size ))
[ "$end" -gt $(( 2 * 1024 * 1024 * 1024 * 2 )) ] && [ $(( total - end )) -lt 4096 ] && [ $(( end % 2048 )) = 0 ] ||
  fail "3 TiB: storage partition $start+$size does not reach the last MiB (disk $total sectors)"
ok "3 TiB: GPT, storage partition 3 ends at sector $end of $total (past 2 TiB, 1 MiB aligned)"
env BOOT_DISK_SNAPSHOT=1 tests/boot/boot-disk.sh "$A" 300 \
  "XCP-SAMPLE hostname=big-3t" "XCP-SAMPLE timezone=Europe/London" "XCP-SAMPLE ip=dhcp" >"$W/3t.boot" 2>&1 ||
  { tail -n 30 "$W/3t.boot"; fail "3 TiB: BIOS boot"; }
tail -n 1 "$W/3t.boot"
ok "3 TiB: booted with BIOS (extlinux) to the control domain"

# 2. 4Kn: the profile's disk is a loop device with 4096-byte sectors over a sparse image.
mkdir -p "$W/4kn/disks"; truncate -s 20G "$W/4kn/disks/vda.img"
L4=$(losetup --find --show --sector-size 4096 "$W/4kn/disks/vda.img")
[ "$(cat "/sys/block/${L4#/dev/}/queue/logical_block_size")" = 4096 ] || fail "losetup --sector-size 4096 did not take"
install 4kn "{ \"name\": \"vda\", \"vendor\": \"0x1af4\", \"serial\": \"K4N\", \"size\": \"20G\", \"image\": \"$L4\" }" host-4kn
sfdisk -d "$L4" >"$W/4kn.sfdisk"
losetup -d "$L4"; L4=
grep -q '^sector-size: 4096' "$W/4kn.sfdisk" && grep -Eq 'p1 : start= *256, size= *1048576, .*name="root"' "$W/4kn.sfdisk" &&
  grep -Eq 'p4 : start= *[0-9]+, size= *16384, type=C12A7328' "$W/4kn.sfdisk" || fail "4Kn: partition table: $(cat "$W/4kn.sfdisk")"
for s in $(sed -n 's/^.*: start= *\([0-9]*\),.*/\1/p' "$W/4kn.sfdisk"); do [ $(( s % 256 )) = 0 ] || fail "4Kn: partition at sector $s is not 1 MiB aligned"; done
B=$W/4kn/disks/vda.img
dumpe2fs -h "$B?offset=$(( 256 * 4096 ))" 2>/dev/null | grep -q '^Block size: *4096' || fail "4Kn: root's block size is not 4096"
esp=$(sed -n 's/^.*p4 : start= *\([0-9]*\),.*/\1/p' "$W/4kn.sfdisk")
dd if="$B" bs=4096 skip="$esp" count=1 2>/dev/null | file - | grep -q 'Bytes/sector 4096.*FAT (16 bit)' || fail "4Kn: ESP: $(dd if="$B" bs=4096 skip="$esp" count=1 2>/dev/null | file -)"
MTOOLS_SKIP_CHECK=1 mdir -i "$B@@$(( esp * 4096 ))" ::/EFI/BOOT | grep -q 'BOOTX64  EFI' || fail "4Kn: no GRUB on the ESP"
ok "4Kn: GPT in 4096-byte sectors, every partition 1 MiB aligned, ext3 with 4 KiB blocks, ESP FAT16 with 4096-byte sectors holding GRUB"
env BOOT_DISK_SNAPSHOT=1 BOOT_DISK_FIRMWARE=uefi BOOT_DISK_BLOCK_SIZE=4096 BOOT_DISK_LOG="$W/4kn.serial" \
  tests/boot/boot-disk.sh "$B" 300 \
  "XCP-SAMPLE hostname=host-4kn" "XCP-SAMPLE timezone=Europe/London" "XCP-SAMPLE ip=dhcp" >"$W/4kn.boot" 2>&1 || { tail -n 30 "$W/4kn.boot"; fail "4Kn: UEFI boot"; }
tail -n 1 "$W/4kn.boot"
tr -d '\r' <"$W/4kn.serial" | grep -q '^SYSLINUX' && fail "4Kn: SYSLINUX ran: not a UEFI boot"
ok "4Kn: booted under UEFI (OVMF, virtio disk with 4096-byte sectors, GRUB from the ESP) to the control domain"
