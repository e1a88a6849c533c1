"""Two real `tina4 serve` instances sharing a real redis-server act as one server."""
import json
import urllib.request

import websocket

from cluster_support import wait_until
from cluster_helpers import Client, joined_count

BINARY = websocket.ABNF.OPCODE_BINARY


def chat(name, i):
    return json.dumps({"username": name, "text": f"{name}-{i}"})


def chats_from(client):
    return [m["text"] for m in client.json_messages("message")]


def online(client):
    counts = [m["online"] for m in client.json_messages() if "online" in m]
    return counts[-1] if counts else None


def test_every_message_from_either_side_reaches_all_exactly_once_in_order(cluster):
    a, b = cluster
    clients = {"a1": Client(a.ws + "/ws/chat/general"), "a2": Client(a.ws + "/ws/chat/general"),
               "b1": Client(b.ws + "/ws/chat/general"), "b2": Client(b.ws + "/ws/chat/general")}
    n = 25
    for i in range(n):
        for name, client in clients.items():
            client.send(chat(name, i))
    for name, client in clients.items():
        client.send(chat(name, "end"))
    for receiver in clients.values():
        for name in clients:
            receiver.wait_json(lambda m, name=name: m.get("text") == f"{name}-end", what=f"{name}-end")
    for receiver_name, receiver in clients.items():
        got = chats_from(receiver)
        for name in clients:
            from_sender = [t for t in got if t.startswith(name + "-")]
            assert from_sender == [f"{name}-{i}" for i in range(n)] + [f"{name}-end"], (receiver_name, name)
        assert len(got) == 4 * (n + 1), f"{receiver_name} got duplicates or strays: {len(got)}"
    for client in clients.values():
        client.close()


def test_exclude_self_holds_across_instances(cluster):
    a, b = cluster
    typist = Client(a.ws + "/ws/livechat/lobby")
    same_instance = Client(a.ws + "/ws/livechat/lobby")
    other_instance = Client(b.ws + "/ws/livechat/lobby")
    for c in (typist, same_instance, other_instance):
        c.wait_json(lambda m: m.get("type") == "welcome")
    typist.send(json.dumps({"type": "set-username", "username": "Ann"}))
    typist.send(json.dumps({"type": "typing"}))
    typist.send(json.dumps({"type": "message", "text": "after typing"}))
    for c in (typist, same_instance, other_instance):
        c.wait_json(lambda m: m.get("text") == "after typing", what="the message after typing")
    assert [m["username"] for m in same_instance.json_messages("typing")] == ["Ann"]
    assert [m["username"] for m in other_instance.json_messages("typing")] == ["Ann"]
    assert typist.json_messages("typing") == []


def test_binary_stays_binary(cluster):
    a, b = cluster
    token = json.load(urllib.request.urlopen(a.http + "/api/ws-token", timeout=5))["token"]
    sender = Client(f"{a.ws}/ws/secure?token={token}")
    receiver = Client(f"{b.ws}/ws/secure?token={token}")
    for c in (sender, receiver):
        c.wait_json(lambda m: m.get("type") == "welcome")
    payload = bytes(range(256)) * 3 + b"\x00\xff"
    sender.send_binary(payload)
    got = receiver.wait_for(lambda op, data: op == BINARY, what="the binary message")
    assert got == payload
    assert sender.wait_for(lambda op, data: op == BINARY) == payload
    sender.send("text stays text")
    assert receiver.wait_for(lambda op, data: data == "text stays text")


def test_online_counts_both_instances_and_drops_when_one_is_killed(cluster):
    a, b = cluster
    on_a = [Client(a.ws + "/ws/chat/general") for _ in range(2)]
    on_b = [Client(b.ws + "/ws/chat/general") for _ in range(3)]

    wait_until(lambda: joined_count(a) == 6, 10, "A to count 2 + 3 + itself")
    wait_until(lambda: joined_count(b) == 6, 10, "B to count 3 + 2 + itself")
    import signal
    b.stop(signal.SIGKILL)   # no goodbye: A must notice the silence
    wait_until(lambda: joined_count(a) == 3, 10, "A to drop B's 3 connections")
    for c in on_a + on_b:
        c.close()


def test_a_push_from_an_http_route_on_a_reaches_a_listener_on_b(cluster):
    a, b = cluster
    listener = Client(b.ws + "/ws/notifications/7")
    other_user = Client(b.ws + "/ws/notifications/8")
    listener.wait_json(lambda m: m.get("type") == "connected")
    request = urllib.request.Request(a.http + "/api/orders/42/ship", data=b'{"user_id": 7}',
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
    note = listener.wait_json(lambda m: m.get("type") == "notification", what="the notification")
    assert note["title"] == "Order Shipped" and note["message"] == "Your order #42 has been shipped!"
    listener.send(json.dumps({"type": "mark-read", "id": 1}))
    assert other_user.json_messages("notification") == []
