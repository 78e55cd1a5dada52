#!/usr/bin/env python3
"""A throttled static HTTP server (stdlib only): http.server's file serving on 127.0.0.1, a port
the kernel picks (printed like `python3 -m http.server` does, so tests/integration/lib/servers.sh
start_http reads it), every response body sent in 16 KiB pieces at BYTES_PER_SECOND in all
(one rate shared by all connections). After each MiB of bodies it prints "served N bytes"
(tests watch it to act mid-transfer).   usage: slowhttpd.py ROOT BYTES_PER_SECOND
Exits by itself when its parent dies or after 900 s, so a crashed test leaves nothing behind."""
import functools, http.server, os, sys, threading, time

ROOT, RATE = os.path.abspath(sys.argv[1]), int(sys.argv[2])
CHUNK = 16384
lock = threading.Lock()
state = {"served": 0, "first": None, "reported": 0}

class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def copyfile(self, source, outputfile):
        while True:
            buf = source.read(CHUNK)
            if not buf:
                return
            outputfile.write(buf)
            with lock:
                now = time.monotonic()
                if state["first"] is None:
                    state["first"] = now
                state["served"] += len(buf)
                served, due = state["served"], state["first"] + state["served"] / RATE
                report = served // (1 << 20) > state["reported"]
                if report:
                    state["reported"] = served // (1 << 20)
            if report:
                print(f"served {served} bytes", flush=True)
            if due > now:
                time.sleep(due - now)

def watchdog(parent):
    start = time.monotonic()
    while os.getppid() == parent and time.monotonic() - start < 900:
        time.sleep(1)
    os._exit(0)

threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=ROOT))
print(f"Serving HTTP on 127.0.0.1 port {srv.server_address[1]} (throttled to {RATE} bytes/s)", flush=True)
srv.serve_forever()
