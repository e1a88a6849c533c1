"""Runs every command block of docs/chapter-12.md against a live `tina4 serve`, so the tutorial
cannot drift from what the server does.

The blocks are ```sh fences. Inside one:

- a line that is not a comment is a command (a trailing backslash continues it on the next line);
  the block's commands run in order in ONE bash, as if pasted into a terminal, so variables such
  as `TOKEN=$(…)` carry over; `tina4` is the binary under test (TINA4_BIN) on the PATH, and
  `localhost:7149` is the test server's port;
- the `# text` lines after a command are its exact output (standard output and standard error as
  a terminal shows them), line for line; `…` in a line matches anything;
- a command whose comment says `# terminal N (leave it running)` runs in the background, as it
  would in a second terminal; `# terminal N: text` is a line that terminal shows by then (the
  test waits for it, with a time limit, reading that terminal's output in order);
- blocks that start the server (`tina4 serve`, `swift run`) or install it (`scripts/`) are
  skipped: the test starts the server itself.
"""
import os
import re
import select
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from browser_support import REPO

DOC = REPO / "docs" / "chapter-12.md"
COMMAND_TIMEOUT = 15.0   # seconds for one command's output
TERMINAL_TIMEOUT = 10.0  # seconds for a background terminal to show an expected line
TERMINAL = re.compile(r"#\s*terminal (\d+) \(leave it running\)\s*$")
TERMINAL_LINE = re.compile(r"^# terminal (\d+): (.*)$")


def sh_blocks():
    """(heading, [lines]) for every ```sh block, with the section heading it is under."""
    blocks, heading, inside, lines = [], "", False, []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not inside and line.startswith("#"):
            heading = line.lstrip("# ").strip()
        if not inside and line.strip() == "```sh":
            inside, lines = True, []
        elif inside and line.strip() == "```":
            inside = False
            blocks.append((heading, lines))
        elif inside:
            lines.append(line)
    return blocks


def starts_server(lines):
    return any(re.search(r"\b(tina4 serve|swift run|scripts/)", line) for line in lines if not line.startswith("#"))


def steps(lines):
    """The block as steps: ("run", command, [expected]), ("background", n, command) and
    ("expect", n, text)."""
    result, index = [], 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        match = TERMINAL_LINE.match(line)
        if match:
            result.append(("expect", int(match.group(1)), match.group(2)))
            continue
        if line.startswith("#"):
            raise AssertionError(f"a '# …' line with no command before it: {line!r}")
        command = line
        while command.endswith("\\") and index < len(lines):
            command += "\n" + lines[index]
            index += 1
        background = TERMINAL.search(command)
        if background:
            result.append(("background", int(background.group(1)), command[:background.start()].rstrip()))
            continue
        expected = []
        while index < len(lines) and lines[index].startswith("# ") and not TERMINAL_LINE.match(lines[index]):
            expected.append(lines[index][2:])
            index += 1
        result.append(("run", command, expected))
    return result


def pattern(expected):
    return re.compile(".*".join(re.escape(part) for part in expected.split("…")), re.S)


def matches(expected, actual):
    return pattern(expected).fullmatch(actual) is not None


class Shell:
    """One bash reading commands from a pipe; each command's output is read up to a marker."""

    def __init__(self, env, cwd):
        self.proc = subprocess.Popen(["bash", "--norc", "--noprofile"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.buffer = b""
        self.count = 0

    def run(self, command):
        self.count += 1
        marker = f"__doc_step_{self.count}_done__"
        self.proc.stdin.write(f"{command}\nprintf '\\n{marker}\\n'\n".encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + COMMAND_TIMEOUT
        fd = self.proc.stdout.fileno()
        while (marker + "\n").encode() not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no end of output within {COMMAND_TIMEOUT}s for:\n{command}\n"
                                     f"output so far:\n{self.buffer.decode(errors='replace')}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError(f"bash exited while running:\n{command}")
                self.buffer += chunk
        output, _, self.buffer = self.buffer.partition((marker + "\n").encode())
        lines = output.decode(errors="replace").replace("\r", "").split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        return lines

    def close(self):
        try:
            self.proc.stdin.write(b"jobs -p | xargs -r kill 2>/dev/null; wait\nexit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()


class Terminal:
    """A background command's output file, read line by line in order."""

    def __init__(self, path):
        self.path = path
        self.seen = 0

    def lines(self):
        text = Path(self.path).read_text(errors="replace") if os.path.exists(self.path) else ""
        return [line for line in text.replace("\r", "").split("\n")[:-1]]

    def wait_for(self, expected):
        deadline = time.monotonic() + TERMINAL_TIMEOUT
        while True:
            lines = self.lines()
            for index in range(self.seen, len(lines)):
                if matches(expected, lines[index]):
                    self.seen = index + 1
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal never showed {expected!r}; it shows:\n" + "\n".join(lines))
            time.sleep(0.02)  # polling a file that another process appends to, bounded by the deadline


BLOCKS = sh_blocks()


def test_the_doc_has_command_blocks_with_expected_output():
    runnable = [lines for _, lines in BLOCKS if not starts_server(lines)]
    assert len(runnable) >= 10, f"only {len(runnable)} runnable ```sh blocks in {DOC}"
    for lines in runnable:
        for step in steps(lines):
            if step[0] == "run" and not re.match(r"^[A-Za-z_]\w*=", step[1]):  # an assignment prints nothing
                assert step[2], f"command without expected output: {step[1]}"


@pytest.mark.parametrize("heading,lines", [b for b in BLOCKS if not starts_server(b[1])],
                         ids=[f"{i}-{h[:40]}" for i, (h, l) in enumerate(BLOCKS) if not starts_server(l)])
def test_command_block_runs_as_written(server, heading, lines):
    binary = Path(os.environ.get("TINA4_BIN", REPO / ".build" / "debug" / "tina4")).resolve()
    assert binary.name == "tina4", f"TINA4_BIN must be a file named tina4 (the docs call it so): {binary}"
    env = dict(os.environ, PATH=f"{binary.parent}:{os.environ.get('PATH', '')}")
    address = f"localhost:{server.port}"
    with tempfile.TemporaryDirectory(prefix="tina4-doc-") as scratch:
        shell = Shell(env, scratch)
        terminals = {}
        try:
            for step in steps(lines):
                if step[0] == "background":
                    _, number, command = step
                    path = os.path.join(scratch, f"terminal-{number}.out")
                    shell.run(f"( {command.replace('localhost:7149', address)} ) > {path} 2>&1 &")
                    terminals[number] = Terminal(path)
                elif step[0] == "expect":
                    _, number, text = step
                    assert number in terminals, f"terminal {number} was not started in this block"
                    terminals[number].wait_for(text.replace("localhost:7149", address))
                else:
                    _, command, expected = step
                    expected = [line.replace("localhost:7149", address) for line in expected]
                    actual = shell.run(command.replace("localhost:7149", address))
                    ok = len(actual) == len(expected) and all(matches(e, a) for e, a in zip(expected, actual))
                    assert ok, (f"under '{heading}':\n$ {command}\nexpected:\n" + "\n".join(expected)
                                + "\nactual:\n" + "\n".join(actual))
        finally:
            shell.close()
