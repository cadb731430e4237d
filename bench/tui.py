"""Drive terminal apps in a private tmux server and time what reaches the screen.

Pilot cannot time a keypress (``press`` + ``pause`` costs ~80 ms whatever the widget
does), so end-to-end figures come from a real terminal: the app runs in a detached tmux
session, keys go in with ``send-keys`` and the screen is read back with ``capture-pane``
until it changes. Both go through one tmux *control-mode* client (``tmux -C``), so a
command costs a pipe round trip (~1-2 ms) instead of a fork and exec of the tmux client.
Every figure is therefore an upper bound that includes one capture.

Everything runs on a private socket (``tmux -L dutyboard-bench-PID``, so a smoke test
and a full run never share a server); :meth:`Tmux.close` kills that server, and nothing
else, even after a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from rich.cells import get_character_cell_size

SOCKET = "dutyboard-bench"
ESCAPE = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
POLL = 0.002  # seconds between captures while waiting for a change
_SIMPLE = re.compile(r"[A-Za-z0-9_./:=+%@,-]+")


class TmuxError(RuntimeError):
    """tmux refused a command, died, or a wait ran out of time."""


class Timeout(TmuxError):
    pass


def quote(arg: str) -> str:
    """One argument for tmux's command parser (double quotes; \\ " $ escaped)."""
    if _SIMPLE.fullmatch(arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def strip_escapes(line: str) -> str:
    return ESCAPE.sub("", line)


def crop(line: str, start: int, end: int) -> str:
    """Cells ``start``..``end`` of a captured line, escape sequences kept (they carry
    the colours: a cursor move changes nothing else)."""
    out: list[str] = []
    column = 0
    position = 0
    while position < len(line) and column < end:
        match = ESCAPE.match(line, position)
        if match:
            out.append(match.group())
            position = match.end()
            continue
        char = line[position]
        if column >= start:
            out.append(char)
        column += get_character_cell_size(char)
        position += 1
    return "".join(out)


@dataclass(frozen=True)
class Region:
    """A rectangle of the pane: rows [top, bottom), cells [left, right)."""

    top: int
    bottom: int
    left: int = 0
    right: int = 10_000

    def cut(self, lines: Sequence[str]) -> list[str]:
        return [crop(line, self.left, self.right) for line in lines[self.top : self.bottom]]


class Tmux:
    """A private tmux server with one control-mode client for fast commands."""

    def __init__(
        self,
        *,
        socket: str | None = None,
        width: int = 160,
        height: int = 48,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.socket = socket or f"{SOCKET}-{os.getpid()}"
        self.width = width
        self.height = height
        self._client: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._socket_path = ""
        # The server's environment is every pane's starting point.
        self._env = dict(os.environ if env is None else env)
        if "UTF-8" not in " ".join(
            self._env.get(k, "") for k in ("LC_ALL", "LC_CTYPE", "LANG")
        ).upper().replace("UTF8", "UTF-8"):
            self._env["LC_ALL"] = "C.UTF-8"

    # -- lifecycle ------------------------------------------------------------------

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-u", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
            env=self._env,
            check=check,
        )

    def start(self) -> Tmux:
        self._tmux("kill-server", check=False)  # a server left by a crashed run of ours
        self._tmux(
            "new-session", "-d", "-s", "ctl", "-x", str(self.width), "-y", str(self.height),
            "sleep 86400",
        )  # fmt: skip
        for option in (
            ("status", "off"),
            ("remain-on-exit", "on"),
            ("history-limit", "0"),
            ("escape-time", "0"),
        ):
            self._tmux("set-option", "-g", *option)
        self._client = subprocess.Popen(
            ["tmux", "-u", "-L", self.socket, "-C", "attach-session", "-t", "ctl"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
        )
        self._socket_path = self._tmux("display-message", "-p", "#{socket_path}").stdout.strip()
        token = f"sync-{os.getpid()}"
        assert self._client.stdin is not None
        self._client.stdin.write(f"display-message -p {token}\n".encode())
        self._client.stdin.flush()
        deadline = time.monotonic() + 10
        while token not in self._read_block(deadline):
            pass
        return self

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                assert client.stdin is not None
                client.stdin.close()
            except OSError:
                pass
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self._tmux("kill-server", check=False)
        if self._socket_path:  # the server does not always remove its socket file
            Path(self._socket_path).unlink(missing_ok=True)
        if client is not None:
            try:
                client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait(timeout=5)

    def __enter__(self) -> Tmux:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- control-mode commands ------------------------------------------------------

    def _read_block(self, deadline: float) -> str:
        """The output of the next %begin…%end block (raises on %error)."""
        assert self._client is not None and self._client.stdout is not None
        fd = self._client.stdout.fileno()
        lines: list[bytes] = []
        inside = ours = False
        while True:
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout("tmux did not answer in time")
                ready, _, _ = select.select([fd], [], [], left)
                if ready:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        raise TmuxError("the tmux control client exited")
                    self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\n", 1)
            if raw.startswith(b"%begin"):
                # The last field is 1 for a command this client sent; 0 marks output
                # tmux produces on its own (the attach itself, which may come late).
                inside, lines, ours = True, [], raw.rsplit(b" ", 1)[-1] != b"0"
            elif inside and (raw.startswith(b"%end") or raw.startswith(b"%error")):
                inside = False
                if not ours:
                    continue
                text = b"\n".join(lines).decode("utf-8", "replace")
                if raw.startswith(b"%error"):
                    raise TmuxError(text or "tmux command failed")
                return text
            elif inside:
                lines.append(raw)
            elif raw.startswith(b"%exit"):
                raise TmuxError("the tmux server went away")

    def cmd(self, *args: str, timeout: float = 10) -> str:
        if self._client is None or self._client.stdin is None:
            raise TmuxError("tmux is not started")
        self._client.stdin.write((" ".join(quote(a) for a in args) + "\n").encode())
        self._client.stdin.flush()
        return self._read_block(time.monotonic() + timeout)

    # -- panes ----------------------------------------------------------------------

    def launch(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Pane:
        """Start ``argv`` in a new detached session; the pane's pid *is* the program
        (the shell ``exec``s it), so /proc/PID/status is the app's own memory."""
        command = "exec " + " ".join(_sh_quote(a) for a in argv)
        args = ["new-session", "-d", "-s", name, "-x", str(self.width), "-y", str(self.height)]
        if cwd is not None:
            args += ["-c", str(cwd)]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        started = time.monotonic()
        self.cmd(*args, command)
        pid = int(self.cmd("display-message", "-p", "-t", name, "#{pane_pid}").strip())
        return Pane(self, name, pid, started)


def _sh_quote(arg: str) -> str:
    if _SIMPLE.fullmatch(arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


class Pane:
    """One app running in its own tmux session."""

    def __init__(self, tmux: Tmux, name: str, pid: int, started: float) -> None:
        self.tmux = tmux
        self.name = name
        self.pid = pid
        self.started = started  # time.monotonic() just before the launch command

    def capture(self, *, escapes: bool = False) -> list[str]:
        args = ["capture-pane", "-p", "-t", self.name]
        if escapes:
            args.insert(2, "-e")
        return self.tmux.cmd(*args).split("\n")

    def text(self) -> str:
        return "\n".join(self.capture())

    def send(self, *keys: str) -> None:
        self.tmux.cmd("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux.cmd("send-keys", "-t", self.name, "-l", text)

    def dead(self) -> bool:
        return self.tmux.cmd("display-message", "-p", "-t", self.name, "#{pane_dead}") == "1"

    def peak_rss_kib(self) -> int | None:
        """VmHWM (peak resident set) of the app process, in KiB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
        return int(match.group(1)) if match else None

    def kill(self) -> None:
        """End the app (SIGHUP via kill-session, then SIGKILL by pid if it lingers)."""
        with contextlib.suppress(TmuxError):
            self.tmux.cmd("kill-session", "-t", self.name)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and Path(f"/proc/{self.pid}").exists():
            time.sleep(0.05)
        if Path(f"/proc/{self.pid}").exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    # -- waiting --------------------------------------------------------------------

    def wait_for(
        self,
        done: Callable[[list[str]], bool],
        *,
        timeout: float,
        escapes: bool = False,
        what: str = "the screen",
    ) -> float:
        """Poll until ``done(lines)``; return the monotonic time of the capture that
        showed it (its end: an upper bound)."""
        began = time.monotonic()
        deadline = began + timeout
        while True:
            lines = self.capture(escapes=escapes)
            now = time.monotonic()
            if done(lines):
                return now
            if now > deadline:
                tail = "\n".join(strip_escapes(line) for line in lines)
                raise Timeout(f"{what}: not seen within {timeout:.0f}s; screen:\n{tail}")
            if self.dead():
                tail = "\n".join(strip_escapes(line) for line in lines)
                raise TmuxError(f"{what}: the app exited; screen:\n{tail}")
            # Every capture costs the tmux server ~1 ms of CPU, taken from the app being
            # timed on a small machine: poll fast only while the wait is short, keeping
            # the resolution within 2% of the time waited.
            time.sleep(min(max(POLL, 0.02 * (now - began)), 0.25))

    def settle(self, region: Region, *, quiet: float = 0.05, timeout: float = 10) -> list[str]:
        """Wait until ``region`` has not changed for ``quiet`` seconds; return it."""
        deadline = time.monotonic() + timeout
        last = region.cut(self.capture(escapes=True))
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.01)
            current = region.cut(self.capture(escapes=True))
            if current != last:
                last, since = current, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return current
        return last

    def time_keys(
        self,
        keys: Iterable[str],
        region: Region,
        *,
        ready: Callable[[list[str]], bool] = lambda lines: True,
        timeout: float = 30,
        literal: bool = False,
    ) -> float:
        """Send ``keys``; seconds from the last one until ``region`` differs from how it
        was before and ``ready`` holds for the plain text of the region."""
        before = self.settle(region)
        keys = list(keys)
        for key in keys[:-1]:
            self.type(key) if literal else self.send(key)
        started = time.monotonic()
        self.type(keys[-1]) if literal else self.send(keys[-1])

        def changed(lines: list[str]) -> bool:
            now = region.cut(lines)
            return now != before and ready([strip_escapes(line) for line in now])

        return self.wait_for(changed, timeout=timeout, escapes=True, what="a repaint") - started
