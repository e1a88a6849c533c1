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
