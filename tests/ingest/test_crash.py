"""SIGKILL at random points: the database stays sound and each file is fully in or out.

Bounded: 12 kills of ``dutyboard ingest`` on files of 2,000 rows and 3 kills of
``dutyboard collect --once``, each process waited for at most 20 s.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

ROWS = 2000
KILLS = 12
COLLECTOR_KILLS = 3

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def write_file(path: Path, tag: str) -> None:
    lines = ["编号,单位名称,物资名称,数量,备注"]
    lines += [f"{tag}-{n},第{n % 14 + 1}单位,口罩,{n + 1},{tag}" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def env() -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DUTYBOARD")}
    # The tests' own log and state files (tests/conftest.py), never the home folder.
    kept = ("DUTYBOARD_LOG", "DUTYBOARD_STATE")
    clean.update({k: os.environ[k] for k in kept if k in os.environ})
    clean["PYTHONPATH"] = str(REPO)
    return clean


def command(tmp_path: Path, *args: str) -> list[str]:
    config = tmp_path / "config.toml"
    return [
        sys.executable,
        "-m",
        "dutyboard",
        "--db",
        str(tmp_path / "duty.db"),
        "--create",
        "--config",
        str(config),
        *args,
    ]


def kill_at(cmd: list[str], delay: float) -> int:
    process = subprocess.Popen(
        cmd, env=env(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=20)


def has_schema(conn: sqlite3.Connection) -> bool:
    """A SIGKILL during the first run's migration leaves an empty file: all or nothing."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('requests', 'leases')"
    ).fetchone()[0]
    return bool(found == 2)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def file_state(db: Path, tag: str, location: str) -> tuple[int, list[tuple[int, str]]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        if not has_schema(conn):
            return 0, []  # killed while the very first run was creating the schema
        rows = conn.execute(
            "SELECT count(*) FROM requests WHERE external_id LIKE ?", (f"{tag}-%",)
        ).fetchone()[0]
        runs = conn.execute(
            "SELECT rows_added, result FROM ingest_runs WHERE location = ? AND rows_added > 0",
            (location,),
        ).fetchall()
        return int(rows), [tuple(run) for run in runs]
    finally:
        conn.close()


def test_sigkill_during_ingest_leaves_each_file_fully_in_or_out(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[desk]\ntimezone = "Asia/Shanghai"\n')
    db = tmp_path / "duty.db"
    rng = random.Random(os.getpid())
    files = []
    for index in range(KILLS):
        path = tmp_path / f"needs-{index:02d}.csv"
        write_file(path, f"F{index}")
        files.append(path)

    # The first run is not killed: it creates the database and says how long a run takes.
    started = time.monotonic()
    assert kill_at(command(tmp_path, "ingest", "--kind", "requests", str(files[0])), 30) == 0
    duration = time.monotonic() - started

    outcomes = {"in": 1, "out": 0, "killed": 0}
    for index, path in enumerate(files[1:], 1):
        delay = rng.uniform(0.0, duration * 1.1)
        code = kill_at(command(tmp_path, "ingest", "--kind", "requests", str(path)), delay)
        if code == -signal.SIGKILL:
            outcomes["killed"] += 1
        assert integrity(db) == "ok", f"after a kill at {delay:.3f} s"
        rows, runs = file_state(db, f"F{index}", str(path.resolve()))
        assert rows in (0, ROWS), f"file {index} half in: {rows} rows (kill at {delay:.3f} s)"
        assert runs == ([(ROWS, "ok")] if rows else []), f"file {index}: runs {runs}"
        outcomes["in" if rows else "out"] += 1
    assert outcomes["killed"] >= 1, outcomes

    # Everything earlier is still whole; one more run brings in what was left out.
    result = subprocess.run(
        command(tmp_path, "ingest", "--kind", "requests", *map(str, files)),
        env=env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == KILLS
    assert sum(f"{ROWS} unchanged" in line for line in lines) == outcomes["in"]
    assert sum(f"{ROWS} new" in line for line in lines) == outcomes["out"]
    for index, path in enumerate(files):
        rows, runs = file_state(db, f"F{index}", str(path.resolve()))
        assert rows == ROWS and runs == [(ROWS, "ok")]
    assert integrity(db) == "ok"


def wait_for_lease(db: Path) -> None:
    """A killed collector leaves its lease (1 s here); wait until it has expired."""
    if not db.exists():
        return
    conn = sqlite3.connect(db, timeout=10)
    try:
        held = conn.execute("SELECT count(*) FROM leases").fetchone()[0] if has_schema(conn) else 0
    finally:
        conn.close()
    if held:
        time.sleep(1.1)


def test_sigkill_during_collect_leaves_the_file_in_the_inbox(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "config.toml").write_text(
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\n'
        f'path = "{inbox}"\nsettle_seconds = 0\n',
        encoding="utf-8",
    )
    db = tmp_path / "duty.db"
    rng = random.Random(os.getpid() + 1)
    collect = command(tmp_path, "collect", "--once", "--lease-seconds", "1")
    for attempt in range(COLLECTOR_KILLS):
        path = inbox / f"needs-{attempt}.csv"
        write_file(path, f"C{attempt}")
        wait_for_lease(db)
        kill_at(collect, rng.uniform(0.1, 1.0))
        if db.exists():
            assert integrity(db) == "ok"
            rows, runs = file_state(db, f"C{attempt}", str(path))
            assert rows in (0, ROWS) and len(runs) == (1 if rows else 0)
            if rows == 0:
                assert path.exists()  # not in yet, so not moved
        if path.exists():  # killed before the move: the next run picks it up again
            wait_for_lease(db)
            result = subprocess.run(collect, env=env(), cwd=REPO, capture_output=True, timeout=60)
            assert result.returncode == 0, result.stderr
        assert not path.exists()
        rows, runs = file_state(db, f"C{attempt}", str(path))
        assert rows == ROWS and runs == [(ROWS, "ok")]
        assert (inbox / "processed" / path.name).exists()
    assert integrity(db) == "ok"
