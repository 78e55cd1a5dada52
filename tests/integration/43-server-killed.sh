#!/usr/bin/env bash
# The HTTP server dies in the middle of a package: the test server (testhttpd.py on
# 127.0.0.1, its /stall/ path sends 64 KiB of a file and then waits) is killed by its PID
# while the unattended install is reading the 2 MiB base package. The installer must stop
# with exit 1 and a last line saying what failed (the package and the broken transfer), no
# password in its output or log, and no loop device or mount left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
[ "$(id -u)" -eq 0 ] || { skip "needs root (loop devices)"; }
W=$(mktemp -d /tmp/server-killed.XXXXXX)
SPID=; IPID=
cleanup() {
  [ -z "$SPID" ] || { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
  [ -z "$IPID" ] || { kill "$IPID" 2>/dev/null || true; wait "$IPID" 2>/dev/null || true; }
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
. tests/integration/lib/machine.sh
PW=killed-server-pw-19

# A repository whose base package is 2 MiB (random, so it stays that big once compressed).
mkdir -p "$W/www/packages.main" "$W/root/etc" "$W/state"
head -c 2097152 /dev/urandom > "$W/root/etc/big"
tar -C "$W/root" -cjf "$W/www/packages.main/dom0-root.tar.bz2" .
"$BIN" make-repo "$W/www/packages.main" >/dev/null

python3 Tests/Fixtures/servers/testhttpd.py "$W/www" > "$W/port" & SPID=$!
for _ in $(seq 50); do grep -q PORT "$W/port" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/PORT/ {print $2}' "$W/port")
[ -n "$port" ] || fail "the HTTP server did not start"

vm_machine "$W/state"
cat > "$W/answerfile.xml" <<XML
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <root-password type="plaintext">$PW</root-password>
  <source type="url">http://127.0.0.1:$port/stall/</source>
  <timezone>UTC</timezone>
</installation>
XML

HOST_INSTALLER_STATE="$W/state" "$BIN" --machine "$W/state/machine.json" --answerfile "$W/answerfile.xml" > "$W/out" 2>&1 & IPID=$!
for _ in $(seq 300); do grep -q "installing package dom0-root" "$W/state/install-log" 2>/dev/null && break; sleep 0.05; done
grep -q "installing package dom0-root" "$W/state/install-log" || { cat "$W/out"; fail "the install never reached the package"; }
sleep 0.5
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true; SPID=
echo "server (pid killed) stopped while the package was being read"
rc=0; wait "$IPID" || rc=$?; IPID=
cat "$W/out"
[ "$rc" -eq 1 ] || fail "the installer exited $rc, expected 1"
last=$(tail -n 1 "$W/out")
[[ "$last" == "Installation failed: "*"dom0-root.tar.bz2"* ]] || fail "the last line does not say which package failed: $last"
! grep -q "$PW" "$W/out" "$W/state/install-log" || fail "the password is in the output or the log"
if losetup -a | grep -q "$W"; then fail "loop devices left: $(losetup -a | grep "$W")"; fi
if grep -q "$W" /proc/mounts; then fail "mounts left"; fi
echo "43-server-killed: ok (exit 1, the failure named, nothing left behind)"
