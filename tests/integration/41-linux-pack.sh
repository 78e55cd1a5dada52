#!/usr/bin/env bash
# The Linux Pack from a remote source (issue 17): unattended installs from an HTTP server
# (testhttpd.py) and an NFSv4 server (nfs-ganesha), both on 127.0.0.1 and stopped by PID,
# whose directory holds the base product and the Linux Pack (xs:linux). Without
# <linux-pack> (auto) the Linux Pack is installed: its file is read back from the new root
# with debugfs, and the output says "Linux Pack: installed". Also: the Linux Pack from a
# second <source>; <linux-pack>no</linux-pack> installs without it although the source has
# it; <linux-pack>yes</linux-pack> with a source that lacks it is refused (exit 2) with the
# element's line and column, before any disk is written.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { skip "needs root (loop devices)"; }
[ -x /usr/bin/ganesha.nfsd ] || { skip "nfs-ganesha is not installed (scripts/install-deps)"; }

. tests/integration/lib/servers.sh
. tests/integration/lib/machine.sh
. tests/integration/lib/images.sh
W=$(mktemp -d /tmp/linux-pack.XXXXXX)
FPID=; GPID=; HPID=
cleanup() {
  stop_servers
  [ -z "$HPID" ] || { kill -TERM "$HPID" 2>/dev/null || true; wait "$HPID" 2>/dev/null || true; }
  release_images "$W"/state-*/disks/*.img
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
PACKFILE=/opt/xensource/packages/linux/README
mkdir -p "$W/www/both" "$W/www/main" "$W/www/pack"
cp -r Tests/Fixtures/media/sample/. "$W/www/both/"
cp -r Tests/Fixtures/media/linux-pack/. "$W/www/both/"
cp -r Tests/Fixtures/media/sample/. "$W/www/main/"
cp -r Tests/Fixtures/media/linux-pack/. "$W/www/pack/"
expected=$(tar -xjOf Tests/Fixtures/media/linux-pack/packages.linux/linux-guest-support.tar.bz2 ".$PACKFILE")

$PY Tests/Fixtures/servers/testhttpd.py "$W/www" >"$W/http.out" 2>"$W/http.err" & HPID=$!
for _ in $(seq 100); do grep -q '^PORT' "$W/http.out" 2>/dev/null && break; sleep 0.05; done
HTTPPORT=$(awk '/^PORT/{print $2}' "$W/http.out")
[ -n "$HTTPPORT" ] || { cat "$W/http.err"; fail "the HTTP server did not start"; }
start_nfs4 "$W/www/both" RO "$W"
http="http://127.0.0.1:$HTTPPORT/pool"
echo "servers: HTTP 127.0.0.1:$HTTPPORT (pid $HPID), NFSv4 127.0.0.1:$NFSPORT (pid $GPID)"

answerfile() {   # $1: the <source> element(s) and <linux-pack>, if any
  cat <<EOF
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">linux-pack-pw</root-password>
  $1
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/Paris</timezone>
</installation>
EOF
}
pack_on_disk() {   # $1: disk image; prints the Linux Pack's file from the new root
  local img=$1 offset
  offset=$(( $(sfdisk -J "$img" | $PY -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
  debugfs -R "cat $PACKFILE" "$img?offset=$offset" 2>/dev/null
}
run_install() {   # $1: name, $2: elements, $3: with|without
  local st="$W/state-$1" start
  vm_machine "$st"
  answerfile "$2" >"$st/answerfile.xml"
  start=$(date +%s.%N)
  HOST_INSTALLER_STATE="$st" "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml" >"$st/out" 2>&1 \
    || { tail -20 "$st/out"; fail "$1: the install failed"; }
  tail -n 1 "$st/out" | grep -q '^Installation complete' || fail "$1: no 'Installation complete'"
  grep '^Linux Pack:' "$st/out" | sed "s/^/  $1: /"
  if [ "$3" = with ]; then
    [ "$(pack_on_disk "$st/disks/sda.img")" = "$expected" ] || fail "$1: the Linux Pack ($PACKFILE) is not in the installed root"
    grep -q '^Linux Pack: installed' "$st/out" || fail "$1: the output does not say the Linux Pack is installed"
  else
    [ -z "$(pack_on_disk "$st/disks/sda.img")" ] || fail "$1: the Linux Pack was installed"
    grep -q '^Linux Pack: not installed' "$st/out" || fail "$1: the output does not say the Linux Pack is not installed"
  fi
  echo "$1: installed $3 the Linux Pack in $(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}') s"
  if losetup -a | grep -q "$st"; then fail "$1: loop devices left"; fi
}

run_install http "<source type=\"url\">$http/both/</source>" with
run_install nfs "<source type=\"nfs\">127.0.0.1:/export?version=4&amp;nfsport=$NFSPORT</source>" with
run_install second-source "<source type=\"url\">$http/main/</source>
  <source type=\"url\">$http/pack/</source>" with
run_install http-yes "<source type=\"url\">$http/both/</source>
  <linux-pack>yes</linux-pack>" with
run_install nfs-no "<source type=\"nfs\">127.0.0.1:/export?version=4&amp;nfsport=$NFSPORT</source>
  <linux-pack>no</linux-pack>" without

# yes, and no source has the Linux Pack: refused at the element, nothing written.
st="$W/state-refused"; vm_machine "$st"
answerfile "<source type=\"url\">$http/main/</source>
  <linux-pack>yes</linux-pack>" >"$st/answerfile.xml"
set +e
HOST_INSTALLER_STATE="$st" "$BIN" --machine "$st/machine.json" --answerfile "$st/answerfile.xml" >"$st/out" 2>&1; rc=$?
set -e
tail -n 2 "$st/out"
[ "$rc" -eq 2 ] || fail "<linux-pack>yes</linux-pack> without a Linux Pack: exit $rc, expected 2"
line=$(grep -n '<linux-pack>' "$st/answerfile.xml" | cut -d: -f1)
grep -q "answerfile.xml:$line:3: the Linux Pack was asked for" "$st/out" || fail "the refusal does not give the element's line and column ($line:3)"
used=$(du --block-size=1 -c "$st"/disks/*.img 2>/dev/null | tail -n 1 | cut -f1)
[ "${used:-0}" -eq 0 ] || fail "the refused install wrote $used bytes to the disk images"
echo "41-linux-pack: ok"
