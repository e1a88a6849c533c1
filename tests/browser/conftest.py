"""Fixtures for the real-browser tests: the real `tina4 serve` binary and headless Chromium.

Run from the repository root:

    TINA4_BIN=.build/debug/tina4 python3 -m pytest tests/browser -q

Needs `pip install selenium pytest` and Debian's `chromium` + `chromium-driver`.
"""
import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from browser_support import CHROMEDRIVER, CHROMIUM, REPO, TinaServer, free_port, port_accepts  # noqa: F401


@pytest.fixture
def server():
    binary = os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"server binary {binary} not found or not executable (build it, or set TINA4_BIN)")
    srv = TinaServer(binary, free_port())
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
        print(f"\n--- tina4 serve log ({srv.log.name}) ---\n{srv.log_tail()}")
        srv.log.close()


def make_driver():
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1200, 900)
    driver.set_script_timeout(10)
    return driver


@pytest.fixture
def browsers():
    """Call browsers() for a new, separate browser session; all are quit afterwards.

    Browser console output is printed at teardown (pytest shows it when a test fails)."""
    drivers = []
    quit_ids = set()

    def new_browser():
        driver = make_driver()
        drivers.append(driver)
        original_quit = driver.quit

        def quit_and_remember():
            if id(driver) not in quit_ids:
                print_browser_log(driver, drivers.index(driver))
                quit_ids.add(id(driver))
                original_quit()

        driver.quit = quit_and_remember
        return driver

    yield new_browser
    for driver in drivers:
        try:
            driver.quit()
        except Exception as err:  # a crashed browser must not hide the test's own failure
            print(f"quitting a browser failed: {err!r}")


def print_browser_log(driver, index):
    try:
        entries = driver.get_log("browser")
    except Exception as err:
        print(f"--- browser {index}: no console log ({err!r}) ---")
        return
    print(f"--- browser {index} console ---")
    for entry in entries:
        print(f"{entry['level']}: {entry['message']}")
