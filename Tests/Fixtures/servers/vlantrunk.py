#!/usr/bin/env python3
"""A user-space 802.1Q trunk port (stdlib only) between a qemu VM and a tap device, for the CD
tests of a VLAN install (tests/integration/77-iso-vlan-install.sh). The machine's kernel has no
8021q module, so the tagging and untagging happen here, in Python.

  vlantrunk.py serve SOCKET TAP VID [TCP_PORT]
      Run inside the network namespace that holds the tap device TAP (ip netns exec NS ...).
      Listens on the unix socket SOCKET for qemu's `-netdev stream,addr.type=unix,...` (frames
      as a 4-byte big-endian length and the frame) and serves one connection at a time:
        VM -> tap: a frame tagged with VID loses its tag and is written to TAP; an untagged
                   frame or one tagged with another VID is dropped and counted.
        tap -> VM: every frame read from TAP gets the tag VID and goes to the VM.
      Prints "LISTENING SOCKET" once ready, then, when a connection closes (and on SIGTERM),
      one line "conn N: key=value ..." with its counters: frames forwarded each way, frames
      dropped (untagged, other VID), DHCP frames, and TCP frames to or from TCP_PORT (the
      HTTP server) each way with the bytes sent to the VM. Exits by itself when its parent
      dies or after 1800 s, so a crashed test leaves nothing behind.

  vlantrunk.py probe SOCKET VID ADDR
      Connects to the trunk as a VM would and sends three ARP requests for ADDR (the tap's
      address): untagged, tagged VID+1, tagged VID. Prints one line per request, "untagged:
      no reply", "vid 43: no reply", "vid 42: reply from MAC (tagged 42)"; exits 0 only when
      the trunk answered exactly the request tagged VID, with a reply tagged VID.
"""
import fcntl, os, select, signal, socket, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
TPID = 0x8100


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def tag(frame, vid):
    return frame[:12] + struct.pack(">HH", TPID, vid & 0xFFF) + frame[12:]


def vid_of(frame):
    """(vid, untagged frame) for an 802.1Q frame, (None, frame) otherwise."""
    if len(frame) >= 18 and struct.unpack(">H", frame[12:14])[0] == TPID:
        return struct.unpack(">H", frame[14:16])[0] & 0xFFF, frame[:12] + frame[16:]
    return None, frame


def l4(frame):
    """(protocol, source port, destination port) of an untagged IPv4 TCP or UDP frame."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    proto = frame[23]
    if proto not in (6, 17) or len(frame) < 14 + ihl + 4:
        return None
    sport, dport = struct.unpack(">HH", frame[14 + ihl:18 + ihl])
    return proto, sport, dport


class Counters(dict):
    KEYS = ("from_vm_vid", "from_vm_untagged_dropped", "from_vm_other_vid_dropped", "to_vm_tagged",
            "dhcp_from_vm", "dhcp_to_vm", "dhcp_untagged_dropped", "tcp_from_vm", "tcp_to_vm", "tcp_bytes_to_vm")

    def __init__(self):
        super().__init__((k, 0) for k in self.KEYS)

    def line(self):
        return " ".join(f"{k}={self[k]}" for k in self.KEYS)


def serve(path, tapname, vid, tcp_port):
    tap = open_tap(tapname)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    print(f"LISTENING {path}", flush=True)
    parent, start = os.getppid(), time.monotonic()
    state = {"n": 0, "c": None}

    def report(*_):
        if state["c"] is not None:
            print(f"conn {state['n']}: {state['c'].line()}", flush=True)
        if _:
            sys.exit(0)
    signal.signal(signal.SIGTERM, report)

    while os.getppid() == parent and time.monotonic() - start < 1800:
        r, _, _ = select.select([ls, tap], [], [], 1.0)
        if tap in r:
            os.read(tap, 65536)            # nobody connected: the frame is lost, as on a dead port
        if ls not in r:
            continue
        conn, _ = ls.accept()
        state["n"] += 1
        state["c"] = c = Counters()
        print(f"conn {state['n']}: connected", flush=True)
        buf = b""
        while True:
            r, _, _ = select.select([conn, tap], [], [], 1.0)
            if os.getppid() != parent:
                break
            if tap in r:
                frame = os.read(tap, 65536)
                t = l4(frame)
                c["to_vm_tagged"] += 1
                if t and t[0] == 17 and t[1:] == (67, 68):
                    c["dhcp_to_vm"] += 1
                if t and t[0] == 6 and tcp_port and t[1] == tcp_port:
                    c["tcp_to_vm"] += 1
                    c["tcp_bytes_to_vm"] += len(frame)
                frame = tag(frame, vid)
                try:
                    conn.sendall(struct.pack(">I", len(frame)) + frame)
                except OSError:
                    break
            if conn in r:
                try:
                    d = conn.recv(262144)
                except OSError:
                    d = b""
                if not d:
                    break
                buf += d
                while len(buf) >= 4:
                    n = struct.unpack(">I", buf[:4])[0]
                    if len(buf) < 4 + n:
                        break
                    frame, buf = buf[4:4 + n], buf[4 + n:]
                    v, inner = vid_of(frame)
                    t = l4(inner)
                    dhcp = bool(t and t[0] == 17 and t[1:] == (68, 67))
                    if v is None:
                        c["from_vm_untagged_dropped"] += 1
                        c["dhcp_untagged_dropped"] += dhcp
                        continue
                    if v != vid:
                        c["from_vm_other_vid_dropped"] += 1
                        continue
                    c["from_vm_vid"] += 1
                    c["dhcp_from_vm"] += dhcp
                    if t and t[0] == 6 and tcp_port and t[2] == tcp_port:
                        c["tcp_from_vm"] += 1
                    os.write(tap, inner)
        conn.close()
        report()
        state["c"] = None


def arp_request(src_mac, src_ip, dst_ip):
    eth = b"\xff" * 6 + src_mac + b"\x08\x06"
    return eth + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + src_mac + src_ip + b"\x00" * 6 + dst_ip


def probe(path, vid, addr):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    target = socket.inet_aton(addr)
    base = target[:3]
    ok = True
    # (label, tag or None, our address): each request from its own address, so a reply says
    # which request it answers.
    for label, v, last, want in (("untagged", None, 250, False), (f"vid {vid + 1}", vid + 1, 251, False),
                                 (f"vid {vid}", vid, 252, True)):
        mac = bytes([0x52, 0x54, 0x00, 0x77, 0xEE, last])
        me = base + bytes([last])
        frame = arp_request(mac, me, target)
        if v is not None:
            frame = tag(frame, v)
        s.sendall(struct.pack(">I", len(frame)) + frame)
        got, buf, deadline = None, b"", time.monotonic() + (3.0 if want else 1.5)
        while got is None and time.monotonic() < deadline:
            r, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                break
            d = s.recv(65536)
            if not d:
                break
            buf += d
            while len(buf) >= 4 and len(buf) >= 4 + struct.unpack(">I", buf[:4])[0]:
                n = struct.unpack(">I", buf[:4])[0]
                f, buf = buf[4:4 + n], buf[4 + n:]
                rv, inner = vid_of(f)
                if inner[12:14] == b"\x08\x06" and len(inner) >= 42 and inner[20:22] == b"\x00\x02" and inner[38:42] == me:
                    got = (rv, inner[22:28].hex(":"))
        if got:
            print(f"{label}: reply from {got[1]} (tagged {got[0]})", flush=True)
            ok &= want and got[0] == vid
        else:
            print(f"{label}: no reply", flush=True)
            ok &= not want
    s.close()
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    elif len(sys.argv) == 5 and sys.argv[1] == "probe":
        sys.exit(probe(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
