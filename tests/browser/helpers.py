"""Small synchronisation helpers: wait on page state, never on the clock."""
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 10
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # git-ignored


def wait_js(driver, script, *args, timeout=TIMEOUT):
    """Waits until `script` (a JS function body with `return`) gives a truthy value; returns it."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(script, *args), f"timed out after {timeout}s waiting for: {script.strip()}")


def text_of(driver, css):
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css)


def wait_text(driver, css, expected, timeout=TIMEOUT):
    """Waits until the element's whole text (trimmed) equals `expected`."""
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: (text_of(d, css) or "").strip() == expected)
    except Exception:
        raise AssertionError(f"{css} never read {expected!r}; it reads {text_of(driver, css)!r}")


def messages(driver):
    """Every rendered message as a dict: classes, sender (<strong>) and text (span.text)."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('#messages > div')).map(function (div) {
            const who = div.querySelector('strong');
            const text = div.querySelector('span.text');
            return {
                classes: div.className,
                from: who ? who.textContent : null,
                text: text ? text.textContent : null,
                html: div.innerHTML
            };
        });""")


def wait_message(driver, text, sender=None, system=None, timeout=TIMEOUT, count=1):
    """Waits until at least `count` rendered messages have span.text == text (and the sender / kind)."""
    def matches(m):
        if m["text"] != text:
            return False
        if sender is not None and m["from"] != sender:
            return False
        is_system = "system" in m["classes"].split()
        if system is not None and is_system != system:
            return False
        return "msg" in m["classes"].split()

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: sum(1 for m in messages(d) if matches(m)) >= count)
    except Exception:
        raise AssertionError(f"message {text!r} (from {sender!r}, system={system}) did not appear "
                             f"{count}x; messages are: {[(m['classes'], m['from'], m['text']) for m in messages(driver)]}")


def type_and_send(driver, input_css, text):
    box = driver.find_element(By.CSS_SELECTOR, input_css)
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


# A JS function (socket, log) that records the socket's events in the array `log`:
# ["open"], ["message", data], ["close", code, status-seen-by-the-listener], ["error"],
# ["reconnect", n], ["reconnect_failed"].
RECORD_EVENTS = """function (socket, log) {
    socket.on("open", function () { log.push(["open"]); });
    socket.on("message", function (data) { log.push(["message", data]); });
    socket.on("close", function (event) { log.push(["close", event.code, socket.status]); });
    socket.on("error", function () { log.push(["error"]); });
    socket.on("reconnect", function (n) { log.push(["reconnect", n]); });
    socket.on("reconnect_failed", function () { log.push(["reconnect_failed"]); });
}"""

# Creates window[name] = frond.ws(path, options) and records its events in window[name + "Log"].
RECORDED_SOCKET = """
    const name = arguments[0], path = arguments[1], options = arguments[2];
    const log = window[name + "Log"] = [];
    const socket = window[name] = options === null ? frond.ws(path) : frond.ws(path, options);
    (""" + RECORD_EVENTS + """)(socket, log);
    return socket.url;
"""


def recorded_socket(driver, name, path, defaults=False, **options):
    """frond.ws(path, options) as window[name]; defaults=True calls frond.ws(path) with no options."""
    return driver.execute_script(RECORDED_SOCKET, name, path, None if defaults else options)


def log_of(driver, name):
    return driver.execute_script(f"return window.{name}Log")


def count(driver, name, event):
    return sum(1 for entry in log_of(driver, name) if entry[0] == event)


def wait_event(driver, name, event, n=1, timeout=10):
    wait_js(driver, f"return window.{name}Log.filter(e => e[0] === {event!r}).length >= {n}", timeout=timeout)


def wait_echo(driver, name, text, timeout=10):
    wait_js(driver, f"return window.{name}Log.some(e => e[0] === 'message' && e[1] === arguments[0])",
            f"Echo: {text}", timeout=timeout)


def blank_page(browsers, server):
    """A page on the server's origin that runs nothing but frond.js (the 404 page + frond.js)."""
    driver = browsers()
    driver.get(f"{server.url}/blank-page-for-tests")
    loaded = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const script = document.createElement("script");
        script.src = "/js/frond.js";
        script.onload = function () { done(typeof frond.ws); };
        script.onerror = function () { done("load failed"); };
        document.head.appendChild(script);""")
    assert loaded == "function", loaded
    return driver


# Records the delay of every setTimeout in window.delays and runs the callback at once (0 ms),
# so reconnect waits can be checked without waiting for them. Only for pages that use timers
# for nothing else (blank_page).
FAST_TIMERS = """
    window.delays = [];
    const realSetTimeout = window.setTimeout;
    window.setTimeout = function (fn, ms) { window.delays.push(ms); return realSetTimeout.call(window, fn, 0); };
"""

# Keeps every native WebSocket the page creates from now on in window.natives (frond.js looks
# up `WebSocket` when it connects) and records their close(code, reason) calls in window.closeCalls.
CAPTURE_NATIVE_SOCKETS = """
    window.natives = [];
    window.closeCalls = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(url, protocols) { super(url, protocols); window.natives.push(this); }
    };
    const realClose = Native.prototype.close;
    Native.prototype.close = function () {
        if (window.natives.includes(this)) window.closeCalls.push(Array.from(arguments));
        return realClose.apply(this, arguments);
    };
"""


def record_page_sockets(driver):
    """From the next page load on, every frond.ws() of the page's own scripts is recorded:
    window.pageSockets[i] = {socket, log} (log as RECORD_EVENTS). Also CAPTURE_NATIVE_SOCKETS."""
    source = """
        (function () {
            window.pageSockets = [];
            let real;
            Object.defineProperty(window, "frond", {
                configurable: true,
                get: function () { return real; },
                set: function (value) {
                    real = value;
                    const open = value && value.ws;
                    if (!open || open.recorded) return;
                    value.ws = function () {
                        const socket = open.apply(this, arguments);
                        const log = [];
                        window.pageSockets.push({ socket: socket, log: log });
                        (""" + RECORD_EVENTS + """)(socket, log);
                        return socket;
                    };
                    value.ws.recorded = true;
                }
            });
        })();
    """ + CAPTURE_NATIVE_SOCKETS
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})


def page_log(driver, index=0):
    return driver.execute_script("return window.pageSockets[arguments[0]].log", index)
