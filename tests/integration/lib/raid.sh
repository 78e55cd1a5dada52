# Sourced by the CD tests of a mirrored primary disk (software RAID 1, issue 19 item 2):
# tests/integration/76-iso-raid1.sh and 79-iso-raid1-upgrade.sh. Needs iso-boot.sh and
# iso-lib.sh (iso_setup: ISO, BIN, work) and a fail function.

# raid_cd_run NAME "FIRST" "LAST" [PATH_ON_CD=FILE]...: boots the CD remastered with the
# answerfile $work/NAME.xml (unattended, power off at the end) and the files given, in a VM
# with the disks $work/a.img and $work/b.img (RAID_DISKS="a" for a alone) on virtio (serials
# MIRROR-A, MIRROR-B), and waits for the media, then FIRST (60 s), then LAST (RAID_TIMEOUT,
# default 240 s). The replay script is $work/NAME.replay.
raid_cd_run() {
  local name=$1 first=$2 last=$3 d i=0 disks=""
  shift 3
  iso_remaster "$ISO" "$work/$name.iso" serial "answerfile=file:///cdrom/answerfiles/$name.xml install atexit=poweroff" \
    "answerfiles/$name.xml=$work/$name.xml" "$@"
  for d in ${RAID_DISKS:-a b}; do
    disks+=" -drive if=none,id=d$i,file=$work/$d.img,format=raw -device virtio-blk-pci,drive=d$i,serial=MIRROR-${d^^}"
    i=$((i + 1))
  done
  cat >"$work/$name.replay" <<REPLAY
size ${RAID_SIZE:-80x24}
exec $(iso_vm "-drive if=none,id=cd0,file=$work/$name.iso,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd0,bootindex=0 $disks -nic user,model=virtio-net-pci")
wait "installer media: /dev/sr0" 120
wait "$first" 60
wait "$last" ${RAID_TIMEOUT:-240}
exit 0
REPLAY
  "$BIN" replay "$work/$name.replay" --times
  rm -f "$work/$name.iso"
}

# raid_boot LOG STATE IMAGE [IMAGE2] [EXPECTED_LINE]...: boots the installed disk(s) (on
# virtio; SNAP=1: -snapshot) and checks that root is on md and that ARRAYS mirrors (default
# 3: root, backup, storage) are in MDSTATE ([UU], [U_], [_U]), and the EXPECTED_LINEs.
raid_boot() {
  local log=$1 state=$2 img=$3 img2=${4:-} n
  shift; shift; shift; [ $# -gt 0 ] && shift
  BOOT_DISK_IF=virtio BOOT_DISK_IMAGE2=$img2 BOOT_DISK_SNAPSHOT=${SNAP:-0} BOOT_DISK_LOG=$log \
    tests/boot/boot-disk.sh "$img" 300 "XCP-SAMPLE boot-ok" "XCP-SAMPLE done" "$@" >"$log.out" 2>&1 ||
    { tail -n 60 "$log.out"; fail "the installed disk(s) did not boot ($(basename "$img") ${img2:+and $(basename "$img2")})"; }
  tr -d '\r' <"$log" >"$log.txt"
  grep -E '^XCP-SAMPLE (initrd|rootdev|md=|version=)' "$log.txt" | sed 's/^/     /'
  grep -qE '^XCP-SAMPLE rootdev=/dev/md' "$log.txt" || fail "root is not mounted from an md device: $(grep rootdev "$log.txt")"
  n=$(grep -cE "^XCP-SAMPLE md=md[0-9]+ raid1 \\[$state\\]\$" "$log.txt" || true)
  [ "$n" = "${ARRAYS:-3}" ] || fail "expected ${ARRAYS:-3} mirrors in state [$state], found $n"
  grep -E '^boot-disk: (PASS|FAIL)' "$log.out" | sed 's/^/     /'
}
