#!/usr/bin/env bash
# Issue 16 item 4 from the installer CD: "answerfile=auto install" with a second disk, a FAT
# "USB stick" labelled XCP-ANSWER (mkfs.fat, mtools) holding answerfile.xml. The CD's kernel
# has no vfat: the installer finds the stick with blkid and reads the file with mcopy. The
# install from the CD's own media completes with the stick's host name. The target disk is
# <primary-disk size="largest"/>: the kernel's names for the two IDE disks are not fixed (in one
# CI run the stick was sda).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
for t in mkfs.fat mcopy; do command -v $t >/dev/null || skip "$t is missing (scripts/install-deps)"; done
iso_setup "$TOP" iso-answer-stick
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
cat >"$work/answerfile.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk size="largest"/>
  <keymap>us</keymap>
  <root-password>stick-cd-pw-70</root-password>
  <source type="local"/>
  <hostname>xcp-from-stick</hostname>
  <timezone>Europe/Oslo</timezone>
</installation>
XML
truncate -s 64M "$work/stick.img"
mkfs.fat -n XCP-ANSWER "$work/stick.img" >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$work/stick.img" "$work/answerfile.xml" ::
cat >"$work/stick.replay" <<REPLAY
size 80x24
exec $(iso_qemu_direct "$ISO" "$work/disk.img" "$work" "answerfile=auto install atexit=poweroff") -drive file=$work/stick.img,format=raw,if=ide,index=1
wait "answerfile=auto: XCP-ANSWER (/dev/sd" 180
wait "Installation complete" 300
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/stick.replay" --times
echo "answerfile=auto from a FAT XCP-ANSWER stick on the CD: $(( $(date +%s) - t0 )) s"
off=$(( $(sfdisk -J "$work/disk.img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
h=$(debugfs -R "cat /etc/hostname" "$work/disk.img?offset=$off" 2>/dev/null)
[ "$h" = xcp-from-stick ] || { echo "FAIL: the installed host name is '$h'"; exit 1; }
echo "installed host name: $h"
echo "70-iso-answer-stick: ok"
