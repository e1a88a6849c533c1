"""Gotcha 7 of the chapter: connections that come and go must not leak. 100,000 WebSocket
connect/join/disconnect cycles on the live chat demo leave `tina4 serve`'s resident memory
within 2 MiB of where it stood after a 10,000-cycle warm-up.

No browser: many non-blocking client sockets in parallel, each cycle one write (handshake, a
masked `set-username` frame and a masked close frame) and a read until the server ends the
connection. Every cycle uses a new room path, so per-path state (hub groups) is exercised too.
"""
import os
import selectors
import socket
import time

from browser_support import REPO, TinaServer, free_port

PARALLEL = 64
WARM_UP = 10_000
TOTAL = 100_000
MAX_GROWTH_KIB = 2048
TIME_LIMIT = 120.0   # seconds for the whole soak, a guard against a stalled server

JOIN = b'{"type":"set-username","username":"soak"}'


def masked_frame(opcode, payload):
    # FIN + opcode; MASK bit with a zero key, so the payload goes as it is.
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + b"\0\0\0\0" + payload


def cycle_bytes(number):
    return (f"GET /ws/livechat/soak{number} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode() \
        + masked_frame(0x1, JOIN) + masked_frame(0x8, b"\x03\xe8")


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def cpu_seconds(pid):
    """The process's user + system CPU time, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_cycles(port, first, count):
    """Runs `count` cycles, PARALLEL at a time; returns how many ended with the server's 101."""
    selector = selectors.DefaultSelector()
    started = upgraded = 0
    deadline = time.monotonic() + TIME_LIMIT

    def start_one():
        nonlocal started
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect(("127.0.0.1", port))          # loopback: the kernel completes it at once
        sock.sendall(cycle_bytes(first + started))  # ~250 bytes: fits the empty send buffer
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, [b""])
        started += 1

    for _ in range(min(PARALLEL, count)):
        start_one()
    finished = 0
    while finished < count:
        assert time.monotonic() < deadline, f"only {finished} of {count} cycles within {TIME_LIMIT}s"
        for key, _ in selector.select(timeout=5):
            sock, head = key.fileobj, key.data
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if data:
                if len(head[0]) < 12:
                    head[0] += data[:12]
                continue
            if head[0].startswith(b"HTTP/1.1 101"):
                upgraded += 1
            selector.unregister(sock)
            sock.close()
            finished += 1
            if started < count:
                start_one()
    selector.close()
    return upgraded


def test_connect_disconnect_cycles_do_not_grow_memory():
    port = free_port()
    srv = TinaServer(os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4")), port)
    srv.start()
    try:
        began = time.monotonic()
        assert run_cycles(port, 0, WARM_UP) == WARM_UP
        after_warm_up = resident_kib(srv.proc.pid)
        assert run_cycles(port, WARM_UP, TOTAL - WARM_UP) == TOTAL - WARM_UP
        after_all = resident_kib(srv.proc.pid)
        elapsed = time.monotonic() - began
        print(f"\nRSS after {WARM_UP} cycles: {after_warm_up} KiB; after {TOTAL}: {after_all} KiB "
              f"({after_all - after_warm_up:+d} KiB); {TOTAL / elapsed:.0f} cycles/s; "
              f"server CPU {cpu_seconds(srv.proc.pid) / TOTAL * 1e6:.0f} µs per cycle")
        assert after_all - after_warm_up <= MAX_GROWTH_KIB
    finally:
        srv.stop()
        srv.log.close()
