#!/usr/bin/env bash
# A hand-made "installed" disk, without the installer: the reference for what the installer's
# back end does to a disk (SPEC section 4), and the proof that the sample product boots.
#
#   tests/boot/make-reference-disk.sh IMAGE [MEDIA_DIR | ROOT_TARBALL]
#
# Makes IMAGE (2 GiB, sparse; replaced if it exists), a GPT with one root partition
# (1 MiB .. 1025 MiB, LegacyBIOSBootable), ext3 labelled root-abcdefgh, and extracts the root
# tarball into it. Given MEDIA_DIR (the OUTDIR of scripts/build-sample-product; default
# out/sample), it extracts MEDIA_DIR/packages.main/dom0-root.tar.bz2 and also installs the
# Linux Pack and the megaraid_sas driver and records the three repositories in
# /etc/xensource/installed-repos/, as the installer would. Then it writes the configuration
# files by hand and installs extlinux and gptmbr.bin. Needs root.
#
# The configuration written (and what the sample init then prints) comes from:
#   REF_HOSTNAME (xcp-ref-host)  REF_IP (10.0.2.77, or "dhcp")  REF_NETMASK (255.255.255.0)
#   REF_GATEWAY (10.0.2.2)       REF_TZ (Europe/Paris)          REF_KEYMAP (uk)
#   REF_VERSION (0.1.0)          REF_ROOT (LABEL=root-abcdefgh, or a device such as /dev/sda1)
#   REF_LOCALTIME=symlink|copy (symlink)
#   REF_APPEND (root=$REF_ROOT ro console=ttyS0,115200 quiet panic=-1): the whole kernel command line
#   REF_SERIAL=1|0 (1): the SERIAL 0 115200 line in extlinux.conf
#   REF_INSTALL_LAYOUT=1: the work the installer does for the same plan, for bench/install.sh's
#     fair baseline: a 16 GiB image with the installer's partitions (root 4 GiB, backup 4 GiB),
#     each package of the base repository checked (MD5 and SHA-256 against XS-PACKAGES) then extracted,
#     only the base repository installed and recorded, and the 512 MiB swap file written
#     with dd and made with mkswap.
# Only the loop device this script attached is detached (by name), also on failure.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 IMAGE [ROOT_TARBALL]" >&2; exit 2; }
TOP=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=$1
SRC=${2:-$TOP/out/sample}
MEDIA=; TARBALL=$SRC
if [ -d "$SRC" ]; then MEDIA=$SRC; TARBALL=$SRC/packages.main/dom0-root.tar.bz2; fi
[ "$(id -u)" -eq 0 ] || { echo "make-reference-disk: needs root (losetup, mount, extlinux)" >&2; exit 2; }
[ -s "$TARBALL" ] || { echo "make-reference-disk: no root tarball $TARBALL (run scripts/build-sample-product OUTDIR)" >&2; exit 2; }
case "$IMAGE" in /dev/*) echo "make-reference-disk: IMAGE must be an image file, not a device" >&2; exit 2 ;; esac
GPTMBR=/usr/lib/syslinux/mbr/gptmbr.bin
for t in sfdisk losetup partx mke2fs extlinux; do command -v $t >/dev/null || { echo "make-reference-disk: $t is missing (scripts/install-deps)" >&2; exit 2; }; done
[ -r $GPTMBR ] || { echo "make-reference-disk: $GPTMBR is missing (syslinux-common)" >&2; exit 2; }

LABEL=root-abcdefgh
HOSTNAME_=${REF_HOSTNAME:-xcp-ref-host}
IP=${REF_IP:-10.0.2.77}; NETMASK=${REF_NETMASK:-255.255.255.0}; GATEWAY=${REF_GATEWAY:-10.0.2.2}
TZ_=${REF_TZ:-Europe/Paris}; KEYMAP=${REF_KEYMAP:-uk}; VERSION=${REF_VERSION:-0.1.0}
ROOTARG=${REF_ROOT:-LABEL=$LABEL}
APPEND=${REF_APPEND:-root=$ROOTARG ro console=ttyS0,115200 quiet panic=-1}

MNT=; LOOP=
cleanup() {
  set +e
  if [ -n "$MNT" ]; then mountpoint -q "$MNT" && umount "$MNT"; rmdir "$MNT"; rm -f "$MNT.extlinux.log"; fi
  if [ -n "$LOOP" ]; then partx -d "$LOOP" 2>/dev/null; losetup -d "$LOOP"; fi
}
trap cleanup EXIT

t0=$(date +%s.%N)
rm -f "$IMAGE"
if [ -n "${REF_INSTALL_LAYOUT:-}" ]; then
  truncate -s 16G "$IMAGE"
  printf 'label: gpt\nstart=2048, size=8388608, name=root, attrs=LegacyBIOSBootable\nstart=8390656, size=8388608, name=backup\n' | sfdisk -q "$IMAGE"
else
  truncate -s 2G "$IMAGE"
  printf 'label: gpt\nstart=2048, size=2097152, name=root, attrs=LegacyBIOSBootable\n' | sfdisk -q "$IMAGE"
fi

LOOP=$(losetup --find --show --partscan "$IMAGE")
[ -b "${LOOP}p1" ] || partx -a "$LOOP"     # this machine's kernel has no partition parsers
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b "${LOOP}p1" ] && break; sleep 0.1; done
[ -b "${LOOP}p1" ] || { echo "make-reference-disk: no ${LOOP}p1 after partx -a" >&2; exit 1; }

mke2fs -q -F -t ext3 -L "$LABEL" "${LOOP}p1"
MNT=$(mktemp -d /tmp/ref-disk-mnt.XXXXXX)
mount "${LOOP}p1" "$MNT"
if [ -n "${REF_INSTALL_LAYOUT:-}" ] && [ -n "$MEDIA" ]; then
  # As the installer does: every package of the base repository (root "/"), each one's
  # checksums checked against the repository's metadata before it is extracted.
  sed -n 's|.*md5="\([0-9a-f]*\)".*sha256="\([0-9a-f]*\)".*>\([^<]*\)</package>.*|\1 \2 \3|p' "$MEDIA/packages.main/XS-PACKAGES" |
    while read -r md5 sha file; do
      f=$MEDIA/packages.main/$file
      { echo "$md5  $f" | md5sum -c --quiet - && echo "$sha  $f" | sha256sum -c --quiet -; } ||
        { echo "make-reference-disk: $f does not match XS-PACKAGES" >&2; exit 1; }
      tar -C "$MNT" -xf "$f"
    done
else
  tar -C "$MNT" -xf "$TARBALL"
fi
KVER=$(ls "$MNT"/boot/vmlinuz-* | head -n 1); KVER=${KVER##*/vmlinuz-}
[ -n "$KVER" ] && [ -e "$MNT/boot/initrd.img-$KVER" ] || { echo "make-reference-disk: no kernel/initrd in $TARBALL" >&2; exit 1; }
if [ -n "${REF_INSTALL_LAYOUT:-}" ] && [ -n "$MEDIA" ]; then
  mkdir -p "$MNT/etc/xensource/installed-repos/xs:main"
  cp "$MEDIA"/packages.main/XS-REPOSITORY "$MEDIA"/packages.main/XS-PACKAGES "$MNT/etc/xensource/installed-repos/xs:main/"
elif [ -n "$MEDIA" ]; then
  tar -C "$MNT" -xf "$MEDIA"/packages.linux/*.tar.bz2
  mkdir -p "$MNT/lib/modules/$KVER/extra"
  cp "$MEDIA"/driver.megaraid_sas/megaraid_sas.ko "$MNT/lib/modules/$KVER/extra/"
  for r in main:packages.main linux:packages.linux driver-megaraid_sas:driver.megaraid_sas; do
    mkdir -p "$MNT/etc/xensource/installed-repos/xs:${r%%:*}"
    cp "$MEDIA/${r#*:}"/XS-REPOSITORY "$MEDIA/${r#*:}"/XS-PACKAGES "$MNT/etc/xensource/installed-repos/xs:${r%%:*}/"
  done
fi

# --- the configuration files (SPEC section 4) ---
E=$MNT/etc
echo "$HOSTNAME_" >"$E/hostname"
printf 'NETWORKING=yes\nHOSTNAME=%s\n' "$HOSTNAME_" >"$E/sysconfig/network"
printf '127.0.0.1\tlocalhost\n' >"$E/hosts"
echo "nameserver 10.0.2.3" >"$E/resolv.conf"
if [ "$IP" = dhcp ]; then
  printf 'DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=dhcp\nHWADDR=52:54:00:12:34:56\n' >"$E/sysconfig/network-scripts/ifcfg-eth0"
else
  printf 'DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=none\nIPADDR=%s\nNETMASK=%s\nGATEWAY=%s\nHWADDR=52:54:00:12:34:56\n' \
    "$IP" "$NETMASK" "$GATEWAY" >"$E/sysconfig/network-scripts/ifcfg-eth0"
fi
printf 'driftfile /var/lib/ntp/drift\nserver 0.pool.ntp.org\n' >"$E/ntp.conf"
printf 'ZONE="%s"\nUTC=true\nARC=false\n' "$TZ_" >"$E/sysconfig/clock"
rm -f "$E/localtime"
if [ "${REF_LOCALTIME:-symlink}" = copy ]; then cp "$MNT/usr/share/zoneinfo/$TZ_" "$E/localtime"
else ln -s "../usr/share/zoneinfo/$TZ_" "$E/localtime"; fi
printf 'KEYTABLE="%s"\n' "$KEYMAP" >"$E/sysconfig/keyboard"
HASH=$(chroot "$MNT" /bin/busybox mkpasswd -m sha512 'xenroot')
sed -i "s|^root:[^:]*:|root:$HASH:|" "$E/shadow"
printf 'LABEL=%s\t/\text3\tdefaults\t1 1\n/var/swap/swap.001\tswap\tswap\tdefaults\t0 0\n' "$LABEL" >"$E/fstab"
cat >"$E/xensource-inventory" <<EOF
PRODUCT_BRAND='XCP'
PRODUCT_VERSION='$VERSION'
BUILD_NUMBER='1234'
INSTALLATION_DATE='$(date -u '+%Y-%m-%d %H:%M:%S')'
PRIMARY_DISK='/dev/sda'
BACKUP_PARTITION='/dev/sda2'
INSTALLATION_UUID='$(cat /proc/sys/kernel/random/uuid)'
CONTROL_DOMAIN_UUID='$(cat /proc/sys/kernel/random/uuid)'
MANAGEMENT_INTERFACE='eth0'
DEFAULT_SR_PHYSDEVS='/dev/sda3'
EOF

if [ -n "${REF_INSTALL_LAYOUT:-}" ]; then
  mkdir -p "$MNT/var/swap"
  dd if=/dev/zero of="$MNT/var/swap/swap.001" bs=1M count=512 status=none
  chmod 600 "$MNT/var/swap/swap.001"
  mkswap -q "$MNT/var/swap/swap.001" >/dev/null
fi

# --- bootloader ---
# A root with /boot/xen.gz is a Xen host: mboot.c32 loads Xen, the kernel as its control
# domain (console hvc0, which Xen copies to com1) and the initrd, as the installer's entries do.
mkdir -p "$MNT/boot/extlinux"
{ [ "${REF_SERIAL:-1}" = 0 ] || echo "SERIAL 0 115200"; cat <<EOF
DEFAULT xe-serial
PROMPT 0
TIMEOUT 0
LABEL xe-serial
EOF
if [ -e "$MNT/boot/xen.gz" ]; then
  [ -n "${REF_APPEND:-}" ] || APPEND="root=$ROOTARG ro console=hvc0 quiet panic=-1"
  cat <<EOF
  KERNEL mboot.c32
  APPEND /boot/xen.gz dom0_mem=752M com1=115200,8n1 console=com1 --- /boot/vmlinuz-$KVER $APPEND --- /boot/initrd.img-$KVER
EOF
else cat <<EOF
  KERNEL /boot/vmlinuz-$KVER
  INITRD /boot/initrd.img-$KVER
  APPEND $APPEND
EOF
fi
} >"$MNT/boot/extlinux/extlinux.conf"
if [ -e "$MNT/boot/xen.gz" ]; then
  cp /usr/lib/syslinux/modules/bios/mboot.c32 /usr/lib/syslinux/modules/bios/libcom32.c32 "$MNT/boot/extlinux/"
fi
extlinux --install "$MNT/boot/extlinux" >"$MNT.extlinux.log" 2>&1 || { cat "$MNT.extlinux.log" >&2; exit 1; }
rm -f "$MNT.extlinux.log"   # (its "unable to obtain device geometry" warning is harmless)
[ -e "$MNT/boot/extlinux/ldlinux.sys" ] || { echo "make-reference-disk: extlinux did not install" >&2; exit 1; }
sync
umount "$MNT"; rmdir "$MNT"; MNT=
partx -d "$LOOP" 2>/dev/null || true
losetup -d "$LOOP"; LOOP=
dd if=$GPTMBR of="$IMAGE" bs=440 count=1 conv=notrunc status=none
echo "make-reference-disk: $IMAGE ready (kernel $KVER, APPEND $APPEND) in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
