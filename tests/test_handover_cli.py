"""`dutyboard shift …` and `dutyboard handover …` as a user runs them: real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dutyboard.store import Store
from tests.conftest import FakeClock
from tests.store.test_handovers import build_desk


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def ok(*args: str) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def fails(*args: str) -> str:
    """The one line a person reads, after checking it is one line with exit 2."""
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dutyboard: "), result.stderr
    return lines[0]


@pytest.fixture
def desk_db(db_path: Path, clock: FakeClock) -> Path:
    store = Store.open(db_path, actor="seed", clock=clock)
    try:
        build_desk(store, clock)
    finally:
        store.close()
    return db_path


def test_every_subcommand_has_help() -> None:
    for args in (["shift"], ["shift", "start"], ["handover"], ["handover", "export"]):
        result = run(*args, "--help")
        assert result.returncode == 0 and "usage: dutyboard" in result.stdout


def test_shift_start_show_end(desk_db: Path) -> None:
    db = str(desk_db)
    assert ok("shift", "show", "--db", db).startswith("On duty: Li Na since Tue 04 Feb 17:00")
    out = ok("shift", "start", "--db", db, "--user", "Zhang Wei")
    assert out.strip().endswith("took over from Li Na (logged)")
    shown = ok("--db", db, "shift", "show")
    assert "On duty: Zhang Wei" in shown and "(took over from Li Na)" in shown
    assert fails("shift", "end", "--db", db, "--user", "Li Na") == (
        "dutyboard: Zhang Wei is on duty, not Li Na; to take the desk use `dutyboard shift start`"
    )
    assert "ended; nobody is on duty" in ok("--user", "Zhang Wei", "shift", "end", "--db", db)
    assert ok("shift", "show", "--db", db).strip() == "Nobody is on duty"
    assert fails("shift", "end", "--db", db, "--user", "Zhang Wei") == (
        "dutyboard: nobody is on duty: there is no shift to end"
    )


def test_handover_draft_sign_show_export_ack(desk_db: Path) -> None:
    db = str(desk_db)
    assert fails("handover", "show", "--db", db) == "dutyboard: there is no handover yet"
    assert fails("handover", "draft", "--db", db, "--user", "Zhang Wei").startswith(
        "dutyboard: Li Na is on duty: only they draft this shift's handover"
    )
    assert "draft handover #1: 4 items" in ok(
        "handover", "draft", "--db", db, "--user", "Li Na", "--notes", "Airport at 06:00"
    )
    shown = ok("handover", "show", "--db", db)
    assert shown.startswith("Handover #1: Li Na → ?\nState: draft\n")
    assert "Airport at 06:00" in shown and "New requests, most pressing first (2)" in shown
    assert "signed by Li Na" in ok("handover", "sign", "--db", db, "--user", "Li Na")
    assert fails("handover", "sign", "1", "--db", db, "--user", "Li Na") == (
        "dutyboard: handover #1 is signed: a signed handover is never edited; "
        "add an amendment instead"
    )
    markdown = ok("handover", "export", "--format", "md", "--db", db)
    assert markdown.startswith("## Handover #1: Li Na → ?\n\n- State: signed\n")
    assert "### Supplies received and distributed (0)" in markdown
    assert "- [ ] request #" in markdown and "> Airport at 06:00" in markdown
    assert fails("handover", "ack", "--db", db, "--user", "Li Na") == (
        "dutyboard: Li Na signed handover #1; the incoming officer acknowledges it"
    )
    acked = ok("handover", "ack", "--db", db, "--user", "Zhang Wei")
    assert "acknowledged by Zhang Wei: 4 items" in acked and "Zhang Wei is on duty" in acked
    assert "On duty: Zhang Wei" in ok("shift", "show", "--db", db)
    assert "amendment added" in ok("handover", "amend", "1", "Call moved to 07:00", "--db", db)
    text = ok("handover", "show", "--last", "--db", db)
    assert "State: acknowledged" in text and "Call moved to 07:00" in text
    assert re.search(r"^Acknowledged: \w{3} \d\d \w{3} \d\d:\d\d \(\d\d:\d\d UTC\) by Zhang Wei$",
                     text, re.MULTILINE)  # fmt: skip
    assert ok("handover", "export", "1", "--format", "text", "--db", db) == text
    listed = ok("handover", "list", "--search", "airport", "--db", db)
    assert listed.splitlines()[0].startswith("#1  Li Na → Zhang Wei  acknowledged")
    assert listed.splitlines()[-1] == "1 handover(s) matching 'airport'"
    assert fails("handover", "show", "7", "--db", db) == "dutyboard: handover #7 does not exist"


def test_read_only_commands_never_write(desk_db: Path) -> None:
    def events() -> int:
        store = Store.open(desk_db, readonly=True)
        try:
            return int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            store.close()

    before = events()
    assert "On duty: Li Na" in ok("shift", "show", "--db", str(desk_db))
    assert ok("handover", "list", "--db", str(desk_db)).strip() == "0 handover(s)"
    assert fails("handover", "export", "--db", str(desk_db)).endswith("no handover yet")
    assert events() == before


def test_errors_are_one_line(tmp_path: Path, desk_db: Path) -> None:
    missing = str(tmp_path / "missing.db")
    for args in (["shift", "show"], ["shift", "start"], ["handover", "export"]):
        assert fails(*args, "--db", missing) == (
            f"dutyboard: no desk at {missing} (the file does not exist): `dutyboard init` "
            "sets up a real desk, --create makes a new, empty one here, `dutyboard demo` a "
            "demo desk"
        )
    assert not Path(missing).exists()  # nothing was created on the way
    assert fails("handover", "sign", "--db", str(desk_db), "--user", "Li Na") == (
        "dutyboard: there is no draft handover to sign (dutyboard handover draft)"
    )
    assert fails("handover", "list", "--limit", "0", "--db", str(desk_db)) == (
        "dutyboard: --limit must be at least 1"
    )
