#!/usr/bin/env bash
# Issues 3 and 5, driver disks: through the screens (the real binary on a pseudo-terminal,
# driven by tests/integration/lib/driver-disk-install.replay), Driver Disks on Welcome loads
# the megaraid_sas driver disk from the CD of a profile machine whose RAID disk (sdc) needs
# it; sdc appears in Select Primary Disk and the installation goes onto it, into a sparse
# image with real loop devices. The installed root is then read with debugfs (not with the
# installer): the driver module and firmware are byte-identical to the driver disk's, the
# repository is recorded, and the install log lists the driver package. sda is untouched.
# (A profile machine never inserts modules into this computer's kernel: the insmod path of
# --real-hardware is not run by any test.)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
. tests/integration/lib/images.sh
if [ "$(id -u)" -ne 0 ]; then skip "35-driver-disk needs root (loop devices, mount)"; fi
BIN=.build/debug/host-installer
# No build here: `make test` has built the binary.
[ -x "$BIN" ] || { echo "FAIL: build first (swift build)"; exit 1; }

W=$(mktemp -d /tmp/hi-it35.XXXXXX)
cleanup() { set +e; release_images "$W"/state/disks/*.img "$W"/u/state*/disks/*.img; if [ -n "${KEEP_W:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }
dfs() { debugfs -R "$2" "$1?offset=1048576" 2>/dev/null; }

start=$(date +%s)
HOST_INSTALLER_REPLAY_STATE="$W/state" "$BIN" replay tests/integration/lib/driver-disk-install.replay > "$W/replay.out" 2>&1 \
  || { cat "$W/replay.out"; fail "the install through the screens"; }
ok "driver disk loaded and installed through the screens in $(( $(date +%s) - start )) s"
[ -z "$(losetup -a | grep -F "$W" || true)" ] || fail "loop devices left: $(losetup -a | grep -F "$W")"

LOG=$W/state/install-log
grep -q "drivers loaded from local media: megaraid_sas" "$LOG" || fail "the event log does not show the driver loaded"
grep -q "module megaraid_sas checked" "$LOG" || fail "the driver was not checked before loading"
grep -q "ran: insmod" "$LOG" && fail "insmod ran on a profile machine"
grep -q "installing package megaraid_sas (driver, .* from $W/state/driver-disks/driver-disk\." "$LOG" || fail "the install did not read the copy of the loaded driver disk"
grep -q '"primary_disk": "sdc"' "$W/state/plan.json" || fail "the plan does not install on sdc: $(cat "$W/state/plan.json")"
ok "event log: driver checked and loaded (no insmod on a profile machine), installed from the copy made at loading; plan on sdc with a driver source"

C=$W/state/disks/sdc.img
sfdisk -d "$C" | grep -q 'name="root"' || fail "sdc has no root partition"
SRC=Tests/Fixtures/media/with-drivers/driver.megaraid_sas
KVER=0.1-fixture
dfs "$C" "cat /lib/modules/$KVER/extra/megaraid_sas.ko" > "$W/module"
cmp "$W/module" "$SRC/megaraid_sas.ko" || fail "the installed module differs from the driver disk's"
dfs "$C" "cat /lib/firmware/megaraid_fw.bin" > "$W/firmware"
cmp "$W/firmware" "$SRC/megaraid_fw.bin" || fail "the installed firmware differs from the driver disk's"
dfs "$C" "cat /etc/xensource/installed-repos/xs:driver.megaraid_sas/XS-REPOSITORY" > "$W/repo"
cmp "$W/repo" "$SRC/XS-REPOSITORY" || fail "the driver repository is not recorded in the target"
dfs "$C" "cat /var/log/installer/install-log" > "$W/target-log"
grep -q "installing package megaraid_sas (driver, " "$W/target-log" || fail "the target's install log does not list the driver package"
grep -q "installing package megaraid_fw.bin (firmware, " "$W/target-log" || fail "the target's install log does not list the firmware"
ok "sdc: /lib/modules/$KVER/extra/megaraid_sas.ko and /lib/firmware/megaraid_fw.bin match the driver disk (cmp); repository recorded; listed in the install log"

A=$W/state/disks/sda.img
[ "$(head -c 1048576 "$A" | tr -d '\0' | wc -c)" -eq 0 ] || fail "sda was written to"
ok "sda (not chosen) untouched: its first MiB is all zeros"

# 2. Unattended: an answerfile with <driver-source type="local"/> installs onto sdc too (the
#    driver disk is loaded before the plan is checked against the disks).
release_images "$W"/state/disks/*.img "$W"/u/state*/disks/*.img; rm -rf "$W/state"; mkdir -p "$W/u"
cat > "$W/u/answerfile.xml" <<'XML'
<?xml version="1.0"?>
<installation>
  <primary-disk>sdc</primary-disk>
  <keymap>us</keymap>
  <root-password>mypassword</root-password>
  <source type="local"/>
  <driver-source type="local"/>
  <admin-interface name="eth0" proto="dhcp"/>
  <timezone>Europe/London</timezone>
</installation>
XML
PROFILE=$PWD/Tests/Fixtures/machines/needs-driver.json
HOST_INSTALLER_STATE="$W/u/state" "$BIN" --machine "$PROFILE" --answerfile "$W/u/answerfile.xml" > "$W/u/out" 2>&1 \
  || { cat "$W/u/out"; fail "the unattended install with a driver source"; }
grep -q "^Loaded drivers from local media: megaraid_sas (modules megaraid_sas)" "$W/u/out" || fail "no driver line: $(cat "$W/u/out")"
grep -q "^Installation complete: sdc" "$W/u/out" || fail "not installed on sdc: $(tail -3 "$W/u/out")"
dfs "$W/u/state/disks/sdc.img" "cat /lib/modules/$KVER/extra/megaraid_sas.ko" > "$W/u/module"
cmp "$W/u/module" "$SRC/megaraid_sas.ko" || fail "unattended: the installed module differs from the driver disk's"
for img in "$W"/u/state/disks/*.img; do [ -z "$(losetup -j "$img")" ] || fail "loop device left on $img"; done
ok "unattended with <driver-source>: drivers loaded first, installed on sdc, module in the target (cmp)"
# Without the driver source the answerfile is refused before any disk is written.
grep -v driver-source "$W/u/answerfile.xml" > "$W/u/no-driver.xml"
set +e; HOST_INSTALLER_STATE="$W/u/state2" "$BIN" --machine "$PROFILE" --answerfile "$W/u/no-driver.xml" > "$W/u/out2" 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "without a driver source: exit $rc, expected 2: $(cat "$W/u/out2")"
grep -q 'disk "sdc" needs driver megaraid_sas, and no <driver-source> provides it' "$W/u/out2" || fail "no reason given: $(cat "$W/u/out2")"
[ "$(head -c 1048576 "$W/u/state2/disks/sdc.img" | tr -d '\0' | wc -c)" -eq 0 ] || fail "sdc was written although the answerfile was refused"
ok "unattended without <driver-source>: refused with the reason (exit 2), sdc not written"
