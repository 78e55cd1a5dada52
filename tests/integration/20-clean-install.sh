#!/usr/bin/env bash
# Issue 4, the install backend: a clean install into sparse image files, checked with tools
# other than the installer's own (sfdisk, dumpe2fs, debugfs, cmp); the fault-injection hook
# (HOST_INSTALLER_FAIL_AFTER); the SIGTERM path releasing mounts and loop devices; and, when
# the sample product is available, a qemu boot of the installed disk.
#
# The installs run through the root-gated Swift integration tests
# (Tests/InstallerCoreTests/CleanInstallIntegrationTests.swift), started from the test binary.
# Environment: HOST_INSTALLER_SAMPLE_TARBALL=PATH  a bootable root tarball to install instead of
# the sample media that scripts/build-sample-product builds (the boot is skipped when neither works).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
. tests/integration/lib/images.sh
export PATH=/opt/swift/usr/bin:$PATH
if [ "$(id -u)" -ne 0 ]; then skip "20-clean-install needs root (loop devices, mount)"; fi

W=$(mktemp -d /tmp/hi-it20.XXXXXX)
TPID=
cleanup() {
  set +e
  if [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; then kill -9 "$TPID"; wait "$TPID" 2>/dev/null; fi
  release_images "$W"/*/*.img
  if [ -n "${KEEP_W:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }
# No build here: `make test` has built the test binary (a nested build would wait forever
# for a build lock held by whoever runs `make test`).
TESTS=.build/debug/host-installerPackageTests.xctest
[ -x "$TESTS" ] || fail "build the tests first (swift build --build-tests)"
run_test() { timeout 300 "$TESTS" --testing-library swift-testing --filter "$1"; }
leftovers() { losetup -a | grep -F "$W" || true; }
dfs() { debugfs -R "$2" "$1?offset=1048576" 2>/dev/null; }

# 1. A clean install into 20 GiB + 1 GiB sparse images (the Swift test checks every file);
#    here the result is checked again with other tools.
mkdir -p "$W/a"
HOST_INSTALLER_KEEP_IMAGES="$W/a" run_test 'CleanInstallIntegrationTests' > "$W/a.out" 2>&1 || { cat "$W/a.out"; fail "the Swift integration tests"; }
grep -E "took|passed after|✘" "$W/a.out" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 6
[ -z "$(leftovers)" ] || fail "loop devices left: $(leftovers)"
# (The Swift test checks its own mount points; other installs may be running on this machine.)
ok "install: no loop device or mount left"

A=$W/a/sda.img
sfdisk -d "$A" > "$W/sda.sfdisk"
grep -q '^label: gpt' "$W/sda.sfdisk" || fail "no GPT: $(cat "$W/sda.sfdisk")"
grep -Eq 'sda\.img1 : start= *2048, size= *8388608, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=[-0-9A-F]+, name="root", attrs="LegacyBIOSBootable"' "$W/sda.sfdisk" || fail "partition 1: $(cat "$W/sda.sfdisk")"
grep -Eq 'sda\.img2 : start= *8390656, size= *8388608, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=[-0-9A-F]+, name="backup"$' "$W/sda.sfdisk" || fail "partition 2: $(cat "$W/sda.sfdisk")"
grep -Eq 'sda\.img3 : start= *16910336, size= *25030656, type=E6D6D379-F507-44C2-A23C-238F2A3DF928, uuid=[-0-9A-F]+, name="storage"$' "$W/sda.sfdisk" || fail "partition 3: $(cat "$W/sda.sfdisk")"
grep -Eq 'sda\.img4 : start= *16779264, size= *131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=[-0-9A-F]+, name="esp"$' "$W/sda.sfdisk" || fail "partition 4 (ESP): $(cat "$W/sda.sfdisk")"
sfdisk -d "$W/a/sdb.img" | grep -Eq 'sdb\.img1 : start= *2048, .*type=E6D6D379-F507-44C2-A23C-238F2A3DF928' || fail "guest disk: $(sfdisk -d "$W/a/sdb.img")"
ok "sfdisk: GPT, root 4 GiB at 1 MiB legacy-bootable, backup 4 GiB, ESP 64 MiB numbered 4, LVM storage to the last MiB; guest disk one LVM partition"

cmp -n 440 "$A" /usr/lib/syslinux/mbr/gptmbr.bin || fail "MBR boot code"
ok "cmp: bytes 0..439 are gptmbr.bin"

label=$(dumpe2fs -h "$A?offset=1048576" 2>/dev/null | sed -n 's/^Filesystem volume name: *//p')
[[ "$label" =~ ^root-[a-z]{8}$ ]] || fail "label '$label'"
dumpe2fs -h "$A?offset=1048576" 2>/dev/null | grep -q 'features:.*has_journal' || fail "no journal (ext3)"
dumpe2fs -h "$A?offset=1048576" 2>/dev/null | grep -q 'features:.*extent' && fail "extents: not ext3"
ok "dumpe2fs: ext3, label $label"

dfs "$A" 'cat /etc/xensource-inventory' > "$W/inventory"
for k in PRODUCT_BRAND=\'XCP\' PRODUCT_VERSION=\'0.1.0\' BUILD_NUMBER=\'1234\' PRIMARY_DISK=\'/dev/sda\' BACKUP_PARTITION=\'/dev/sda2\' \
         MANAGEMENT_INTERFACE=\'xenbr0\' "DEFAULT_SR_PHYSDEVS='/dev/sda3 /dev/sdb1'"; do
  grep -qxF "$k" "$W/inventory" || fail "inventory lacks $k: $(cat "$W/inventory")"
done
grep -Eq "^INSTALLATION_UUID='[0-9a-f-]{36}'$" "$W/inventory" && grep -Eq "^INSTALLATION_DATE='20[0-9-]+ [0-9:]+'$" "$W/inventory" || fail "inventory: $(cat "$W/inventory")"
dfs "$A" 'cat /etc/shadow' | grep -Eq '^root:\$6\$[./0-9A-Za-z]+\$[./0-9A-Za-z]{86}:' || fail "shadow"
dfs "$A" 'cat /etc/fstab' | grep -Eq "^LABEL=$label +/ +ext3 " || fail "fstab"
dfs "$A" 'cat /etc/fstab' | grep -Eq "^/var/swap/swap.001 +swap +swap " || fail "fstab swap"
dfs "$A" 'cat /boot/extlinux/extlinux.conf' | grep -q "APPEND root=LABEL=$label ro console=tty0 console=ttyS0,115200" || fail "extlinux.conf"
dfs "$A" 'stat /boot/extlinux/ldlinux.sys' | grep -q 'Size: ' || fail "no ldlinux.sys"
dfs "$A" 'cat /etc/sysconfig/network-scripts/ifcfg-xenbr0' | grep -qx 'IPADDR=10.0.2.77' || fail "ifcfg-xenbr0"
dfs "$A" 'cat /var/log/installer/install-log' | grep -q 'STEP finish' || fail "install log"
dfs "$A" 'cat /var/log/installer/install-log' | grep -q 'Pa55-w0rd-never-logged' && fail "the password is in the install log"
ok "debugfs: inventory, \$6\$ shadow, fstab by label + swap file, extlinux.conf + ldlinux.sys, ifcfg, install log without the password"

# A synthetic product for the next parts (kernel and initrd names only; not bootable).
T=$W/tree; mkdir -p "$T/boot" "$T/etc" "$T/usr/share/zoneinfo/Asia" "$T/opt"
echo kernel > "$T/boot/vmlinuz-1.0-test"; echo initrd > "$T/boot/initrd.img-1.0-test"
printf 'root:*:19000:0:99999:7:::\n' > "$T/etc/shadow"; cp /usr/share/zoneinfo/Asia/Tokyo "$T/usr/share/zoneinfo/Asia/"
head -c 20M /dev/urandom > "$T/opt/blob"
tar --numeric-owner -C "$T" -cf "$W/synthetic.tar" .

# 2. Fault injection: HOST_INSTALLER_FAIL_AFTER=filesystems kills the installer with SIGKILL
#    right after that step, leaving what a crash leaves (the script then releases it by name).
mkdir -p "$W/b"
set +e
HOST_INSTALLER_FAIL_AFTER=filesystems HOST_INSTALLER_IT_TARBALL="$W/synthetic.tar" HOST_INSTALLER_KEEP_IMAGES="$W/b" \
  run_test installsTheGivenProduct > "$W/b.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 137 ] || fail "expected death by SIGKILL (137), got $rc: $(tail -5 "$W/b.out")"
tail -n 1 "$W/b/install-log" | grep -q 'HOST_INSTALLER_FAIL_AFTER=filesystems: killing the installer' || fail "log: $(tail -3 "$W/b/install-log")"
grep -q 'STEP mount' "$W/b/install-log" && fail "a step ran after filesystems"
[ "$(losetup -j "$W/b/sda.img" -n -O NAME | wc -l)" -eq 1 ] || fail "expected the crashed install's loop device"
dumpe2fs -h "$W/b/sda.img?offset=1048576" 2>/dev/null | grep -Eq 'volume name: +root-[a-z]{8}' || fail "no root filesystem after the filesystems step"
release_images "$W"/*/*.img
[ -z "$(leftovers)" ] || fail "could not release the crashed install's loop device"
ok "HOST_INSTALLER_FAIL_AFTER=filesystems: SIGKILL (rc 137) right after the step; GPT + root fs written, nothing later"

# 3. SIGTERM in the middle of the install: the install stops at its next check and releases
#    its mount and loop device (by name); the process then dies of the signal.
mkdir -p "$W/c"
HOST_INSTALLER_IT_TARBALL="$W/synthetic.tar" HOST_INSTALLER_KEEP_IMAGES="$W/c" \
  timeout 300 "$TESTS" --testing-library swift-testing --filter installsTheGivenProduct > "$W/c.out" 2>&1 &
TPID=$!
for i in $(seq 1 600); do
  dev=$(losetup -j "$W/c/sda.img" -n -O NAME 2>/dev/null | head -n1)
  [ -n "$dev" ] && grep -q "^$dev " /proc/mounts && break
  kill -0 "$TPID" 2>/dev/null || break
  sleep 0.02
done
[ -n "$dev" ] && grep -q "^$dev " /proc/mounts || fail "the install never mounted its root: $(tail -5 "$W/c.out")"
kill -TERM "$TPID"
set +e; wait "$TPID"; rc=$?; set -e
TPID=
[ "$rc" -eq 143 ] || fail "expected death by SIGTERM (143), got $rc"
grep -q 'signal 15: releasing mounts and loop devices' "$W/c/install-log" || fail "no cleanup on SIGTERM: $(tail -5 "$W/c/install-log")"
sleep 0.5
[ -z "$(leftovers)" ] || fail "loop devices left after SIGTERM: $(leftovers)"
mp=$(grep -o 'ran: mount -t ext3 [^ ]* /tmp/host-installer-mnt\.[A-Za-z0-9]*' "$W/c/install-log" | awk '{print $NF}' | tail -n1)
[ -n "$mp" ] || fail "no mount in the log"
awk '{print $2}' /proc/mounts | grep -qxF "$mp" && fail "mount $mp left after SIGTERM"   # (loop numbers are reused by others)
grep -q 'installation complete' "$W/c/install-log" && fail "the install went on after SIGTERM"
during=$(awk '/signal 15/ {print last; exit} match($0, /STEP [a-z-]+:/) {last=substr($0, RSTART+5, RLENGTH-6)}' "$W/c/install-log")
how="the install stopped and released them normally"
grep -q 'ran: umount -l' "$W/c/install-log" && how="released lazily after the grace period"
ok "SIGTERM during step '$during': $how, mount and $dev gone (rc 143)"

# 4. Boot the installed sample product in qemu. With the sample media (scripts/build-sample-product)
#    the install reads their real metadata: xs:main, the Linux Pack and the megaraid_sas driver disk.
SAMPLE=${HOST_INSTALLER_SAMPLE_TARBALL:-}
MEDIA=
if [ -z "$SAMPLE" ] && [ -x scripts/build-sample-product ]; then
  if timeout 600 scripts/build-sample-product "$W/media" > "$W/media.out" 2>&1 && [ -d "$W/media/packages.main" ]; then
    MEDIA=$W/media
  else
    echo "note: scripts/build-sample-product failed: $(tail -n 2 "$W/media.out")"
  fi
fi
if [ -z "$SAMPLE" ] && [ -z "$MEDIA" ]; then
  skip "the boot: no sample product (set HOST_INSTALLER_SAMPLE_TARBALL or provide scripts/build-sample-product)"
fi
mkdir -p "$W/d"
start=$(date +%s.%N)
if [ -n "$MEDIA" ]; then
  HOST_INSTALLER_IT_MEDIA="$MEDIA" HOST_INSTALLER_KEEP_IMAGES="$W/d" run_test installsTheGivenProduct > "$W/d.out" 2>&1 || { cat "$W/d.out"; fail "installing the sample media"; }
else
  HOST_INSTALLER_IT_TARBALL="$SAMPLE" HOST_INSTALLER_KEEP_IMAGES="$W/d" run_test installsTheGivenProduct > "$W/d.out" 2>&1 || { cat "$W/d.out"; fail "installing the sample product"; }
fi
echo "     $(grep -o 'installed .* in [0-9.]* s' "$W/d.out")"
[ -z "$(leftovers)" ] || fail "loop devices left: $(leftovers)"
expect=("XCP-SAMPLE hostname=xcp-boot-test" "XCP-SAMPLE version=0.1.0" "XCP-SAMPLE brand=XCP" "XCP-SAMPLE build=1234"
        "XCP-SAMPLE management=xenbr0" "XCP-SAMPLE ip=10.0.2.77 netmask=255.255.255.0 gateway=10.0.2.2"
        "XCP-SAMPLE bridge=xenbr0 port=eth0" "XCP-SAMPLE address=xenbr0 10.0.2.77/24" "XCP-SAMPLE default-route=10.0.2.2"
        "XCP-SAMPLE dns=10.0.2.3" "XCP-SAMPLE ntp=10.0.2.2" "XCP-SAMPLE timezone=Asia/Tokyo" "XCP-SAMPLE localtime=JST+0900"
        "XCP-SAMPLE keymap=jp106" "XCP-SAMPLE root-password=sha512" "XCP-SAMPLE fstab-swap=/var/swap/swap.001"
        "XCP-SAMPLE installed-repo=xs:main" "XCP-SAMPLE install-log=present" "XCP-SAMPLE done")
[ -n "$MEDIA" ] && expect+=("XCP-SAMPLE installed-repo=xs:linux" "XCP-SAMPLE linux-pack=0.1.0" "XCP-SAMPLE driver=megaraid_sas")
if [ -x tests/boot/boot-disk.sh ]; then
  BOOT_DISK_SNAPSHOT=1 BOOT_DISK_LOG="$W/serial.log" tests/boot/boot-disk.sh "$W/d/sda.img" 240 "${expect[@]}" > "$W/boot.out" 2>&1 \
    || { cat "$W/boot.out"; fail "boot"; }
  tail -n 1 "$W/boot.out"
else   # the boot harness is on another branch: a minimal qemu run
  timeout -k 5 240 qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m 512 -nodefaults -no-user-config -display none \
    -monitor none -serial "file:$W/serial.log" -no-reboot -nic none -snapshot -drive "file=$W/d/sda.img,format=raw,if=ide" </dev/null || true
  for l in "${expect[@]}"; do tr -d '\r' < "$W/serial.log" | grep -qxF "$l" || { tr -d '\r' < "$W/serial.log"; fail "missing serial line: $l"; }; done
fi
grep -q '^SYSLINUX' <(tr -d '\r' < "$W/serial.log") || fail "no SYSLINUX banner"
grep -q "root=LABEL=root-[a-z]\{8\} ro" <(tr -d '\r' < "$W/serial.log") || fail "kernel command line"
ok "boot: the installed sample product boots through gptmbr + extlinux and reports its configuration ($(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s install + boot)"
