# Sourced by tests/integration/71-fleet-pxe.sh and bench/fleet.sh (bash): a rack of virtual
# machines installed from the network at once, the way issue 16 describes.
#
# fleet_setup TOP WORK: builds (or reuses) the installer CD, exports its network boot files
# (scripts/pxe-export) and starts fleetd (Tests/Fixtures/servers/fleetd.py, on 127.0.0.1; the
# VMs reach it as 10.0.2.2) serving WORK/srv: answers/MAC.xml, pool/ (the exported http/ tree:
# kernel, initrd, repositories) and POST /report (WORK/srv/reports.jsonl). Every VM boots iPXE
# (qemu's NIC boot ROM) with boot.ipxe from qemu's user-network TFTP server, loads the kernel
# and initrd by HTTP and installs unattended with answerfile=.../answers/${mac}.xml and
# report=.../report, then powers off. Sets ISO, FLEETPORT, FLEETPID. The caller stops fleetd
# (stop_fleetd) and removes WORK.
. "$(dirname "${BASH_SOURCE[0]}")/../../iso/iso-lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
fleet_setup() {
  local top=$1 w=$2 base
  command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
  [ -r /usr/lib/PXELINUX/pxelinux.0 ] || skip "no /usr/lib/PXELINUX/pxelinux.0 (package pxelinux)"
  ISO=$(iso_build "$top")
  mkdir -p "$w/srv/answers"
  start_fleetd "$w/srv"
  base=http://10.0.2.2:$FLEETPORT
  "$top/scripts/pxe-export" --server "$base/pool" --answerfile "$base/answers/\${mac}.xml" \
    --report "$base/report" --params "atexit=poweroff" "$ISO" "$w/pxe" 2>"$w/pxe-export.log" ||
    { cat "$w/pxe-export.log"; return 1; }
  mv "$w/pxe/http" "$w/srv/pool"
}

# fleet_answer WORK MAC HOSTNAME DISK: the answer for the host with this MAC (its repositories
# are the exported ones; DHCP on eth0, as qemu's user network gives).
fleet_answer() {
  cat >"$1/srv/answers/$2.xml" <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>$4</primary-disk>
  <keymap>us</keymap>
  <root-password>fleet-root-s3cret</root-password>
  <source type="url">http://10.0.2.2:$FLEETPORT/pool/</source>
  <admin-interface name="eth0" proto="dhcp"/>
  <hostname>$3</hostname>
  <timezone>Europe/Berlin</timezone>
</installation>
XML
}

# fleet_start WORK NAME MAC: starts one VM in the background (1 vCPU, 1 GiB, TCG, an IDE disk
# WORK/NAME.img of 20 GiB, its serial console in WORK/NAME.log); its PID goes to WORK/NAME.pid.
fleet_start() {
  local w=$1 name=$2 mac=$3
  truncate -s 20G "$w/$name.img"
  qemu-system-x86_64 -accel tcg -smp 1 -m 1024 -display none -monitor none -no-reboot -boot n \
    -serial "file:$w/$name.log" -drive "file=$w/$name.img,format=raw,if=ide,index=0" \
    -nic "user,model=virtio-net-pci,mac=$mac,tftp=$w/pxe/tftp,bootfile=boot.ipxe" >"$w/$name.qemu" 2>&1 &
  echo $! >"$w/$name.pid"
}

# fleet_wait WORK SECONDS NAME...: waits for these VMs to power off (at most SECONDS in all);
# the ones still running then are stopped by their PIDs. Returns 1 if any had to be stopped.
fleet_wait() {
  local w=$1 limit=$2 end n pid rc=0; shift 2
  end=$(( $(date +%s) + limit ))
  for n in "$@"; do
    pid=$(cat "$w/$n.pid")
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "fleet: $n still running after $limit s: stopped" >&2; kill "$pid" 2>/dev/null; rc=1
    fi
    wait "$pid" 2>/dev/null || true
  done
  return $rc
}

# fleet_stop WORK: stops every VM of WORK still running (by the PIDs fleet_start kept).
fleet_stop() {
  local p pid
  for p in "$1"/*.pid; do
    [ -e "$p" ] || continue
    pid=$(cat "$p"); kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -f "$p"
  done
}
