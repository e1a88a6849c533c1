#!/usr/bin/env python3
"""Benchmarks a running `tina4 serve` from a second process, over loopback.

Figures are the server's own CPU time (utime + stime from /proc/PID/stat) per unit of work, so
they do not depend on how fast this Python client is, plus wall-clock rates for reference:

  broadcast   R receivers in one /ws/chat/{room}; one of them sends M messages; every message
              reaches all R (the sender is included, as in the chapter). Reports server CPU per
              delivered message and delivered messages per second.
  idle        10,000 idle WebSocket connections on /ws/echo (1,000 with --quick); reports resident
              memory per connection.
  echo        one client, M sequential round trips on /ws/echo; reports p50 / p99 latency.
  http        32 keep-alive clients, M GET /api/ws-token in all; server CPU per request.
  json        a JSON object of 700,000 keys (7.3 MiB) POSTed to /api/orders/1/ship, and 1 MiB chat
              messages of the same shape (95,000 keys) on /ws/livechat/{room}; server CPU per
              body and per message, and per key: equal per-key figures mean parsing is linear.

  --extensions VALUE  every client offers VALUE as Sec-WebSocket-Extensions, e.g. Chromium's
              "permessage-deflate; client_max_window_bits" (the default runs offer nothing).
  --scrape-interval S  while the broadcast runs, GET /metrics every S seconds (Prometheus's
              load on the server, counted in its CPU figure): compare with a run without.
  --deflate   instead of the above: permessage-deflate against none, for the chat fan-out (server
              CPU per delivered message, bytes on the wire per delivery) and for idle connections
              (fresh, and after each connection sent one compressed message, so the server keeps
              its inflater: client windows 15 and 10, and client_no_context_takeover).
              --deflate-part picks parts (run one idle part per fresh server for exact RSS).

Usage: bench_ws.py --pid PID --port PORT [--quick] [--only NAME[,NAME…]] [--scrape-interval S]
                   [--extensions VALUE | --deflate [--deflate-part P]...]
"""
import argparse
import asyncio
import base64
import os
import resource
import struct
import time
import zlib

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def server_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def masked_frame(payload: bytes, opcode=0x1, rsv1=False):
    mask = os.urandom(4)
    header = bytes([0x80 | (0x40 if rsv1 else 0) | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack("!Q", n)
    # XOR as one big integer: fast enough for megabyte payloads.
    key = (mask * (n // 4 + 1))[:n]
    body = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return header + mask + body


class Client:
    """A minimal asyncio WebSocket client: handshake, masked sends, frame counting."""

    def __init__(self, reader, writer, extensions=None):
        self.reader, self.writer = reader, writer
        self.buffer = bytearray()
        self.wire_bytes = 0            # bytes received after the handshake
        self.extensions = extensions   # the server's Sec-WebSocket-Extensions answer
        self.deflater = None
        if extensions and extensions.startswith("permessage-deflate"):
            bits = 15
            for part in extensions.split(";"):
                name, _, value = part.strip().partition("=")
                if name == "client_max_window_bits":
                    bits = max(int(value), 9)
            self.deflater = zlib.compressobj(6, zlib.DEFLATED, -bits)   # keeps context, as Chromium does

    @classmethod
    async def connect(cls, port, path, offer=None):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = f"Sec-WebSocket-Extensions: {offer}\r\n" if offer else ""
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"handshake failed: {head[:80]!r}")
        extensions = None
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "sec-websocket-extensions":
                extensions = value.strip()
        if offer and offer.startswith("permessage-deflate") and not extensions:
            raise RuntimeError(f"permessage-deflate offered but not negotiated: {head!r}")
        return cls(reader, writer, extensions)

    def send_compressed(self, text):
        """A compressed message (RSV1), context kept across messages."""
        data = self.deflater.compress(text.encode()) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        self.writer.write(masked_frame(data[:-4], rsv1=True))

    async def next_message(self):
        """The next text/binary payload (pings are answered, other control frames skipped),
        so a long run outlives the server's heartbeat."""
        while True:
            frame = self._take_frame()
            if frame is not None:
                opcode, payload = frame
                if opcode in (0x1, 0x2):
                    return payload
                if opcode == 0x9:
                    self.writer.write(masked_frame(payload, opcode=0xA))
                continue
            chunk = await self.reader.read(65536)
            if not chunk:
                raise EOFError
            self.wire_bytes += len(chunk)
            self.buffer += chunk

    def _take_frame(self):
        buf = self.buffer
        if len(buf) < 2:
            return None
        n = buf[1] & 0x7F
        offset = 2
        if n == 126:
            if len(buf) < 4:
                return None
            n = struct.unpack_from("!H", buf, 2)[0]
            offset = 4
        elif n == 127:
            if len(buf) < 10:
                return None
            n = struct.unpack_from("!Q", buf, 2)[0]
            offset = 10
        if len(buf) < offset + n:
            return None
        opcode = buf[0] & 0x0F
        payload = bytes(buf[offset:offset + n])
        del buf[:offset + n]
        return opcode, payload

    def _frame_length(self):
        """Header + payload length of the frame at the front of the buffer, once its header is in."""
        buf = self.buffer
        if len(buf) < 2:
            return None
        n = buf[1] & 0x7F
        if n < 126:
            return 2 + n
        if n == 126:
            return 4 + struct.unpack_from("!H", buf, 2)[0] if len(buf) >= 4 else None
        return 10 + struct.unpack_from("!Q", buf, 2)[0] if len(buf) >= 10 else None

    async def count_frames(self, count):
        """Reads `count` data frames of one length (the copies of one broadcast), without parsing each.
        Compressed frames differ in length (the timestamp changes), so then each header is read."""
        seen, frame_length = 0, None
        while seen < count:
            if self.extensions:
                while seen < count and (length := self._frame_length()) and len(self.buffer) >= length:
                    del self.buffer[:length]
                    seen += 1
            else:
                frame_length = frame_length or self._frame_length()
                if frame_length:
                    whole = min(len(self.buffer) // frame_length, count - seen)
                    del self.buffer[:whole * frame_length]
                    seen += whole
            if seen == count:
                break
            chunk = await self.reader.read(1 << 20)
            if not chunk:
                raise EOFError
            self.wire_bytes += len(chunk)
            self.buffer += chunk

    def send(self, text):
        self.writer.write(masked_frame(text.encode()))

    def send_bytes(self, payload):
        """A text frame of `payload`, already UTF-8."""
        self.writer.write(masked_frame(payload))

    def close(self):
        self.writer.close()


async def bench_broadcast(pid, port, receivers, messages, offer=None):
    room = f"/ws/chat/bench-{os.getpid()}-{time.monotonic_ns()}"
    clients = [await Client.connect(port, room, offer) for _ in range(receivers)]
    # Drain the join notices: client i sees the joins of clients i..receivers-1.
    for i, c in enumerate(clients):
        for _ in range(receivers - i):
            await c.next_message()
    sender = clients[0]
    window = 500
    wire0 = sum(c.wire_bytes - len(c.buffer) for c in clients)
    cpu0, t0 = server_cpu_seconds(pid), time.perf_counter()
    readers = [asyncio.create_task(c.count_frames(messages)) for c in clients[1:]]
    sent = 0
    while sent < messages:
        batch = min(window, messages - sent)
        for _ in range(batch):
            sender.send('{"username":"bench","text":"hello, everyone in the room"}')
        await sender.writer.drain()
        await sender.count_frames(batch)  # the sender is a receiver too: pace on its own copies
        sent += batch
    await asyncio.gather(*readers)
    cpu, wall = server_cpu_seconds(pid) - cpu0, time.perf_counter() - t0
    wire = sum(c.wire_bytes - len(c.buffer) for c in clients) - wire0
    for c in clients:
        c.close()
    delivered = messages * receivers
    return {
        "receivers": receivers, "messages": messages, "delivered": delivered,
        "server_cpu_us_per_delivery": cpu * 1e6 / delivered,
        "deliveries_per_second": delivered / wall,
        "wire_bytes_per_delivery": wire / delivered,
        "extensions": clients[0].extensions,
    }


def filler_text(size):
    """Chat-like text that does not repeat within zlib's window, so inflating it fills the window."""
    words = "hello room message typing online quick brown fox lazy dog chat ann bob lunch".split()
    out, i = [], 0
    while sum(map(len, out)) < size:
        out.append(f"{words[i * 7919 % len(words)]}{i}")
        i += 1
    return " ".join(out)[:size]


async def bench_idle(pid, port, connections, offer=None, send_compressed=None):
    """`send_compressed`: each connection first sends one compressed message of that many bytes
    (and reads the echo), so a server that keeps the client's context holds an inflater for it
    from then on; 40,000 bytes fill a 32 KiB window, as a while of chatting does."""
    before = server_rss_kib(pid)
    clients = []
    for start in range(0, connections, 200):
        batch = await asyncio.gather(*(Client.connect(port, "/ws/echo", offer) for _ in range(min(200, connections - start))))
        if send_compressed:
            text = filler_text(send_compressed)
            for c in batch:
                c.send_compressed(text)
            await asyncio.gather(*(c.next_message() for c in batch))
        clients += batch
    # One round trip on the last connection: the server has handled every handshake before it.
    clients[-1].send("ping")
    await clients[-1].next_message()
    after = server_rss_kib(pid)
    for c in clients:
        c.close()
    await asyncio.sleep(0.5)   # let the server see the closes before the next scenario measures RSS
    return {"connections": connections, "rss_before_kib": before, "rss_after_kib": after,
            "bytes_per_idle_connection": (after - before) * 1024 / connections,
            "extensions": clients[0].extensions}


async def bench_echo(port, messages, offer=None):
    client = await Client.connect(port, "/ws/echo", offer)
    samples = []
    for i in range(messages):
        t = time.perf_counter()
        client.send("hello")
        await client.next_message()
        samples.append(time.perf_counter() - t)
    client.close()
    samples.sort()
    return {"round_trips": messages, "p50_us": samples[len(samples) // 2] * 1e6,
            "p99_us": samples[int(len(samples) * 0.99)] * 1e6}


async def bench_http(pid, port, requests, connections=32):
    """`connections` keep-alive clients, one request in flight each, GET /api/ws-token."""
    request = f"GET /api/ws-token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()

    async def client(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
        writer.close()

    cpu0, t0 = server_cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(client(requests // connections) for _ in range(connections)))
    cpu, wall = server_cpu_seconds(pid) - cpu0, time.perf_counter() - t0
    done = requests // connections * connections
    return {"requests": done, "connections": connections,
            "server_cpu_us_per_request": cpu * 1e6 / done, "requests_per_second": done / wall}


def json_object(keys):
    """`{"000000":1,"000001":1,…}`: 11 bytes per key."""
    return ("{" + ",".join(f'"{i:06d}":1' for i in range(keys)) + "}").encode()


async def bench_json(pid, port, body_keys=700_000, message_keys=95_000, messages=8):
    """Server CPU to parse a 700,000-key JSON body (HTTP) and 1 MiB messages of the same shape."""
    body = json_object(body_keys)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cpu0 = server_cpu_seconds(pid)
    writer.write(f"POST /api/orders/1/ship HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    head = await reader.readuntil(b"\r\n\r\n")
    await reader.read()
    body_cpu = server_cpu_seconds(pid) - cpu0
    writer.close()
    if not head.startswith(b"HTTP/1.1 400"):  # parsed, then refused for its missing user_id
        raise RuntimeError(f"unexpected answer to the JSON body: {head[:60]!r}")

    message = json_object(message_keys)
    client = await Client.connect(port, f"/ws/livechat/bench-{os.getpid()}")
    await client.next_message()  # welcome
    cpu0 = server_cpu_seconds(pid)
    for _ in range(messages):
        client.send_bytes(message)
        await client.next_message()  # parsed, then answered with an error: no "text"
    message_cpu = (server_cpu_seconds(pid) - cpu0) / messages
    client.close()
    return {"body_bytes": len(body), "body_keys": body_keys, "body_cpu_ms": body_cpu * 1e3,
            "message_bytes": len(message), "message_keys": message_keys, "message_cpu_ms": message_cpu * 1e3,
            "body_ns_per_key": body_cpu * 1e9 / body_keys, "message_ns_per_key": message_cpu * 1e9 / message_keys}


async def scrape_loop(port, interval, stop):
    """GET /metrics every `interval` seconds until `stop` is set; returns how many were answered."""
    scrapes = 0
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        await writer.drain()
        answer = await reader.read()   # to the end: the server closes after the response
        writer.close()
        if answer.startswith(b"HTTP/1.1 200"):
            scrapes += 1
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except asyncio.TimeoutError:
            pass
    return scrapes


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test of the benchmark)")
    parser.add_argument("--only", help="comma-separated figures to run: broadcast, idle, echo, http, json")
    parser.add_argument("--extensions", help="Sec-WebSocket-Extensions offer for every client")
    parser.add_argument("--deflate", action="store_true", help="permessage-deflate against none")
    parser.add_argument("--deflate-part", action="append", choices=["fanout"] + ["idle-" + v for v in IDLE_VARIANTS],
                        help="with --deflate: only these parts (repeatable); default all")
    parser.add_argument("--scrape-interval", type=float,
                        help="GET /metrics every this many seconds while the broadcast figure runs")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    scale = 10 if args.quick else 1
    if args.deflate:
        parts = args.deflate_part or ["fanout"] + ["idle-" + v for v in IDLE_VARIANTS]
        await deflate_report(args.pid, args.port, scale, hard, parts)
        return
    offer = args.extensions

    only = set(args.only.split(",")) if args.only else None
    wanted = lambda name: only is None or name in only

    results = []
    if wanted("broadcast"):
        stop = asyncio.Event()
        scraper = asyncio.create_task(scrape_loop(args.port, args.scrape_interval, stop)) if args.scrape_interval else None
        broadcast = await bench_broadcast(args.pid, args.port, 100, 20000 // scale, offer)
        stop.set()
        scraped = f", /metrics scraped {await scraper} times every {args.scrape_interval:g} s" if scraper else ""
        results.append(("broadcast", broadcast,
                        f"{broadcast['server_cpu_us_per_delivery']:.2f} µs server CPU per delivered message, "
                        f"{broadcast['deliveries_per_second']:,.0f} deliveries/s "
                        f"({broadcast['messages']} messages × {broadcast['receivers']} receivers{scraped})"))
    if wanted("idle"):
        # This process holds one fd per connection (the server holds its own): keep a margin under the limit.
        idle_count = min(10000 // scale, hard - 200)
        idle = await bench_idle(args.pid, args.port, idle_count, offer)
        results.append(("idle", idle,
                        f"{idle['bytes_per_idle_connection']:,.0f} bytes of server RSS per idle connection "
                        f"({idle['connections']} connections, {idle['rss_before_kib']} → {idle['rss_after_kib']} KiB)"))
    if wanted("echo"):
        echo = await bench_echo(args.port, 10000 // scale, offer)
        results.append(("echo", echo, f"echo round trip p50 {echo['p50_us']:.0f} µs, p99 {echo['p99_us']:.0f} µs "
                                      f"({echo['round_trips']} sequential)"))
    if wanted("http"):
        http = await bench_http(args.pid, args.port, 40000 // scale)
        results.append(("http", http, f"{http['server_cpu_us_per_request']:.1f} µs server CPU per HTTP request, "
                                      f"{http['requests_per_second']:,.0f} requests/s "
                                      f"({http['connections']} keep-alive clients, GET /api/ws-token)"))
    if wanted("json"):
        js = await bench_json(args.pid, args.port, messages=8 // min(scale, 4))
        results.append(("json", js,
                        f"{js['body_cpu_ms']:.0f} ms server CPU for a {js['body_bytes'] / 2**20:.1f} MiB JSON body of "
                        f"{js['body_keys']:,} keys ({js['body_ns_per_key']:.0f} ns/key), {js['message_cpu_ms']:.0f} ms per "
                        f"{js['message_bytes'] / 2**20:.1f} MiB message of {js['message_keys']:,} keys "
                        f"({js['message_ns_per_key']:.0f} ns/key)"))
    for name, _, line in results:
        print(f"{name:10} {line}")


CHROMIUM = "permessage-deflate; client_max_window_bits"


IDLE_VARIANTS = {
    "none": (None, None),
    "fresh": (CHROMIUM, None),
    "after-message": (CHROMIUM, 100),
    "full-window": (CHROMIUM, 40_000),
    "full-window-10": ("permessage-deflate; client_max_window_bits=10", 40_000),
    "full-window-15": ("permessage-deflate", 40_000),   # Firefox's offer: the client keeps a 32 KiB window
    "no-context": ("permessage-deflate; client_no_context_takeover", 40_000),
}


async def deflate_report(pid, port, scale, hard_limit, parts):
    """RSS only grows back into memory a previous scenario freed, so for exact idle figures run
    one idle part per fresh server (--deflate-part idle-after-message, ...)."""
    rows = []
    if "fanout" in parts:
        for label, offer in (("none", None), ("Chromium's offer", CHROMIUM)):
            b = await bench_broadcast(pid, port, 100, 10000 // scale, offer)
            rows.append(f"fan-out  {label:18} {b['server_cpu_us_per_delivery']:.2f} µs server CPU/delivery, "
                        f"{b['wire_bytes_per_delivery']:.1f} B on the wire/delivery "
                        f"({b['messages']} × {b['receivers']}; {b['extensions'] or 'no extension'})")
    count = min(5000 // scale, hard_limit // 2 - 100)
    for name, (offer, send) in IDLE_VARIANTS.items():
        if "idle-" + name not in parts:
            continue
        i = await bench_idle(pid, port, count, offer, send)
        rows.append(f"idle     {name:18} {i['bytes_per_idle_connection']:,.0f} B of server RSS per connection "
                    f"({i['connections']}{f', each sent {send:,} B compressed' if send else ''}; "
                    f"{i['extensions'] or 'no extension'})")
    for row in rows:
        print(row)


if __name__ == "__main__":
    asyncio.run(main())
