"""Leaders over SSH, against a real sshd on 127.0.0.1 (see conftest.py).

What these show: a status-only key returns the status (text or JSON) and nothing else,
whatever the client asks; the leader key runs the read-only dashboard and nothing else;
neither key can forward ports; and a leader pressing write keys in the dashboard over
``ssh -t`` changes nothing in the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES
from tests.ssh.conftest import SshServer, free_port

TUI_TIMEOUT = 20.0


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def db_fingerprint(db: Path) -> tuple[int, str]:
    """(events count, a hash of every request row): what a write would change."""
    events = int(query(db, "SELECT count(*) FROM events")[0][0])
    digest = hashlib.sha256()
    for row in query(db, "SELECT * FROM requests ORDER BY id"):
        digest.update(repr(row).encode())
    for row in query(db, "SELECT * FROM leads ORDER BY id"):
        digest.update(repr(row).encode())
    return events, digest.hexdigest()


# -- the status-only key ------------------------------------------------------------------


def test_status_json_over_ssh_matches_the_database(sshd: SshServer) -> None:
    result = sshd.run(sshd.status_key, "status", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    now = data["generated_at"]
    db = sshd.db

    by_status = dict(query(db, "SELECT status, count(*) FROM requests GROUP BY status"))
    assert {k: v for k, v in data["requests"]["by_status"].items() if v} == by_status
    assert data["requests"]["total"] == sum(by_status.values())
    open_marks = ",".join("?" for _ in OPEN_REQUEST_STATUSES)
    open_statuses = tuple(OPEN_REQUEST_STATUSES)
    by_priority = dict(
        query(
            db,
            f"SELECT priority, count(*) FROM requests WHERE status IN ({open_marks}) "
            "GROUP BY priority",
            open_statuses,
        )
    )
    assert {k: v for k, v in data["requests"]["open_by_priority"].items() if v} == by_priority
    assert data["requests"]["urgent_open"] == by_priority.get("urgent", 0)
    overdue = query(
        db,
        f"SELECT id FROM requests WHERE status IN ({open_marks}) AND due_by < ? "
        "ORDER BY due_by, id",
        (*open_statuses, now),
    )
    assert data["requests"]["overdue"] == len(overdue) > 0
    assert [r["id"] for r in data["requests"]["top_overdue"]] == [r[0] for r in overdue[:5]]

    leads = dict(query(db, "SELECT status, count(*) FROM leads GROUP BY status"))
    assert {k: v for k, v in data["leads"]["by_status"].items() if v} == leads
    lead_marks = ",".join("?" for _ in OPEN_LEAD_STATUSES)
    awaiting = query(
        db,
        f"SELECT count(*) FROM leads WHERE status IN ({lead_marks}) AND next_action_at < ?",
        (*OPEN_LEAD_STATUSES, now),
    )[0][0]
    assert data["leads"]["awaiting_reply"] == awaiting

    shift = query(db, "SELECT officer, started_at FROM shifts WHERE ended_at IS NULL")
    assert [(data["shift"]["officer"], data["shift"]["started_at"])] == shift
    assert data["handover"]["state"] == "acknowledged"
    assert data["desk"] == {"name": "SSH test desk", "timezone": "Asia/Shanghai"}


def test_status_text_and_chinese_over_ssh(sshd: SshServer) -> None:
    text = sshd.run(sshd.status_key)  # no command at all: the key's own command runs
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("SSH test desk — status at ")
    assert "On duty: Zhang Wei since" in text.stdout
    assert len(lines) <= 24
    chinese = sshd.run(sshd.status_key, "status", "--lang", "zh_CN")
    assert chinese.returncode == 0, chinese.stderr
    assert "值班：Zhang Wei" in chinese.stdout


def test_the_status_key_cannot_run_anything_else(sshd: SshServer, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    marker.write_text("keep me")
    pwned = tmp_path / "pwned"
    attack = f"rm -rf {marker}; echo pwned > {pwned}; echo pwned"
    result = sshd.run(sshd.status_key, attack)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SSH test desk — status at ")
    assert "pwned" not in result.stdout
    assert "only shows the status" in result.stderr
    assert marker.read_text() == "keep me"
    assert not pwned.exists()
    # Shell tricks in what looks like an option are just words too.
    sneaky = sshd.run(sshd.status_key, f"status --json $(touch {pwned}) `touch {pwned}`")
    assert json.loads(sneaky.stdout)["schema"] == 1
    assert not pwned.exists()
    # A subsystem request (sftp) gets the forced command as well, not a file server.
    sftp = sshd.run(sshd.status_key, "sftp", options=("-s",))
    assert sftp.stdout.startswith("SSH test desk — status at ")


def test_the_leader_key_ignores_the_client_command(sshd: SshServer, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    result = sshd.run(sshd.leader_key, f"touch {pwned}; echo pwned", options=("-T",))
    # The forced command ran (the dashboard, which needs a terminal and says so) …
    assert result.returncode == 2
    assert "the dashboard needs a terminal" in result.stderr
    # … and the client's command did not.
    assert "pwned" not in result.stdout
    assert not pwned.exists()


def test_forcecommand_layout(sshd: SshServer, tmp_path: Path) -> None:
    """`Match … ForceCommand` (docs/ssh.md): plain keys, the server picks the command."""
    port = sshd.forcecommand_port
    pwned = tmp_path / "pwned"
    attack = sshd.run(sshd.plain_key, f"touch {pwned}; echo pwned", port=port)
    assert attack.stdout.startswith("SSH test desk — status at ")
    assert "pwned" not in attack.stdout and not pwned.exists()
    as_json = sshd.run(sshd.plain_key, "status", "--json", port=port)
    assert json.loads(as_json.stdout)["schema"] == 1
    # No command: the dashboard (which wants the terminal `ssh -t` would give it).
    dashboard = sshd.run(sshd.plain_key, options=("-T",), port=port)
    assert dashboard.returncode == 2
    assert "the dashboard needs a terminal" in dashboard.stderr
    # The plain key is only good where ForceCommand applies.
    elsewhere = sshd.run(sshd.plain_key, "echo", "hello")
    assert elsewhere.returncode == 255 and "hello" not in elsewhere.stdout
    assert "Permission denied" in elsewhere.stderr


@contextlib.contextmanager
def tcp_target() -> Iterator[tuple[int, list[bytes]]]:
    """A listener on 127.0.0.1 that records whoever reaches it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    reached: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            reached.append(b"connected")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1]), reached
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.mark.parametrize("key", ["status", "leader", "forcecommand"])
def test_port_forwarding_is_refused(sshd: SshServer, key: str) -> None:
    identity = {
        "status": sshd.status_key,
        "leader": sshd.leader_key,
        "forcecommand": sshd.plain_key,
    }[key]
    port = sshd.forcecommand_port if key == "forcecommand" else sshd.port
    with tcp_target() as (target, reached):
        local = free_port()
        forward = subprocess.Popen(
            [
                *sshd.ssh_args(
                    identity,
                    "-N",
                    "-o",
                    "LogLevel=INFO",  # ssh reports a refused channel at INFO
                    "-L",
                    f"127.0.0.1:{local}:127.0.0.1:{target}",
                    port=port,
                )
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 15
            received = None
            while time.monotonic() < deadline and forward.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", local), timeout=2) as s:
                        s.settimeout(5)
                        received = s.recv(64)  # the server refuses the channel: EOF
                        break
                except OSError:
                    time.sleep(0.1)
            assert received == b"", "the local end of the tunnel was never usable"
        finally:
            forward.terminate()
            try:
                _, err = forward.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                forward.kill()
                _, err = forward.communicate(timeout=10)
        assert b"administratively prohibited" in err
        assert reached == []
        # Remote forwarding (-R) is refused too: with ExitOnForwardFailure ssh gives up.
        remote = subprocess.run(
            [
                *sshd.ssh_args(
                    identity,
                    "-N",
                    "-o",
                    "ExitOnForwardFailure=yes",
                    "-R",
                    f"127.0.0.1:{free_port()}:127.0.0.1:{target}",
                    port=port,
                )
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert remote.returncode != 0
        assert "remote port forwarding failed" in remote.stderr.lower()
        assert reached == []


# -- the leader dashboard over ssh -t, inside tmux -------------------------------------


class Tmux:
    """A tmux server on a private socket, so nothing else's sessions are touched."""

    def __init__(self) -> None:
        self.socket = f"dutyboard-ssh-test-{os.getpid()}"

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=15,
        )

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "leader").stdout

    def alive(self) -> bool:
        return self("has-session", "-t", "leader").returncode == 0

    def kill(self) -> None:
        self("kill-server")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, screen: Tmux) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout:.0f}s; screen:\n{screen.screen()}")


def test_leader_dashboard_over_ssh_is_read_only(sshd: SshServer, tmux: Tmux) -> None:
    before = db_fingerprint(sshd.db)
    orgs = [str(r[0]) for r in query(sshd.db, "SELECT DISTINCT org FROM requests")]
    command = shlex.join(sshd.ssh_args(sshd.leader_key, "-t"))
    started = tmux("new-session", "-d", "-s", "leader", "-x", "100", "-y", "30", command)
    assert started.returncode == 0, started.stderr

    def shows_a_row() -> bool:
        screen = tmux.screen()
        return any(org[:12] in screen for org in orgs)

    wait_for(shows_a_row, TUI_TIMEOUT, "no request row appeared", tmux)
    screen = tmux.screen()
    assert "READ-ONLY" in screen
    for key in ("a", "m"):  # acknowledge, assign to me: absent for a leader
        tmux("send-keys", "-t", "leader", key)
        time.sleep(0.5)
    # Keys do reach the app: "2" brings up the leads panel (one panel at a time at 100
    # columns), so an unchanged database is not just keystrokes lost on the way.
    suppliers = [str(r[0]) for r in query(sshd.db, "SELECT DISTINCT supplier FROM leads")]
    tmux("send-keys", "-t", "leader", "2")
    wait_for(
        lambda: any(s[:12] in tmux.screen() for s in suppliers),
        TUI_TIMEOUT,
        "the leads panel did not show on 2",
        tmux,
    )
    for key in ("m",):  # assign to me, on a lead this time
        tmux("send-keys", "-t", "leader", key)
        time.sleep(0.5)
    print(tmux.screen())
    tmux("send-keys", "-t", "leader", "q")
    wait_for(lambda: not tmux.alive(), TUI_TIMEOUT, "the dashboard did not quit on q", tmux)
    assert db_fingerprint(sshd.db) == before
