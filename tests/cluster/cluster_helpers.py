"""WebSocket clients that wait on messages with a time limit (websocket-client)."""
import json
import time

import websocket

TIMEOUT = 10.0


class Client:
    def __init__(self, url, **options):
        self.ws = websocket.create_connection(url, timeout=TIMEOUT, **options)
        self.received = []   # (opcode, data) in arrival order

    def send(self, text):
        self.ws.send(text)

    def send_binary(self, data):
        self.ws.send_binary(data)

    def _read_one(self, timeout):
        self.ws.settimeout(timeout)
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_TEXT:
            data = data.decode()
        self.received.append((opcode, data))
        return opcode, data

    def wait_for(self, predicate, timeout=TIMEOUT, what="a message"):
        """Reads until a message satisfies `predicate`; returns it. Earlier ones stay in `received`."""
        for opcode, data in self.received:
            if predicate(opcode, data):
                return data
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; got {self.received[-10:]!r}")
            try:
                opcode, data = self._read_one(left)
            except websocket.WebSocketTimeoutException:
                continue
            if predicate(opcode, data):
                return data

    def wait_json(self, check, timeout=TIMEOUT, what="a JSON message"):
        def predicate(opcode, data):
            if opcode != websocket.ABNF.OPCODE_TEXT:
                return False
            try:
                return check(json.loads(data))
            except ValueError:
                return False
        return json.loads(self.wait_for(predicate, timeout, what))

    def texts(self):
        return [data for opcode, data in self.received if opcode == websocket.ABNF.OPCODE_TEXT]

    def json_messages(self, kind=None):
        out = []
        for text in self.texts():
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if kind is None or message.get("type") == kind:
                out.append(message)
        return out

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass


class RedisSubscriber:
    """A raw RESP2 client subscribed to channels, to read what instances publish."""

    def __init__(self, port, *channels):
        import socket
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.sock.sendall(encode_command("SUBSCRIBE", *channels))
        for _ in channels:
            reply = self.read_value()
            assert reply[0] == b"subscribe", reply

    def _line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buffer) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n + 2:]
        return data

    def read_value(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"*":
            return [self.read_value() for _ in range(int(rest))]
        if kind == b"$":
            return None if int(rest) < 0 else self._exact(int(rest))
        if kind == b":":
            return int(rest)
        return rest.decode()

    def next_message(self, timeout=TIMEOUT):
        """(channel, payload bytes) of the next pub/sub message."""
        self.sock.settimeout(timeout)
        while True:
            value = self.read_value()
            if isinstance(value, list) and value and value[0] == b"message":
                return value[1].decode(), value[2]

    def close(self):
        self.sock.close()


def encode_command(*args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


def joined_count(instance, path="/ws/chat/general"):
    """The room's "online" figure as a new connection on `instance` sees it in its join message."""
    c = Client(instance.ws + path)
    try:
        message = c.wait_json(lambda m: m.get("type") == "system" and "joined" in m.get("message", ""))
        return message["online"]
    finally:
        c.close()
