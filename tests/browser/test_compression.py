"""permessage-deflate (RFC 7692) with a real Chromium, which offers
`permessage-deflate; client_max_window_bits` on every WebSocket."""
import json
import os

from browser_support import REPO, TinaServer, free_port

# The server asks Chromium for a 1 KiB window (PerMessageDeflateConfiguration.clientMaxWindowBits).
CHROMIUM_AGREEMENT = "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"

# Opens a WebSocket, sends each message once the previous reply is in, and calls back with the
# negotiated extensions (the server's Sec-WebSocket-Extensions response) and the replies.
ECHO_SCRIPT = """
const [url, messages, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const ws = new WebSocket(url);
const replies = [];
ws.onopen = () => ws.send(messages[0]);
ws.onmessage = (event) => {
    replies.push(event.data);
    if (replies.length < messages.length) ws.send(messages[replies.length]);
    else { done({extensions: ws.extensions, replies: replies}); ws.close(); }
};
ws.onclose = (event) => done({extensions: ws.extensions, replies: replies, closed: event.code});
"""


def ws_url(server, path):
    return server.url.replace("http://", "ws://") + path


def echo_in_browser(driver, server, messages):
    driver.get(server.url + "/")
    return driver.execute_async_script(ECHO_SCRIPT, ws_url(server, "/ws/echo"), messages)


# Sizes from a few bytes (sent plain) to 200 KB; repeated text compresses, and the same text
# again is a back-reference in Chromium's compressor (it keeps its context).
MESSAGES = ["hi", "x" * 63, "hello " * 20, json.dumps({"text": "héllo wörld ✓ " * 500}),
            "hello " * 20, "abc" * 70_000]


def test_chromium_negotiates_compression_and_every_size_echoes(server, browsers):
    result = echo_in_browser(browsers(), server, MESSAGES)
    assert result["extensions"] == CHROMIUM_AGREEMENT
    assert result["replies"] == ["Echo: " + m for m in MESSAGES]


def test_chat_broadcast_between_browsers_with_compression(server, browsers):
    listen = """
        const [url, done] = [arguments[0], arguments[arguments.length - 1]];
        window.seen = [];
        window.chat = new WebSocket(url);
        chat.onmessage = (event) => seen.push(JSON.parse(event.data));
        chat.onopen = () => done(chat.extensions);
    """
    alice, bob = browsers(), browsers()
    url = ws_url(server, "/ws/livechat/zipped")
    for page in (alice, bob):
        page.get(server.url + "/")
        assert page.execute_async_script(listen, url) == CHROMIUM_AGREEMENT
    long_text = "the quick brown fox jumps over the lazy dog " * 200
    alice.execute_script("chat.send(JSON.stringify({type: 'message', text: arguments[0]}))", long_text)
    for page in (alice, bob):
        page.execute_async_script("""
            const [text, done] = [arguments[0], arguments[arguments.length - 1]];
            const check = () => seen.some(m => m.type === 'message' && m.text === text) ? done(true) : setTimeout(check, 20);
            check();
        """, long_text)


def test_compression_off_negotiates_nothing(browsers, monkeypatch):
    monkeypatch.setenv("TINA4_WS_COMPRESSION", "off")   # the server inherits the environment
    srv = TinaServer(os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4")), free_port())
    srv.start()
    try:
        result = echo_in_browser(browsers(), srv, ["hello " * 100])
        assert result["extensions"] == ""
        assert result["replies"] == ["Echo: " + "hello " * 100]
    finally:
        srv.stop()
        srv.log.close()
