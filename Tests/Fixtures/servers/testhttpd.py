#!/usr/bin/env python3
"""HTTP server for the source tests (stdlib only). Binds 127.0.0.1 on a free port and prints
"PORT n" on stdout.  usage: testhttpd.py ROOT [CERT KEY]
   TESTHTTPD_PORT=N   a fixed port instead of a free one (a replay that types the URL)
   TESTHTTPD_ADDR=A   another address, only inside a private network namespace
                      (tests/integration/32-runtime-network.sh)
   /pool/PATH       static file, honours Range (206/416)
   /truncate/PATH   full Content-Length, half the body, then closes; ignores Range
   /dropfirst/PATH  the first plain GET of each file is cut at half; Range requests are served
   /stall/PATH      64 KiB, then nothing for 60 s
   /auth/PATH       like /pool but needs Basic auth alice / s3cret-pw (401 otherwise)
   /redirect/PATH   302 to /pool/PATH
Exits by itself when its parent dies or after 300 s, so a crashed test leaves nothing behind."""
import signal, base64, http.server, os, re, socketserver, sys, threading, time
ROOT = os.path.abspath(sys.argv[1])
TLS = sys.argv[2:4] if len(sys.argv) >= 4 else None   # CERT KEY: serve HTTPS
AUTH = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
dropped = set()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def _file(self, rel):
        p = os.path.realpath(os.path.join(ROOT, rel))
        return p if p.startswith(ROOT + os.sep) and os.path.isfile(p) else None
    def do_HEAD(self): self.do_GET(head=True)
    def do_GET(self, head=False):
        m = re.match(r"^/(pool|truncate|dropfirst|stall|auth|redirect)/(.+)$", self.path)
        if not m: return self.send_error(404)
        kind, rel = m.groups()
        if kind == "redirect":
            self.send_response(302); self.send_header("Location", "/pool/" + rel)
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if kind == "auth" and self.headers.get("Authorization") != AUTH:
            self.send_response(401); self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0"); self.end_headers(); return
        p = self._file(rel)
        if not p: return self.send_error(404)
        size = os.path.getsize(p); start, end = 0, size - 1; status = 200
        rng = self.headers.get("Range")
        if kind in ("pool", "auth", "dropfirst") and rng:
            mm = re.match(r"bytes=(\d+)-(\d*)$", rng)
            if not mm or int(mm.group(1)) >= size:
                self.send_response(416); self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0"); self.end_headers(); return
            start = int(mm.group(1)); end = int(mm.group(2)) if mm.group(2) else size - 1; status = 206
        cut = kind == "truncate" or (kind == "dropfirst" and not rng and rel not in dropped)
        if kind == "dropfirst" and cut: dropped.add(rel)
        self.send_response(status); self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206: self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head: return
        with open(p, "rb") as f:
            f.seek(start); left = end - start + 1
            if cut: left //= 2
            while left > 0:
                chunk = f.read(min(65536, left))
                if not chunk: break
                self.wfile.write(chunk); left -= len(chunk)
                if kind == "stall": self.wfile.flush(); time.sleep(60); break
        if cut or kind == "stall": self.close_connection = True

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def watchdog(parent):
    start = time.time()
    while os.getppid() == parent and time.time() - start < 300: time.sleep(0.5)
    os._exit(0)

# Foundation.Process children inherit a mask that blocks SIGTERM: unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
srv = S((os.environ.get("TESTHTTPD_ADDR", "127.0.0.1"), int(os.environ.get("TESTHTTPD_PORT", "0"))), H)
if TLS:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(TLS[0], TLS[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("PORT", srv.server_address[1], flush=True)
srv.serve_forever()
