"""Failed imports are visible and can be acted on (issue 18 #2), end to end.

A real drop folder holding an unreadable workbook (an xlsx cut short) and a CSV
with bad rows, read by a real ``dutyboard collect --once``; then ``status`` (text and
JSON), ``check`` and ``dutyboard quarantine list|show|retry|discard`` as subprocesses,
the way an officer or a leader runs them. Nothing is mocked.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from dutyboard.store.connection import sqlite_uri
from tests.conftest import UNREADABLE_XLSX
from tests.reliability.conftest import cli

BROKEN_XLSX = UNREADABLE_XLSX
# Row 3: a quantity that is not a number; row 4: no requesting unit; row 5: a hostile
# unit name (an escape sequence, markup-looking brackets).
BAD_CSV = (
    "org,item,quantity\n"
    "Jilin University,KN95 masks,2000\n"
    "No. 3 Hospital,gloves,12x\n"
    ",goggles,50\n"
    "[bold]Evil\x1b]52;c;cm0gLXJmIH4=\x07 Unit[/bold],masks,abc\n"
)
CLEAN_CSV = "org,item,quantity\nChangchun Red Cross,thermometers,40\n"
OFFICE_CSV = (
    "Requesting office,item,quantity\nJilin University,KN95 masks,2000\nNo. 3 Hospital,gloves,500\n"
)


def config_text(inbox: Path, mapping: str = "") -> str:
    return (
        '[desk]\ntimezone = "Asia/Shanghai"\nuser = "Zhang Wei"\n\n'
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\n'
        f'path = "{inbox}"\nzone = "Asia/Shanghai"\nsettle_seconds = 0.05\n{mapping}'
    )


class Desk:
    """A desk, its config and its drop folder, driven through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "desk.db"
        self.inbox = root / "inbox"
        self.inbox.mkdir()
        self.config = root / "config.toml"
        self.config.write_text(config_text(self.inbox), encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli("--db", str(self.db), "--config", str(self.config), *args)

    def ok(self, *args: str, code: int = 0) -> str:
        result = self.run(*args)
        assert result.returncode == code, (args, result.returncode, result.stderr[-3000:])
        assert "Traceback" not in result.stderr
        return result.stdout

    def collect(self, code: int = 1) -> str:
        result = self.run("--create", "collect", "--once")
        assert result.returncode == code, result.stderr[-3000:]
        return result.stderr

    def query(self, sql: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(sqlite_uri(self.db, mode="ro"), uri=True)
        try:
            return [tuple(row) for row in conn.execute(sql)]
        finally:
            conn.close()

    def drop(self, name: str, data: bytes | str) -> None:
        path = self.inbox / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)


def one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dutyboard: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


@pytest.fixture
def failed(desk: Desk) -> Desk:
    """After the night's first pass: a broken workbook and a CSV with three bad rows."""
    desk.drop("broken.xlsx", BROKEN_XLSX.read_bytes())
    desk.drop("needs.csv", BAD_CSV)
    desk.collect(code=1)
    return desk


def test_a_failed_pass_is_failing_everywhere(failed: Desk) -> None:
    # status, text: the source is failing with its last error, and the quarantine is counted.
    text = failed.ok("status")
    assert "Sources: 1 failing" in text
    assert "  units " in text and "needs.csv: 3 rows quarantined" in text
    assert "Quarantine: 4 open rows" in text
    assert "\x1b" not in text and "\x07" not in text
    # status, JSON: the same, per source and in all.
    data = json.loads(failed.ok("status", "--json"))
    (source,) = data["sources"]
    assert source["name"] == "units" and source["state"] == "error"
    assert source["failing_since"] and source["quarantine_open"] == 4
    assert "quarantined" in source["last_error"]
    assert data["quarantine"]["open"] == 4 and data["quarantine"]["by_source"] == {"units": 4}
    # check: warnings, not a failed integrity check.
    checked = failed.ok("check")
    assert "integrity: ok" in checked
    assert "warning:   source units failing since" in checked
    assert "warning:   4 quarantine rows open (dutyboard quarantine list)" in checked
    # The collector's later scans (nothing new in the folder) do not clear it.
    failed.collect(code=0)
    assert json.loads(failed.ok("status", "--json"))["sources"][0]["state"] == "error"


def test_list_and_show_the_quarantine(failed: Desk) -> None:
    lines = failed.ok("quarantine", "list").splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("#4 open ")  # newest first
    assert any("broken.xlsx whole file:" in line and "cannot be opened" in line for line in lines)
    assert any(
        "needs.csv row 3, quantity: quantity '12x' is not a number" in line for line in lines
    )
    assert any("needs.csv row 4: missing required field org" in line for line in lines)
    assert all("\x1b" not in line and "\x07" not in line for line in lines)
    listed = json.loads(failed.ok("quarantine", "list", "--json"))
    assert listed["open"] == 4 and [row["id"] for row in listed["rows"]] == [4, 3, 2, 1]
    assert listed["more"] is False

    hostile = next(row for row in listed["rows"] if row["row_number"] == 5)
    shown = failed.ok("quarantine", "show", str(hostile["id"]))
    assert "reason:   quantity 'abc' is not a number" in shown
    # The original text, sanitised: brackets stay literal, the OSC 52 payload is gone.
    assert "[bold]Evil Unit[/bold],masks,abc" in shown
    assert "\x1b" not in shown and "\x07" not in shown and "52;c;" not in shown
    assert "encoding utf-8; sha256 " in shown
    workbook = next(row for row in listed["rows"] if row["row_number"] is None)
    shown = failed.ok("quarantine", "show", str(workbook["id"]))
    assert f"bytes:    {BROKEN_XLSX.stat().st_size:,} kept" in shown
    assert "original: binary" in shown
    # The bytes kept are the file's, once per content.
    size = failed.query("SELECT length(data) FROM original_files WHERE name = 'broken.xlsx'")
    assert size == [(BROKEN_XLSX.stat().st_size,)]
    # A leader reads the quarantine too (read-only), and cannot change it.
    assert len(failed.ok("--role", "leader", "quarantine", "list").splitlines()) == 4
    one_line_error(
        failed.run("--role", "leader", "quarantine", "discard", "1", "--reason", "x"),
        "read-only",
    )


def test_retry_after_a_mapping_change_imports_the_rows(desk: Desk) -> None:
    desk.drop("office.csv", OFFICE_CSV)
    desk.collect(code=1)
    assert desk.query("SELECT count(*) FROM requests") == [(0,)]
    assert json.loads(desk.ok("status", "--json"))["sources"][0]["state"] == "error"
    # The officer maps the column the file calls "Requesting office", and retries.
    desk.config.write_text(
        config_text(desk.inbox, 'mapping = { "Requesting office" = "org" }\n'), encoding="utf-8"
    )
    out = desk.ok("quarantine", "retry", "--source", "units")
    assert "office.csv (units, 2 open rows): run #2: 2 new, 0 updated" in out
    assert desk.query("SELECT org, item, quantity FROM requests ORDER BY id") == [
        ("Jilin University", "KN95 masks", 2000),
        ("No. 3 Hospital", "gloves", 500),
    ]
    assert desk.query("SELECT state, retry_run_id, resolved_by FROM quarantine") == [
        ("retried", 2, "Zhang Wei"),
        ("retried", 2, "Zhang Wei"),
    ]
    assert desk.query(
        "SELECT entity_id, action FROM events WHERE entity = 'quarantine' ORDER BY id"
    ) == [(1, "retry"), (2, "retry")]
    # Nothing open any more, so the source is no longer failing.
    data = json.loads(desk.ok("status", "--json"))
    assert data["sources"][0]["state"] == "ok" and data["quarantine"]["open"] == 0
    assert desk.ok("quarantine", "list") == ""
    # Nothing left to retry: one line, exit 2.
    one_line_error(desk.run("quarantine", "retry", "1"), "#1 is retried already")


def test_retry_keeps_rows_still_bad_open_in_the_new_run(failed: Desk) -> None:
    row = failed.query("SELECT id FROM quarantine WHERE row_number = 3")[0][0]
    result = failed.run("quarantine", "retry", str(row))
    assert result.returncode == 1, result.stderr  # rows still bad
    assert (
        "needs.csv (units, 3 open rows): run #3: 0 new, 0 updated, 1 unchanged, 3 quarantined"
        in (result.stdout)
    )
    states = failed.query("SELECT run_id, row_number, state FROM quarantine ORDER BY id")
    assert [s for s in states if s[0] == 2] == [
        (2, 3, "retried"),
        (2, 4, "retried"),
        (2, 5, "retried"),
    ]
    assert sorted(int(str(s[1])) for s in states if s[0] == 3 and s[2] == "open") == [3, 4, 5]
    assert failed.query("SELECT count(*) FROM requests") == [(1,)]  # nothing doubled
    assert json.loads(failed.ok("status", "--json"))["sources"][0]["state"] == "error"


def test_discard_needs_a_reason_and_the_last_one_clears_the_source(failed: Desk) -> None:
    one_line_error(failed.run("quarantine", "discard", "1"), "say why")
    one_line_error(failed.run("quarantine", "discard", "99", "--reason", "x"), "#99 does not exist")
    out = failed.ok("quarantine", "discard", "1", "2", "--reason", "old workbook; resent")
    assert out.startswith("discarded 2 rows (#1, #2): old workbook; resent")
    one_line_error(failed.run("quarantine", "discard", "1", "--reason", "x"), "#1 is discarded")
    assert json.loads(failed.ok("status", "--json"))["sources"][0]["state"] == "error"
    failed.ok("quarantine", "discard", "3", "4", "--reason", "the unit phoned them in")
    assert failed.query(
        "SELECT action, actor, after FROM events WHERE entity = 'quarantine' ORDER BY id"
    )[0] == ("discard", "Zhang Wei", '{"reason":"old workbook; resent","state":"discarded"}')
    data = json.loads(failed.ok("status", "--json"))
    assert data["sources"][0]["state"] == "ok" and data["quarantine"]["open"] == 0
    assert "warning:" not in failed.ok("check")
    assert len(failed.ok("quarantine", "list", "--all").splitlines()) == 4
    # The same bytes dropped again do not bring the discarded rows (or the failure) back.
    failed.drop("needs.csv", BAD_CSV)
    failed.collect(code=1)
    assert json.loads(failed.ok("status", "--json"))["sources"][0]["state"] == "ok"


def test_a_later_clean_file_clears_the_failure(failed: Desk) -> None:
    failed.drop("more.csv", CLEAN_CSV)
    failed.collect(code=0)
    data = json.loads(failed.ok("status", "--json"))
    assert data["sources"][0]["state"] == "ok"
    assert data["quarantine"]["open"] == 4  # still there to be dealt with, counted


def test_command_line_imports_count_too(desk: Desk) -> None:
    bad = desk.root / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = desk.run("--create", "ingest", "--kind", "requests", str(bad))
    assert result.returncode == 1
    data = json.loads(desk.ok("status", "--json"))
    cli_source = next(s for s in data["sources"] if s["name"] == "cli")
    assert cli_source["state"] == "error" and cli_source["quarantine_open"] == 3
    good = desk.root / "good.csv"
    good.write_text(CLEAN_CSV, encoding="utf-8")
    desk.ok("ingest", "--kind", "requests", str(good))
    data = json.loads(desk.ok("status", "--json"))
    assert next(s for s in data["sources"] if s["name"] == "cli")["state"] == "ok"


def test_usage_errors_are_one_line(failed: Desk) -> None:
    one_line_error(failed.run("quarantine", "retry"), "say what to retry")
    one_line_error(failed.run("quarantine", "retry", "--file", "zz"), "SHA-256")
    one_line_error(failed.run("quarantine", "retry", "--file", "00000000"), "no open quarantine")
    one_line_error(failed.run("quarantine", "show", "42"), "#42 does not exist")
