"""Who may connect (TINA4_WS_ALLOWED_ORIGINS) and subprotocols, with a real Chromium.

The same server reached as http://127.0.0.1:PORT and as http://localhost:PORT is two origins."""
import os

import pytest

from browser_support import REPO, TinaServer, free_port

# Opens a WebSocket (with subprotocols when given) and calls back with what happened: opened or
# not, the agreed protocol, the first reply to "hi", and the close code.
CONNECT_SCRIPT = """
const [url, protocols, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const ws = protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
const result = {opened: false, protocol: null, reply: null, closed: null};
ws.onopen = () => { result.opened = true; result.protocol = ws.protocol; ws.send("hi"); };
ws.onmessage = (event) => { result.reply = event.data; ws.close(); };
ws.onclose = (event) => { result.closed = event.code; done(result); };
"""


def connect(driver, page_url, ws_url, protocols=()):
    driver.get(page_url + "/")
    return driver.execute_async_script(CONNECT_SCRIPT, ws_url, list(protocols))


@pytest.fixture
def server_with(monkeypatch):
    """Starts `tina4 serve` with TINA4_WS_ALLOWED_ORIGINS built from its port."""
    started = []

    def start(allowed):
        port = free_port()
        monkeypatch.setenv("TINA4_WS_ALLOWED_ORIGINS", allowed.format(port=port))   # the server inherits it
        srv = TinaServer(os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4")), port)
        srv.start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()
        print(f"\n--- tina4 serve log ---\n{srv.log_tail()}")
        srv.log.close()


def test_a_page_of_another_origin_cannot_connect_when_a_list_is_set(server_with, browsers):
    srv = server_with("http://127.0.0.1:{port}")
    socket_url = f"ws://127.0.0.1:{srv.port}/ws/echo"
    driver = browsers()
    allowed = connect(driver, f"http://127.0.0.1:{srv.port}", socket_url)
    assert allowed["opened"] and allowed["reply"] == "Echo: hi"
    # The same server, but the page came from http://localhost:PORT: another origin.
    refused = connect(driver, f"http://localhost:{srv.port}", socket_url)
    assert refused == {"opened": False, "protocol": None, "reply": None, "closed": 1006}
    assert "handshake refused, 403 origin \"http://localhost:" in srv.log_tail()


def test_same_origin_lets_each_page_reach_only_its_own_host(server_with, browsers):
    srv = server_with("same-origin")
    driver = browsers()
    own = connect(driver, f"http://localhost:{srv.port}", f"ws://localhost:{srv.port}/ws/echo")
    assert own["opened"] and own["reply"] == "Echo: hi"
    cross = connect(driver, f"http://localhost:{srv.port}", f"ws://127.0.0.1:{srv.port}/ws/echo")
    assert not cross["opened"] and cross["closed"] == 1006


def test_unset_allows_every_origin_as_the_chapter_does(server, browsers):
    result = connect(browsers(), f"http://localhost:{server.port}", f"ws://127.0.0.1:{server.port}/ws/echo")
    assert result["opened"] and result["reply"] == "Echo: hi"


def test_chromium_gets_the_subprotocol_it_offered(server, browsers):
    driver = browsers()
    base = f"ws://127.0.0.1:{server.port}"
    chosen = connect(driver, server.url, base + "/ws/echo", ["other.v9", "echo.v1"])
    assert chosen["opened"] and chosen["protocol"] == "echo.v1" and chosen["reply"] == "Echo: hi"
    # Offered where the route speaks none: the server answers without the header and Chromium
    # fails the connection itself, as the log line says.
    failed = connect(driver, server.url, base + "/ws/mirror", ["chat.v1"])
    assert not failed["opened"] and failed["closed"] == 1006
    assert "client offered subprotocols chat.v1 but /ws/mirror supports none" in server.log_tail()
