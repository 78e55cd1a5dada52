#!/usr/bin/env bash
# The screen answers F1 and Alt-F1..F3 while a network check runs (issue 13, item 3): a
# listener on 127.0.0.1:18481 accepts connections and never answers, so the source check
# waits for its timeout (about 30 s) while tests/integration/replays/responsive-wait.replay
# opens the help and the event log over the "Please wait" window. --dry-run: no disk is
# written.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
PORT=18481
work=$(mktemp -d /tmp/responsive-wait.XXXXXX)
server=""
cleanup() { set +e; [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1', $PORT)) == 0 else 1)"; then
  echo "FAIL: something already listens on 127.0.0.1:$PORT (the replay types that URL)"; exit 1
fi
# Accepts, reads, never answers; exits after 300 s or when this script is gone.
python3 - "$PORT" "$$" > "$work/port" <<'PY' &
import os, socket, sys, threading, time
port, parent = int(sys.argv[1]), int(sys.argv[2])
def watchdog():
    start = time.time()
    while os.getppid() == parent and time.time() - start < 300: time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watchdog, daemon=True).start()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(16)
print("PORT", port, flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)
PY
server=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
grep -q "PORT $PORT" "$work/port" || { echo "FAIL: the listener did not start on port $PORT"; exit 1; }

start=$(date +%s)
HOST_INSTALLER_REPLAY_STATE="$work" "$BIN" replay tests/integration/replays/responsive-wait.replay
echo "57-responsive-wait: ok (help and event log shown during a $(( $(date +%s) - start )) s walk with a stalled check)"
