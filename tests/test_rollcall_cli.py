"""``dutyboard rollcall`` should-works (issue 18), as a user runs them: a day before a
unit was listed, a mark with no note, and a sync over the demo's units."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dutyboard import i18n
from dutyboard.cli import main
from dutyboard.domain.clock import utcnow
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.store import Store
from dutyboard.store import rollcall as rc
from tests.conftest import REPO

CONFIG = """\
[desk]
timezone = "Asia/Shanghai"
user = "Zhang Wei"

[[rollcall.units]]
name = "Jilin University"
rule = "daily by 17:00"
kind = "school"

[[rollcall.units]]
name = "Changchun Foreign Experts Bureau"
rule = "daily by 16:00"
"""


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[desk]\ntimezone = "Asia/Shanghai"\nuser = "Zhang Wei"\n')
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(config))
    db = tmp_path / "desk.db"
    store = Store.open(db, actor="setup")
    rc.sync_units(store, [UnitSpec("German School Changchun", parse_rule("daily by 00:00"))])
    store.close()
    return db


def test_days_before_the_unit_was_listed_say_not_yet(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert main(["--db", str(desk), "rollcall", "--date", "-3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["units"] == [] and payload["counts"]["missing"] == 0
    [unit] = payload["not_yet_on_roll"]
    assert unit["unit"] == "German School Changchun" and unit["first_due"] == today.isoformat()
    assert main(["--db", str(desk), "rollcall", "--date", "-3"]) == 0
    out = capsys.readouterr().out
    assert "0 missing" in out and "MISSING" not in out
    assert "not yet on the roll" in out and f"first report due {today.isoformat()}" in out
    # Today it owes (a 00:00 deadline has always passed).
    assert main(["--db", str(desk), "rollcall"]) == 0
    assert "MISSING   German School Changchun" in capsys.readouterr().out


def test_a_mark_without_a_note_is_by_phone(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(desk), "rollcall", "mark", "german"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("— by phone")
    assert main(["--db", str(desk), "rollcall", "--json"]) == 0
    [unit] = json.loads(capsys.readouterr().out)["units"]
    assert (unit["by"], unit["note"]) == ("manual", "by phone")


def test_sync_replaces_the_demo_units_in_a_real_process(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "demo.db"
    env = {**os.environ, "DUTYBOARD_CONFIG": str(config), "DUTYBOARD_LANG": "en"}
    env["PYTHONPATH"] = str(REPO)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dutyboard", "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )

    made = run("demo")
    assert made.returncode == 0, made.stderr
    store = Store.open(db, readonly=True)
    try:
        reports = len(store._all("SELECT id FROM roll_calls"))
    finally:
        store.close()
    synced = run("rollcall", "sync")
    assert synced.returncode == 0, synced.stderr
    lines = synced.stdout.splitlines()
    assert lines[0].startswith("2 units configured, ")
    assert lines[1] == (
        f"replaced the demo's 14 units and their {reports} reports with the configured"
    )
    listed = run("rollcall", "--json")
    names = sorted(u["unit"] for u in json.loads(listed.stdout)["units"])
    assert names == ["Changchun Foreign Experts Bureau", "Jilin University"]
    # A unit configured before and dropped from the config later is named, not removed.
    config.write_text(CONFIG.rsplit("\n[[rollcall.units]]", 1)[0] + "\n", encoding="utf-8")
    again = run("rollcall", "sync")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[1] == (
        "deactivated, no longer configured (their history stays): Changchun Foreign Experts Bureau"
    )
    store = Store.open(db, readonly=True)
    try:
        assert {u.name for u in rc.units(store, active_only=False)} == set(names)
    finally:
        store.close()


def test_the_new_lines_are_in_chinese_too(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYBOARD_LANG", "en")  # set_language writes it: put back after
    try:
        assert main(["--db", str(desk), "--lang", "zh_CN", "rollcall", "--date", "-1"]) == 0
    finally:
        i18n.set_language("en")
    out = capsys.readouterr().out
    assert "尚未列入点名" in out and "首次报送日" in out
