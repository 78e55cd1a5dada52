#!/usr/bin/env bash
# Issue 16 item 4, the DHCP half, in a VM: "answerfile=auto install" on the installer CD takes
# the answerfile URL from DHCP option 224. qemu's user network cannot send option 224, so the
# VM's NIC is a tap device inside a private network namespace (hi72-PID) where dnsmasq serves
# DHCP on that tap only (192.168.72.0/24, config file as the README shows, the option set per
# MAC with dhcp-host tags) and python3's http.server (lib/servers.sh start_http) serves the
# answerfiles and the CD's repositories on 192.168.72.1. Nothing outside the namespace can
# reach either server. The CD is remastered to boot "serial answerfile=auto install
# atexit=poweroff" at once (lib/iso-boot.sh).
#   1. MAC ...:01 gets option 224 = .../answers/good.xml: the installer says it took the URL
#      from option 224, installs unattended from the HTTP source, and the installed disk boots
#      with the answerfile's host name (xcp-from-dhcp224).
#   2. MAC ...:02 gets option 224 = .../answers/gone.xml (404): the installer stops with an
#      error naming that URL, exits with status 1 (init says so), and the disk has 0 bytes
#      allocated.
# The namespace, the tap and the servers (by PID) are removed on exit. Without root, a
# network namespace, a tap device or dnsmasq the test skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/integration/lib/skip.sh
[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace and a tap device)"
for t in ip dnsmasq python3 xorriso qemu-system-x86_64; do command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"; done
[ -c /dev/net/tun ] || skip "no /dev/net/tun (tap devices)"
. tests/integration/lib/servers.sh
. tests/integration/lib/iso-boot.sh
. tests/integration/lib/netlab.sh

ADDR=192.168.72.1
MAC_GOOD=52:54:00:72:00:01; MAC_GONE=52:54:00:72:00:02
work=; HTTPPID=
cleanup() {
  local rc=$?
  set +e
  stop_http
  netlab_down
  [ -z "$work" ] || rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

netlab_up 72 "$ADDR"

. tests/iso/iso-lib.sh
iso_setup "$TOP" dhcp-answer-url

# The HTTP server in the namespace: answerfiles and the CD's repositories.
serve_cd_repository "$ADDR" "$NS" || exit 1
mkdir -p "$work/www/answers"
cat >"$work/www/answers/good.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>dhcp224-s3cret</root-password>
  <source type="url">http://$ADDR:$PORT/xcp/</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>xcp-from-dhcp224</hostname>
  <timezone>Europe/Berlin</timezone>
</installation>
XML
URL_GOOD=http://$ADDR:$PORT/answers/good.xml
URL_GONE=http://$ADDR:$PORT/answers/gone.xml

# dnsmasq on the tap only, from a config file (the README's form: quotes in a file are
# stripped); option 224 per host by MAC.
netlab_dnsmasq <<CONF || exit 1
dhcp-range=192.168.72.50,192.168.72.60,255.255.255.0,1h
dhcp-host=$MAC_GOOD,set:good
dhcp-host=$MAC_GONE,set:gone
dhcp-option-force=tag:good,224,"$URL_GOOD"
dhcp-option-force=tag:gone,224,"$URL_GONE"
CONF
echo "namespace $NS: tap $TAP $ADDR/24, dnsmasq (pid $DNSMASQPID), HTTP on port $PORT (pid $HTTPPID)"

iso_remaster "$ISO" "$work/installer.iso" serial "answerfile=auto install atexit=poweroff"
# vm MAC: the qemu command line, run inside the namespace; the NIC is the namespace's tap.
vm() {
  echo "ip netns exec $NS $(iso_vm "-boot d -cdrom $work/installer.iso -drive file=$work/disk.img,format=raw,if=ide,index=0 \
    -netdev tap,id=n0,ifname=$TAP,script=no,downscript=no -device virtio-net-pci,netdev=n0,mac=$1")"
}

echo "== 1. option 224 names a good answerfile"
cat >"$work/good.replay" <<REPLAY
size 80x24
exec $(vm $MAC_GOOD)
wait "answerfile=auto: $URL_GOOD (DHCP option 224)" 180
wait "unattended fresh installation on sda" 60
wait "Installation complete" 300
wait "exited with status 0" 60
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/good.replay" --times
echo "answerfile=auto by DHCP option 224: unattended install from the CD in $(( $(date +%s) - t0 )) s"
grep -qiE "DHCPACK\(.*\) 192\.168\.72\.[0-9]+ $MAC_GOOD" "$work/dnsmasq.log" || { cat "$work/dnsmasq.log"; fail "dnsmasq gave $MAC_GOOD no lease"; }
grep -q 'sent size: *[0-9]* option:224 ' "$work/dnsmasq.log" || { cat "$work/dnsmasq.log"; fail "dnsmasq's log shows no option 224 sent"; }
grep -q '"GET /answers/good.xml HTTP/1.1" 200' "$work/http.log" || { cat "$work/http.log"; fail "the answerfile was not fetched"; }
grep -q 'GET /xcp/packages.main/dom0-root.tar.bz2' "$work/http.log" || { cat "$work/http.log"; fail "the root package was not fetched over HTTP"; }
tests/boot/boot-disk.sh "$work/disk.img" 240 \
  "XCP-SAMPLE hostname=xcp-from-dhcp224" \
  "XCP-SAMPLE ip=dhcp" \
  "XCP-SAMPLE timezone=Europe/Berlin" \
  "XCP-SAMPLE keymap=us" \
  "XCP-SAMPLE root-password=sha512"
echo "ok   1: the installed disk boots as xcp-from-dhcp224"

echo "== 2. option 224 names an answerfile the server does not have (404)"
rm -f "$work/disk.img"; truncate -s 20G "$work/disk.img"
cat >"$work/gone.replay" <<REPLAY
size 80x24
exec $(vm $MAC_GONE)
wait "answerfile=auto: $URL_GONE (DHCP option 224)" 180
wait "answers/gone.xml: not found (HTTP 404)" 60
wait "exited with status 1" 60
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/gone.replay" --times
echo "answerfile=auto, option 224 URL not found: the installer stopped after $(( $(date +%s) - t0 )) s"
grep -q '"GET /answers/gone.xml HTTP/1.1" 404' "$work/http.log" || { cat "$work/http.log"; fail "no 404 for gone.xml in the server's log"; }
[ "$(stat -c %b "$work/disk.img")" = 0 ] || fail "the disk was written ($(stat -c %b "$work/disk.img") blocks allocated)"
echo "ok   2: stopped with the URL and HTTP 404, status 1, disk not written (0 blocks allocated)"
echo "72-dhcp-answer-url: ok ($SECONDS s)"
