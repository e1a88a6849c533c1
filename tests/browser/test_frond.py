"""frond.js itself, driven inside a real page: URLs, events, buffering, reconnects, bfcache."""
import time
import uuid

from helpers import (CAPTURE_NATIVE_SOCKETS, FAST_TIMERS, RECORD_EVENTS, blank_page, count, log_of, page_log,
                     record_page_sockets, recorded_socket, type_and_send, wait_echo, wait_event,
                     wait_js, wait_message, wait_text)

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


RECORDED_SOCKET_AND_SEND = """
    const log = window.tLog = [];
    const t = window.t = frond.ws("/ws/echo");
    (""" + RECORD_EVENTS + """)(t, log);
    window.second = [];
    window.types = [];
    t.on("message", function () { throw new Error("listener boom"); });
    t.on("message", function (data) { window.second.push(data); window.types.push(typeof data); });
    const sent = [t.send("one"), t.send("two"), t.send("three")];
    return { status: t.status, buffered: t.buffered, sent: sent };
"""


def test_events_listeners_and_echo(server, browsers):
    driver = page(browsers, server, "events", "Eve")
    driver.execute_script("""
        window.errors = [];
        const original = console.error;
        console.error = function () { window.errors.push(Array.from(arguments).join(" ")); original.apply(console, arguments); };
    """)
    # Created and sent in one synchronous script, so the socket cannot have opened yet: the
    # three messages are buffered, then flushed in order once open. A second and third message
    # listener: one throws, the next must still run.
    before_open = driver.execute_script(RECORDED_SOCKET_AND_SEND)
    assert before_open == {"status": "connecting", "buffered": ["one", "two", "three"], "sent": [True, True, True]}
    wait_event(driver, "t", "open")
    assert driver.execute_script("return t.status") == "open"
    wait_js(driver, "return window.second.length >= 3")
    got = [e[1] for e in log_of(driver, "t") if e[0] == "message"]
    assert got == ["Echo: one", "Echo: two", "Echo: three"]
    assert driver.execute_script("return window.second") == got
    assert driver.execute_script("return t.buffered") == []
    errors = driver.execute_script("return window.errors")
    assert sum("listener boom" in e for e in errors) == 3, errors
    # message data is the raw string (event.data), as the chapter's pages JSON.parse it
    assert driver.execute_script("return window.types") == ["string"] * 3
    # buffered is a copy: changing it changes nothing inside the socket
    assert driver.execute_script("const b = t.buffered; b.push('x'); return t.buffered.length") == 0

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
    # Attempt 1 may already have started before close() (refused, then a 200 ms timer): count
    # from the close() on, in the same script.
    reconnects_before, opens_before, after = driver.execute_script("""
        const n = cLog.filter(e => e[0] === 'reconnect').length, o = cLog.filter(e => e[0] === 'open').length;
        c.close();
        return [n, o, [c.status, c.buffered.length]];""")
    assert after == ["closed", 0]
    assert opens_before == 0
    server.start()
    time.sleep(0.8)  # explicit quiet window: four reconnect intervals with the server back up
    assert count(driver, "c", "reconnect") == reconnects_before and count(driver, "c", "open") == 0


def test_reconnect_after_server_restart(server, browsers):
    driver = page(browsers, server, "reconnect", "Carl")
    wait_message(driver, "Anonymous changed their name to Carl", system=True)
    recorded_socket(driver, "t", "/ws/echo", reconnectInterval=300, maxReconnectAttempts=50)
    wait_event(driver, "t", "open")
    driver.execute_script("t.send('before outage')")
    wait_echo(driver, "t", "before outage")

    server.stop()
    wait_event(driver, "t", "close")
    # The close listener already sees "reconnecting" (the page uses it for its status line).
    assert [e for e in log_of(driver, "t") if e[0] == "close"][0] == ["close", 1001, "reconnecting"]  # server going away
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
    """Synthetic page transition events on an open socket (the real cache is tested below)."""
    driver = page(browsers, server, "bfcache", "Bea")
    driver.execute_script(CAPTURE_NATIVE_SOCKETS)
    recorded_socket(driver, "p", "/ws/echo", reconnectInterval=100)
    wait_event(driver, "p", "open")
    driver.execute_script("window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));")
    wait_event(driver, "p", "close")
    # Closed the way the header comment says: 1000 + reason (scripts may not send 1001).
    assert driver.execute_script("return window.closeCalls") == [[1000, "going away: page hidden"]]
    assert [e for e in log_of(driver, "p") if e[0] == "close"] == [["close", 1000, "closed"]]
    assert driver.execute_script("return p.status") == "closed"
    # Hidden: messages wait for the page to come back.
    assert driver.execute_script("return p.send('while hidden')") is True
    time.sleep(0.5)  # explicit quiet window: five reconnect intervals in which nothing may happen
    assert count(driver, "p", "reconnect") == 0 and count(driver, "p", "open") == 1

    driver.execute_script("window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));")
    wait_event(driver, "p", "open", n=2)
    wait_echo(driver, "p", "while hidden")
    assert driver.execute_script("return p.status") == "open"


def test_real_back_forward_cache(server, browsers):
    """Bob leaves the room page for / and comes back with Back: Chromium restores the page
    from the back/forward cache (same window, pageshow.persisted), so the room must see him
    leave and come back, never a ghost."""
    room = "bf-" + uuid.uuid4().hex[:8]
    alice = page(browsers, server, room, "Alice")
    bob = browsers()
    record_page_sockets(bob)
    bob.get(f"{server.url}/room/{room}?name=Bob")
    wait_text(bob, "#status", "Connected as Bob")
    wait_text(alice, "#online", "Online: 2")
    bob.execute_script("""
        window.marker = "still the same window";
        window.shows = [];
        window.addEventListener("pageshow", function (e) { window.shows.push(e.persisted); });""")

    bob.get(f"{server.url}/")
    wait_message(alice, "Bob left the room", system=True)
    wait_text(alice, "#online", "Online: 1")

    bob.back()
    restored = bob.execute_script("return [window.marker, window.shows]")
    assert restored == ["still the same window", [True]], (
        f"the room page was not restored from the back/forward cache: {restored!r}")
    wait_text(bob, "#status", "Connected as Bob")
    wait_text(alice, "#online", "Online: 2")
    wait_message(alice, "Anonymous changed their name to Bob", system=True, count=2)
    wait_text(bob, "#online", "Online: 2")
    # The page's socket closed with 1000 + reason on pagehide and opened again on pageshow,
    # without reconnect attempts.
    assert bob.execute_script("return window.closeCalls") == [[1000, "going away: page hidden"]]
    log = page_log(bob)
    assert [e[0] for e in log if e[0] in ("open", "reconnect", "reconnect_failed")] == ["open", "open"], log
    assert bob.execute_script("return window.pageSockets[0].socket.status") == "open"
    # Both pages still talk to each other.
    type_and_send(bob, "#input", "back again")
    wait_message(alice, "back again", sender="Bob")


def test_message_typed_during_outage_arrives(server, browsers):
    """Typed into the room page's own form while the server is down: buffered by frond.js,
    sent after the reconnect. The page adds chat lines only when the server broadcasts them
    (the sender included), so seeing the line in the same tab proves it reached the server."""
    room = "outage-" + uuid.uuid4().hex[:8]
    driver = browsers()
    record_page_sockets(driver)
    driver.get(f"{server.url}/room/{room}?name=Olga")
    wait_text(driver, "#status", "Connected as Olga")
    wait_message(driver, "Anonymous changed their name to Olga", system=True)

    server.stop()
    wait_text(driver, "#status", "Disconnected. Reconnecting...")
    type_and_send(driver, "#input", "typed while offline")
    assert driver.execute_script("return document.getElementById('input').value") == ""
    assert driver.execute_script("return window.pageSockets[0].socket.buffered") == [
        '{"type":"chat","text":"typed while offline"}']
    assert "typed while offline" not in [m for m in driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .text')).map(e => e.textContent)")]

    server.start()
    wait_message(driver, "typed while offline", sender="Olga", system=False, timeout=20)
    wait_text(driver, "#status", "Connected as Olga")
    log = page_log(driver)
    attempts = [e[1] for e in log if e[0] == "reconnect"]
    assert attempts and attempts == list(range(1, len(attempts) + 1)), log
    assert [e[0] for e in log].count("open") == 2, log
    # The open listener sent set-name again before the buffered message was flushed.
    texts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .text')).map(e => e.textContent)")
    renames = [i for i, t in enumerate(texts) if t == "Anonymous changed their name to Olga"]
    assert len(renames) == 2 and renames[1] < texts.index("typed while offline"), texts
    assert driver.execute_script("return window.pageSockets[0].socket.buffered") == []


def test_default_interval_jitter_and_attempts(server, browsers):
    """With no options: waits of 3000 ms ±20%, not all alike, then reconnect_failed after
    exactly 10 attempts. setTimeout is wrapped to record the waits and skip them."""
    driver = blank_page(browsers, server)
    server.stop()
    driver.execute_script(FAST_TIMERS)
    recorded_socket(driver, "d", "/ws/echo", defaults=True)
    wait_js(driver, "return dLog.some(e => e[0] === 'reconnect_failed') || dLog.filter(e => e[0] === 'reconnect').length > 10",
            timeout=30)
    log = log_of(driver, "d")
    attempts = [e[1] for e in log if e[0] == "reconnect"]
    assert attempts == list(range(1, 11)), attempts
    assert log[-1] == ["reconnect_failed"] and count(driver, "d", "reconnect_failed") == 1
    delays = driver.execute_script("return window.delays")
    assert len(delays) == 10, delays
    assert all(2400 <= d <= 3600 for d in delays), delays
    assert len(set(delays)) > 1, f"no jitter: {delays}"
    # A refused connection: error, then close (1006) whose listeners see the socket's next state.
    assert log[:5] == [["error"], ["close", 1006, "reconnecting"], ["reconnect", 1], ["error"],
                       ["close", 1006, "reconnecting"]], log[:5]
    assert [e for e in log if e[0] == "close"][-1] == ["close", 1006, "closed"]
    assert driver.execute_script("return d.status") == "closed"


def test_chosen_interval_is_jittered(server, browsers):
    # A fresh browser: Chromium itself delays new attempts to an endpoint that keeps refusing
    # (up to seconds), which would only slow this test down after the one above.
    driver = blank_page(browsers, server)
    server.stop()
    driver.execute_script(FAST_TIMERS)
    recorded_socket(driver, "e", "/ws/echo", reconnectInterval=1000, maxReconnectAttempts=8)
    wait_event(driver, "e", "reconnect_failed", timeout=30)
    assert [e[1] for e in log_of(driver, "e") if e[0] == "reconnect"] == list(range(1, 9))
    delays = driver.execute_script("return window.delays")
    assert len(delays) == 8 and all(800 <= d <= 1200 for d in delays) and len(set(delays)) > 1, delays


def test_accepted_then_closed_at_once_gives_up(server, browsers):
    """A connection that opens and closes at once does not reset the attempt counter, so
    reconnect_failed still comes after maxReconnectAttempts. The open listener sends more
    than the server's 1 MiB limit, so the server closes each connection with 1009 right away."""
    driver = blank_page(browsers, server)
    driver.execute_script(FAST_TIMERS)  # the waits are skipped; the 1000 ms interval still counts
    driver.execute_script("""
        const log = window.aLog = [];
        const a = window.a = frond.ws("/ws/echo", { reconnectInterval: 1000, maxReconnectAttempts: 3 });
        (""" + RECORD_EVENTS + """)(a, log);
        a.on("open", function () { a.send("x".repeat(1100000)); });""")
    wait_js(driver, "return aLog.some(e => e[0] === 'reconnect_failed') || aLog.filter(e => e[0] === 'reconnect').length > 3",
            timeout=30)
    log = log_of(driver, "a")
    assert [e for e in log if e[0] != "message"] == [
        ["open"], ["close", 1009, "reconnecting"], ["reconnect", 1],
        ["open"], ["close", 1009, "reconnecting"], ["reconnect", 2],
        ["open"], ["close", 1009, "reconnecting"], ["reconnect", 3],
        ["open"], ["close", 1009, "closed"], ["reconnect_failed"]], log


def test_closing_status_and_close_while_closing(server, browsers):
    """While the native socket is CLOSING, status reads "closing" and send() buffers for the
    reconnect; close() on a closing socket still gives the page its close event."""
    driver = page(browsers, server, "closing-state", "Cleo")
    driver.execute_script(CAPTURE_NATIVE_SOCKETS)
    recorded_socket(driver, "k", "/ws/echo", reconnectInterval=100)
    wait_event(driver, "k", "open")
    during = driver.execute_script("""
        window.natives[window.natives.length - 1].close();  // the connection starts closing under frond.js
        return [k.status, k.send("sent while closing"), k.buffered];""")
    assert during == ["closing", True, ["sent while closing"]]
    wait_event(driver, "k", "open", n=2)
    wait_echo(driver, "k", "sent while closing")
    assert count(driver, "k", "reconnect") == 1 and driver.execute_script("return k.status") == "open"

    recorded_socket(driver, "m", "/ws/echo", reconnectInterval=100)
    wait_event(driver, "m", "open")
    driver.execute_script("window.natives[window.natives.length - 1].close(); m.close();")
    wait_event(driver, "m", "close")
    assert driver.execute_script("return m.status") == "closed"
    time.sleep(0.5)  # explicit quiet window: five reconnect intervals in which nothing may happen
    assert count(driver, "m", "reconnect") == 0 and count(driver, "m", "close") == 1


def test_close_removes_page_listeners(server, browsers):
    """Each frond.ws() listens for pagehide/pageshow; close() and a 1008 refusal remove both."""
    driver = page(browsers, server, "listeners", "Lee")
    driver.execute_script("""
        window.pageListeners = [];  // [type, fn] of pagehide/pageshow listeners still added
        const add = window.addEventListener, remove = window.removeEventListener;
        window.addEventListener = function (type, fn) {
            if (type === "pagehide" || type === "pageshow") window.pageListeners.push([type, fn]);
            return add.apply(this, arguments);
        };
        window.removeEventListener = function (type, fn) {
            window.pageListeners = window.pageListeners.filter(function (l) { return l[0] !== type || l[1] !== fn; });
            return remove.apply(this, arguments);
        };""")
    recorded_socket(driver, "l", "/ws/echo")
    assert driver.execute_script("return window.pageListeners.length") == 2
    wait_event(driver, "l", "open")
    driver.execute_script("l.close();")
    assert driver.execute_script("return window.pageListeners.length") == 0

    # Refused at once (no token): count the listeners in the same script, before the close.
    assert driver.execute_script("""
        const log = window.rLog = [];
        const r = window.r = frond.ws("/ws/secure", { reconnectInterval: 50 });
        (""" + RECORD_EVENTS + """)(r, log);
        return window.pageListeners.length;""") == 2
    wait_event(driver, "r", "close")
    assert log_of(driver, "r")[-1] == ["close", 1008, "closed"]
    assert driver.execute_script("return window.pageListeners.length") == 0
