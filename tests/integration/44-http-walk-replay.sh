#!/usr/bin/env bash
# The screens of a clean install from HTTP with a static address on the Networking screen,
# replayed against a live server (issue #3's "whole walks ... clean HTTP install with static
# IP"): Tests/Fixtures/servers/testhttpd.py serves Tests/Fixtures/media on 127.0.0.1:18480
# (a fixed port, because the replay types the URL), and
# tests/integration/replays/http-static-walk.replay walks every screen with golden screens:
# the location errors "not reachable" and "no base repository there", the sample
# repository found and verified over HTTP, and the plan JSON at the end (--dry-run: no disk
# is written). Re-record with UPDATE=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${HOST_INSTALLER:-.build/debug/host-installer}")
PORT=18480
work=$(mktemp -d /tmp/http-walk.XXXXXX)
server=""
cleanup() { set +e; [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1', $PORT)) == 0 else 1)"; then
  echo "FAIL: something already listens on 127.0.0.1:$PORT (the replay types that URL)"; exit 1
fi
TESTHTTPD_PORT=$PORT python3 Tests/Fixtures/servers/testhttpd.py Tests/Fixtures/media > "$work/port" &
server=$!
for _ in $(seq 50); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
grep -q "PORT $PORT" "$work/port" || { echo "FAIL: the HTTP server did not start on port $PORT"; exit 1; }
curl -sf "http://127.0.0.1:$PORT/pool/sample/packages.main/XS-REPOSITORY" >/dev/null

"$BIN" replay tests/integration/replays/http-static-walk.replay ${UPDATE:+--update}
