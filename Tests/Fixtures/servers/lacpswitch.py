#!/usr/bin/env python3
"""A user-space Ethernet switch with one LACP (IEEE 802.1AX, 802.3ad) port-channel (stdlib only),
for tests/integration/78-iso-lacp-install.sh: two ports facing the host, one uplink.

Ports: two TCP listeners on 127.0.0.1 (ports the kernel picks, printed as "PORTS P0 P1") for
qemu's `-netdev socket,connect=127.0.0.1:P` (qemu's framing: each Ethernet frame preceded by its
length, 4 bytes big-endian). Uplink: the tap device TAP, opened through /dev/net/tun (TUNSETIFF,
no packet information), so run this inside the network namespace that holds the tap and its
servers (`ip netns exec NS python3 lacpswitch.py ...`).

Each port is an LACP port in active mode with a short timeout, the way a switch port configured
for a port-channel with `mode active` and `lacp rate fast` behaves: once its peer is connected
it sends an LACPDU (to 01:80:c2:00:00:02, ethertype 0x8809, subtype 1) every second and at once
when its state changes, carrying its own actor information (a fixed system MAC SYSTEM, key
KEY, port number 1 or 2) and, as partner information, what the host sent in its last LACPDU
(so that the host sees itself matched). The host's information expires after three of the
host's timeouts (3 s short, 90 s long). A port is in sync once the host's LACPDU asks to
aggregate and is for the aggregator (the first host system and key seen: a port whose host
differs stays out); it collects and distributes once the host also says it is in sync.
Data frames (anything but slow protocols) cross between a port and the uplink only while the
port forwards: both ends' state has synchronization, collecting and distributing. Before that
they are dropped and counted, in both directions (a port-channel member that is not bundled).
Frames from the uplink go to one forwarding port, chosen by their destination MAC (a switch's
hash); ports never forward to each other.

The log (LOG, line-buffered): "T portN connected", "T portN lacpdu from SYSTEM key K port P
state S" when the host's information changes, "T portN state actor=... partner=... forwarding
yes|no" when either state changes, and "T portN counters lacpdu_rx=.. lacpdu_tx=..
dropped_in=.. forwarded_in=.. dropped_out=.. forwarded_out=.." with each state line, every
5 s when they changed and at exit (SIGTERM). T is seconds since start.
  usage: lacpswitch.py LOG TAP [SYSTEM [KEY]]
Exits by itself when its parent dies or after 1800 s, so a crashed test leaves nothing behind."""
import fcntl, os, select, signal, socket, struct, sys, time

LOG, TAP = sys.argv[1], sys.argv[2]
SYSTEM = bytes.fromhex((sys.argv[3] if len(sys.argv) > 3 else "02:1a:c9:00:00:01").replace(":", ""))
KEY = int(sys.argv[4]) if len(sys.argv) > 4 else 78
SYSPRIO, PORTPRIO = 32768, 32768
SLOW_DST = bytes.fromhex("0180c2000002")
ACT, TMO, AGG, SYNC, COL, DIS, DEF, EXP = (1 << i for i in range(8))
NAMES = ["activity", "short-timeout", "aggregation", "sync", "collecting", "distributing", "defaulted", "expired"]
FWD = SYNC | COL | DIS
T0 = time.monotonic()
log = open(LOG, "a", buffering=1)

def now():
    return time.monotonic() - T0

def say(msg):
    log.write(f"{now():.3f} {msg}\n")

def bits(s):
    return ",".join(n for i, n in enumerate(NAMES) if s & (1 << i)) or "none"

def mac(b):
    return ":".join(f"{x:02x}" for x in b)

class Port:
    def __init__(self, n):
        self.n, self.number = n, n + 1
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.conn, self.buf = None, b""
        self.mac = SYSTEM[:5] + bytes([SYSTEM[5] + 0x10 + self.number])
        self.partner = None          # the host's actor fields: (prio, system, key, port prio, port, state)
        self.heard = 0.0
        self.next_tx = 0.0
        self.last = None             # (actor state, partner state, forwarding) last logged
        self.c = dict(lacpdu_rx=0, lacpdu_tx=0, dropped_in=0, forwarded_in=0, dropped_out=0, forwarded_out=0)
        self.logged_c = None

    def name(self):
        return f"port{self.n}"

    def actor_state(self):
        s = ACT | TMO | AGG
        if self.partner is None:
            return s | DEF
        if self.in_sync():
            s |= SYNC
            if self.partner[5] & SYNC:
                s |= COL | DIS
        return s

    def in_sync(self):
        p = self.partner
        return p is not None and p[5] & AGG and aggregator.get("id") == (p[1], p[2])

    def forwarding(self):
        return self.partner is not None and self.actor_state() & FWD == FWD and self.partner[5] & FWD == FWD

    def send(self, frame):
        if self.conn is None:
            return
        try:
            self.conn.sendall(struct.pack(">I", len(frame)) + frame)
        except OSError:
            self.disconnect()

    def lacpdu(self):
        p = self.partner or (0, bytes(6), 0, 0, 0, 0)
        tlv = lambda t, prio, sysmac, key, pprio, port, st: struct.pack(">BBH6sHHHB3x", t, 20, prio, sysmac, key, pprio, port, st)
        body = bytes([1, 1]) + tlv(1, SYSPRIO, SYSTEM, KEY, PORTPRIO, self.number, self.actor_state())
        body += tlv(2, *p) + struct.pack(">BBH12x", 3, 16, 0) + bytes(52)
        return SLOW_DST + self.mac + b"\x88\x09" + body

    def tx_lacpdu(self):
        if self.conn is None:
            return
        self.send(self.lacpdu())
        self.c["lacpdu_tx"] += 1
        self.next_tx = now() + 1.0

    def rx_lacpdu(self, f):
        if len(f) < 14 + 110 - 52 or f[16] != 1 or f[17] != 20:
            return
        prio, sysmac, key, pprio, port, st = struct.unpack(">H6sHHHB", f[18:33])
        self.c["lacpdu_rx"] += 1
        new = (prio, sysmac, key, pprio, port, st)
        self.heard = now()
        if new != self.partner:
            if self.partner is None or self.partner[:5] != new[:5]:
                say(f"{self.name()} lacpdu from {mac(sysmac)} key {key} port {port} state 0x{st:02x} ({bits(st)})")
            self.partner = new
            if new[5] & AGG and "id" not in aggregator:
                aggregator["id"] = (sysmac, key)
                say(f"aggregator: host system {mac(sysmac)} key {key}")
            self.changed()
        # The host's view of this port: when it does not match, tell it again at once.
        seen = struct.pack(">H6sHHHB", SYSPRIO, SYSTEM, KEY, PORTPRIO, self.number, self.actor_state())
        if f[36] == 2 and f[38:53] != seen:
            self.tx_lacpdu()

    def changed(self):
        state = (self.actor_state(), self.partner[5] if self.partner else 0, self.forwarding())
        if state != self.last:
            self.last = state
            say(f"{self.name()} state actor={bits(state[0])} partner={bits(state[1])} forwarding {'yes' if state[2] else 'no'}")
            self.counters()
            self.tx_lacpdu()

    def counters(self):
        self.logged_c = dict(self.c)
        say(f"{self.name()} counters " + " ".join(f"{k}={v}" for k, v in self.c.items()))

    def expire(self):
        timeout = 3.0 if self.partner[5] & TMO else 90.0
        if now() - self.heard > timeout:
            say(f"{self.name()} the host's LACP information expired ({timeout:.0f} s without an LACPDU)")
            self.partner = None
            self.changed()

    def disconnect(self):
        if self.conn is not None:
            say(f"{self.name()} disconnected")
            self.conn.close()
        self.conn, self.buf, self.partner = None, b"", None
        self.changed()

aggregator = {}
ports = [Port(0), Port(1)]

IFF_TAP, IFF_NO_PI, TUNSETIFF = 0x0002, 0x1000, 0x400454CA
tap = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH", TAP.encode(), IFF_TAP | IFF_NO_PI))

def finish(*_):
    for p in ports:
        p.counters()
    say("exit")
    os._exit(0)

signal.signal(signal.SIGTERM, finish)
parent = os.getppid()
print(f"PORTS {ports[0].lsock.getsockname()[1]} {ports[1].lsock.getsockname()[1]}", flush=True)
say(f"switch: system {mac(SYSTEM)} key {KEY}, uplink {TAP}")
next_report = 5.0
while True:
    if os.getppid() != parent or now() > 1800:
        finish()
    fds = [tap] + [p.lsock for p in ports if p.conn is None] + [p.conn for p in ports if p.conn is not None]
    r, _, _ = select.select(fds, [], [], 0.2)
    for p in ports:
        if p.lsock in r:
            p.conn, _ = p.lsock.accept()
            p.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            say(f"{p.name()} connected")
            p.changed()
        elif p.conn is not None and p.conn in r:
            try:
                d = p.conn.recv(65536)
            except OSError:
                d = b""
            if not d:
                p.disconnect()
                continue
            p.buf += d
            while len(p.buf) >= 4:
                n = struct.unpack(">I", p.buf[:4])[0]
                if len(p.buf) < 4 + n:
                    break
                f, p.buf = p.buf[4:4 + n], p.buf[4 + n:]
                if len(f) < 14:
                    continue
                if f[12:14] == b"\x88\x09":
                    if f[14] == 1:
                        p.rx_lacpdu(f)
                    continue
                if p.forwarding():
                    os.write(tap, f)
                    p.c["forwarded_in"] += 1
                else:
                    p.c["dropped_in"] += 1
    if tap in r:
        f = os.read(tap, 65536)
        up = [p for p in ports if p.conn is not None and p.forwarding()]
        if up:
            p = up[sum(f[0:6]) % len(up)] if f[0] & 1 == 0 else up[0]
            p.send(f)
            p.c["forwarded_out"] += 1
        else:
            for p in ports:
                if p.conn is not None:
                    p.c["dropped_out"] += 1
    for p in ports:
        if p.conn is None:
            continue
        if p.partner is not None:
            p.expire()
        if p.conn is not None and now() >= p.next_tx:
            p.tx_lacpdu()
    if now() >= next_report:
        next_report = now() + 5.0
        for p in ports:
            if p.c != p.logged_c:
                p.counters()
