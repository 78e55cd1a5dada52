#!/usr/bin/env bash
# Issue 18 from the installer CD: a network install over an active-backup bond survives the loss
# of its active link. The VM has two virtio NICs (nic0 52:54:00:12:34:56 = eth0, nic1 ...:57 =
# eth1) on one qemu hub joined to qemu's user network (the host's loopback is 10.0.2.2). The
# answerfile (fetched by the CD's boot-time DHCP) installs from a throttled HTTP server on
# 127.0.0.1 (Tests/Fixtures/servers/slowhttpd.py, BOND_RATE bytes/s, default 1 MiB/s) with
# <admin-interface proto="dhcp"><bond mode="active-backup">eth0 eth1</bond></admin-interface>,
# so the installer makes bond0 (modprobe bonding makes it on the CD), enslaves both NICs and
# runs DHCP on bond0. Once BOND_CUT_AT bytes (default 3 MiB) were served, the qemu monitor cuts
# nic0 (`set_link nic0 off`, both directions). Asserted: the install completes, bytes were
# served after the cut, the installer's closing bond line (from /proc/net/bonding/bond0; the
# CD's init keeps kernel messages off the console) shows eth1 active and eth0 down with one
# link failure, and the installed disk boots with its host name and bond0 of eth0 and eth1.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/iso/iso-lib.sh
iso_setup "$TOP" iso-bond
. tests/integration/lib/servers.sh
T0=$(date +%s)
RATE=${BOND_RATE:-1048576}
CUT_AT=${BOND_CUT_AT:-3145728}
HTTPPID= WATCHPID=
cleanup() {
  local rc=$?
  [ -z "$WATCHPID" ] || { kill "$WATCHPID" 2>/dev/null; wait "$WATCHPID" 2>/dev/null || true; }
  stop_http
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
serve_cd_repository 127.0.0.1 "" "$RATE" || exit 1
cat >"$work/www/answerfile.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password>bond-s3cret</root-password>
  <source type="url">http://10.0.2.2:$PORT/xcp/</source>
  <admin-interface proto="dhcp">
    <bond mode="active-backup">eth0 eth1</bond>
  </admin-interface>
  <hostname>xcp-bond-failover</hostname>
  <timezone>Europe/Paris</timezone>
</installation>
XML

# The qemu line of the other CD tests, its one NIC replaced by two on a hub, the serial console
# also logged to a file, and a monitor on a socket for set_link.
qemu=$(iso_qemu_direct "$ISO" "$work/disk.img" "$work" "answerfile=http://10.0.2.2:$PORT/answerfile.xml install atexit=poweroff")
nics="-netdev user,id=wan -netdev hubport,id=hpw,hubid=0,netdev=wan"
nics+=" -netdev hubport,id=hp0,hubid=0 -device virtio-net-pci,netdev=hp0,id=nic0,mac=52:54:00:12:34:56"
nics+=" -netdev hubport,id=hp1,hubid=0 -device virtio-net-pci,netdev=hp1,id=nic1,mac=52:54:00:12:34:57"
[[ "$qemu" == *"-nic user,model=virtio-net-pci"* ]] || { echo "FAIL: iso_qemu has no '-nic user,model=virtio-net-pci' to replace"; exit 1; }
qemu=${qemu/-nic user,model=virtio-net-pci/$nics}
qemu+=" -chardev stdio,id=ser0,logfile=$work/serial.log,signal=off -serial chardev:ser0"
qemu+=" -monitor unix:$work/mon.sock,server,nowait"

# monitor CMD: one command on the qemu monitor; its answer on stdout.
monitor() {
  python3 - "$work/mon.sock" "$1" <<'PY'
import re, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
def until_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        d = s.recv(4096)
        if not d: break
        buf += d
    return buf.decode(errors="replace")
until_prompt()
s.sendall(sys.argv[2].encode() + b"\n")
# The monitor echoes the command (with its line editing): the answer is what follows that line.
out = until_prompt().replace("\r", "").split("\n", 1)
print(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out[1] if len(out) > 1 else "").replace("(qemu) ", "").strip())
PY
}

# The watcher: once CUT_AT bytes were served, nic0 loses its link.
(
  for _ in $(seq 3000); do
    served=$(awk '/^served/ {n = $2} END {print n + 0}' "$work/http.log")
    if [ "$served" -ge "$CUT_AT" ]; then
      monitor "set_link nic0 off" >"$work/cut.out" 2>&1 || true
      echo "$served" >"$work/cut"
      monitor "info network" >>"$work/cut.out" 2>&1 || true
      exit 0
    fi
    sleep 0.2
  done
) & WATCHPID=$!

cat >"$work/bond.replay" <<REPLAY
size 80x24
exec $qemu
wait "unattended fresh installation on sda" 180
wait "network: bond0 " 120
wait "Installation complete" 400
exit 0
REPLAY
t0=$(date +%s)
"$BIN" replay "$work/bond.replay" --times || { echo "FAIL: the install over the bond"; tr -d '\r' <"$work/serial.log" | tail -40; tail -5 "$work/http.log"; exit 1; }
t_install=$(( $(date +%s) - t0 ))
wait "$WATCHPID" 2>/dev/null || true; WATCHPID=
serial=$(tr -d '\r' <"$work/serial.log")
echo "--- the installer's network and bond lines"
grep -E '^network: |Install time' <<<"$serial" || true
[ -s "$work/cut" ] || { echo "FAIL: nic0 was never cut (the server served $(awk '/^served/ {n = $2} END {print n + 0}' "$work/http.log") bytes, cut at $CUT_AT)"; exit 1; }
echo "--- the monitor: set_link nic0 off, then info network"; cat "$work/cut.out"
! grep -qi 'not found\|error' "$work/cut.out" || { echo "FAIL: the monitor refused set_link nic0 off"; exit 1; }
cut=$(cat "$work/cut")
total=$(awk '/^served/ {n = $2} END {print n + 0}' "$work/http.log")
echo "nic0 cut after $cut bytes; the server sent $total bytes in all (reported per MiB)"
[ "$total" -gt "$cut" ] || { echo "FAIL: nothing was served after the cut: the failover was not exercised"; exit 1; }
grep -q '^network: configuring bond0 (DHCP, bond of eth0 eth1 (active-backup))' <<<"$serial" \
  || { echo "FAIL: the installer did not configure bond0"; exit 1; }
grep -q '^network: bond0: active member eth1; eth0 down (1 link failure), eth1 up (0 link failures)' <<<"$serial" \
  || { echo "FAIL: no failover to eth1 in the installer's bond line"; exit 1; }
grep -q '^Installation complete' <<<"$serial" || { echo "FAIL: no completion line in the serial log"; exit 1; }
echo "install over the bond with nic0 cut: $t_install s (qemu started to powered off)"

t1=$(date +%s)
BOOT_DISK_NICS=2 tests/boot/boot-disk.sh "$work/disk.img" 300 \
  "XCP-SAMPLE hostname=xcp-bond-failover" \
  "XCP-SAMPLE bond=bond0 mode=active-backup members=eth0,eth1" \
  "XCP-SAMPLE bridge=xenbr0 port=bond0" \
  "XCP-SAMPLE timezone=Europe/Paris"
echo "installed disk booted: $(( $(date +%s) - t1 )) s"
echo "73-iso-bond-failover: ok in $(( $(date +%s) - T0 )) s"
