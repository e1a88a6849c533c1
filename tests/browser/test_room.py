"""The chapter's exercise (§12–13) in two real browsers: /room/{room_name} over /ws/room/{room_name}."""
import re

from helpers import messages, type_and_send, wait_js, wait_message, wait_text


def open_room(browsers, server, room, name):
    driver = browsers()
    driver.get(f"{server.url}/room/{room}?name={name}")
    wait_text(driver, "#status", f"Connected as {name}")
    return driver


def test_two_sessions_chat_and_leave(server, browsers):
    alice = open_room(browsers, server, "test", "Alice")
    wait_message(alice, "Anonymous changed their name to Alice", system=True)
    wait_text(alice, "#online", "Online: 1")

    bob = open_room(browsers, server, "test", "Bob")
    # Bob's rename reaches both pages (broadcast includes the sender); Alice saw him join.
    for page in (alice, bob):
        wait_message(page, "Anonymous changed their name to Bob", system=True)
        wait_text(page, "#online", "Online: 2")
    wait_message(alice, "A new user joined", system=True)

    type_and_send(alice, "#input", "Hello from Alice")
    type_and_send(bob, "#input", "Hi Alice, Bob here")
    for page in (alice, bob):
        wait_message(page, "Hello from Alice", sender="Alice", system=False)
        wait_message(page, "Hi Alice, Bob here", sender="Bob", system=False)
        wait_text(page, "#online", "Online: 2")
    # The input is cleared after sending.
    assert alice.execute_script("return document.getElementById('input').value") == ""

    # Chat lines carry the server's ISO-8601 UTC time, shown as HH:MM:SS in the reader's time zone.
    stamps = alice.execute_script(
        "return Array.from(document.querySelectorAll('#messages .msg:not(.system) time.time'))"
        ".map(e => [e.dateTime, e.textContent, new Date(e.dateTime).toLocaleTimeString([],"
        " {hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false})])")
    assert len(stamps) == 2, stamps
    for iso, shown, expected in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", iso), stamps
        assert shown == expected and re.fullmatch(r"\d\d:\d\d:\d\d", shown), stamps

    bob.quit()
    wait_message(alice, "Bob left the room", system=True)
    wait_text(alice, "#online", "Online: 1")


def test_rooms_are_isolated(server, browsers):
    alice = open_room(browsers, server, "red", "Alice")
    bob = open_room(browsers, server, "blue", "Bob")
    type_and_send(bob, "#input", "only in blue")
    wait_message(bob, "only in blue", sender="Bob")
    type_and_send(alice, "#input", "only in red")
    wait_message(alice, "only in red", sender="Alice")
    # Alice's own message arrived after anything blue could have sent her; nothing from blue did.
    texts = [m["text"] for m in messages(alice)]
    assert "only in blue" not in texts and "Anonymous changed their name to Bob" not in texts, texts
    wait_text(alice, "#online", "Online: 1")


def test_xss_message_is_shown_as_text(server, browsers):
    alice = open_room(browsers, server, "test", "Alice")
    bob = open_room(browsers, server, "test", "Bob")
    wait_message(alice, "Anonymous changed their name to Bob", system=True)

    payload = '<img src=x onerror="window.pwned=1">'
    type_and_send(alice, "#input", payload)
    for page in (bob, alice):
        wait_message(page, payload, sender="Alice", system=False)
        # Rendered as literal text: no element was created from it, nothing ran.
        assert page.execute_script("return document.querySelectorAll('#messages img').length") == 0
        html = [m["html"] for m in messages(page) if m["text"] == payload][0]
        assert "&lt;img" in html, html
    # An <img src=x> error fires asynchronously: give it a real chance by waiting for a later
    # round trip (a second message) before checking that nothing ran.
    type_and_send(bob, "#input", "after the payload")
    for page in (alice, bob):
        wait_message(page, "after the payload", sender="Bob")
        assert page.execute_script("return typeof window.pwned") == "undefined"


def test_xss_in_names_is_shown_as_text(server, browsers):
    alice = open_room(browsers, server, "test", "Alice")
    evil = '<b onmouseover="window.pwned=1">Eve</b>'
    bob = browsers()
    bob.get(f"{server.url}/room/test?name=%3Cb%20onmouseover%3D%22window.pwned%3D1%22%3EEve%3C%2Fb%3E")
    wait_text(bob, "#status", f"Connected as {evil}")
    wait_message(alice, f"Anonymous changed their name to {evil}", system=True)
    type_and_send(bob, "#input", "hi")
    wait_message(alice, "hi", sender=evil)
    assert alice.execute_script("return document.querySelectorAll('#messages b').length") == 0
    assert alice.execute_script("return typeof window.pwned") == "undefined"


def test_hostile_room_name_does_not_break_the_page(server, browsers):
    """The room goes into JS as {{ room|json_encode }}: quotes and </script> must stay data."""
    driver = browsers()
    hostile = "x%22%3B%3C%2Fscript%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"
    driver.get(f"{server.url}/room/{hostile}?name=Mallory")
    # The page's own script ran to completion (it connected) and the injected one did not run.
    wait_text(driver, "#status", "Connected as Mallory")
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    heading = driver.execute_script("return document.querySelector('h1').textContent")
    assert heading.startswith("Room: x") and "script" in heading, heading
    assert driver.execute_script("return document.scripts.length") == 2  # frond.js + the page's own
