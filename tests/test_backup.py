"""Backups of a live database, and the check command."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutyboard.demo import build_demo
from dutyboard.store import Store, StoreError
from dutyboard.store.backup import backup
from tests.conftest import FIXED_NOW

WRITER = """
import sys, time
from dutyboard.store import Store
s = Store.open(sys.argv[1], actor="writer")
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    s.add_request({"org": f"unit {n}", "item": "masks", "quantity": n})
    n += 1
print(n)
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def test_backup_while_another_process_writes(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    build_demo(db, now=FIXED_NOW)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "3"], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    copies = []
    for i in range(3):
        copies.append(backup(db, tmp_path / f"copy{i}.db"))
        time.sleep(0.3)
    out, _ = writer.communicate(timeout=30)
    assert int(out) > 0
    for result in copies:
        conn = sqlite3.connect(result.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute("SELECT count(*) FROM requests").fetchone()[0] == result.counts["requests"]
        )
        # Every request in the copy has its 'create' event: the copy is one snapshot.
        missing = conn.execute(
            "SELECT count(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM events e "
            "WHERE e.entity = 'request' AND e.entity_id = r.id AND e.action = 'create')"
        ).fetchone()[0]
        assert missing == 0
        assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
        conn.close()
    assert copies[0].counts["requests"] <= copies[-1].counts["requests"]
    # The copy opens as a dutyboard database, read-only too.
    Store.open(copies[-1].path, readonly=True).close()


def test_backup_errors_are_clear_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        backup(tmp_path / "none.db", tmp_path / "b.db")
    db = tmp_path / "x.db"
    Store.open(db).close()
    with pytest.raises(StoreError, match="is a folder"):
        backup(db, tmp_path)
    with pytest.raises(StoreError, match=r"folder .* does not exist"):
        backup(db, tmp_path / "no" / "b.db")
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_and_check_commands(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    build_demo(db, now=FIXED_NOW)
    result = run_cli("backup", "--db", str(db), str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout and "240 requests" in result.stdout
    check = run_cli("check", "--db", str(tmp_path / "b.db"))
    assert check.returncode == 0
    assert "integrity: ok" in check.stdout and "collector: no lease" in check.stdout
    assert "wal:" in check.stdout


def test_check_reports_a_corrupt_file(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    build_demo(db, now=FIXED_NOW)
    data = bytearray(db.read_bytes())
    # Scribble over the middle of the file (table pages), keeping the header valid.
    for i in range(8192, min(len(data), 8192 + 4096)):
        data[i] = 0xFF
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = run_cli("check", "--db", str(db))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_backup_compares_every_table_and_refuses_what_is_no_desk(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    build_demo(db, now=FIXED_NOW)
    result = backup(db, tmp_path / "b.db")
    conn = sqlite3.connect(db)
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    }
    conn.close()
    # Every table is counted in the source's snapshot and in the copy, not a chosen few.
    assert set(result.counts) == tables
    assert {"arrivals", "roll_calls", "lead_requests", "leases"} <= set(result.counts)
    assert result.counts["requests"] == 240
    # Another program's database and a file with nothing in it are refused, not "verified".
    other = tmp_path / "notes.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE notes (body TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="is not a dutyboard desk"):
        backup(other, tmp_path / "o.db")
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError, match="holds no desk yet"):
        backup(empty, tmp_path / "e.db")
    assert not (tmp_path / "o.db").exists() and not (tmp_path / "e.db").exists()
    assert not list(tmp_path.glob(".*.partial"))
