#!/usr/bin/env bash
# Issue 18 from the installer CD: a network install over VLAN 42, against a peer that really
# speaks 802.1Q. This machine's kernel has no 8021q module (33 cannot run its VLAN cases), but
# the CD's kernel has one: the VM's only NIC (virtio, 52:54:00:12:34:56) is a qemu
# `-netdev stream` on a unix socket held by Tests/Fixtures/servers/vlantrunk.py, a user-space
# trunk port. It runs in a private network namespace (hi77-PID) and passes to the tap device
# there only the frames tagged VID 42 (untagged, stripped of the tag), drops untagged frames
# and other VIDs (counting them), and tags with VID 42 every frame the tap sends to the VM. In
# the namespace, on the tap (192.168.77.1/24): dnsmasq serving DHCP (192.168.77.50-60) and
# python3's http.server (lib/servers.sh start_http) serving the answerfile and the CD's
# repositories. Untagged, the VM reaches nothing.
#   0. The trunk itself, before any VM: ARP requests for 192.168.77.1 sent untagged, tagged
#      43 and tagged 42 (vlantrunk.py probe); only the one tagged 42 is answered, tagged 42.
#   1. The CD (remastered as 72 does: the serial entry at once) boots with
#      "answerfile=http://192.168.77.1:PORT/af.xml install network_device=eth0
#      network_config=dhcp;vlan=42 atexit=poweroff": the installer makes eth0.42, gets its lease
#      on it, fetches the answerfile (<admin-interface name="eth0" proto="dhcp" vlan="42"/>)
#      and installs from HTTP over the VLAN. Asserted: the install completes; the trunk
#      forwarded tagged frames, DHCP and the HTTP transfer (TCP frames to and from the server's
#      port, more bytes to the VM than the root package holds), and no untagged DHCP (the
#      CD's init leaves the NIC to the installer); dnsmasq leased to the VM's MAC; the server
#      logged the answerfile and the root package.
#   2. The installed disk boots (tests/boot/boot-disk.sh, its NIC on a second run of the
#      trunk): its serial console shows eth0.42 made on eth0, eth0.42 the port of xenbr0, and
#      xenbr0 with an address from dnsmasq (192.168.77.x/24, default route 192.168.77.1), and
#      the trunk's second run carried its DHCP tagged 42.
# VLAN_FIRMWARE=uefi runs both boots with OVMF instead (q35, AHCI CD and disk, as 53 does):
# the CD then starts from GRUB, whose menu has the parameters with ";" written "\;".
# The trunk, dnsmasq and the HTTP server are stopped by PID, the namespace and its tap
# removed on exit. Without root, a network namespace, a tap device or dnsmasq the test skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/integration/lib/skip.sh
[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace and a tap device)"
for t in ip dnsmasq python3 xorriso qemu-system-x86_64; do command -v "$t" >/dev/null || skip "$t is missing (scripts/install-deps)"; done
[ -c /dev/net/tun ] || skip "no /dev/net/tun (tap devices)"
qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx stream || skip "this qemu has no -netdev stream (qemu 7.2 or later)"
. tests/integration/lib/servers.sh
. tests/integration/lib/iso-boot.sh
. tests/integration/lib/netlab.sh

ADDR=192.168.77.1; VID=42; MAC=52:54:00:12:34:56
TRUNK=Tests/Fixtures/servers/vlantrunk.py
work=; HTTPPID=; TRUNKPID=
stop_trunk() {
  [ -z "$TRUNKPID" ] || { kill "$TRUNKPID" 2>/dev/null; wait "$TRUNKPID" 2>/dev/null || true; TRUNKPID=; }
}
cleanup() {
  local rc=$?
  set +e
  stop_trunk
  stop_http
  netlab_down
  [ -z "$work" ] || rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

netlab_up 77 "$ADDR"

. tests/iso/iso-lib.sh
iso_setup "$TOP" iso-vlan

serve_cd_repository "$ADDR" "$NS" || exit 1
cat >"$work/www/af.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>vlan42-s3cret</root-password>
  <source type="url">http://$ADDR:$PORT/xcp/</source>
  <admin-interface name="eth0" proto="dhcp" vlan="$VID"/>
  <hostname>xcp-vlan42</hostname>
  <timezone>Europe/Madrid</timezone>
</installation>
XML

netlab_dnsmasq <<CONF || exit 1
dhcp-range=192.168.77.50,192.168.77.60,255.255.255.0,1h
CONF

# start_trunk N: run N of the trunk, listening on $work/trunkN.sock, its log $work/trunkN.log.
start_trunk() {
  ip netns exec "$NS" python3 -u "$TRUNK" serve "$work/trunk$1.sock" "$TAP" "$VID" "$PORT" >"$work/trunk$1.log" 2>&1 & TRUNKPID=$!
  for _ in $(seq 50); do grep -q '^LISTENING' "$work/trunk$1.log" && return 0; kill -0 "$TRUNKPID" 2>/dev/null || break; sleep 0.1; done
  cat "$work/trunk$1.log"; fail "the trunk did not start"
}
# counter N CONN KEY: a counter of connection CONN of trunk run N (waits up to 10 s for its
# line). It runs in $(...): a missing line is said on stderr.
counter() {
  local line
  for _ in $(seq 100); do line=$(grep "^conn $2: from_vm_vid=" "$work/trunk$1.log" || true); [ -n "$line" ] && break; sleep 0.1; done
  [ -n "$line" ] || { cat "$work/trunk$1.log" >&2; fail "trunk run $1 has no counters for connection $2" >&2; }
  sed -n "s/.* $3=\([0-9]*\).*/\1/p" <<<" ${line#*: }"
}
start_trunk 1
echo "namespace $NS: tap $TAP $ADDR/24, dnsmasq (pid $DNSMASQPID), HTTP on port $PORT (pid $HTTPPID), trunk VID $VID (pid $TRUNKPID)"

echo "== 0. the trunk answers only what is tagged $VID"
python3 "$TRUNK" probe "$work/trunk1.sock" "$VID" "$ADDR" || fail "the trunk does not behave as a VLAN $VID trunk port"
[ "$(counter 1 1 from_vm_untagged_dropped)" = 1 ] && [ "$(counter 1 1 from_vm_other_vid_dropped)" = 1 ] ||
  { cat "$work/trunk1.log"; fail "the trunk did not count the untagged and VID $((VID + 1)) frames as dropped"; }
echo "ok   0: untagged and VID $((VID + 1)) dropped, VID $VID answered"

echo "== 1. the install over VLAN $VID"
URL=http://$ADDR:$PORT/af.xml
iso_remaster "$ISO" "$work/installer.iso" serial \
  "answerfile=$URL install network_device=eth0 network_config=dhcp;vlan=$VID atexit=poweroff"
nic="-netdev stream,id=n0,server=off,addr.type=unix,addr.path=$work/trunk1.sock -device virtio-net-pci,netdev=n0,mac=$MAC"
boot_disk_fw=()
if [ "${VLAN_FIRMWARE:-bios}" = uefi ]; then
  vm=$(iso_vm "-machine q35 $(iso_ovmf "$work") \
    -drive if=none,id=cd0,file=$work/installer.iso,format=raw,media=cdrom,readonly=on -device ide-cd,drive=cd0,bus=ide.1,bootindex=0 \
    -drive if=none,id=d0,file=$work/disk.img,format=raw -device ide-hd,drive=d0,bus=ide.0 $nic")
  boot_disk_fw=(BOOT_DISK_UEFI_VARS="$work/ovmf-vars.fd" BOOT_DISK_FIRMWARE=uefi BOOT_DISK_IF=ahci)
else
  vm=$(iso_vm "-boot d -cdrom $work/installer.iso -drive file=$work/disk.img,format=raw,if=ide,index=0 $nic")
fi
echo "firmware: ${VLAN_FIRMWARE:-bios}"
cat >"$work/install.replay" <<REPLAY
size 80x24
exec $vm
wait "network: configuring eth0.$VID (DHCP, VLAN $VID) for the answerfile" 180
wait "network: eth0.$VID 192.168.77." 60
wait "unattended fresh installation on sda" 60
wait "Installation complete" 400
wait "exited with status 0" 60
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/install.replay" --times || { cat "$work/trunk1.log"; tail -20 "$work/dnsmasq.log"; tail -5 "$work/http.log"; fail "the install over VLAN $VID"; }
t_install=$(( $(date +%s) - t0 ))
echo "--- trunk, run 1"; cat "$work/trunk1.log"
tagged=$(counter 1 2 from_vm_vid); to_vm=$(counter 1 2 to_vm_tagged); untagged=$(counter 1 2 from_vm_untagged_dropped)
dhcp=$(counter 1 2 dhcp_from_vm); tcp_from=$(counter 1 2 tcp_from_vm); tcp_to=$(counter 1 2 tcp_to_vm)
tcp_bytes=$(counter 1 2 tcp_bytes_to_vm)
root=$(stat -L -c %s "$work/www/xcp/packages.main/dom0-root.tar.bz2")
[ "$tagged" -gt 0 ] && [ "$to_vm" -gt 0 ] || fail "the trunk carried no tagged frames ($tagged from the VM, $to_vm to it)"
[ "$dhcp" -gt 0 ] || fail "no DHCP request from the VM came through the trunk tagged $VID"
# network_config= on the boot line: the CD's init runs no DHCP of its own on the bare NIC.
[ "$(counter 1 2 dhcp_untagged_dropped)" = 0 ] || fail "the VM sent untagged DHCP requests (the CD's init ran DHCP on eth0 despite network_config=)"
[ "$tcp_from" -gt 0 ] && [ "$tcp_to" -gt 0 ] || fail "no HTTP traffic through the trunk ($tcp_from TCP frames to port $PORT, $tcp_to from it)"
[ "$tcp_bytes" -gt "$root" ] || fail "the trunk sent $tcp_bytes bytes of HTTP frames to the VM, less than the root package ($root bytes)"
grep -qiE "DHCPACK\($TAP\) 192\.168\.77\.[0-9]+ $MAC" "$work/dnsmasq.log" || { cat "$work/dnsmasq.log"; fail "dnsmasq gave $MAC no lease"; }
grep -q '"GET /af.xml HTTP/1.1" 200' "$work/http.log" || { cat "$work/http.log"; fail "the answerfile was not fetched"; }
grep -q '"GET /xcp/packages.main/dom0-root.tar.bz2 HTTP/1.1" 200' "$work/http.log" || { cat "$work/http.log"; fail "the root package was not fetched over HTTP"; }
lease=$(grep -oiE "DHCPACK\($TAP\) 192\.168\.77\.[0-9]+ $MAC" "$work/dnsmasq.log" | head -n 1 | awk '{print $2}')
echo "ok   1: installed over VLAN $VID in $t_install s: lease $lease; trunk: $tagged frames in tagged $VID ($dhcp DHCP, $tcp_from to the HTTP port), $to_vm out tagged ($tcp_to HTTP frames, $tcp_bytes bytes; the root package is $root), $untagged untagged frames dropped"

echo "== 2. the installed host: xenbr0 on eth0.$VID, its address over VLAN $VID"
stop_trunk
start_trunk 2
acks_before=$(grep -ciE "DHCPACK\($TAP\) 192\.168\.77\.[0-9]+ $MAC" "$work/dnsmasq.log")
t1=$(date +%s)
env "${boot_disk_fw[@]}" BOOT_DISK_NETDEV="stream,server=off,addr.type=unix,addr.path=$work/trunk2.sock" BOOT_DISK_LOG=$work/serial2.log \
  tests/boot/boot-disk.sh "$work/disk.img" 300 \
  "XCP-SAMPLE hostname=xcp-vlan42" \
  "XCP-SAMPLE vlan=eth0.$VID id=$VID link=eth0" \
  "XCP-SAMPLE bridge=xenbr0 port=eth0.$VID" \
  "XCP-SAMPLE default-route=$ADDR" \
  "XCP-SAMPLE timezone=Europe/Madrid" >"$work/boot2.out" || { cat "$work/boot2.out"; cat "$work/trunk2.log"; fail "the installed disk"; }
grep '^boot-disk: ' "$work/boot2.out"
serial=$(tr -d '\r' <"$work/serial2.log")
grep -E '^XCP-SAMPLE (management|vlan|bridge|address|default-route)=' <<<"$serial" || true
! grep -q 'net-error' <<<"$serial" || fail "the installed host reported a network error"
grep -qE "^XCP-SAMPLE address=xenbr0 192\.168\.77\.[0-9]+/24$" <<<"$serial" || fail "xenbr0 has no address from dnsmasq on VLAN $VID"
stop_trunk
echo "--- trunk, run 2"; cat "$work/trunk2.log"
[ "$(counter 2 1 dhcp_from_vm)" -gt 0 ] && [ "$(counter 2 1 dhcp_to_vm)" -gt 0 ] || fail "the installed host's DHCP did not go through the trunk tagged $VID"
[ "$(grep -ciE "DHCPACK\($TAP\) 192\.168\.77\.[0-9]+ $MAC" "$work/dnsmasq.log")" -gt "$acks_before" ] || fail "dnsmasq gave the installed host no lease"
echo "ok   2: the installed host booted in $(( $(date +%s) - t1 )) s: xenbr0 on eth0.$VID, $(grep -oE '^XCP-SAMPLE address=xenbr0 [0-9./]+' <<<"$serial" | cut -d' ' -f3) over VLAN $VID; $(counter 2 1 from_vm_untagged_dropped) untagged frames dropped"
echo "77-iso-vlan-install: ok ($SECONDS s)"
