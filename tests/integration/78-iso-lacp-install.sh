#!/usr/bin/env bash
# Issue 18 from the installer CD, the LACP half of "a bond at install": a network install
# through switch ports that are members of an LACP port-channel, which pass no data until the
# host speaks LACP (IEEE 802.1AX, 802.3ad). The switch is Tests/Fixtures/servers/lacpswitch.py:
# two ports, each the far end of one of the VM's virtio NICs (qemu -netdev socket, eth0
# 52:54:00:12:34:56 and eth1 ...:57 as in 73, 1000 Mbit/s full duplex: bonding gives LACP only to
# full-duplex ports), and an uplink, the tap hi78tPID in a private network namespace (hi78-PID)
# where dnsmasq serves DHCP (192.168.78.0/24) and python3's http.server (lib/servers.sh
# start_http) the CD's repositories on 192.168.78.1. The switch, qemu and the servers all run
# in that namespace (the sockets are on its loopback); nothing outside it can reach them.
# The answerfile is on the CD (remastered: "serial answerfile=file:///cdrom/answerfiles/lacp.xml
# install atexit=poweroff", lib/iso-boot.sh), since no answerfile URL can be fetched before
# the bond exists: only the source is remote. It says
# <admin-interface proto="dhcp"><bond mode="lacp">eth0 eth1</bond></admin-interface>.
# The CD's init still runs DHCP on each NIC alone at boot, as it always does: the switch
# drops those requests (the real failure of a network install on LACP ports).
# Asserted, from the switch's log: LACPDUs from the host on both ports, both ports
# forwarding (sync, collecting, distributing on both ends) with the host's bond as one
# aggregator, data frames dropped before a port forwarded and forwarded after; from the
# install: bond0 configured as an LACP bond, the repositories fetched over HTTP through the
# switch, the closing bond line with 802.3ad, the switch as partner and both members in one
# aggregator, completion (status 0), and no lease for eth1's own MAC (the installer stopped
# the boot-time DHCP clients of the members). Then the installed disk boots on the same switch
# (restarted, two e1000 NICs): bond0 in 802.3ad mode of eth0 and eth1, both ports forwarding
# with it, xenbr0 leased through them, dom0 ready. Without root, a network namespace, a tap
# device or dnsmasq it skips.
# 2. The same install with its answerfile by URL from the HTTP server: the boot line makes the
# bond first ("network_config=dhcp:bond=eth0,eth1:lacp", the installer's own key; init runs no
# DHCP then); asserted: the answerfile fetched over HTTP, the 802.3ad closing line with the
# switch, both ports forwarding, completion.
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

ADDR=192.168.78.1
MAC0=52:54:00:12:34:56; MAC1=52:54:00:12:34:57; SWITCH=02:1a:c9:00:00:01
work=; HTTPPID=; SWPID=
cleanup() {
  local rc=$?
  set +e
  stop_http
  [ -z "$SWPID" ] || { kill "$SWPID" 2>/dev/null; wait "$SWPID" 2>/dev/null; }
  netlab_down
  [ -z "$work" ] || rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# start_switch NAME: the LACP switch (lacpswitch.py) on the namespace's tap, logging to
# $work/NAME.log; sets SWPID and its two ports P0 P1 (TCP on 127.0.0.1).
start_switch() {
  ip netns exec "$NS" python3 -u Tests/Fixtures/servers/lacpswitch.py "$work/$1.log" "$TAP" "$SWITCH" 78 \
    >"$work/$1.out" 2>&1 & SWPID=$!
  for _ in $(seq 150); do grep -q '^PORTS' "$work/$1.out" 2>/dev/null && break; kill -0 "$SWPID" 2>/dev/null || break; sleep 0.1; done
  P0=; P1=
  read -r P0 P1 < <(awk '/^PORTS/ {print $2, $3}' "$work/$1.out")
  [ -n "${P1:-}" ] || { cat "$work/$1.out"; fail "the LACP switch ($1) did not start"; }
}
# switch_nics DEVICE SERIAL_LOG: qemu options for two NICs (DEVICE model, MAC0/MAC1) on the
# switch's ports and the serial console copied to SERIAL_LOG.
switch_nics() {
  local extra=; [ "$1" = virtio-net-pci ] && extra=,speed=1000,duplex=full
  echo "-netdev socket,id=n0,connect=127.0.0.1:$P0 -device $1,netdev=n0,mac=$MAC0$extra" \
    "-netdev socket,id=n1,connect=127.0.0.1:$P1 -device $1,netdev=n1,mac=$MAC1$extra" \
    "-chardev stdio,id=ser0,logfile=$2,signal=off -serial chardev:ser0 -monitor none"
}

netlab_up 78 "$ADDR"

. tests/iso/iso-lib.sh
iso_setup "$TOP" lacp-install

# The HTTP server in the namespace: the CD's repositories.
serve_cd_repository "$ADDR" "$NS" || exit 1

# dnsmasq on the tap only (the config file of 72).
netlab_dnsmasq <<CONF || exit 1
dhcp-range=192.168.78.50,192.168.78.60,255.255.255.0,1h
CONF

# The switch, its uplink the tap (it opens it in the namespace).
start_switch switch
echo "namespace $NS: tap $TAP $ADDR/24, dnsmasq (pid $DNSMASQPID), HTTP on port $PORT (pid $HTTPPID), switch ports $P0 $P1 (pid $SWPID)"

cat >"$work/lacp.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>lacp-s3cret</root-password>
  <source type="url">http://$ADDR:$PORT/xcp/</source>
  <admin-interface proto="dhcp">
    <bond mode="lacp">eth0 eth1</bond>
  </admin-interface>
  <hostname>xcp-lacp</hostname>
  <timezone>Europe/Madrid</timezone>
</installation>
XML
iso_remaster "$ISO" "$work/installer.iso" serial "answerfile=file:///cdrom/answerfiles/lacp.xml install atexit=poweroff" \
  "answerfiles/lacp.xml=$work/lacp.xml"
nics=$(switch_nics virtio-net-pci "$work/serial.log")
cat >"$work/lacp.replay" <<REPLAY
size 80x24
exec ip netns exec $NS $(iso_vm "-boot d -cdrom $work/installer.iso -drive file=$work/disk.img,format=raw,if=ide,index=0 $nics")
wait "unattended fresh installation on sda" 180
wait "network: bond0 " 120
wait "Installation complete" 400
wait "exited with status 0" 60
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/lacp.replay" --times || {
  tr -d '\r' <"$work/serial.log" | grep -aE '^(network|installer-cd|udhcpc|Installation)' | tail -20; echo "--- switch"; cat "$work/switch.log"
  echo "--- dnsmasq"; grep -E 'DHCP(ACK|OFFER)' "$work/dnsmasq.log"; tail -5 "$work/http.log"; fail "the install over the LACP bond"; }
t_install=$(( $(date +%s) - t0 ))
serial=$(tr -d '\r' <"$work/serial.log")
kill "$SWPID"; wait "$SWPID" 2>/dev/null || true; SWPID=
echo "--- the installer's network and bond lines"
grep -aE '^network: |Install time' <<<"$serial" || true
echo "--- the switch's log (state changes and counters)"
grep -vE '^[0-9.]+ port[01] counters' "$work/switch.log"; grep -E 'port[01] counters' "$work/switch.log" | tail -2

# The switch: LACPDUs from the host's bond on both ports, both forwarding, data dropped
# before and forwarded after.
grep -q "aggregator: host system $MAC0 key " "$work/switch.log" || fail "the switch formed no aggregator with the host's bond ($MAC0)"
for n in 0 1; do
  last=$(grep -E "^[0-9.]+ port$n counters" "$work/switch.log" | tail -1)
  val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$last"; }
  [ "$(val lacpdu_rx)" -gt 0 ] || fail "port$n received no LACPDU"
  grep -qE "^[0-9.]+ port$n lacpdu from $MAC0 key [0-9]+ port [0-9]+" "$work/switch.log" || fail "port$n: no LACPDU from the host's system $MAC0"
  grep -qE "^[0-9.]+ port$n state actor=activity,short-timeout,aggregation,sync,collecting,distributing partner=[a-z,-]*sync,collecting,distributing[a-z,-]* forwarding yes" "$work/switch.log" ||
    fail "port$n never reached collecting/distributing on both ends"
  # The counters logged with the first "forwarding yes" of the port: what happened before it.
  before=$(awk -v p="port$n" '$2 == p && $3 == "state" && / forwarding yes/ {f = 1; next} f && $2 == p && $3 == "counters" {print; exit}' "$work/switch.log")
  echo "port$n at its first forwarding: ${before#* counters }; at the end: ${last#* counters }"
  [ "$(val forwarded_in)" -gt 0 ] || [ "$(val forwarded_out)" -gt 0 ] || fail "port$n forwarded nothing"
  eval "dropped$n=$(sed -n 's/.* dropped_in=\([0-9]*\).*/\1/p' <<<"$before")"
done
[ $((dropped0 + dropped1)) -gt 0 ] || fail "no data frame from the host was dropped before the ports forwarded"
grep -q "DHCPACK(.*) 192\.168\.78\.[0-9]* $MAC0" "$work/dnsmasq.log" || { cat "$work/dnsmasq.log"; fail "dnsmasq gave the bond ($MAC0) no lease"; }
# The CD's init had DHCP clients on eth0 and eth1 alone: the installer stopped them when it made
# the bond, so no lease went to eth1's own MAC (bond0 carries eth0's).
! grep -qi "DHCPACK(.*) 192\.168\.78\.[0-9]* $MAC1" "$work/dnsmasq.log" || { grep -E 'DHCP(ACK|OFFER)' "$work/dnsmasq.log"; fail "a DHCP client on eth1 alone got a lease through the switch"; }
grep -q 'GET /xcp/packages.main/dom0-root.tar.bz2' "$work/http.log" || { tail "$work/http.log"; fail "the root package was not fetched over HTTP"; }

# The installer: the bond configured and its closing line.
grep -aq '^network: configuring bond0 (DHCP, bond of eth0 eth1 (lacp))' <<<"$serial" || fail "the installer did not configure bond0 as an LACP bond"
grep -aq "^network: bond0: 802.3ad, partner $SWITCH (aggregator \([0-9]*\), 2 ports); eth0 up (0 link failures, aggregator \1), eth1 up (0 link failures, aggregator \1)" <<<"$serial" ||
  fail "the installer's closing bond line does not show 802.3ad with the switch and both members in one aggregator"
echo "install over the LACP bond: $t_install s (qemu started to powered off)"

# The installed disk, booted on the same switch (restarted: a new log): its init makes bond0
# from the ifcfg files and runs DHCP on xenbr0, which only gets a lease through the switch once
# the bond negotiated LACP. Its NICs are e1000 (the product kernel's driver; full duplex).
start_switch switch2
hnics=$(switch_nics e1000 "$work/host.log")
cat >"$work/host.replay" <<REPLAY
size 80x24
exec ip netns exec $NS qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64 -smp 2 -m 1024 -nographic -no-reboot -drive file=$work/disk.img,format=raw,if=ide $hnics
wait "XCP-SAMPLE hostname=xcp-lacp" 240
wait "XCP-SAMPLE bond=bond0 mode=802.3ad members=eth0,eth1" 120
wait "XCP-SAMPLE address=xenbr0 192.168.78." 120
wait "XCP-SAMPLE done" 240
exit 0
REPLAY
t1=$(date +%s)
"$BIN" replay "$work/host.replay" --times || {
  tr -d '\r' <"$work/host.log" | grep -a 'XCP-SAMPLE' | tail -30; echo "--- switch"; cat "$work/switch2.log"; fail "the installed host over the LACP bond"; }
kill "$SWPID"; wait "$SWPID" 2>/dev/null || true; SWPID=
host=$(tr -d '\r' <"$work/host.log")
grep -a '^XCP-SAMPLE \(hostname\|bond\|bridge\|address\|timezone\|dom0-ready\|error\|net-error\)' <<<"$host" || true
grep -qa '^XCP-SAMPLE error=\|^XCP-SAMPLE net-error=' <<<"$host" && fail "the installed host reported an error"
grep -qa '^XCP-SAMPLE dom0-ready' <<<"$host" || fail "the installed host did not report dom0-ready"
for n in 0 1; do
  grep -qE "^[0-9.]+ port$n state .* forwarding yes" "$work/switch2.log" || { cat "$work/switch2.log"; fail "installed host: port$n never forwarded"; }
done
grep -q "aggregator: host system $MAC0 key " "$work/switch2.log" || fail "installed host: no aggregator with the switch"
echo "installed disk booted, bond0 (802.3ad) negotiated with the switch, xenbr0 leased through it: $(( $(date +%s) - t1 )) s"


# 2. The answerfile by URL, behind the same LACP ports: only the boot line can make the bond
# before it is fetched ("network_config=dhcp:bond=eth0,eth1:lacp"; init then runs no DHCP).
start_switch switch3
sed 's/xcp-lacp/xcp-lacp-url/' "$work/lacp.xml" >"$work/www/lacp-url.xml"
rm -f "$work/disk.img"; truncate -s 20G "$work/disk.img"
iso_remaster "$ISO" "$work/installer-url.iso" serial \
  "answerfile=http://$ADDR:$PORT/lacp-url.xml network_config=dhcp:bond=eth0,eth1:lacp install atexit=poweroff"
nics=$(switch_nics virtio-net-pci "$work/serial-url.log")
cat >"$work/url.replay" <<REPLAY
size 80x24
exec ip netns exec $NS $(iso_vm "-boot d -cdrom $work/installer-url.iso -drive file=$work/disk.img,format=raw,if=ide,index=0 $nics")
wait "network: configuring bond0 (DHCP, bond of eth0 eth1 (lacp)) for the answerfile" 180
wait "unattended fresh installation on sda" 120
wait "Installation complete" 400
wait "exited with status 0" 60
exit 0
REPLAY
t2=$(date +%s)
"$BIN" replay "$work/url.replay" --times || {
  tr -d '\r' <"$work/serial-url.log" | grep -aE '^(network|installer-cd|Installation|host-installer)' | tail -20; echo "--- switch"; cat "$work/switch3.log"
  fail "the install with its answerfile by URL over the LACP bond"; }
kill "$SWPID"; wait "$SWPID" 2>/dev/null || true; SWPID=
grep -aE '^network: ' "$work/serial-url.log" | tr -d '\r'
grep -q '"GET /lacp-url.xml HTTP/1.1" 200' "$work/http.log" || fail "the answerfile was not fetched over HTTP"
grep -qa "^network: bond0: 802.3ad, partner $SWITCH (aggregator [0-9]*, 2 ports)" "$work/serial-url.log" || fail "case 2: no 802.3ad closing line with the switch"
for n in 0 1; do grep -qE "^[0-9.]+ port$n state .* forwarding yes" "$work/switch3.log" || fail "case 2: port$n never forwarded"; done
echo "ok   2: the answerfile by URL through the LACP bond of the boot line: $(( $(date +%s) - t2 )) s"
echo "78-iso-lacp-install: ok ($SECONDS s)"
