#!/usr/bin/env bash
# The boot line (issue 17, the guide's appendix B): answerfile= fetched over FTP (with and
# without credentials) and NFSv4 from servers on 127.0.0.1, with `install` (unattended; the
# dry run prints the plan the answerfile gives, nothing is written); a missing file named
# with its URL; and extrarepo= or bootloader=grub refused at start, never ignored (exit 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ -x "$BIN" ] || { echo "FAIL: build first"; exit 1; }
/usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || skip "python3-pyftpdlib is not installed (scripts/install-deps)"
[ -x /usr/bin/ganesha.nfsd ] || skip "nfs-ganesha is not installed (scripts/install-deps)"
. tests/integration/lib/servers.sh
W=$(mktemp -d /tmp/hi-bootline.XXXXXX)
FPID=; GPID=
cleanup() { stop_servers; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
export HOST_INSTALLER_STATE=$W/state
mkdir -p "$W/ftp/pxe" "$W/nfs/pxe" "$W/state"
cat > "$W/ftp/pxe/answerfile.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk>sdb</primary-disk>
  <keymap>de</keymap>
  <root-password type="plaintext">boot-line-pw-26</root-password>
  <source type="local"/>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>from-the-boot-line</hostname>
  <timezone>Europe/Berlin</timezone>
</installation>
XML
cp "$W/ftp/pxe/answerfile.xml" "$W/nfs/pxe/"
start_ftp "$W/ftp" "$W"
start_nfs4 "$W/nfs" RO "$W"
M=Tests/Fixtures/machines/two-disks.json

run() {   # $1: the boot line; prints the installer's output, returns its status
  echo "$1" > "$W/cmdline"
  "$BIN" --machine "$M" --dry-run --cmdline "$W/cmdline" > "$W/out" 2>&1 < /dev/null
}
for url in "ftp://127.0.0.1:$FTPPORT/pxe/answerfile.xml" "ftp://alice:s3cret-pw@127.0.0.1:$FTPPORT/pxe/answerfile.xml" \
           "nfs://127.0.0.1/export/pxe/answerfile.xml?version=4&nfsport=$NFSPORT"; do
  run "console=tty0 answerfile=$url install" || { cat "$W/out"; fail "answerfile=$url"; }
  grep -q '"hostname": "from-the-boot-line"' "$W/out" || { cat "$W/out"; fail "answerfile=$url: not the answerfile's plan"; }
  grep -q '"primary_disk": "sdb"' "$W/out" || fail "answerfile=$url: not the answerfile's disk"
  ! grep -q 's3cret-pw\|boot-line-pw-26' "$W/out" "$W/state/install-log" || fail "a password was printed or logged"
  shown=$(sed "s|//[^/@]*@|//USER:PASSWORD@|" <<<"${url%%\?*}")
  echo "ok   answerfile=$shown: fetched, unattended dry-run plan printed"
done
rc=0; run "answerfile=ftp://127.0.0.1:$FTPPORT/pxe/missing.xml install" || rc=$?
[ "$rc" -ne 0 ] && grep -q 'missing.xml' "$W/out" || { cat "$W/out"; fail "a missing answerfile is not reported with its name (exit $rc)"; }
echo "ok   a missing answerfile: exit $rc, named: $(tail -n 1 "$W/out")"
for line in "extrarepo=http://127.0.0.1/pack answerfile=ftp://127.0.0.1:$FTPPORT/pxe/answerfile.xml install" "bootloader=grub install"; do
  rc=0; run "$line" || rc=$?
  [ "$rc" -eq 2 ] || { cat "$W/out"; fail "'$line' exited $rc, expected 2"; }
  grep -q 'not supported by this build\|only extlinux' "$W/out" || { cat "$W/out"; fail "'$line': no reason given"; }
  echo "ok   refused (exit 2): $(tail -n 1 "$W/out")"
done
