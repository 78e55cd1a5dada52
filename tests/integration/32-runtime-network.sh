#!/usr/bin/env bash
# Runtime networking for a remote source, for real: two private network namespaces joined
# by a veth pair. In the server namespace dnsmasq serves DHCP on the veth and the test HTTP
# server listens on the veth's address (10.77.0.1: the one place a test server listens on
# an address other than 127.0.0.1; the namespace is private, so nothing outside it can
# reach it). In the client namespace host-installer runs unattended installs with its
# runtime networking switched on (HOST_INSTALLER_RUNTIME_NETWORK=1 does on a profile
# machine what --real-hardware does): it configures eth0 and installs from the server.
#   1. DHCP: busybox udhcpc gets a lease from dnsmasq; address, default route and the
#      nameserver (written to the test's own resolv.conf) are applied; the install completes.
#   2. Static: address, prefix, gateway and nameserver from the answerfile; install completes.
#   3. No DHCP server: "no DHCP answer on eth0 within 4 s", exit 1, no disk written.
#   4. Link down (the server's end of the veth down): "link down on eth0", exit 1, no disk written.
#   5. Through the screens (tests/integration/replays/runtime-network.replay, golden screens):
#      DHCP with no server gives "no DHCP answer" on the location check; Back, a static
#      address, and the repository is found and verified; the plan JSON at the end.
#   6. An answerfile by URL: DHCP first (eth0 has no address), then the answerfile is fetched.
#   7. A local answerfile with --ask-missing whose source is remote: DHCP before the screens.
# Namespaces and links are named hi-<pid>-..., and always deleted on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (network namespaces, loop devices)"; fi
for t in ip dnsmasq busybox; do command -v "$t" >/dev/null || { echo "FAIL: $t is missing (scripts/install-deps)"; exit 1; }; done

id=$$
SRV=hi-$id-srv; CLI=hi-$id-cli
work=$(mktemp -d /tmp/runtime-network.XXXXXX)
dnsmasq_pid=""; http_pid=""
cleanup() {
  set +e
  [ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null
  wait 2>/dev/null
  ip netns del "$SRV" 2>/dev/null; ip netns del "$CLI" 2>/dev/null
  ip link del "hi-$id-s" 2>/dev/null
  for l in $(losetup -a | awk -F: -v w="$work" 'index($0, w) {print $1}'); do losetup -d "$l" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$SRV"; ip netns add "$CLI"
ip link add "hi-$id-s" type veth peer name "hi-$id-c"
ip link set "hi-$id-s" netns "$SRV"
ip link set "hi-$id-c" netns "$CLI"
ip -n "$CLI" link set "hi-$id-c" name eth0       # the profile's NIC name, inside the namespace only
ip -n "$SRV" link set lo up; ip -n "$CLI" link set lo up
ip -n "$SRV" addr add 10.77.0.1/24 dev "hi-$id-s"
ip -n "$SRV" link set "hi-$id-s" up
CLIMAC=$(ip -n "$CLI" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)

start_dhcp() {
  ip netns exec "$SRV" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
    --interface="hi-$id-s" --bind-interfaces --dhcp-range=10.77.0.50,10.77.0.60,255.255.255.0,1h \
    --dhcp-option=option:router,10.77.0.1 --dhcp-option=option:dns-server,10.77.0.1 \
    --dhcp-leasefile="$work/leases" --pid-file="$work/dnsmasq.pid" --log-dhcp --log-facility="$work/dnsmasq.log" &
  dnsmasq_pid=$!
  for _ in $(seq 50); do grep -q 'DHCP, IP range' "$work/dnsmasq.log" 2>/dev/null && return; sleep 0.1; done
  cat "$work/dnsmasq.log" 2>/dev/null; fail "dnsmasq did not start"
}
stop_dhcp() { kill "$dnsmasq_pid"; wait "$dnsmasq_pid" 2>/dev/null || true; dnsmasq_pid=""; }

# The sample product on the HTTP server in the server namespace.
HOST_INSTALLER=$BIN scripts/build-sample-product "$work/www" >/dev/null
TESTHTTPD_ADDR=10.77.0.1 TESTHTTPD_PORT=8080 ip netns exec "$SRV" python3 Tests/Fixtures/servers/testhttpd.py "$work/www" > "$work/port" &
http_pid=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/ {print $2}' "$work/port")
[ -n "$port" ] || fail "the HTTP server did not start"
base="http://10.77.0.1:$port/pool"
# From this (the host's) namespace the server is not reachable: it lives only in $SRV (the
# host may route 10.77.0.1 elsewhere, so check that our repository is not what comes back).
! curl -sf -m 2 "$base/packages.main/XS-REPOSITORY" 2>/dev/null | grep -q 'name="main"' || fail "the server in the private namespace is reachable from the host"
ip netns exec "$SRV" curl -sf -m 2 "$base/packages.main/XS-REPOSITORY" | grep -q 'name="main"' || fail "the server does not serve the repository in its namespace"

mkdir -p "$work/state"
cat > "$work/state/machine.json" <<'JSON'
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 2048,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "virtio_net", "link": true } ]
}
JSON
answerfile() {   # $1: the admin-interface element (and nameserver)
  cat <<XML
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password>net-test-pw</root-password>
  <source type="url">$base</source>
  $1
  <timezone>Europe/London</timezone>
</installation>
XML
}
# Runs the installer in the client namespace; output in $work/out, status in $rc.
install() {
  rm -rf "$work/state/disks" "$work/state/install-log"; : > "$work/resolv.conf"
  rc=0
  ip netns exec "$CLI" env HOST_INSTALLER_RUNTIME_NETWORK=1 HOST_INSTALLER_RESOLV_CONF="$work/resolv.conf" \
    HOST_INSTALLER_STATE="$work/state" "$@" "$BIN" --machine "$work/state/machine.json" --answerfile "$work/af.xml" \
    > "$work/out" 2>&1 || rc=$?
  cat "$work/out"
}
disk_written() { [ -e "$work/state/disks/sda.img" ] && [ "$(du --block-size=1 "$work/state/disks/sda.img" | cut -f1)" -gt 0 ]; }
root_has() {   # a file in the installed root filesystem
  local off=$(( $(sfdisk -J "$work/state/disks/sda.img" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][0]["start"])') * 512 ))
  debugfs -R "stat $1" "$work/state/disks/sda.img?offset=$off" 2>/dev/null | grep -q 'Inode:'
}
reset_nic() { ip -n "$CLI" addr flush dev eth0; ip -n "$CLI" link set eth0 down; }

echo "== 1. DHCP from dnsmasq, then install from $base"
start_dhcp
answerfile '<admin-interface name="eth0" proto="dhcp"/>' > "$work/af.xml"
t0=$(date +%s.%N)
install
[ "$rc" -eq 0 ] || fail "the DHCP install exited $rc"
echo "DHCP install: $(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}') s"
grep -Eq '^network: eth0 10\.77\.0\.(5[0-9]|60)/24 \(DHCP\), gateway 10\.77\.0\.1, nameserver 10\.77\.0\.1$' "$work/out" || fail "no DHCP lease line"
tail -n 1 "$work/out" | grep -q '^Installation complete' || fail "the install did not complete"
addr=$(ip -n "$CLI" -4 -o addr show dev eth0 | grep -o 'inet [0-9./]*' | cut -d' ' -f2)
echo "client address: $addr"
[[ "$addr" =~ ^10\.77\.0\.(5[0-9]|60)/24$ ]] || fail "eth0 has no DHCP address ($addr)"
ip -n "$CLI" route show default | grep -q 'default via 10.77.0.1 dev eth0' || fail "no default route via 10.77.0.1"
grep -qx 'nameserver 10.77.0.1' "$work/resolv.conf" || fail "resolv.conf has no nameserver 10.77.0.1"
grep -qi "$CLIMAC" "$work/leases" || fail "dnsmasq has no lease for $CLIMAC"
grep -q 'DHCPACK' "$work/dnsmasq.log" || fail "dnsmasq sent no DHCPACK"
grep -q 'ran: .*udhcpc -i eth0 .* -> exit 0' "$work/state/install-log" || fail "udhcpc not logged with its exit status"
grep -q 'ran: ip addr add .* dev eth0 -> exit 0' "$work/state/install-log" || fail "ip addr add not logged"
root_has /etc/xensource-inventory || fail "the installed root has no /etc/xensource-inventory"
! grep -q net-test-pw "$work/out" "$work/state/install-log" || fail "the password was logged"
! grep -q 'host-installer' /etc/resolv.conf || fail "this machine's /etc/resolv.conf was written"

echo "== 2. Static address, gateway and nameserver from the answerfile"
reset_nic
answerfile '<admin-interface name="eth0" proto="static"><ip>10.77.0.9</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.77.0.1</gateway></admin-interface>
  <nameserver>10.77.0.1</nameserver><hostname>static-host</hostname><ntp-server>10.77.0.1</ntp-server>' > "$work/af.xml"
install
[ "$rc" -eq 0 ] || fail "the static install exited $rc"
grep -q '^network: eth0 10.77.0.9/24 (static), gateway 10.77.0.1, nameserver 10.77.0.1$' "$work/out" || fail "no static configuration line"
tail -n 1 "$work/out" | grep -q '^Installation complete' || fail "the static install did not complete"
ip -n "$CLI" -4 -o addr show dev eth0 | grep -q 'inet 10.77.0.9/24' || fail "eth0 does not hold 10.77.0.9/24"
ip -n "$CLI" route show default | grep -q 'default via 10.77.0.1 dev eth0' || fail "no default route via 10.77.0.1 (static)"
grep -qx 'nameserver 10.77.0.1' "$work/resolv.conf" || fail "resolv.conf has no nameserver (static)"
! grep -q 'udhcpc' "$work/state/install-log" || fail "DHCP ran for a static configuration"

echo "== 3. No DHCP server: a clear error, no disk written"
stop_dhcp
reset_nic
answerfile '<admin-interface name="eth0" proto="dhcp"/>' > "$work/af.xml"
t0=$(date +%s.%N)
install HOST_INSTALLER_DHCP_TIMEOUT=4
echo "gave up after $(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}') s"
[ "$rc" -eq 1 ] || fail "exit $rc without a DHCP server, expected 1"
tail -n 1 "$work/out" | grep -q '^Installation failed: no DHCP answer on eth0 within 4 s (check the cable and the DHCP server, or use a static configuration)$' || fail "no clear DHCP error"
! disk_written || fail "a disk was written although the network never came up"
[ -z "$(ip -n "$CLI" -4 -o addr show dev eth0)" ] || fail "eth0 has an address without DHCP"

echo "== 4. Link down: a clear error, no disk written"
ip -n "$SRV" link set "hi-$id-s" down
reset_nic
install HOST_INSTALLER_LINK_TIMEOUT=2
[ "$rc" -eq 1 ] || fail "exit $rc with the link down, expected 1"
tail -n 1 "$work/out" | grep -q '^Installation failed: link down on eth0: no carrier within 2 s' || fail "no clear link-down error"
! disk_written || fail "a disk was written although the link was down"

echo "== 5. Through the screens: no DHCP answer, Back, static, the repository verified"
ip -n "$SRV" link set "hi-$id-s" up
reset_nic
rm -rf "$work/rstate"; : > "$work/resolv.conf"
ip netns exec "$CLI" env HOST_INSTALLER_RUNTIME_NETWORK=1 HOST_INSTALLER_RESOLV_CONF="$work/resolv.conf" HOST_INSTALLER_DHCP_TIMEOUT=4 \
  HOST_INSTALLER_REPLAY_STATE="$work/rstate" "$BIN" replay tests/integration/replays/runtime-network.replay ${UPDATE:+--update}
ip -n "$CLI" -4 -o addr show dev eth0 | grep -q 'inet 10.77.0.9/24' || fail "eth0 does not hold 10.77.0.9/24 after the screens"
grep -qx 'nameserver 10.77.0.1' "$work/resolv.conf" || fail "resolv.conf has no nameserver after the screens"
grep -q 'network: no DHCP answer on eth0 within 4 s' "$work/rstate/install-log" || fail "the DHCP timeout is not in the log"
grep -q 'ran: ip route replace default via 10.77.0.1 dev eth0 -> exit 0' "$work/rstate/install-log" || fail "the default route is not in the log"
[ ! -e "$work/rstate/disks/sda.img" ] || [ "$(du --block-size=1 "$work/rstate/disks/sda.img" | cut -f1)" -eq 0 ] || fail "the dry run wrote a disk"

echo "== 6. The answerfile itself from the server: DHCP before it is fetched"
start_dhcp
reset_nic
answerfile '<admin-interface name="eth0" proto="dhcp"/>' > "$work/www/af.xml"
rc=0
ip netns exec "$CLI" env HOST_INSTALLER_RUNTIME_NETWORK=1 HOST_INSTALLER_RESOLV_CONF="$work/resolv.conf" HOST_INSTALLER_STATE="$work/state" \
  "$BIN" --machine "$work/state/machine.json" --answerfile "$base/af.xml" --dry-run > "$work/out" 2>&1 || rc=$?
cat "$work/out"
[ "$rc" -eq 0 ] || fail "the answerfile by URL exited $rc"
grep -q '^network: configuring eth0 (DHCP) for the answerfile$' "$work/out" || fail "no DHCP before the answerfile"
grep -Eq '^network: eth0 10\.77\.0\.(5[0-9]|60)/24 \(DHCP\)' "$work/out" || fail "no lease before the answerfile"
grep -q '"url": "http://10.77.0.1:8080/pool"' "$work/out" || fail "the plan from the fetched answerfile was not printed"
echo "== 7. An answerfile that leaves values to the screens (--ask-missing): its remote source's NIC is configured first"
reset_nic
sed 's#<keymap>us</keymap>##' "$work/www/af.xml" > "$work/af-partial.xml"
rc=0
ip netns exec "$CLI" env HOST_INSTALLER_RUNTIME_NETWORK=1 HOST_INSTALLER_RESOLV_CONF="$work/resolv.conf" HOST_INSTALLER_STATE="$work/state" \
  "$BIN" --machine "$work/state/machine.json" --answerfile "$work/af-partial.xml" --ask-missing < /dev/null > "$work/out" 2>&1 || rc=$?
cat "$work/out"
grep -q '^network: configuring eth0 (DHCP)$' "$work/out" || fail "no DHCP for the answerfile's source before the screens"
grep -Eq '^network: eth0 10\.77\.0\.(5[0-9]|60)/24 \(DHCP\)' "$work/out" || fail "no lease for the answerfile's source"
# Without a terminal the screens cannot start: the clear refusal, after the network came up.
[ "$rc" -eq 2 ] && grep -q 'needs a terminal' "$work/out" || fail "expected the no-terminal refusal (exit 2), got $rc"
stop_dhcp
echo "runtime networking: DHCP, static, DHCP timeout, link down, the screens, the answerfile by URL and --ask-missing all as expected"
