#!/usr/bin/env bash
# Unattended installs from an FTP server (pyftpdlib, with a user and password) and from an
# NFSv4 server (nfs-ganesha), both started here on 127.0.0.1 on free ports and stopped by
# PID. After each install the files of the base package in the new root are the ones in the
# repository (read back from the disk image with debugfs and compared with the package's own
# files), the password is in neither the output nor the log, and no loop device is left.
# A package changed on the server after its metadata was written (verification skipped)
# stops the install with exit 1 and a message naming the package; none of it lands.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { skip "needs root (loop devices)"; }
$PY -c 'import pyftpdlib' 2>/dev/null || { skip "python3-pyftpdlib is not installed (scripts/install-deps)"; }
[ -x /usr/bin/ganesha.nfsd ] || { skip "nfs-ganesha is not installed (scripts/install-deps)"; }

. tests/integration/lib/servers.sh
. tests/integration/lib/machine.sh
W=$(mktemp -d /tmp/install-ftp-nfs.XXXXXX)
FPID=; GPID=
cleanup() { stop_servers; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
PW=ftp-nfs-root-pw-41
mkdir -p "$W/ftp" "$W/nfs" "$W/expected"
cp -r Tests/Fixtures/media/sample/. "$W/ftp/"
cp -r Tests/Fixtures/media/sample/. "$W/nfs/"
tar -xjf Tests/Fixtures/media/sample/packages.main/dom0-root.tar.bz2 -C "$W/expected"

start_ftp "$W/ftp" "$W"
start_nfs4 "$W/nfs" RO "$W"
echo "servers: FTP 127.0.0.1:$FTPPORT (pid $FPID), NFSv4 127.0.0.1:$NFSPORT (pid $GPID)"

answerfile() {   # $1: the <source> element
  cat <<EOF
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">$PW</root-password>
  $1
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/Paris</timezone>
</installation>
EOF
}
# Every regular file of the package, read back from the new root, must match the package's
# (but /etc/shadow, which the configure step rewrites with root's new password hash).
check_root() {   # $1: disk image
  local img=$1 offset n=0
  offset=$(( $(sfdisk -J "$img" | $PY -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
  while IFS= read -r f; do
    rel=${f#"$W/expected"}
    if [ "$rel" = /etc/shadow ]; then   # rewritten by the configure step: root's new hash
      debugfs -R "cat $rel" "$img?offset=$offset" 2>/dev/null | grep -q '^root:\$6\$' || fail "root has no SHA-512 hash in /etc/shadow"
      continue
    fi
    debugfs -R "cat $rel" "$img?offset=$offset" 2>/dev/null | cmp -s - "$f" || fail "$rel differs in the installed root"
    n=$((n+1))
  done < <(find "$W/expected" -type f)
  echo "  $n files of dom0-root identical in the installed root, root's password hashed with SHA-512"
}
run_install() {   # $1: name, $2: source element
  local st="$W/state-$1" start
  vm_machine "$st"
  answerfile "$2" >"$st/answerfile.xml"
  start=$(date +%s.%N)
  HOST_INSTALLER_STATE="$st" "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml" >"$st/out" 2>&1 \
    || { tail -20 "$st/out"; fail "$1: the install failed"; }
  tail -n 1 "$st/out" | grep -q '^Installation complete' || fail "$1: no 'Installation complete'"
  echo "$1: installed in $(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}') s"
  ! grep -q "$PW" "$st/out" "$st/install-log" || fail "$1: the root password is in the output or the log"
  check_root "$st/disks/sda.img"
  if losetup -a | grep -q "$st"; then fail "$1: loop devices left"; fi
}

run_install ftp "<source type=\"url\">ftp://alice:s3cret-pw@127.0.0.1:$FTPPORT/</source>"
! grep -q "s3cret-pw" "$W/state-ftp/out" "$W/state-ftp/install-log" || fail "the FTP password is in the output or the log"
run_install nfs "<source type=\"nfs\">127.0.0.1:/export?version=4&amp;nfsport=$NFSPORT</source>"

# The package changed on the server after its metadata was written: the install stops.
printf 'not the package' >>"$W/ftp/packages.main/dom0-root.tar.bz2"
st="$W/state-damaged"; vm_machine "$st"
answerfile "<source type=\"url\">ftp://127.0.0.1:$FTPPORT/</source>" >"$st/answerfile.xml"
set +e
HOST_INSTALLER_STATE="$st" "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml" >"$st/out" 2>&1; rc=$?
set -e
[ "$rc" -eq 1 ] || { tail -5 "$st/out"; fail "a damaged package over FTP: exit $rc, expected 1"; }
grep -q "dom0-root.tar.bz2: MD5 mismatch" "$st/out" || { tail -5 "$st/out"; fail "the error does not name the damaged package"; }
if losetup -a | grep -q "$st"; then fail "damaged: loop devices left"; fi
tail -n 2 "$st/out"
echo "42-install-ftp-nfs: ok"
