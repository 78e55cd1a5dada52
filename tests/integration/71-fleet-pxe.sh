#!/usr/bin/env bash
# Issue 16, the fleet: four virtual machines (qemu TCG, 1 vCPU, 1 GiB each) boot at the same
# time through real network boot (qemu's user-network DHCP/TFTP hands out boot.ipxe from
# scripts/pxe-export; iPXE loads the kernel and initrd by HTTP), each takes its own answer by
# MAC from one URL (answerfile=http://10.0.2.2:PORT/answers/${mac}.xml) served by fleetd on
# this machine's loopback, installs, and reports to the same server (report=.../report).
# Three answers are good: each host must report started, progress and finished success with
# its own host name, and each disk must then boot and show that host name. The fourth answer
# names a disk the host does not have (sdz): it reports failure with that reason, and the
# others finish. No report holds the root password. (tests/integration/lib/fleet.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
. tests/integration/lib/fleet.sh
W=$(mktemp -d /tmp/fleet-pxe.XXXXXX)
FLEETPID=
cleanup() { local rc=$?; fleet_stop "$W"; stop_fleetd; rm -rf "$W"; exit $rc; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
fleet_setup "$TOP" "$W"
echo "fleetd on 127.0.0.1:$FLEETPORT (pid $FLEETPID); $(grep 'boot line' "$W/pxe-export.log")"

hosts=(a b c bad)
declare -A MAC=([a]=52:54:00:71:00:0a [b]=52:54:00:71:00:0b [c]=52:54:00:71:00:0c [bad]=52:54:00:71:00:0d)
for h in a b c; do fleet_answer "$W" "${MAC[$h]}" "rack-host-$h" sda; done
fleet_answer "$W" "${MAC[bad]}" rack-host-bad sdz

start=$(date +%s.%N)
for h in "${hosts[@]}"; do fleet_start "$W" "$h" "${MAC[$h]}"; done
fleet_wait "$W" 900 "${hosts[@]}" || { for h in "${hosts[@]}"; do echo "--- $h"; tr -d '\r' <"$W/$h.log" | tail -n 15; done; fail "a VM did not finish"; }
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
echo "fleet: ${#hosts[@]} VMs booted from the network and ran their installs in $wall s (wall)"
for h in a b c; do
  tr -d '\r' <"$W/$h.log" | grep -q 'Installation complete' || { tr -d '\r' <"$W/$h.log" | tail -n 20; fail "$h: no 'Installation complete' on its console"; }
done

# What the report server saw.
python3 - "$W/srv/reports.jsonl" fleet-root-s3cret "${MAC[a]}" "${MAC[b]}" "${MAC[c]}" "${MAC[bad]}" <<'PY'
import json, sys
path, pw, *macs = sys.argv[1:]
raw = open(path).read()
assert pw not in raw, "the root password is in a report"
ev = [json.loads(l) for l in raw.splitlines() if l.strip()]
for mac, want in zip(macs, ["rack-host-a", "rack-host-b", "rack-host-c", None]):
    mine = [e for e in ev if e["host"]["mac"] == mac]
    kinds = [e["event"] for e in mine]
    assert kinds and kinds[0] == "started" and kinds[-1] == "finished", (mac, kinds)
    f = mine[-1]
    if want:
        prog = [e for e in mine if e["event"] == "progress"]
        assert len(prog) >= 3 and prog[-1]["percent"] >= 90, (mac, [(e["step"], e["percent"]) for e in prog])
        assert f["result"] == "success" and f["hostname"] == want, f
        print("ok   %s: started, %d progress events (last %d%%), finished success as %s at %s, root %s, %s %s" % (
              mac, len(prog), prog[-1]["percent"], f["hostname"], f["address"], f["root_label"], f["product"], f["version"]))
    else:
        assert f["result"] == "failure" and "sdz" in f["reason"], f
        print("ok   %s: started, finished failure: %s" % (mac, f["reason"]))
PY

# Every installed disk boots (three at once) and shows its own host name.
for h in a b c; do
  tests/boot/boot-disk.sh "$W/$h.img" 600 "XCP-SAMPLE hostname=rack-host-$h" "XCP-SAMPLE ip=dhcp" >"$W/$h.boot" 2>&1 &
  echo $! >"$W/$h.bootpid"
done
for h in a b c; do
  wait "$(cat "$W/$h.bootpid")" || { cat "$W/$h.boot"; fail "$h: the installed disk"; }
  echo "ok   $h: $(tail -n 1 "$W/$h.boot")"
done
echo "71-fleet-pxe: ok"
