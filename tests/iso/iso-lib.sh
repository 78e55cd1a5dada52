# Sourced by tests/integration/5*-iso-*.sh and bench/iso.sh (bash).
#
# iso_build TOP: prints the path of the installer CD built from the current release build
# (.build/release/host-installer, which `make test` builds with --static-swift-stdlib before
# the integration tests; built here, under the build lock, only when it is missing). The CD
# is cached as .cache/iso/installer-KEY.iso, KEY a digest of the binary and the scripts, so
# one test run builds it once.
# INSTALLER_ISO=PATH uses that CD instead.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib/skip.sh"
iso_build() {
  local top=$1 key iso bin=$1/.build/release/host-installer
  if [ -n "${INSTALLER_ISO:-}" ]; then echo "$INSTALLER_ISO"; return 0; fi
  mkdir -p "$top/.cache/iso"
  if [ ! -x "$bin" ]; then
    (cd "$top" && PATH=/opt/swift/usr/bin:$PATH flock /tmp/swift-build.lock swift build -c release --static-swift-stdlib 2>&1 |
      grep -E 'error|Build complete' >&2) || true
    [ -x "$bin" ] || { echo "iso_build: the release build failed" >&2; return 1; }
  fi
  key=$(cd "$top" && { sha256sum "$bin"; find keymaps scripts/build-iso scripts/iso scripts/build-sample-product -type f |
        sort | xargs sha256sum; } | sha256sum | cut -c1-16)
  iso=$top/.cache/iso/installer-$key.iso
  (
    flock 9
    if [ ! -s "$iso" ]; then
      rm -f "$top"/.cache/iso/installer-*.iso
      HOST_INSTALLER_STATIC=$bin "$top/scripts/build-iso" "$iso" || { echo "iso_build: scripts/build-iso failed (exit $?)" >&2; exit 1; }
    fi
  ) 9>"$top/.cache/iso/.lock" || return 1
  echo "$iso"
}

# iso_setup TOP NAME: what every CD test starts with. Skips the test (exit 0) without qemu;
# sets ISO (the CD, built or cached), BIN (the replay harness) and work (a new directory
# /tmp/NAME.XXXXXX holding disk.img, a sparse 20G disk for the VM). The caller removes work.
iso_setup() {
  command -v qemu-system-x86_64 >/dev/null || { skip "no qemu-system-x86_64"; }
  ISO=$(iso_build "$1")
  BIN=$(iso_replay_bin "$1")
  work=$(mktemp -d "/tmp/$2.XXXXXX")
  truncate -s 20G "$work/disk.img"
}

# iso_replay_bin TOP: the host-installer that runs replay scripts (debug build, else release).
iso_replay_bin() {
  local top=$1
  if [ -n "${HOST_INSTALLER:-}" ]; then echo "$HOST_INSTALLER"
  elif [ -x "$top/.build/debug/host-installer" ]; then echo "$top/.build/debug/host-installer"
  else echo "$top/.build/release/host-installer"; fi
}

# iso_qemu ISO DISK: the qemu command line (one line, for a replay script's exec) that boots the
# CD with DISK as the IDE disk sda, a virtio NIC on qemu's user network (the host's loopback is
# 10.0.2.2), the serial console on the terminal, and no reboot (reboot ends qemu).
iso_qemu() {
  echo "qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m 2048 -nographic -no-reboot -boot d" \
       "-cdrom $1 -drive file=$2,format=raw,if=ide,index=0 -nic user,model=virtio-net-pci"
}

# iso_qemu_direct ISO DISK WORK "PARAMETERS": like iso_qemu, but boots the CD's own kernel and
# initrd directly with these boot parameters (the way PXE boots them, guide appendix B), so
# no text has to be typed at the isolinux prompt over the serial line (which drops
# characters when the host is busy). The CD stays in the drive for /cdrom and the packages.
iso_qemu_direct() {
  local iso=$1 disk=$2 work=$3 params=$4
  xorriso -osirrox on -indev "$iso" -extract /boot/vmlinuz "$work/vmlinuz" \
    -extract /boot/initrd.img "$work/initrd.img" >/dev/null 2>&1 || { echo "iso_qemu_direct: cannot extract the kernel" >&2; return 1; }
  echo "$(iso_qemu "$iso" "$disk") -kernel $work/vmlinuz -initrd $work/initrd.img" \
       "-append \"quiet console=tty0 console=ttyS0,115200 $params\""
}
