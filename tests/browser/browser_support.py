"""What the browser tests share besides fixtures: the repository root, free ports and the real
`tina4 serve` process. A module of its own (not conftest) so that `from browser_support import …`
names this file even when tests/browser and tests/cluster run in one pytest call (both have a
conftest.py)."""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

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
