"""The backplane when Redis goes away, never answers, refuses us, or sends garbage."""
import json
import signal
import socket
import subprocess
import threading

import pytest

from cluster_support import Tina, free_port, wait_until
from cluster_helpers import Client, joined_count


def chat(name, i):
    return json.dumps({"username": name, "text": f"{name}-{i}"})


def texts_from(client, name):
    return [m["text"] for m in client.json_messages("message") if m["text"].startswith(name + "-")]


def test_redis_killed_mid_test_messages_sent_during_the_outage_arrive_after_in_order_once(cluster, redis):
    a, b = cluster
    ca = Client(a.ws + "/ws/chat/general")
    cb = Client(b.ws + "/ws/chat/general")
    ca.send(chat("a", "before"))
    cb.wait_json(lambda m: m.get("text") == "a-before")
    # Let both instances see each other's heartbeat, so each knows the other to wait for.
    wait_until(lambda: joined_count(a) == 3 and joined_count(b) == 3, 10, "each instance to count the other's client")

    redis.stop(signal.SIGKILL)
    a.wait_log("[backplane] lost Redis")
    b.wait_log("[backplane] lost Redis")
    for i in range(10):
        ca.send(chat("a", i))
        cb.send(chat("b", i))
    # Local broadcast keeps working during the outage.
    ca.wait_json(lambda m: m.get("text") == "a-9", what="a's own message during the outage")
    cb.wait_json(lambda m: m.get("text") == "b-9", what="b's own message during the outage")
    assert texts_from(cb, "a") == ["a-before"], "nothing crosses while Redis is down"

    redis.start()
    cb.wait_json(lambda m: m.get("text") == "a-9", timeout=20, what="a's outage messages on B")
    ca.wait_json(lambda m: m.get("text") == "b-9", timeout=20, what="b's outage messages on A")
    ca.send(chat("a", "after"))
    cb.send(chat("b", "after"))
    for c in (ca, cb):
        c.wait_json(lambda m: m.get("text") == "a-after")
        c.wait_json(lambda m: m.get("text") == "b-after")
    expected_a = ["a-before"] + [f"a-{i}" for i in range(10)] + ["a-after"]
    expected_b = [f"b-{i}" for i in range(10)] + ["b-after"]
    for c in (ca, cb):
        assert texts_from(c, "a") == expected_a
        assert texts_from(c, "b") == expected_b
    for instance in (a, b):
        assert instance.running, f"{instance.name} restarted or died"
        log = instance.wait_log("is reachable again")
        assert log.count("[backplane] lost Redis") == 1, "the outage is logged once"
        assert log.count("is reachable again") == 1, "the recovery is logged once"
        assert log.count("--- ") == 1, "the process was started once"


def test_a_redis_that_accepts_but_never_answers(binary, processes):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)   # the kernel accepts; nobody ever reads or writes
    port = silent.getsockname()[1]
    try:
        server = Tina(binary, "tina4-silent", f"redis://127.0.0.1:{port}")
        processes.append(server)
        server.start(wait_for_backplane=False)
        server.wait_log("connected, but Redis did not answer within 3000 ms", timeout=10)
        assert_local_broadcast_works(server)
        assert server.running
    finally:
        silent.close()


def test_a_stopped_redis_makes_a_silent_subscription_that_is_detected_and_rebuilt(cluster, redis):
    a, b = cluster
    ca = Client(a.ws + "/ws/chat/general")
    cb = Client(b.ws + "/ws/chat/general")
    redis.proc.send_signal(signal.SIGSTOP)   # sockets stay open, nothing answers
    try:
        a.wait_log("went silent: no answer to PING", timeout=15)
        # B notices on its own clock (its PING, a late PUBLISH reply): A's PING can time out
        # before B has anything unanswered for 3 s, and a B that never lost Redis has no
        # recovery to log. Keep Redis stopped until both have seen the outage.
        b.wait_log("[backplane] lost Redis", timeout=15)
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    a.wait_log("is reachable again", timeout=20)
    b.wait_log("is reachable again", timeout=20)
    ca.send(chat("a", "after-silence"))
    cb.wait_json(lambda m: m.get("text") == "a-after-silence", timeout=10)


def test_wrong_password_is_a_clear_log_line_and_the_server_serves(binary, processes):
    from cluster_support import Redis
    redis = Redis(password="right-password")
    processes.append(redis)
    redis.start()
    server = Tina(binary, "tina4-wrongpass", f"redis://:wrong-password@127.0.0.1:{redis.port}")
    processes.append(server)
    server.start(wait_for_backplane=False)
    log = server.wait_log("Redis refused AUTH: WRONGPASS")
    assert "wrong-password" not in log, "the password must never be logged"
    assert_local_broadcast_works(server)


def test_right_password_and_database_from_the_url(binary, processes):
    from cluster_support import Redis
    redis = Redis(password="p@ss:word")
    processes.append(redis)
    redis.start()
    url = f"redis://default:p%40ss%3Aword@127.0.0.1:{redis.port}/3"
    a = Tina(binary, "tina4-auth-A", url)
    b = Tina(binary, "tina4-auth-B", url)
    processes.extend([a, b])
    a.start()
    b.start()
    ca, cb = Client(a.ws + "/ws/chat/general"), Client(b.ws + "/ws/chat/general")
    ca.send(chat("a", 1))
    cb.wait_json(lambda m: m.get("text") == "a-1")


@pytest.mark.parametrize("url,reason", [
    ("redis://127.0.0.1:{closed}", "connect: Connection refused"),
    ("redis://no-such-host.invalid:6379", "cannot resolve no-such-host.invalid"),
])
def test_an_unreachable_url_is_a_clear_log_line_and_the_server_serves(binary, processes, url, reason):
    server = Tina(binary, "tina4-unreachable", url.format(closed=free_port()))
    processes.append(server)
    server.start(wait_for_backplane=False)
    log = server.wait_log(reason, timeout=15)
    assert "[backplane] cannot reach Redis" in log
    assert_local_broadcast_works(server)
    # Retries are quiet: one warning for the outage, not one per attempt.
    server.wait_log("attempt failed", count=3, timeout=15)
    assert server.text().count("[backplane] cannot reach Redis") == 1


def test_garbage_envelopes_are_logged_rate_limited_and_delivery_goes_on(cluster, redis):
    a, b = cluster
    ca = Client(a.ws + "/ws/chat/general")
    for garbage in ["not json", '{"kind":"path"}', '{"src":"x","kind":"path","path":"/ws/chat/general"}', "\xff{"]:
        redis.cli("PUBLISH", "tina4:ws", garbage)
    a.wait_log("malformed envelope on tina4:ws ignored: not JSON")
    cb = Client(b.ws + "/ws/chat/general")
    cb.send(chat("b", "still-works"))
    ca.wait_json(lambda m: m.get("text") == "b-still-works")
    assert a.text().count("malformed envelope") == 1, "rate-limited to one line per 10 s"
    assert a.running and b.running


def test_an_unknown_backplane_is_a_start_up_error_naming_the_variable(binary, processes):
    server = Tina(binary, "tina4-kafka", None, {"TINA4_WS_BACKPLANE": "kafka"})
    processes.append(server)
    server.spawn([binary, "serve", "--host", "127.0.0.1", "--port", str(server.port)],
                 env={**__import__("os").environ, "TINA4_WS_BACKPLANE": "kafka"})
    assert server.proc.wait(timeout=10) == 1
    assert "TINA4_WS_BACKPLANE=kafka is not valid: expected redis (or unset/empty for local-only broadcast)" in server.text()


def assert_local_broadcast_works(server):
    one = Client(server.ws + "/ws/chat/local")
    two = Client(server.ws + "/ws/chat/local")
    one.send(chat("one", "hello"))
    two.wait_json(lambda m: m.get("text") == "one-hello", what="a local broadcast")
    one.close()
    two.close()


def test_the_outage_queue_is_bounded_oldest_dropped_and_counted(binary, redis, processes):
    a = Tina(binary, "tina4-A", redis.url, {"TINA4_WS_BACKPLANE_QUEUE": "5"})
    b = Tina(binary, "tina4-B", redis.url)
    processes.extend([a, b])
    a.start()
    b.start()
    ca = Client(a.ws + "/ws/chat/general")
    cb = Client(b.ws + "/ws/chat/general")
    wait_until(lambda: joined_count(a) == 3 and joined_count(b) == 3, 10, "each instance to count the other's client")
    redis.stop(signal.SIGKILL)
    a.wait_log("[backplane] lost Redis")
    for i in range(12):
        ca.send(chat("a", i))
    ca.wait_json(lambda m: m.get("text") == "a-11")
    redis.start()
    cb.wait_json(lambda m: m.get("text") == "a-11", timeout=20)
    ca.send(chat("a", "after"))
    cb.wait_json(lambda m: m.get("text") == "a-after")
    assert texts_from(cb, "a") == [f"a-{i}" for i in range(7, 12)] + ["a-after"]
    a.wait_log("7 dropped while the queue was full")


def test_redis_down_at_start_then_up_cross_instance_delivery_begins(binary, processes):
    from cluster_support import Redis
    redis = Redis()   # its port is chosen, the server not started yet
    processes.append(redis)
    a = Tina(binary, "tina4-A", redis.url)
    b = Tina(binary, "tina4-B", redis.url)
    processes.extend([a, b])
    a.start(wait_for_backplane=False)
    b.start(wait_for_backplane=False)
    a.wait_log("[backplane] cannot reach Redis")
    ca, cb = Client(a.ws + "/ws/chat/general"), Client(b.ws + "/ws/chat/general")
    ca.send(chat("a", "local"))
    ca.wait_json(lambda m: m.get("text") == "a-local")   # served locally meanwhile
    redis.start()
    a.wait_log("is reachable again", timeout=15)
    b.wait_log("is reachable again", timeout=15)
    wait_until(lambda: joined_count(a) == 3, 10, "A to count B's client")
    ca.send(chat("a", "across"))
    cb.wait_json(lambda m: m.get("text") == "a-across")
    assert a.text().count("cannot reach Redis") == 1


def test_a_refused_publish_is_logged_not_swallowed(binary, processes):
    from cluster_support import Redis
    redis = Redis(extra_args=["--rename-command", "PUBLISH", ""])   # every PUBLISH is an error reply
    processes.append(redis)
    redis.start()
    server = Tina(binary, "tina4-nopublish", redis.url)
    processes.append(server)
    server.start()
    assert_local_broadcast_works(server)
    server.wait_log("Redis refused a PUBLISH: ERR unknown command 'PUBLISH'")
    assert server.running
