"""frond.js itself, driven inside a real page: URLs, events, buffering, reconnects, bfcache."""
import time

from helpers import count, log_of, recorded_socket, wait_echo, wait_event, wait_js, wait_message, wait_text

def page(browsers, server, room, name):
    driver = browsers()
    driver.get(f"{server.url}/room/{room}?name={name}")
    wait_text(driver, "#status", f"Connected as {name}")
    return driver


def test_url_building(server, browsers):
    driver = page(browsers, server, "urls", "Ursula")
    host = f"127.0.0.1:{server.port}"
    cases = driver.execute_script("""
        return {
            relative: frond.wsUrl("/ws/chat/general"),
            relativeNoSlash: frond.wsUrl("ws/echo"),
            query: frond.wsUrl("/ws/secure?token=a b"),
            fragment: frond.wsUrl("/ws/echo#x"),
            https: frond.wsUrl("/ws/chat/general", "https://example.com/chat/general"),
            httpsPort: frond.wsUrl("/ws/x", "https://example.com:8443/"),
            ws: frond.wsUrl("ws://other.example:9000/ws/x"),
            wss: frond.wsUrl("wss://secure.example/ws/x?y=1"),
            socketUrl: frond.ws("/ws/echo", { reconnect: false }).url,
            badScheme: (function () { try { frond.wsUrl("ftp://x/y"); return "no error"; } catch (e) { return e.name; } })()
        };""")
    assert cases == {
        "relative": f"ws://{host}/ws/chat/general",
        "relativeNoSlash": f"ws://{host}/room/ws/echo",
        "query": f"ws://{host}/ws/secure?token=a%20b",
        "fragment": f"ws://{host}/ws/echo",
        "https": "wss://example.com/ws/chat/general",
        "httpsPort": "wss://example.com:8443/ws/x",
        "ws": "ws://other.example:9000/ws/x",
        "wss": "wss://secure.example/ws/x?y=1",
        "socketUrl": f"ws://{host}/ws/echo",
        "badScheme": "SyntaxError",
    }


def test_keeps_existing_window_frond_members(server, browsers):
    driver = page(browsers, server, "members", "Mo")
    loaded = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        window.frond = { version: "keep me" };
        const script = document.createElement("script");
        script.src = "/js/frond.js?again";
        script.onload = function () { done([window.frond.version, typeof window.frond.ws]); };
        script.onerror = function () { done("load failed"); };
        document.head.appendChild(script);""")
    assert loaded == ["keep me", "function"]


def test_events_listeners_and_echo(server, browsers):
    driver = page(browsers, server, "events", "Eve")
    driver.execute_script("""
        window.errors = [];
        const original = console.error;
        console.error = function () { window.errors.push(Array.from(arguments).join(" ")); original.apply(console, arguments); };
    """)
    recorded_socket(driver, "t", "/ws/echo")
    # A second and third listener: one throws, the next must still run.
    driver.execute_script("""
        window.second = [];
        t.on("message", function () { throw new Error("listener boom"); });
        t.on("message", function (data) { window.second.push(data); });
    """)
    assert driver.execute_script("return t.status") in ("connecting", "open")
    # Sent before the socket is open: buffered, then flushed in order.
    driver.execute_script("t.send('one'); t.send('two'); t.send('three');")
    wait_event(driver, "t", "open")
    assert driver.execute_script("return t.status") == "open"
    wait_js(driver, "return window.second.length >= 3")
    got = [e[1] for e in log_of(driver, "t") if e[0] == "message"]
    assert got == ["Echo: one", "Echo: two", "Echo: three"]
    assert driver.execute_script("return window.second") == got
    errors = driver.execute_script("return window.errors")
    assert sum("listener boom" in e for e in errors) == 3, errors
    # message data is the raw string, as the chapter's pages JSON.parse it
    assert driver.execute_script("return typeof t.buffered") == "object"

    # close() by the page: a close event, status closed, no reconnects, later sends refused.
    driver.execute_script("t.close();")
    wait_event(driver, "t", "close")
    assert driver.execute_script("return t.status") == "closed"
    assert driver.execute_script("return t.send('late')") is False
    # Negative check that close() stops reconnects, on a socket with a 100 ms interval so a
    # short quiet window covers several would-be attempts.
    recorded_socket(driver, "q", "/ws/echo", reconnectInterval=100)
    wait_event(driver, "q", "open")
    driver.execute_script("q.send('queued?'); q.close(); q.send('after');")
    time.sleep(0.6)  # explicit quiet window: six reconnect intervals in which nothing may happen
    assert count(driver, "q", "reconnect") == 0
    assert count(driver, "q", "open") == 1
    assert driver.execute_script("return q.buffered.length") == 0


def test_close_while_connecting_clears_buffer(server, browsers):
    driver = page(browsers, server, "closing", "Cy")
    server.stop()
    recorded_socket(driver, "c", "/ws/echo", reconnectInterval=200)
    driver.execute_script("c.send('a'); c.send('b');")
    assert driver.execute_script("return c.buffered") == ["a", "b"]
    driver.execute_script("c.close();")
    assert driver.execute_script("return [c.status, c.buffered.length]") == ["closed", 0]
    server.start()
    time.sleep(0.8)  # explicit quiet window: four reconnect intervals with the server back up
    assert count(driver, "c", "reconnect") == 0 and count(driver, "c", "open") == 0


def test_reconnect_after_server_restart(server, browsers):
    driver = page(browsers, server, "reconnect", "Carl")
    wait_message(driver, "Anonymous changed their name to Carl", system=True)
    recorded_socket(driver, "t", "/ws/echo", reconnectInterval=300, maxReconnectAttempts=50)
    wait_event(driver, "t", "open")
    driver.execute_script("t.send('before outage')")
    wait_echo(driver, "t", "before outage")

    server.stop()
    wait_event(driver, "t", "close")
    wait_js(driver, "return t.status === 'reconnecting'")
    # The page's own socket noticed too.
    wait_text(driver, "#status", "Disconnected. Reconnecting...")
    assert driver.execute_script("return t.send('during outage')") is True
    assert driver.execute_script("return t.buffered") == ["during outage"]
    wait_event(driver, "t", "reconnect", n=2)  # it keeps trying while the server is down

    server.start()
    wait_event(driver, "t", "open", n=2)
    wait_echo(driver, "t", "during outage")
    assert driver.execute_script("return [t.status, t.buffered.length]") == ["open", 0]
    attempts = [e[1] for e in log_of(driver, "t") if e[0] == "reconnect"]
    assert attempts == list(range(1, len(attempts) + 1)) and len(attempts) >= 2, attempts
    # Nothing was sent twice.
    echoes = [e[1] for e in log_of(driver, "t") if e[0] == "message"]
    assert echoes == ["Echo: before outage", "Echo: during outage"], echoes

    # The page itself reconnects (default 3 s interval) and sets its name again.
    wait_text(driver, "#status", "Connected as Carl", timeout=15)
    wait_message(driver, "Anonymous changed their name to Carl", system=True, count=2)

    # A fresh socket that gives up after 3 attempts; then the server goes away for good.
    recorded_socket(driver, "u", "/ws/echo", reconnectInterval=200, maxReconnectAttempts=3)
    wait_event(driver, "u", "open")
    before = len(log_of(driver, "t"))
    server.stop()
    wait_event(driver, "u", "reconnect_failed", timeout=15)
    u_attempts = [e[1] for e in log_of(driver, "u") if e[0] == "reconnect"]
    assert u_attempts == [1, 2, 3], u_attempts
    assert driver.execute_script("return u.status") == "closed"
    assert driver.execute_script("return u.send('nobody listens')") is False
    # t's counter was reset by its successful reopen: its attempts start again at 1.
    wait_js(driver, f"return window.tLog.slice({before}).some(e => e[0] === 'reconnect')")
    t_after = [e[1] for e in log_of(driver, "t")[before:] if e[0] == "reconnect"]
    assert t_after[0] == 1, t_after


def test_buffer_is_bounded(server, browsers):
    driver = page(browsers, server, "buffer", "Dee")
    driver.get_log("browser")  # discard earlier console output
    driver.execute_script("""
        window.warnings = [];
        const original = console.warn;
        console.warn = function () { window.warnings.push(Array.from(arguments).join(" ")); original.apply(console, arguments); };
    """)
    server.stop()
    recorded_socket(driver, "b", "/ws/echo", reconnectInterval=300, maxReconnectAttempts=100,
                    maxBufferedMessages=100)
    wait_js(driver, "return b.status === 'reconnecting'")
    driver.execute_script("for (let i = 0; i < 150; i++) b.send('m' + i);")
    buffered = driver.execute_script("return b.buffered")
    assert buffered == [f"m{i}" for i in range(50, 150)]
    warnings = driver.execute_script("return window.warnings")
    assert len(warnings) == 50 and all("dropped the oldest" in w for w in warnings), warnings[:3]
    console = [e for e in driver.get_log("browser") if e["level"] == "WARNING"]
    assert any("dropped the oldest" in e["message"] for e in console), console[:3]

    server.start()
    wait_js(driver, "return b.status === 'open' && b.buffered.length === 0", timeout=15)
    wait_js(driver, "return bLog.filter(e => e[0] === 'message').length >= 100")
    echoes = [e[1] for e in log_of(driver, "b") if e[0] == "message"]
    assert echoes == [f"Echo: m{i}" for i in range(50, 150)], echoes[:3]


def test_back_forward_cache_events(server, browsers):
    driver = page(browsers, server, "bfcache", "Bea")
    recorded_socket(driver, "p", "/ws/echo", reconnectInterval=100)
    wait_event(driver, "p", "open")
    driver.execute_script("window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));")
    wait_event(driver, "p", "close")
    assert driver.execute_script("return p.status") == "closed"
    # Hidden: messages wait for the page to come back.
    assert driver.execute_script("return p.send('while hidden')") is True
    time.sleep(0.5)  # explicit quiet window: five reconnect intervals in which nothing may happen
    assert count(driver, "p", "reconnect") == 0 and count(driver, "p", "open") == 1

    driver.execute_script("window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));")
    wait_event(driver, "p", "open", n=2)
    wait_echo(driver, "p", "while hidden")
    assert driver.execute_script("return p.status") == "open"
