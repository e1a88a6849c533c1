"""/metrics of two instances sharing a Redis: the backplane's state and envelope counts, through
an outage that overflows the queue."""
import json
import signal
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from cluster_support import Tina, wait_until
from cluster_helpers import Client, joined_count


def backplane(instance):
    with urllib.request.urlopen(instance.http + "/metrics", timeout=5) as response:
        text = response.read().decode()
    values = {}
    for family in text_string_to_metric_families(text):
        if family.name.startswith("tina4_backplane_"):
            for sample in family.samples:
                values[sample.name.removeprefix("tina4_backplane_")] = sample.value
    return values


def chat(i):
    return json.dumps({"username": "a", "text": f"a-{i}"})


def test_backplane_metrics_follow_publishing_receiving_an_outage_and_its_drops(binary, redis, processes):
    a = Tina(binary, "tina4-A", redis.url, {"TINA4_WS_BACKPLANE_QUEUE": "5"})
    b = Tina(binary, "tina4-B", redis.url)
    processes.extend([a, b])
    a.start()
    b.start()
    ca = Client(a.ws + "/ws/chat/general")
    cb = Client(b.ws + "/ws/chat/general")
    wait_until(lambda: joined_count(a) == 3 and joined_count(b) == 3, 10, "each instance to count the other's client")
    ca.send(chat("before"))
    cb.wait_json(lambda m: m.get("text") == "a-before")
    wait_until(lambda: backplane(a)["envelopes_published_total"] >= 1, 5, "A's publish to be acknowledged")
    before_a, before_b = backplane(a), backplane(b)
    assert before_a["connected"] == 1 and before_b["connected"] == 1
    assert before_b["envelopes_received_total"] >= 1
    assert before_a["envelopes_queued_total"] == 0 and before_a["envelopes_dropped_total"] == 0

    redis.stop(signal.SIGKILL)
    a.wait_log("[backplane] lost Redis")
    assert backplane(a)["connected"] == 0
    for i in range(12):
        ca.send(chat(i))
    ca.wait_json(lambda m: m.get("text") == "a-11")
    during = backplane(a)
    assert during["envelopes_queued_total"] == 12
    assert during["envelopes_dropped_total"] == 7   # a queue of 5

    redis.start()
    cb.wait_json(lambda m: m.get("text") == "a-11", timeout=20)
    wait_until(lambda: backplane(a)["connected"] == 1, 10, "A to report the backplane connected again")
    after_a, after_b = backplane(a), backplane(b)
    assert after_a["envelopes_published_total"] >= before_a["envelopes_published_total"] + 5
    assert after_b["envelopes_received_total"] >= before_b["envelopes_received_total"] + 5
    ca.close()
    cb.close()
