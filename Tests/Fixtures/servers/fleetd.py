#!/usr/bin/env python3
"""A fleet's answerfile and report server for the tests (stdlib only). Binds 127.0.0.1 on a
free port and prints "PORT n".  usage: fleetd.py DIR [CERT KEY]   (CERT KEY: HTTPS)
   GET  /answers/NAME   DIR/answers/NAME (404 when missing)
   GET  /pool/PATH      DIR/pool/PATH (an installation source)
   POST /answer         the host's description (JSON): checked (mac, serial, uuid, macs, disks
                        with name/model/serial/size_bytes, memory_mib), kept in DIR/posted.jsonl;
                        the reply is DIR/answers/MAC.xml, 404 when there is none, 400 when the
                        JSON lacks something
   POST /report         one event (JSON) appended to DIR/reports.jsonl (a line each, as sent)
   POST /hang           reads the request, never answers (a report server that hangs)
Exits by itself when its parent dies or after 600 s."""
import http.server, json, os, signal, socketserver, sys, threading, time, urllib.parse
DIR = os.path.abspath(sys.argv[1])
TLS = sys.argv[2:4] if len(sys.argv) >= 4 else None
lock = threading.Lock()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, status, body=b"", ctype="text/plain"):
        self.send_response(status); self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def static(self, sub, rel):
        base = os.path.join(DIR, sub)
        p = os.path.realpath(os.path.join(base, urllib.parse.unquote(rel)))
        if not p.startswith(base + os.sep) or not os.path.isfile(p): return self.reply(404, b"not found\n")
        with open(p, "rb") as f: self.reply(200, f.read(), "application/octet-stream")
    def do_GET(self):
        path = self.path.split("?")[0]
        for sub in ("answers", "pool"):
            if path.startswith("/" + sub + "/"): return self.static(sub, path[len(sub) + 2:])
        self.reply(404, b"not found\n")
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = self.path.split("?")[0]
        if path == "/hang":
            time.sleep(600); return
        if path == "/report":
            with lock, open(os.path.join(DIR, "reports.jsonl"), "a") as f:
                f.write(json.dumps(json.loads(body)) + "\n")
            return self.reply(200, b"ok\n")
        if path == "/answer":
            try:
                h = json.loads(body)
                problems = [k for k in ("mac", "serial", "uuid", "macs", "disks", "memory_mib") if k not in h]
                for d in h.get("disks", []):
                    problems += ["disk." + k for k in ("name", "model", "serial", "size_bytes") if k not in d]
                if h.get("mac") not in h.get("macs", []): problems.append("mac not in macs")
            except Exception as e:
                problems = ["not JSON: %s" % e]
            with lock, open(os.path.join(DIR, "posted.jsonl"), "a") as f:
                f.write(json.dumps({"problems": problems, "body": body.decode("utf-8", "replace")}) + "\n")
            if problems: return self.reply(400, ("bad host description: %s\n" % ", ".join(problems)).encode())
            p = os.path.join(DIR, "answers", h["mac"] + ".xml")
            if not os.path.isfile(p): return self.reply(404, ("no answerfile for %s\n" % h["mac"]).encode())
            with open(p, "rb") as f: return self.reply(200, f.read(), "application/xml")
        self.reply(404, b"not found\n")

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def watchdog(parent):
    start = time.time()
    while os.getppid() == parent and time.time() - start < 600: time.sleep(0.5)
    os._exit(0)

signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
srv = S(("127.0.0.1", 0), H)
if TLS:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(TLS[0], TLS[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("PORT", srv.server_address[1], flush=True)
srv.serve_forever()
