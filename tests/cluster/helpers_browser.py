"""Waiting on the chat page's state (never on the clock) for the nginx test."""
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15


def open_page(driver, url):
    driver.get(url)
    WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(
        lambda d: (d.execute_script("const e = document.getElementById('status'); return e && e.textContent.trim()") == "Connected"),
        f"{url} never showed Connected")


def wait_message_text(driver, text):
    WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(
        lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll('#messages > div')).some(e => e.textContent.includes(arguments[0]))", text),
        f"the page never showed {text!r}")


def wait_online(driver, n):
    WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.getElementById('online').textContent.trim()") == f"Online: {n}",
        f"the page never showed Online: {n}")
