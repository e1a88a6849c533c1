"""The Tina4 family's envelope on `tina4:ws`, checked against a raw Redis subscriber, and
hand-made envelopes published as another edition (Python, PHP, Ruby, Node) would."""
import base64
import json
import re

import websocket

from cluster_helpers import Client, RedisSubscriber


def test_the_envelope_an_instance_publishes(cluster, redis):
    a, b = cluster
    watcher = RedisSubscriber(redis.port, "tina4:ws")
    sender = Client(a.ws + "/ws/livechat/wire")
    sender.wait_json(lambda m: m.get("type") == "welcome")
    sender.send(json.dumps({"type": "typing"}))   # broadcast(…, excludeSelf: true)
    channel, payload = watcher.next_message()
    envelope = json.loads(payload)
    assert channel == "tina4:ws"
    assert list(envelope)[:6] == ["src", "kind", "path", "exclude", "room", "text"]
    assert re.fullmatch(r"[0-9a-f]{16}", envelope["src"])
    assert envelope["kind"] == "path" and envelope["path"] == "/ws/livechat/wire"
    assert envelope["room"] is None
    welcome = sender.json_messages("welcome")[0]
    assert envelope["exclude"] == welcome["your_id"]
    assert json.loads(envelope["text"]) == {"type": "typing", "username": "Anonymous"}
    assert isinstance(envelope["seq"], int)

    sender.send(json.dumps({"type": "message", "text": "plain"}))   # no exclusion
    _, payload = watcher.next_message()
    assert json.loads(payload)["exclude"] is None

    token = json.load(__import__("urllib.request").request.urlopen(a.http + "/api/ws-token", timeout=5))["token"]
    secure = Client(f"{a.ws}/ws/secure?token={token}")
    secure.wait_json(lambda m: m.get("type") == "welcome")
    secure.send_binary(b"\x00\x01\xfe\xff")
    _, payload = watcher.next_message()
    envelope = json.loads(payload)
    assert "text" not in envelope and base64.b64decode(envelope["b64"]) == b"\x00\x01\xfe\xff"
    watcher.close()


def test_hand_made_envelopes_from_another_edition(cluster, redis):
    a, _ = cluster
    room = Client(a.ws + "/ws/chat/general")
    elsewhere = Client(a.ws + "/ws/chat/elsewhere")
    def publish(envelope):
        assert redis.cli("PUBLISH", "tina4:ws", json.dumps(envelope)) == "2"   # both instances subscribed

    publish({"src": "python-edition1", "kind": "path", "path": "/ws/chat/general", "exclude": None,
             "room": None, "text": "from python"})
    assert room.wait_for(lambda op, d: d == "from python")

    publish({"src": "php-edition", "kind": "path", "path": "/ws/chat/general", "exclude": None,
             "room": None, "b64": base64.b64encode(b"\x00bin\xff").decode()})
    assert room.wait_for(lambda op, d: op == websocket.ABNF.OPCODE_BINARY) == b"\x00bin\xff"

    publish({"src": "ruby-edition", "kind": "path", "path": "/ws/chat/general", "exclude": None,
             "room": None, "text": "extra fields", "ts": 1733, "meta": {"v": [1, 2]}})
    assert room.wait_for(lambda op, d: d == "extra fields")

    publish({"src": "node-edition", "kind": "room", "room": "lobby", "text": "a room broadcast"})
    publish({"src": "node-edition", "kind": "path", "path": "/ws/chat/general", "exclude": None,
             "room": "lobby", "text": "path with a room"})
    assert room.wait_for(lambda op, d: d == "path with a room")
    a.wait_log("envelope skipped: kind \"room\"")
    a.wait_log("an envelope named a room")

    publish({"src": "node-edition", "kind": "all", "text": "to everyone"})
    assert room.wait_for(lambda op, d: d == "to everyone")
    assert elsewhere.wait_for(lambda op, d: d == "to everyone")

    assert "a room broadcast" not in room.texts() + elsewhere.texts()
    assert "from python" not in elsewhere.texts()


def test_a_hand_made_exclude_leaves_that_connection_out(cluster, redis):
    a, _ = cluster
    left_out = Client(a.ws + "/ws/livechat/x")
    included = Client(a.ws + "/ws/livechat/x")
    their_id = left_out.wait_json(lambda m: m.get("type") == "welcome")["your_id"]
    included.wait_json(lambda m: m.get("type") == "welcome")
    for text in ("not for you", "for everyone"):
        redis.cli("PUBLISH", "tina4:ws", json.dumps({"src": "py", "kind": "path", "path": "/ws/livechat/x",
                                                     "exclude": their_id if text == "not for you" else None,
                                                     "room": None, "text": text}))
    assert included.wait_for(lambda op, d: d == "for everyone")
    assert left_out.wait_for(lambda op, d: d == "for everyone")
    assert "not for you" in included.texts() and "not for you" not in left_out.texts()
