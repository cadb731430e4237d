"""docs/ssh.md, "Leaders who cannot write the database at all": a real second account
with read-only access to the desk, and what that costs (hardening #1).

The leader runs the system's Python (the project's virtualenv lives in root's home, which
another account cannot enter); what is tested is what the document claims of SQLite and
the file permissions, with a desk that dutyboard made and writes.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutyboard.demo import build_demo
from dutyboard.store import Store
from tests.conftest import FIXED_NOW

LEADER = "dutyboard-leader-t"
GROUP = "dutyreaders-t"
PYTHON = "/usr/bin/python3"  # installed by make test when missing

READER = r"""
import sqlite3, sys
db = sys.argv[1]
conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
for line in sys.stdin:
    try:
        if line.strip() == "write":
            conn.execute("UPDATE requests SET notes = 'x'")
            print("wrote", flush=True)
        else:
            print(conn.execute("SELECT count(*) FROM requests").fetchone()[0], flush=True)
    except sqlite3.Error as exc:
        print("error:", exc, flush=True)
"""

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path(PYTHON).exists() or shutil.which("useradd") is None,
    reason="needs root (as CI runs) to make a second account",
)


@pytest.fixture
def leader_account() -> str:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", GROUP], check=True)
    try:
        pwd.getpwnam(LEADER)
    except KeyError:
        subprocess.run(
            ["useradd", "-M", "-N", "-g", GROUP, "-s", "/usr/sbin/nologin", LEADER], check=True
        )
    return LEADER


@pytest.fixture
def shared_desk() -> Iterator[Path]:
    """The documented set-up: folder 2750 and files 640, group the leaders' group."""
    base = Path(tempfile.mkdtemp(prefix="dutyboard-leader-", dir="/var/tmp"))
    base.chmod(0o755)
    folder = base / "srv"
    folder.mkdir()
    db = folder / "desk.db"
    build_demo(db, now=FIXED_NOW, officer="Zhang Wei")
    try:
        yield db
    finally:
        shutil.rmtree(base, ignore_errors=True)


def lock_down(db: Path) -> None:
    gid = grp.getgrnam(GROUP).gr_gid
    folder = db.parent
    os.chown(folder, 0, gid)
    folder.chmod(0o2750)
    for path in folder.iterdir():
        os.chown(path, 0, gid)
        path.chmod(0o640)


def ask(reader: subprocess.Popen[str], line: str) -> str:
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write(line + "\n")
    reader.stdin.flush()
    return reader.stdout.readline().strip()


def test_a_leader_without_write_access_reads_live_while_an_officer_holds_the_desk(
    leader_account: str, shared_desk: Path
) -> None:
    officer = Store.open(shared_desk, actor="Zhang Wei")  # keeps -wal and -shm in place
    officer.count_requests()
    lock_down(shared_desk)
    reader = subprocess.Popen(
        ["runuser", "-u", leader_account, "--", PYTHON, "-c", READER, str(shared_desk)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        before = int(ask(reader, "count"))
        for n in range(1, 4):
            officer.add_request({"org": "Jilin University", "item": "masks", "quantity": n})
            assert int(ask(reader, "count")) == before + n  # every change seen at once
        assert "readonly" in ask(reader, "write")  # the kernel refuses, not only dutyboard
        # Not even through a file of its own: the folder takes no new file from a leader.
        made = subprocess.run(
            ["runuser", "-u", leader_account, "--", PYTHON, "-c",
             f"open({str(shared_desk.parent / 'x.csv')!r}, 'w')"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert made.returncode != 0 and "Permission denied" in made.stderr
    finally:
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=10)
        officer.close()


def test_with_no_officer_process_the_leader_cannot_open_the_desk(
    leader_account: str, shared_desk: Path
) -> None:
    """The cost the document names: the last process to close removes -wal and -shm,
    and a leader cannot make them again."""
    Store.open(shared_desk, actor="Zhang Wei").close()
    assert not Path(f"{shared_desk}-wal").exists()
    lock_down(shared_desk)
    result = subprocess.run(
        ["runuser", "-u", leader_account, "--", PYTHON, "-c", READER, str(shared_desk)],
        input="count\n", capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.stdout.strip() == "error: attempt to write a readonly database"
