#!/usr/bin/env bash
# Issue 14 item 4: an installed disk that boots under both firmware. The sample product is
# installed into a sparse image as 20-clean-install.sh does (through the root-gated Swift
# integration test); the GPT then holds an EFI system partition numbered 4 (FAT, read here with
# mtools, no mount) with GRUB at the removable-media path /EFI/BOOT/BOOTX64.EFI and a grub.cfg
# carrying the extlinux entries. The disk is booted with OVMF and an empty variable store (the
# firmware finds GRUB by the removable-media rule) and must reach Xen and the control domain;
# 20-clean-install.sh boots the same kind of disk with BIOS (extlinux).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
. tests/integration/lib/images.sh
export PATH=/opt/swift/usr/bin:$PATH
if [ "$(id -u)" -ne 0 ]; then skip "58-uefi-installed-disk needs root (loop devices)"; fi
for t in mdir mtype sfdisk qemu-system-x86_64 grub-mkstandalone mkfs.fat; do
  command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"
done
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "OVMF is missing (package ovmf; scripts/install-deps)"

W=$(mktemp -d /tmp/hi-it58.XXXXXX)
cleanup() { set +e; release_images "$W"/*/*.img; if [ -n "${KEEP_W:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }
TESTS=.build/debug/host-installerPackageTests.xctest
[ -x "$TESTS" ] || fail "build the tests first (swift build --build-tests)"

timeout 600 scripts/build-sample-product "$W/media" > "$W/media.out" 2>&1 && [ -d "$W/media/packages.main" ] \
  || fail "scripts/build-sample-product: $(tail -n 3 "$W/media.out")"
mkdir -p "$W/d"
start=$(date +%s.%N)
HOST_INSTALLER_IT_MEDIA="$W/media" HOST_INSTALLER_KEEP_IMAGES="$W/d" \
  timeout 300 "$TESTS" --testing-library swift-testing --filter installsTheGivenProduct > "$W/d.out" 2>&1 \
  || { cat "$W/d.out"; fail "installing the sample media"; }
echo "     $(grep -o 'installed .* in [0-9.]* s' "$W/d.out")"
[ -z "$(losetup -a | grep -F "$W")" ] || fail "loop devices left"
A=$W/d/sda.img

# The partition table, read with sfdisk: partition 4 is the ESP, 64 MiB right after the backup.
sfdisk -d "$A" > "$W/sfdisk"
grep -Eq 'sda\.img4 : start= *16779264, size= *131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=[-0-9A-F]+, name="esp"$' "$W/sfdisk" \
  || fail "no ESP as partition 4: $(cat "$W/sfdisk")"
grep -Eq 'sda\.img1 : start= *2048, size= *8388608, .*name="root", attrs="LegacyBIOSBootable"' "$W/sfdisk" || fail "partition 1: $(cat "$W/sfdisk")"
ok "sfdisk: partition 4 is an EFI system partition of 64 MiB at sector 16779264; root still 1 and legacy-bootable"

# Its contents, with mtools (no mount).
E="$A@@$((16779264 * 512))"
export MTOOLS_SKIP_CHECK=1
mdir -i "$E" ::/EFI/BOOT > "$W/mdir" 2>&1 || fail "mdir: $(cat "$W/mdir")"
grep -q 'BOOTX64  EFI' "$W/mdir" || fail "no BOOTX64.EFI: $(cat "$W/mdir")"
mtype -i "$E" ::/EFI/BOOT/grub.cfg > "$W/grub.cfg" || fail "no grub.cfg"
label=$(sed -n 's/^search --no-floppy --label --set=root \(root-[a-z]\{8\}\)$/\1/p' "$W/grub.cfg")
[ -n "$label" ] || fail "grub.cfg finds no root label: $(cat "$W/grub.cfg")"
[ "$(grep -c '^menuentry ' "$W/grub.cfg")" = 3 ] && grep -q "^menuentry 'xe' --id xe {" "$W/grub.cfg" \
  && grep -q "^menuentry 'xe-serial'" "$W/grub.cfg" && grep -q "^menuentry 'safe'" "$W/grub.cfg" || fail "entries: $(cat "$W/grub.cfg")"
grep -Eq '^  multiboot2 /boot/xen[^ ]*\.gz dom0_mem=' "$W/grub.cfg" && grep -Eq "^  module2 /boot/vmlinuz-[^ ]+ root=LABEL=$label ro " "$W/grub.cfg" \
  || fail "Xen entries: $(cat "$W/grub.cfg")"
ok "mtools: /EFI/BOOT/BOOTX64.EFI and grub.cfg (xe, xe-serial, safe; multiboot2 Xen, root=LABEL=$label)"

# Boot it under UEFI (OVMF, empty NVRAM: the removable-media path).
expect=("XCP-SAMPLE hostname=xcp-boot-test" "XCP-SAMPLE version=0.1.0" "XCP-SAMPLE management=xenbr0"
        "XCP-SAMPLE address=xenbr0 10.0.2.77/24" "XCP-SAMPLE timezone=Asia/Tokyo" "XCP-SAMPLE done")
env BOOT_DISK_FIRMWARE=uefi BOOT_DISK_SNAPSHOT=1 BOOT_DISK_LOG="$W/serial.log" \
  tests/boot/boot-disk.sh "$A" 300 "${expect[@]}" > "$W/boot.out" 2>&1 || { cat "$W/boot.out"; fail "UEFI boot"; }
tail -n 2 "$W/boot.out"
tr -d '\r' < "$W/serial.log" > "$W/serial.txt"
grep -q '^SYSLINUX' "$W/serial.txt" && fail "SYSLINUX ran: this was not a UEFI boot"
grep -q "root=LABEL=$label ro" "$W/serial.txt" || fail "kernel command line with root=LABEL=$label"
ok "UEFI: OVMF -> /EFI/BOOT/BOOTX64.EFI (GRUB) -> multiboot2 Xen -> dom0 ready ($(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s install + boot)"
