#!/usr/bin/env bash
# The failure screen's "Save bundle" to an FTP location (pyftpdlib, Tests/Fixtures/servers/
# testftpd.py) and to an NFS location (nfs-ganesha, NFSv4 only, no rpcbind), both started here
# on 127.0.0.1 and stopped by PID. Each uploaded bundle must be a valid tar holding the install
# log, the probed hardware and the answerfile with its password removed, and must not contain
# the password. Then an install that ran while the consoles were switched (the replay
# consoles-install) is checked on its disk: the log in /var/log/installer is mode 0600, the
# state directory's log too, and neither holds the password.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=${HOST_INSTALLER:-$PWD/.build/debug/host-installer}
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { skip "needs root (loop devices)"; }
$PY -c 'import pyftpdlib' 2>/dev/null || { skip "python3-pyftpdlib is not installed (scripts/install-deps)"; }
[ -x /usr/bin/ganesha.nfsd ] || { skip "nfs-ganesha is not installed (scripts/install-deps)"; }
[ -x "$BIN" ] || { skip "build first"; }

. tests/integration/lib/servers.sh
W=$(mktemp -d /tmp/bundle-upload.XXXXXX)
FPID=; GPID=; LOOP=
cleanup() {
  [ -z "$LOOP" ] || { umount "$W/mnt" 2>/dev/null || true; losetup -d "$LOOP" 2>/dev/null || true; }
  stop_servers
  rm -rf "$W"
}
trap cleanup EXIT
PW=upload-pw-68
mkdir -p "$W/ftp/incoming" "$W/nfs/bundles" "$W/recov" "$W/state" "$W/state2" "$W/mnt"

# FTP server and NFSv4 server on 127.0.0.1 (read-write export), free ports.
start_ftp "$W/ftp" "$W"
start_nfs4 "$W/nfs" RW "$W"
echo "servers: FTP 127.0.0.1:$FTPPORT (pid $FPID), NFSv4 127.0.0.1:$NFSPORT (pid $GPID)"

FTPURL="ftp://uploader:upload-ftp-pw@127.0.0.1:$FTPPORT/incoming/"
NFSURL="nfs://127.0.0.1/export/bundles?version=4&nfsport=$NFSPORT"
CLEAR="key Home Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete Delete"
cat >"$W/upload.replay" <<EOF
# (made by tests/integration/48-bundle-upload.sh) a partial answerfile with a plaintext
# password, damaged media: the install fails; the bundle goes to FTP, then to NFS.
size 80x25
machine $PWD/Tests/Fixtures/machines/damaged-media.json
args --ask-missing --answerfile $PWD/Tests/Answerfiles/partial/bundle-upload.xml
wait "geographical area"
key E Enter
wait "city or area"
key L Enter
wait "Confirm Installation"
key BTab Enter
wait "Installation Failed" 60
wait "cannot read the archive"
key Right Right Enter
wait "Save Support Bundle"
$CLEAR
$CLEAR
type "$FTPURL"
key Enter
wait "Support Bundle Saved" 30
wait "ftp://127.0.0.1:$FTPPORT/incoming/host-installer-suppor"
key Enter
wait "Installation Failed"
key Right Right Enter
wait "Save Support Bundle"
$CLEAR
$CLEAR
type "$NFSURL"
key Enter
wait "Support Bundle Saved" 30
key Enter
wait "Installation Failed"
key Right Right Right Enter
exit 1
EOF
HOST_INSTALLER_REPLAY_STATE="$W/state" "$BIN" replay "$W/upload.replay"

fail=0
check_bundle() {   # $1 where, $2 path
  local b=$2 x="$W/x-$1"
  echo "$1 bundle: ${b#$W/} ($(stat -c %s "$b") bytes)"
  tar -tzf "$b" >/dev/null || { echo "FAIL: $1 bundle is not a valid tar"; fail=1; return; }
  mkdir "$x" && tar -xzf "$b" -C "$x"
  for f in install-log hardware.json answerfile.xml; do
    [ -s "$x"/*/"$f" ] || { echo "FAIL: $1 bundle has no $f"; fail=1; }
  done
  grep -q "STEP packages: Installing packages" "$x"/*/install-log || { echo "FAIL: $1 bundle log has no steps"; fail=1; }
  grep -q "cannot read the archive" "$x"/*/install-log || { echo "FAIL: $1 bundle log lacks the error"; fail=1; }
  grep -q '"name": "sda"' "$x"/*/hardware.json || { echo "FAIL: $1 bundle hardware has no sda"; fail=1; }
  grep -q '<root-password type="plaintext">(removed)</root-password>' "$x"/*/answerfile.xml || { echo "FAIL: $1 answerfile password not removed"; fail=1; }
  grep -q '<hostname>xcp-bundle</hostname>' "$x"/*/answerfile.xml || { echo "FAIL: $1 answerfile incomplete"; fail=1; }
  if grep -rq -- "$PW" "$x"; then echo "FAIL: the password is in the $1 bundle"; fail=1; else echo "$1 bundle: $(ls "$x"/*/ | tr '\n' ' ')- no password"; fi
}
FTPB=$(ls "$W"/ftp/incoming/host-installer-support-*.tar.gz 2>/dev/null | head -1)
NFSB=$(ls "$W"/nfs/bundles/host-installer-support-*.tar.gz 2>/dev/null | head -1)
[ -n "$FTPB" ] && check_bundle ftp "$FTPB" || { echo "FAIL: nothing uploaded over FTP"; fail=1; }
[ -n "$NFSB" ] && check_bundle nfs "$NFSB" || { echo "FAIL: nothing saved over NFS"; fail=1; }
if grep -q "upload-ftp-pw" "$W/state/install-log"; then echo "FAIL: the FTP password is in the log"; fail=1; fi
grep -q "support bundle saved: ftp://127.0.0.1:$FTPPORT/incoming/" "$W/state/install-log" || { echo "FAIL: the FTP upload is not logged"; fail=1; }
grep -q "support bundle saved: nfs://127.0.0.1/export/bundles" "$W/state/install-log" || { echo "FAIL: the NFS save is not logged"; fail=1; }

check_log() {   # $1 path
  local mode; mode=$(stat -c %a "$1")
  [ "$mode" = 600 ] || { echo "FAIL: $1 has mode $mode"; fail=1; }
  if grep -q -- "$2" "$1"; then echo "FAIL: the password is in $1"; fail=1; fi
  echo "log ${1#$W/}: mode $mode, $(wc -l <"$1") lines, no password"
}
check_log "$W/state/install-log" "$PW"

# An install with consoles switched while it ran: the target's log.
HOST_INSTALLER_REPLAY_STATE="$W/state2" "$BIN" replay Tests/Replays/consoles-install.replay
check_log "$W/state2/install-log" consoles-pw-57
LOOP=$(losetup --find --show --read-only --offset 1048576 --sizelimit 4294967296 "$W/state2/disks/sda.img")
mount -o ro "$LOOP" "$W/mnt"
check_log "$W/mnt/var/log/installer/install-log" consoles-pw-57
grep -q "STEP configure: Configuring the new system" "$W/mnt/var/log/installer/install-log" || { echo "FAIL: the target log has no steps"; fail=1; }
[ "$(cat "$W/mnt/etc/hostname")" = xcp-consoles ] || { echo "FAIL: the target's hostname is $(cat "$W/mnt/etc/hostname")"; fail=1; }
grep -q '^KEYTABLE="\?uk' "$W/mnt/etc/sysconfig/keyboard" || { echo "FAIL: the target's keymap"; cat "$W/mnt/etc/sysconfig/keyboard"; fail=1; }
echo "target: hostname $(cat "$W/mnt/etc/hostname"), $(grep KEYTABLE "$W/mnt/etc/sysconfig/keyboard")"
umount "$W/mnt"; losetup -d "$LOOP"; LOOP=
losetup -a | grep -q "$W" && { echo "FAIL: loop devices left"; fail=1; }
[ $fail -eq 0 ] && echo "48-bundle-upload: ok" || { echo "48-bundle-upload: FAILED"; exit 1; }
