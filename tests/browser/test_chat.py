"""The chapter's live chat page (§8, §11): /chat/{room} over /ws/livechat/{room}."""
from selenium.webdriver.common.by import By

from helpers import messages, text_of, type_and_send, wait_js, wait_message, wait_text

# Records every text the typing indicator shows, so a flash that came and went is not missed.
WATCH_TYPING = """
    window.typingSeen = [];
    const el = document.getElementById('typing');
    new MutationObserver(function () { window.typingSeen.push(el.textContent); })
        .observe(el, { childList: true, characterData: true, subtree: true });
"""


def open_chat(browsers, server, name, room="general"):
    driver = browsers()
    driver.get(f"{server.url}/chat/{room}?name={name}")
    wait_text(driver, "#status", "Connected")
    wait_message(driver, f"Anonymous is now known as {name}", system=True)
    driver.execute_script(WATCH_TYPING)
    return driver


def test_chat_page_basics(server, browsers):
    alice = open_chat(browsers, server, "Alice")
    assert text_of(alice, "h1") == "Chat Room: general"
    assert alice.title == "Chat - general"
    wait_message(alice, "Connected to room: general", system=True)  # the welcome
    wait_text(alice, "#online", "Online: 1")

    bob = open_chat(browsers, server, "Bob")
    wait_text(bob, "#online", "Online: 2")
    wait_message(alice, "Anonymous is now known as Bob", system=True)

    type_and_send(alice, "#message-input", "hello everyone")
    for page in (alice, bob):
        wait_message(page, "hello everyone", sender="Alice", system=False)
    # The sender's own line is marked (from_id matches the welcome's your_id), the other's not.
    assert alice.execute_script("return document.querySelectorAll('#messages .msg.mine').length") == 1
    assert bob.execute_script("return document.querySelectorAll('#messages .msg.mine').length") == 0

    bob.quit()
    wait_message(alice, "Bob left the chat", system=True)
    wait_text(alice, "#online", "Online: 1")


def test_typing_indicator_shows_for_others_only(server, browsers):
    alice = open_chat(browsers, server, "Alice")
    bob = open_chat(browsers, server, "Bob")
    wait_message(alice, "Anonymous is now known as Bob", system=True)

    # Several keystrokes in quick succession: throttled to (at most) one "typing" a second.
    bob.find_element(By.CSS_SELECTOR, "#message-input").send_keys("hel")
    wait_text(alice, "#typing", "Bob is typing...")

    # Bob sends a message; once it is back in Bob's page, any typing broadcast sent to Bob
    # would have arrived before it (one connection, in order).
    type_and_send(bob, "#message-input", "lo")
    wait_message(bob, "hello", sender="Bob")
    wait_message(alice, "hello", sender="Bob")
    assert [t for t in bob.execute_script("return window.typingSeen") if t] == []
    assert text_of(bob, "#typing") == ""

    shown = [t for t in alice.execute_script("return window.typingSeen") if t]
    assert set(shown) == {"Bob is typing..."}, shown
    assert len(shown) <= 2, f"typing not throttled: {shown}"


def test_typing_indicator_clears_after_2s_on_the_typists_message_and_departure(server, browsers):
    alice = open_chat(browsers, server, "Alice")
    bob = open_chat(browsers, server, "Bob")
    carol = open_chat(browsers, server, "Carol")
    wait_message(alice, "Anonymous is now known as Carol", system=True)

    # On its own the indicator clears about 2 s after the last typing message.
    carol.find_element(By.CSS_SELECTOR, "#message-input").send_keys("x")
    wait_text(alice, "#typing", "Carol is typing...")
    wait_text(alice, "#typing", "", timeout=6)

    # From here no timer can clear Alice's indicator: only the typist's message or departure does.
    alice.execute_script("window.setTimeout = function () { return 0; };")
    bob.find_element(By.CSS_SELECTOR, "#message-input").send_keys("hel")
    wait_text(alice, "#typing", "Bob is typing...")
    type_and_send(bob, "#message-input", "lo")
    wait_message(alice, "hello", sender="Bob")
    assert text_of(alice, "#typing") == ""

    carol.find_element(By.CSS_SELECTOR, "#message-input").send_keys("bye")
    wait_text(alice, "#typing", "Carol is typing...")
    carol.quit()
    wait_message(alice, "Carol left the chat", system=True)
    assert text_of(alice, "#typing") == ""


def test_xss_in_chat_messages_and_names_is_shown_as_text(server, browsers):
    """/chat/general: a payload as message text and as a username is shown as text in the
    other tab (messages, join notice, typing indicator) and runs nothing."""
    payload = "<img src=x onerror=window.pwned=1>"
    alice = open_chat(browsers, server, "Alice")
    evil = browsers()
    evil.get(f"{server.url}/chat/general?name=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E")
    wait_text(evil, "#status", "Connected")
    wait_message(alice, f"Anonymous is now known as {payload}", system=True)

    evil.find_element(By.CSS_SELECTOR, "#message-input").send_keys("x")
    wait_text(alice, "#typing", f"{payload} is typing...")
    evil.find_element(By.CSS_SELECTOR, "#message-input").clear()
    type_and_send(evil, "#message-input", payload)
    for page in (alice, evil):
        wait_message(page, payload, sender=payload, system=False)
        line = [m for m in messages(page) if m["text"] == payload and m["from"] == payload][0]
        assert "&lt;img" in line["html"], line["html"]
        assert page.execute_script("return document.querySelectorAll('img').length") == 0
    # An <img src=x> error fires asynchronously: wait for a later round trip before checking.
    type_and_send(alice, "#message-input", "after the payload")
    for page in (alice, evil):
        wait_message(page, "after the payload", sender="Alice")
        assert page.execute_script("return typeof window.pwned") == "undefined"
