"""/dashboard in headless Chromium: live room counts over its own WebSocket, room names shown as text."""
from helpers import ARTIFACTS, wait_js, wait_text

ROOM_MEMBERS = """
    const row = Array.from(document.querySelectorAll('#rooms tr')).find(
        tr => tr.querySelector('td.path') && tr.querySelector('td.path').textContent === arguments[0]);
    return row ? row.querySelector('td.count').textContent : null;
"""


def members(driver, path):
    return driver.execute_script(ROOM_MEMBERS, path)


def wait_members(driver, path, expected, timeout=8):
    try:
        wait_js(driver, "return (function () {" + ROOM_MEMBERS + "}).apply(null, arguments) === arguments[1];",
                path, expected, timeout=timeout)
    except Exception:
        raise AssertionError(f"{path} never showed {expected} members; it shows {members(driver, path)!r}")


def open_room(browsers, server, room, name):
    driver = browsers()
    driver.get(f"{server.url}/room/{room}?name={name}")
    wait_text(driver, "#status", f"Connected as {name}")
    return driver


def test_rooms_appear_with_their_members_and_the_page_is_live(server, browsers):
    dashboard = browsers()
    dashboard.get(f"{server.url}/dashboard")
    wait_js(dashboard, "return document.getElementById('status').textContent.startsWith('Live');")

    alice = open_room(browsers, server, "launch", "Alice")
    bob = open_room(browsers, server, "launch", "Bob")
    wait_members(dashboard, "/ws/room/launch", "2")

    # Traffic for the chart and the counters, and a room name that is markup: shown as text.
    hostile = '<img src=x onerror="window.pwned=1">'
    dashboard.execute_script("""
        window.hostile = new WebSocket('ws://' + location.host + '/ws/chat/' + encodeURIComponent(arguments[0]));
    """, hostile)
    wait_members(dashboard, "/ws/chat/" + hostile, "1")
    for text in ("Is the launch still on for noon?", "Yes, dashboard is green", "Shipping it"):
        alice.execute_script("document.getElementById('input').value = arguments[0];"
                             "document.getElementById('form').requestSubmit();", text)
    wait_js(dashboard, "return Number(document.getElementById('rate-in').textContent) > 0 "
                       "|| document.querySelector('#line-in').getAttribute('points').length > 0;")

    bob.quit()
    wait_members(dashboard, "/ws/room/launch", "1")
    wait_js(dashboard, "return Array.from(document.querySelectorAll('#disconnects td.path'))"
                       ".some(td => td.textContent === '/ws/room/launch');")
    assert dashboard.execute_script("return document.querySelectorAll('#rooms img, #disconnects img').length") == 0
    assert dashboard.execute_script("return window.pwned === undefined")
    routes = dashboard.execute_script(
        "return Array.from(document.querySelectorAll('#routes td.route')).map(td => td.textContent)")
    assert "/ws/room/{room_name}" in routes and "/ws/dashboard" in routes, routes

    # A few seconds of history for the picture.
    wait_js(dashboard, "return document.querySelector('#line-out').getAttribute('points').split(' ').length >= 4;")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "dashboard.png"
    dashboard.set_window_size(1200, 1300)
    assert dashboard.save_screenshot(str(path)), "screenshot failed"
    assert path.stat().st_size > 10_000
