"""Screenshots of the pages for a human look: artifacts/*.png (git-ignored)."""
from helpers import ARTIFACTS, type_and_send, wait_message, wait_text


def test_room_screenshot(server, browsers):
    ARTIFACTS.mkdir(exist_ok=True)
    alice = browsers()
    alice.get(f"{server.url}/room/test?name=Alice")
    wait_text(alice, "#status", "Connected as Alice")
    bob = browsers()
    bob.get(f"{server.url}/room/test?name=Bob")
    wait_text(bob, "#status", "Connected as Bob")
    wait_message(alice, "Anonymous changed their name to Bob", system=True)

    lines = [(alice, "Alice", "Hi Bob! Did the deploy go out?"),
             (bob, "Bob", "Yes, a minute ago. Cards are moving to Done on their own now."),
             (alice, "Alice", "No refresh button needed <3"),
             (bob, "Bob", "WebSocket FTW")]
    for driver, name, text in lines:
        type_and_send(driver, "#input", text)
        wait_message(alice, text, sender=name)
    wait_text(alice, "#online", "Online: 2")
    path = ARTIFACTS / "room.png"
    assert alice.save_screenshot(str(path)), "screenshot failed"
    assert path.stat().st_size > 10_000


def test_chat_and_home_screenshots(server, browsers):
    ARTIFACTS.mkdir(exist_ok=True)
    alice = browsers()
    alice.get(f"{server.url}/chat/general?name=Alice")
    wait_text(alice, "#status", "Connected")
    bob = browsers()
    bob.get(f"{server.url}/chat/general?name=Bob")
    wait_text(bob, "#status", "Connected")
    type_and_send(bob, "#message-input", "Morning all")
    wait_message(alice, "Morning all", sender="Bob")
    type_and_send(alice, "#message-input", "Hi Bob")
    wait_message(alice, "Hi Bob", sender="Alice")
    bob.find_element("css selector", "#message-input").send_keys("typing")
    wait_text(alice, "#typing", "Bob is typing...")
    assert alice.save_screenshot(str(ARTIFACTS / "chat.png"))

    alice.get(f"{server.url}/")
    wait_text(alice, "#echo-output", "Connected. Type something and press Send.")
    type_and_send(alice, "#echo-input", "hello echo")
    wait_text(alice, "#echo-output", "Echo: hello echo")
    height = alice.execute_script("return document.documentElement.scrollHeight")
    alice.set_window_size(1200, min(max(height + 140, 900), 4000))  # + browser chrome
    assert alice.save_screenshot(str(ARTIFACTS / "home.png"))
