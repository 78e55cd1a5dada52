#!/usr/bin/env bash
# Fleet installs (issue 16): the wall time of three virtual machines booting from the network
# and installing at the same time, against one of them alone, in the same run, on this
# machine (tests/integration/lib/fleet.sh: iPXE from qemu's user-network TFTP, kernel, initrd,
# answers by ${mac}, repositories and reports from one fleetd on the loopback; TCG, 1 vCPU and
# 1 GiB per VM). Power-on to power-off of every VM. Goal: 3 hosts in at most 2x the time of one
# on a 2-core machine. Prints; never fails on timing.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)
. tests/integration/lib/fleet.sh
W=$(mktemp -d /tmp/bench-fleet.XXXXXX)
FLEETPID=
trap 'fleet_stop "$W"; stop_fleetd; rm -rf "$W"' EXIT
fleet_setup "$TOP" "$W" >/dev/null || { echo "bench fleet: setup failed"; exit 0; }
for i in 1 2 3 4; do fleet_answer "$W" "52:54:00:be:00:0$i" "bench-host-$i" sda; done
now() { date +%s.%N; }
t0=$(now)
fleet_start "$W" one 52:54:00:be:00:01
fleet_wait "$W" 900 one || { echo "bench fleet: the single install did not finish"; exit 0; }
t1=$(now)
rm -f "$W"/one.img "$W"/one.log
fleet_start "$W" h2 52:54:00:be:00:02; fleet_start "$W" h3 52:54:00:be:00:03; fleet_start "$W" h4 52:54:00:be:00:04
fleet_wait "$W" 1800 h2 h3 h4 || { echo "bench fleet: a fleet install did not finish"; exit 0; }
t2=$(now)
n=$(grep -c '"result": *"success"' "$W/srv/reports.jsonl" 2>/dev/null || echo 0)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" -v cpus="$(nproc)" 'BEGIN {
  one = b - a; three = c - b
  printf "fleet install from the network (iPXE, answers by MAC, reports; TCG, 1 vCPU each, %d host CPUs): one host alone %.1f s, three at once %.1f s (%d installs reported success in all): ratio %.2fx (goal: at most 2x)\n", cpus, one, three, n, three / one }'
