"""`tina4 chat` at a real terminal (a pseudo-terminal): typed lines are sent, replies show as they
arrive, Ctrl+D closes with 1000 at once. (Piped conversations are tested in TerminalClientTests.)"""
import os
import pty
import select
import subprocess
import time

from browser_support import REPO

TIMEOUT = 10.0


class PtyChat:
    def __init__(self, url):
        binary = os.environ.get("TINA4_BIN", str(REPO / ".build" / "debug" / "tina4"))
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([binary, "chat", url], stdin=slave, stdout=slave, stderr=slave,
                                     close_fds=True, start_new_session=True)
        os.close(slave)
        self.screen = b""

    def type(self, text):
        os.write(self.master, text.encode())

    def wait_for(self, text):
        """Waits until the terminal has shown `text` (at most TIMEOUT seconds); returns the screen."""
        deadline = time.monotonic() + TIMEOUT
        while text.encode() not in self.screen:
            left = deadline - time.monotonic()
            assert left > 0, f"the terminal never showed {text!r}; it shows:\n{self.screen.decode(errors='replace')}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    assert text.encode() in self.screen, f"the terminal closed without showing {text!r}:\n{self.screen.decode(errors='replace')}"
                self.screen += chunk
        return self.screen.decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def test_chat_at_a_terminal_sends_typed_lines_and_ctrl_d_closes_with_1000(server):
    url = f"ws://127.0.0.1:{server.port}/ws/echo"
    chat = PtyChat(url)
    try:
        chat.wait_for(f"tina4: connected to {url} (each line is sent; Ctrl+D closes)")
        chat.type("hello there\r")
        chat.wait_for("Echo: hello there")
        chat.type("second\r")
        chat.wait_for("Echo: second")
        started = time.monotonic()
        chat.type("\x04")  # Ctrl+D on an empty line: end of input
        chat.wait_for("tina4: closed (1000)")
        assert chat.proc.wait(timeout=TIMEOUT) == 0
        # At a terminal it closes at once: no quiet period to wait out.
        assert time.monotonic() - started < 1.0
    finally:
        chat.close()
