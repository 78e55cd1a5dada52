#!/usr/bin/env bash
# The sample product (scripts/build-sample-product, cached) installed by hand onto a disk
# image (tests/boot/make-reference-disk.sh) boots under qemu and reports its configuration:
# once from an IDE disk with root=LABEL=... and a static address, once from a virtio disk
# with root=/dev/vda1, DHCP and a copied /etc/localtime. Both boot Xen with the control domain
# (boot-disk.sh checks Xen's banner, xl info and xl list) and bring eth0 up. Needs root (loop devices, mount)
# and host-installer make-repo. Cleans up its images and media; bounded to about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices, mount)"; fi

TMP=$(mktemp -d /tmp/sample-boots.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
t0=$(date +%s)

timeout 240 scripts/build-sample-product "$TMP/media"
for f in packages.main/XS-REPOSITORY packages.main/XS-PACKAGES packages.main/dom0-root.tar.bz2 \
         packages.linux/XS-REPOSITORY packages.linux/linux-pack.tar.bz2 \
         driver.megaraid_sas/XS-PACKAGES driver.megaraid_sas/megaraid_sas.ko; do
  xorriso -indev "$TMP/media/main.iso" -find "/$f" 2>/dev/null | grep -qx "'/$f'" ||
    { echo "main.iso lacks /$f"; exit 1; }
done
echo "main.iso holds the three repositories"

tests/boot/make-reference-disk.sh "$TMP/ide.img" "$TMP/media"
tests/boot/boot-disk.sh "$TMP/ide.img" 240 \
  "XCP-SAMPLE initrd root=LABEL=root-abcdefgh device=/dev/sda1" \
  "XCP-SAMPLE hostname=xcp-ref-host" \
  "XCP-SAMPLE ip=10.0.2.77 netmask=255.255.255.0 gateway=10.0.2.2" \
  "XCP-SAMPLE address=eth0 10.0.2.77/24" \
  "XCP-SAMPLE timezone=Europe/Paris" \
  "XCP-SAMPLE keymap=uk" \
  "XCP-SAMPLE version=0.1.0" \
  "XCP-SAMPLE root-password=sha512" \
  "XCP-SAMPLE linux-pack=0.1.0" \
  "XCP-SAMPLE driver=megaraid_sas" \
  "XCP-SAMPLE done"
rm -f "$TMP/ide.img"

REF_IP=dhcp REF_TZ=Asia/Tokyo REF_LOCALTIME=copy REF_ROOT=/dev/vda1 REF_KEYMAP=de REF_HOSTNAME=node5 \
  tests/boot/make-reference-disk.sh "$TMP/virtio.img" "$TMP/media/packages.main/dom0-root.tar.bz2"
BOOT_DISK_IF=virtio tests/boot/boot-disk.sh "$TMP/virtio.img" 240 \
  "XCP-SAMPLE rootdev=/dev/vda1" \
  "XCP-SAMPLE hostname=node5" \
  "XCP-SAMPLE ip=dhcp" \
  "XCP-SAMPLE address=eth0 10.0.2.15/24" \
  "XCP-SAMPLE dns=10.0.2.3" \
  "XCP-SAMPLE timezone=Asia/Tokyo" \
  "XCP-SAMPLE localtime=JST+0900" \
  "XCP-SAMPLE keymap=de" \
  "XCP-SAMPLE linux-pack=absent" \
  "XCP-SAMPLE done"
echo "10-sample-product-boots: passed in $(( $(date +%s) - t0 )) s"
