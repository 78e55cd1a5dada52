# A private network for a VM that needs more than qemu's user network (sourced by the CD tests
# 72, 77, 78): a network namespace of its own holding a tap device for the VM's NIC (or for a
# user-space switch), dnsmasq on that tap only, and the servers the test starts there. Nothing
# outside the namespace can reach them. The caller's cleanup calls netlab_down.
#
# netlab_up NN ADDR: namespace hiNN-PID with the tap hiNNtPID (sets NS, TAP), ADDR/24 on the
#   tap, lo up. Skips the test (lib/skip.sh) when either cannot be made.
# netlab_dnsmasq < EXTRA: dnsmasq on the tap only, from $work/dnsmasq.conf (the standard lines
#   below, then the caller's: dhcp-range=..., options); log $work/dnsmasq.log, leases
#   $work/leases; sets DNSMASQPID; fails unless it started.
# netlab_down: stops dnsmasq by its PID, deletes the tap and the namespace.
NS=; TAP=; DNSMASQPID=

netlab_up() {
  NS=hi$1-$$; TAP=hi$1t$$
  ip netns add "$NS" 2>/dev/null || { NS=; skip "cannot create a network namespace"; }
  ip -n "$NS" tuntap add dev "$TAP" mode tap 2>/dev/null || skip "cannot create a tap device in a network namespace"
  ip -n "$NS" link set lo up
  ip -n "$NS" addr add "$2/24" dev "$TAP"
  ip -n "$NS" link set "$TAP" up
}

netlab_dnsmasq() {
  { printf 'interface=%s\nbind-interfaces\nport=0\ndhcp-leasefile=%s\nlog-dhcp\nlog-facility=%s\n' \
      "$TAP" "$work/leases" "$work/dnsmasq.log"; cat; } >"$work/dnsmasq.conf"
  ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --user=root --group=root \
    --pid-file="$work/dnsmasq.pid" & DNSMASQPID=$!
  for _ in $(seq 50); do grep -q 'DHCP, IP range' "$work/dnsmasq.log" 2>/dev/null && break; kill -0 "$DNSMASQPID" 2>/dev/null || break; sleep 0.1; done
  grep -q 'DHCP, IP range' "$work/dnsmasq.log" 2>/dev/null || { cat "$work/dnsmasq.log" 2>/dev/null; echo "FAIL: dnsmasq did not start in $NS"; return 1; }
}

netlab_down() {
  [ -z "$DNSMASQPID" ] || { kill "$DNSMASQPID" 2>/dev/null; wait "$DNSMASQPID" 2>/dev/null; DNSMASQPID=; }
  [ -z "$NS" ] || { ip -n "$NS" link del "$TAP" 2>/dev/null; ip netns del "$NS" 2>/dev/null; }
  return 0
}
