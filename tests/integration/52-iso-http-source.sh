#!/usr/bin/env bash
# The installer CD installing from a remote source: an HTTP server on the host's loopback
# (python3 -m http.server on 127.0.0.1, serving the sample media and an answerfile) is reached
# by the VM as 10.0.2.2 through qemu's user network. The boot prompt gets
# "serial answerfile=http://10.0.2.2:PORT/answerfile.xml install atexit=poweroff"; the
# answerfile's <source type="url"> points at the same server. Then the disk boots. Then again
# with `nodhcp`: the installer runs DHCP itself (runtime networking) before the answerfile.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
iso_setup "$TOP" iso-http
. tests/integration/lib/servers.sh
HTTPPID=
cleanup() {
  local rc=$?
  stop_http
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
serve_cd_repository || exit 1
cat >"$work/www/answerfile.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>fr</keymap>
  <root-password>http-s3cret</root-password>
  <source type="url">http://10.0.2.2:$PORT/xcp/</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>xcp-http</hostname>
  <timezone>America/New_York</timezone>
</installation>
XML
cat >"$work/http.replay" <<REPLAY
size 80x24
exec $(iso_qemu_direct "$ISO" "$work/disk.img" "$work" "answerfile=http://10.0.2.2:$PORT/answerfile.xml install atexit=poweroff")
wait "unattended fresh installation on sda" 120
wait "Installation complete" 240
exit 0
REPLAY
start=$(date +%s)
"$BIN" replay "$work/http.replay" --times
echo "unattended install over HTTP: $(( $(date +%s) - start )) s"
grep -q 'GET /xcp/packages.main/dom0-root.tar.bz2' "$work/http.log" || { echo "FAIL: the root package was not fetched over HTTP"; cat "$work/http.log"; exit 1; }
tests/boot/boot-disk.sh "$work/disk.img" 240 \
  "XCP-SAMPLE hostname=xcp-http" \
  "XCP-SAMPLE ip=dhcp" \
  "XCP-SAMPLE address=xenbr0 10.0.2.15/24" \
  "XCP-SAMPLE timezone=America/New_York" \
  "XCP-SAMPLE keymap=fr" \
  "XCP-SAMPLE root-password=sha512"

# The same with `nodhcp`: the CD's init leaves the NIC down, so the installer brings eth0 up
# itself (busybox udhcpc from qemu's DHCP server, busybox ip) before it fetches the
# answerfile, then uses it for the source. The install completes; the disk is not booted again.
rm -f "$work/disk.img"; truncate -s 20G "$work/disk.img"
cat >"$work/nodhcp.replay" <<REPLAY
size 80x24
exec $(iso_qemu_direct "$ISO" "$work/disk.img" "$work" "nodhcp answerfile=http://10.0.2.2:$PORT/answerfile.xml install atexit=poweroff")
wait "network: configuring eth0 (DHCP) for the answerfile" 120
wait "network: eth0 10.0.2.15/24 (DHCP), gateway 10.0.2.2, nameserver 10.0.2.3" 60
wait "unattended fresh installation on sda" 60
wait "network: eth0 is already up (10.0.2.15/24)" 60
wait "Installation complete" 240
exit 0
REPLAY
"$BIN" replay "$work/nodhcp.replay" --times
echo "nodhcp: the installer configured eth0 itself (udhcpc) and installed over HTTP"
