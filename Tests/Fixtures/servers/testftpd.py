#!/usr/bin/env python3
"""FTP server for the source tests (pyftpdlib; run with /usr/bin/python3). Binds 127.0.0.1 on a
free port and prints "PORT n".  usage: testftpd.py ROOT
   anonymous read-only, and user alice / s3cret-pw (read-only); user uploader / upload-ftp-pw
   may write (the support-bundle upload test)
   NAME.trunc is served as the first half of NAME (SIZE reports the full size)
   NAME.dropfirst: the first RETR gets half of NAME, later ones (a resume with REST) all of it
Exits by itself when its parent dies or after 300 s."""
import signal, io, logging, os, sys, threading, time
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
root = os.path.abspath(sys.argv[1])

served = set()
class FS(AbstractedFS):
    def _real(self, p):
        if p.endswith(".trunc"): return p[:-6]
        if p.endswith(".dropfirst"): return p[:-10]
        return p
    def open(self, filename, mode):
        if filename.endswith(".dropfirst"):
            if filename in served: return super().open(self._real(filename), mode)
            served.add(filename)
            data = open(self._real(filename), "rb").read()
            b = io.BytesIO(data[: len(data) // 2]); b.name = filename
            return io.BufferedReader(b)
        if filename.endswith(".trunc"):
            data = open(self._real(filename), "rb").read()
            b = io.BytesIO(data[: len(data) // 2]); b.name = filename
            return io.BufferedReader(b)
        return super().open(filename, mode)
    def getsize(self, p): return super().getsize(self._real(p))
    def isfile(self, p): return super().isfile(self._real(p))
    def lexists(self, p): return super().lexists(self._real(p))
    def getmtime(self, p): return super().getmtime(self._real(p))

auth = DummyAuthorizer()
auth.add_anonymous(root, perm="elr")
auth.add_user("alice", "s3cret-pw", root, perm="elr")
auth.add_user("uploader", "upload-ftp-pw", root, perm="elradfmw")
class H(FTPHandler):
    authorizer = auth; abstracted_fs = FS; use_sendfile = False
    permit_foreign_addresses = False

def watchdog(parent):
    start = time.time()
    while os.getppid() == parent and time.time() - start < 300: time.sleep(0.5)
    os._exit(0)

logging.basicConfig(level=logging.CRITICAL)
# Foundation.Process children inherit a mask that blocks SIGTERM: unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
threading.Thread(target=watchdog, args=(os.getppid(),), daemon=True).start()
srv = FTPServer(("127.0.0.1", 0), H)
print("PORT", srv.address[1], flush=True)
srv.serve_forever()
