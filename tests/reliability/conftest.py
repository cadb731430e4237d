"""Shared helpers for the reliability tests: real processes, real files, bounded sizes.

By default every loop here is bounded so that the whole folder runs in well under 90 s on
two cores (that is what CI runs). ``DUTYBOARD_SLOW=1`` turns on the long variants (a
60 s soak, 100 kills per crash loop, more fuzz examples). It is an environment variable
rather than a ``--slow`` option because pytest only accepts options added by the root
conftest or a plugin, and this folder's conftest is neither when the whole suite runs.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

SLOW = os.environ.get("DUTYBOARD_SLOW", "") not in ("", "0")


def scaled(fast: int, slow: int) -> int:
    """The bounded size, or the long one under ``DUTYBOARD_SLOW=1``."""
    return slow if SLOW else fast


def child_env() -> dict[str, str]:
    """The environment of a child process: this checkout, no user's DUTYBOARD_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUTYBOARD")}
    # The tests' own log and state files (tests/conftest.py), never the home folder.
    env.update({k: os.environ[k] for k in ("DUTYBOARD_LOG", "DUTYBOARD_STATE") if k in os.environ})
    env["PYTHONPATH"] = str(REPO)
    env["NO_COLOR"] = "1"
    return env


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m dutyboard ARGS`` as a user runs it (no terminal, no stdin)."""
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def worker(*args: str) -> list[str]:
    """The command line of one of ``tests/reliability/workers.py``'s roles."""
    return [sys.executable, "-m", "tests.reliability.workers", *args]


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def sigkill_supported() -> bool:
    return hasattr(signal, "SIGKILL")


class Mount:
    """A small tmpfs this test mounted (root only), unmounted when the test ends."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def remount(self, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(self.path)], check=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mount]:
    """A 1 MB tmpfs, or a skip where this process may not mount one (not root, a
    container without CAP_SYS_ADMIN). Root ignores permission bits, so a mount is the
    one honest way to make root meet a full disk or a read-only file system."""
    point = tmp_path / "mnt"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1M,mode=0755", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield Mount(point)
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
