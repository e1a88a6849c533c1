"""Other chapter demos, from a browser page through frond.js: HTTP-to-WebSocket pushes and tokens."""
import json

from helpers import count, log_of, recorded_socket, wait_event, wait_js, wait_text


def home(browsers, server):
    driver = browsers()
    driver.get(f"{server.url}/")
    wait_text(driver, "#echo-output", "Connected. Type something and press Send.")
    return driver


def post_json(driver, url, body):
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], { method: "POST", headers: { "Content-Type": "application/json" },
                              body: JSON.stringify(arguments[1]) })
            .then(r => r.text().then(t => done([r.status, t])), e => done(["error", String(e)]));""",
                                      url, body)


def test_notification_pushed_from_http(server, browsers):
    driver = home(browsers, server)
    recorded_socket(driver, "n7", "/ws/notifications/7")
    recorded_socket(driver, "n8", "/ws/notifications/8")
    wait_event(driver, "n7", "open")
    wait_event(driver, "n8", "open")
    wait_js(driver, "return n7Log.some(e => e[0] === 'message') && n8Log.some(e => e[0] === 'message')")
    status, body = post_json(driver, "/api/orders/1001/ship", {"user_id": 7})
    assert status in (200, 201), (status, body)
    wait_js(driver, "return n7Log.filter(e => e[0] === 'message').length >= 2")
    pushed = json.loads([e[1] for e in log_of(driver, "n7") if e[0] == "message"][-1])
    assert pushed["type"] == "notification" and pushed["title"] == "Order Shipped"
    assert pushed["message"] == "Your order #1001 has been shipped!" and pushed["action_url"] == "/orders/1001"
    # The push was scoped to user 7: user 8's socket heard only its own welcome. Prove it after
    # a round trip on user 8's socket, which would come after any push in order.
    status, _ = post_json(driver, "/api/orders/1002/ship", {"user_id": 8})
    assert status in (200, 201)
    wait_js(driver, "return n8Log.filter(e => e[0] === 'message').length >= 2")
    n8 = [json.loads(e[1]) for e in log_of(driver, "n8") if e[0] == "message"]
    assert [m.get("message") for m in n8 if m.get("type") == "notification"] == ["Your order #1002 has been shipped!"]


def test_secure_socket_with_token(server, browsers):
    driver = home(browsers, server)
    token = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch("/api/ws-token").then(r => r.json()).then(j => done(j.token), e => done(null));""")
    assert token
    recorded_socket(driver, "ok", "/ws/secure?token=" + token)
    wait_js(driver, "return okLog.some(e => e[0] === 'message')")
    welcome = json.loads([e[1] for e in log_of(driver, "ok") if e[0] == "message"][0])
    assert welcome["type"] == "welcome"

    # Without a token: an error message, then the server closes with 1008.
    recorded_socket(driver, "bad", "/ws/secure", reconnect=False)
    wait_event(driver, "bad", "close")
    log = log_of(driver, "bad")
    assert json.loads([e[1] for e in log if e[0] == "message"][0])["error"] == "Unauthorized"
    assert ["close", 1008, "closed"] in log
    assert driver.execute_script("return bad.status") == "closed"

    # With reconnect on (the default), a 1008 refusal is final. frond.js decides inside its close
    # handler: a scheduled retry would already read "reconnecting" when the close event is seen.
    recorded_socket(driver, "refused", "/ws/secure", reconnectInterval=50)
    wait_event(driver, "refused", "close")
    assert driver.execute_script("return refused.status") == "closed"
    assert count(driver, "refused", "reconnect") == 0
    # Sending now says why nothing is sent: the server refused us (not "after close()").
    sent, warnings = driver.execute_script("""
        const warnings = [], original = console.warn;
        console.warn = function () { warnings.push(Array.from(arguments).join(" ")); };
        try { return [refused.send("anyone?"), warnings]; } finally { console.warn = original; }""")
    assert sent is False and len(warnings) == 1, warnings
    assert "refused" in warnings[0] and "1008" in warnings[0] and "close()" not in warnings[0], warnings
