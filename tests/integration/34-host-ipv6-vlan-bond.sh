#!/usr/bin/env bash
# The installed host brings up what the installer wrote for its management network (issue 18),
# booted in qemu (TCG, Xen and the control domain; tests/boot/boot-disk.sh, which holds no
# lock: run this test under flock /tmp/qemu.lock):
#   A. One NIC, IPv4 by DHCP and IPv6 by SLAAC: qemu's user network advertises fec0::/64,
#      and the host's xenbr0 gets an address in it.
#   B. Two NICs (each on its own user network) bonded active-backup, VLAN 42 on the bond,
#      static IPv4 and static IPv6: the host shows bond0 with both members, bond0.42 as the
#      port of xenbr0, and both addresses on xenbr0. (No traffic is checked on the VLAN:
#      qemu's user network does not speak 802.1Q.)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
if [ "$(id -u)" -ne 0 ]; then skip "needs root (loop devices)"; fi
work=$(mktemp -d /tmp/host-net.XXXXXX)
cleanup() {
  set +e
  for l in $(losetup -a | awk -F: -v w="$work" 'index($0, w) {print $1}'); do losetup -d "$l" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

HOST_INSTALLER=$BIN scripts/build-sample-product "$work/www" >/dev/null
mkdir -p "$work/state"
cat > "$work/state/machine.json" <<'JSON'
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 1024,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true },
            { "name": "eth1", "mac": "52:54:00:12:34:57", "driver": "e1000", "link": true } ]
}
JSON
install() {   # $1: the admin-interface element and what it needs
  cat > "$work/af.xml" <<XML
<installation>
  <primary-disk gueststorage="no">sda</primary-disk>
  <keymap>us</keymap>
  <root-password>host-net-pw</root-password>
  <source type="local">$work/www</source>
  $1
  <timezone>Europe/London</timezone>
</installation>
XML
  rm -rf "$work/state/disks"
  HOST_INSTALLER_STATE="$work/state" "$BIN" --machine "$work/state/machine.json" --answerfile "$work/af.xml" > "$work/out" 2>&1 \
    || { cat "$work/out"; fail "the install exited $?"; }
  tail -n 1 "$work/out" | grep -q '^Installation complete' || { cat "$work/out"; fail "the install did not complete"; }
}

echo "== B. A bond of eth0 and eth1, VLAN 42, static IPv4 and IPv6"
install '<admin-interface proto="static" protov6="static" vlan="42">
    <bond mode="active-backup">eth0 eth1</bond>
    <ip>10.0.2.15</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.0.2.2</gateway>
    <ipv6>fec0::42/64</ipv6><gatewayv6>fec0::2</gatewayv6>
  </admin-interface>
  <nameserver>10.0.2.3</nameserver><hostname>bonded</hostname><ntp-server>10.0.2.2</ntp-server>'
BOOT_DISK_NICS=2 BOOT_DISK_LOG=$work/serial-b.log tests/boot/boot-disk.sh "$work/state/disks/sda.img" 300 \
  "XCP-SAMPLE bond=bond0 mode=active-backup members=eth0,eth1" "XCP-SAMPLE vlan=bond0.42 id=42 link=bond0" \
  "XCP-SAMPLE bridge=xenbr0 port=bond0.42" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE address6=xenbr0 fec0::42/64" \
  "XCP-SAMPLE default-route6=fec0::2"
! grep -a 'net-error' "$work/serial-b.log" || fail "the host reported a network error"
echo "== A. DHCP and SLAAC on eth0"
install '<admin-interface name="eth0" proto="dhcp" protov6="autoconf"/>'
BOOT_DISK_LOG=$work/serial-a.log tests/boot/boot-disk.sh "$work/state/disks/sda.img" 300 \
  "XCP-SAMPLE bridge=xenbr0 port=eth0" "XCP-SAMPLE address=xenbr0 10.0.2.15/24" "XCP-SAMPLE address6=xenbr0 fec0::5054:ff:fe12:3456/64"
! grep -a 'net-error' "$work/serial-a.log" || fail "the host reported a network error"

echo "the installed host brings up IPv6 by SLAAC, and a bond with a VLAN and static IPv4 and IPv6, as written"
