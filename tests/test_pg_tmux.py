"""Two dashboards and a CLI ingest on one PostgreSQL desk, in real terminals (issue 21).

Two ``dutyboard`` dashboards run in a private tmux server (two sessions at 160×48) on a
desk of a PostgreSQL server of this test's own, started in a temporary folder (it is
stopped and started mid-test, which the session's server is spared). A ``dutyboard
ingest`` run from the command line shows in both; an acknowledgement typed in one shows in
the other; while the server is down both headers say "database unreachable since …:
retrying", the line goes away by itself once it is back, and a new ingest after the
restart shows in both again. Every wait polls ``capture-pane`` against a deadline.

Needs tmux (``make test`` installs it through ``system-deps``) and the PostgreSQL server
binaries (see tests/pgserver.py); fails, never skips, without them.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.pgserver import PgServer, PgServerUnavailable, start_server
from tests.store.test_pg_outage import _start, _stop

SIZE = ("160", "48")
TUI_TIMEOUT = 30.0  # start-up of a dashboard on two busy cores
SHOW_TIMEOUT = 10.0  # a write in one process on the other's screen (it takes well under 1 s)
OUTAGE_TIMEOUT = 20.0  # the header's line, on and off: the store retries on its own
UNREACHABLE = "database unreachable since"
OFFICER = "Li Na"  # on duty, by `dutyboard shift start`
USER_A, USER_B = "Wang Fang", "Zhao Lei"
FIRST_UNIT, SECOND_UNIT = "Yanji Unit 9", "Hunchun Post 4"


class Tmux:
    """A tmux server on a private socket: nobody else's sessions are touched."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"dutyboard-pg-{uuid.uuid4().hex[:8]}"
        self.env = env

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=False,
        )

    def open(self, name: str, command: list[str]) -> None:
        width, height = SIZE
        # A dashboard that dies leaves its pane, and what it said, for the failure's
        # message: set in the same command queue, before the process can have exited.
        started = self("new-session", "-d", "-s", name, "-x", width, "-y", height,
                       "-c", str(REPO), shlex.join(command),
                       ";", "set-option", "-g", "remain-on-exit", "on")  # fmt: skip
        assert started.returncode == 0, started.stderr

    def screen(self, name: str, *, history: bool = False) -> str:
        """What pane ``name`` shows (with ``history``: what scrolled off it too)."""
        return self("capture-pane", "-p", *(("-S", "-") if history else ()), "-t", name).stdout

    def kill(self) -> None:
        """End the server and its dashboards, and remove the socket file it leaves."""
        socket = self("display-message", "-p", "#{socket_path}").stdout.strip()
        self("kill-server")
        if socket:
            Path(socket).unlink(missing_ok=True)


def both(tmux: Tmux) -> str:
    """Both panes, for an assertion's message."""
    return "\n".join(
        f"--- dashboard {n} ---\n{tmux.screen(n, history=True).rstrip()}" for n in ("a", "b")
    )


def wait_for(tmux: Tmux, what: str, shows: Callable[[str], bool], timeout: float) -> None:
    """Until both panes ``shows`` (polled), or fail with both screens."""
    deadline = time.monotonic() + timeout
    while True:
        if all(shows(tmux.screen(name)) for name in ("a", "b")):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout:.0f}s, not both dashboards {what}:\n{both(tmux)}")
        time.sleep(0.1)


def child_env(tmp_path: Path) -> dict[str, str]:
    """This checkout, English, a config and state of the test's own, no user's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUTYBOARD", "PG", "LC_"))}
    env.update({k: os.environ[k] for k in ("DUTYBOARD_LOG", "DUTYBOARD_STATE") if k in os.environ})
    config = tmp_path / "config.toml"
    config.write_text('[desk]\nname = "Jilin desk"\ntimezone = "Asia/Shanghai"\n', "utf-8")
    env.update(
        DUTYBOARD_CONFIG=str(config),
        DUTYBOARD_LANG="en",
        PYTHONPATH=str(REPO),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        LANG="C.UTF-8",
        TERM="tmux-256color",
        TEXTUAL_ANIMATIONS="none",
    )
    for name in ("NO_COLOR", "TMUX", "TMUX_PANE"):
        env.pop(name, None)
    return env


def pane_vars(env: dict[str, str]) -> list[str]:
    """``NAME=value`` of what :func:`child_env` sets, for a pane's ``env`` command."""
    ours = ("DUTYBOARD_", "XDG_", "PYTHONPATH", "LANG", "TERM", "TEXTUAL_")
    return [f"{k}={v}" for k, v in sorted(env.items()) if k.startswith(ours)]


def cli(env: dict[str, str], url: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dutyboard", "--db", url, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"dutyboard {' '.join(args)}: {done.stdout}{done.stderr}"


def ingest(env: dict[str, str], url: str, path: Path, unit: str, item: str) -> None:
    path.write_text(f"org,item,quantity\n{unit},{item},40\n", encoding="utf-8")
    cli(env, url, "ingest", "--kind", "requests", str(path))


@pytest.fixture
def server() -> Iterator[PgServer]:
    """A PostgreSQL server for this test alone: it is restarted mid-test."""
    try:
        own = start_server()
    except PgServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    atexit.register(own.stop)  # a run that dies without its teardown
    try:
        yield own
    finally:
        own.stop()
        atexit.unregister(own.stop)


def test_two_dashboards_and_the_cli_share_a_desk_through_a_server_restart(
    server: PgServer, tmp_path: Path
) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("this test needs tmux: run `make system-deps` (as root)")
    url = server.fresh_desk()
    env = child_env(tmp_path)
    cli(env, url, "--user", OFFICER, "shift", "start")

    tmux = Tmux(env)
    try:
        for name, user in (("a", USER_A), ("b", USER_B)):
            dashboard = [sys.executable, "-m", "dutyboard", "--db", url, "--user", user]
            # tmux hands a pane only some of its environment (TERM is its own): the
            # command carries what matters.
            tmux.open(name, ["env", "-u", "NO_COLOR", *pane_vars(env), *dashboard])
        wait_for(
            tmux,
            "show the requests panel and the officer on duty",
            lambda s: "1 Requests" in s and f"on duty: {OFFICER}" in s,
            TUI_TIMEOUT,
        )

        # A file brought in from the command line: on both screens.
        ingest(env, url, tmp_path / "first.csv", FIRST_UNIT, "goggles")
        wait_for(tmux, f"show {FIRST_UNIT}", lambda s: FIRST_UNIT in s, SHOW_TIMEOUT)

        # Acknowledged by keys in A (the cursor is on the only row): B shows it, and who.
        tmux("send-keys", "-t", "a", "a")
        wait_for(
            tmux,
            f"show the request acknowledged by {USER_A}",
            lambda s: any(
                FIRST_UNIT in line and "acknowledged" in line and USER_A in line
                for line in s.splitlines()
            ),
            SHOW_TIMEOUT,
        )

        # The server restarts: both headers say so meanwhile, then clear by themselves.
        _stop(server)
        try:
            wait_for(
                tmux,
                "say the database is unreachable",
                lambda s: UNREACHABLE in s and "retrying" in s and FIRST_UNIT in s,
                OUTAGE_TIMEOUT,
            )
        finally:
            _start(server)
        wait_for(
            tmux,
            "clear the unreachable line",
            lambda s: UNREACHABLE not in s and f"on duty: {OFFICER}" in s and FIRST_UNIT in s,
            OUTAGE_TIMEOUT,
        )

        # And the desk is live again: a new ingest shows on both.
        ingest(env, url, tmp_path / "second.csv", SECOND_UNIT, "gloves")
        wait_for(
            tmux,
            f"show {SECOND_UNIT} after the restart",
            lambda s: SECOND_UNIT in s and FIRST_UNIT in s,
            SHOW_TIMEOUT,
        )
        for name in ("a", "b"):
            assert "Traceback" not in tmux.screen(name), both(tmux)
    finally:
        tmux.kill()
