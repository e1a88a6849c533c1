"""Fixtures for the real-browser tests: the real `tina4 serve` binary and headless Chromium.

Run from the repository root:

    TINA4_BIN=.build/debug/tina4 python3 -m pytest tests/browser -q

Needs `pip install selenium pytest` and Debian's `chromium` + `chromium-driver`.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
START_TIMEOUT = 20.0  # seconds for the server to accept connections
STOP_TIMEOUT = 5.0    # seconds between SIGTERM and SIGKILL


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class TinaServer:
    """`tina4 serve` on a fixed port; can be stopped and started again on the same port."""

    def __init__(self, binary, port):
        self.binary = binary
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log = tempfile.NamedTemporaryFile(prefix="tina4-serve-", suffix=".log", delete=False)
        self.starts = 0

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        assert not self.running, "server already running"
        self.starts += 1
        self.log.write(f"--- start #{self.starts} on port {self.port} ---\n".encode())
        self.log.flush()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tina4 serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            if port_accepts(self.port):
                return
            time.sleep(0.05)  # polling the socket, bounded by START_TIMEOUT
        self.stop()
        raise RuntimeError(f"tina4 serve did not accept connections on {self.port} within {START_TIMEOUT}s:\n{self.log_tail()}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None

    def log_tail(self, lines=40):
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


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
