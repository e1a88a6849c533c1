"""/metrics of the real `tina4 serve`, read with the reference parser (prometheus_client), and
TINA4_METRICS: who may read it."""
import os
import subprocess
import urllib.error
import urllib.request

import pytest
import websocket
from prometheus_client.parser import text_string_to_metric_families

from browser_support import REPO, TinaServer, free_port

BINARY = os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4"))


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read().decode()


def scrape(server):
    status, content_type, text = get(f"{server.url}/metrics")
    assert status == 200, text
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    return {family.name: family for family in text_string_to_metric_families(text)}, text


def sample(families, family, name, **labels):
    found = [s.value for s in families[family].samples if s.name == name and s.labels == labels]
    assert len(found) == 1, (name, labels, families[family].samples)
    return found[0]


def test_the_exposition_parses_and_counts_a_conversation(server):
    ws = f"ws://127.0.0.1:{server.port}"
    a = websocket.create_connection(f"{ws}/ws/chat/metrics", timeout=5)
    b = websocket.create_connection(f"{ws}/ws/chat/metrics", timeout=5)
    a.recv(), b.recv(), a.recv()   # the welcomes (a also hears b's)
    a.send('{"username": "Ann", "text": "hello"}')
    assert "hello" in a.recv() and "hello" in b.recv()
    get(f"{server.url}/")          # a 2xx
    get(f"{server.url}/nope")      # a 4xx

    families, text = scrape(server)
    # Every family has HELP and TYPE, and the types are the expected ones (the parser names a
    # counter family without its _total suffix).
    types = {name: family.type for name, family in families.items()}
    for name, kind in {
        "tina4_websocket_connections": "gauge", "tina4_websocket_open_paths": "gauge",
        "tina4_websocket_messages_received": "counter", "tina4_websocket_messages_sent": "counter",
        "tina4_websocket_received_bytes": "counter", "tina4_websocket_sent_bytes": "counter",
        "tina4_websocket_broadcasts": "counter", "tina4_websocket_broadcast_deliveries": "counter",
        "tina4_websocket_closes": "counter", "tina4_websocket_dropped": "counter",
        "tina4_http_requests": "counter", "tina4_http_request_duration_seconds": "histogram",
        "process_resident_memory_bytes": "gauge", "process_open_fds": "gauge", "process_cpu_seconds": "counter",
    }.items():
        assert types.get(name) == kind, (name, types.get(name))
    assert all(family.documentation for family in families.values())

    assert sample(families, "tina4_websocket_connections", "tina4_websocket_connections", route="/ws/chat/{room}") == 2
    assert sample(families, "tina4_websocket_open_paths", "tina4_websocket_open_paths") == 1
    assert sample(families, "tina4_websocket_messages_received", "tina4_websocket_messages_received_total") == 1
    assert sample(families, "tina4_websocket_broadcast_deliveries", "tina4_websocket_broadcast_deliveries_total") >= 2
    assert sample(families, "tina4_websocket_dropped", "tina4_websocket_dropped_total", reason="slow_consumer") == 0
    assert sample(families, "tina4_http_requests", "tina4_http_requests_total", method="GET", status="1xx") == 2
    assert sample(families, "tina4_http_requests", "tina4_http_requests_total", method="GET", status="4xx") == 1
    buckets = [(s.labels["le"], s.value) for s in families["tina4_http_request_duration_seconds"].samples
               if s.name.endswith("_bucket")]
    assert buckets[-1][0] == "+Inf"
    assert [v for _, v in buckets] == sorted(v for _, v in buckets), "cumulative"
    count = sample(families, "tina4_http_request_duration_seconds", "tina4_http_request_duration_seconds_count")
    assert buckets[-1][1] == count >= 4
    assert sample(families, "process_resident_memory_bytes", "process_resident_memory_bytes") > 1_000_000
    assert sample(families, "process_open_fds", "process_open_fds") >= 5
    assert "tina4_backplane" not in text   # no backplane running: no backplane series

    a.close()
    b.close(status=4001)
    # The closes are counted as the sockets close: scrape again until they show (bounded).
    for _ in range(100):
        families, _ = scrape(server)
        codes = {s.labels["code"]: s.value for s in families["tina4_websocket_closes"].samples if s.name.endswith("_total")}
        if codes.get("other") == 1 and codes.get("1000") == 1:
            break
    else:
        pytest.fail(f"closes never counted: {codes}")
    assert sample(families, "tina4_websocket_connections", "tina4_websocket_connections", route="/ws/chat/{room}") == 0


def start_with(monkeypatch, value):
    monkeypatch.setenv("TINA4_METRICS", value)   # the server inherits the environment
    server = TinaServer(BINARY, free_port())
    server.start()
    return server


def test_metrics_off_serves_nothing(monkeypatch):
    server = start_with(monkeypatch, "off")
    try:
        for path in ("/metrics", "/dashboard"):
            assert get(f"{server.url}{path}")[0] == 404, path
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(f"ws://127.0.0.1:{server.port}/ws/dashboard", timeout=5)
        assert refused.value.status_code == 404
        assert get(f"{server.url}/")[0] == 200
    finally:
        server.stop()
        server.log.close()


def test_metrics_on_and_loopback_answer_this_machine(monkeypatch):
    # (A client elsewhere gets 403 under loopback: tests bind 127.0.0.1 only, so that refusal is
    # covered by the dispatcher's unit test with a non-loopback peer.)
    for value in ("on", "loopback"):
        server = start_with(monkeypatch, value)
        try:
            assert get(f"{server.url}/metrics")[0] == 200
            assert get(f"{server.url}/dashboard")[0] == 200
        finally:
            server.stop()
            server.log.close()


def test_a_bad_value_stops_serve_with_one_line(monkeypatch):
    monkeypatch.setenv("TINA4_METRICS", "public")
    result = subprocess.run([BINARY, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 1
    assert result.stderr == "tina4: TINA4_METRICS=public is not valid: expected off, on or loopback\n"
