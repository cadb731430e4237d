"""``dutyboard arrivals`` and ``dutyboard rollcall`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dutyboard.cli import main
from dutyboard.domain.clock import to_iso, utcnow
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[desk]\ntimezone = "Asia/Shanghai"\nuser = "Zhang Wei"\n')
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(config))
    db = tmp_path / "desk.db"
    store = Store.open(db, actor="setup")
    now = utcnow()
    arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "CZ8421",
            "item": "medical masks",
            "quantity": 1_900_000,
            "unit": "pcs",
            "origin_country": "HU",
            "eta": to_iso(now + timedelta(hours=2)),
            "permit": "pending",
        },
    )
    arr.add_arrival(
        store,
        {
            "kind": "traveller",
            "traveller": "李明",
            "reference": "CA934",
            "origin_country": "FR",
            "eta": to_iso(now - timedelta(minutes=30)),
        },
    )
    rc.sync_units(
        store,
        [
            UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school"),
            UnitSpec("German School Changchun", parse_rule("daily by 00:00"), "school"),
        ],
    )
    store.close()
    return db


def test_arrivals_as_text_and_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(env), "arrivals"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Arrivals, next 24 h")
    assert "1 in the next 3 h · 1 overdue" in out
    late = next(line for line in out.splitlines() if "李明" in line)
    assert "LATE expected" in late and "CA934" in late
    assert "permit pending" in out
    assert main(["--db", str(env), "arrivals", "--json", "--kind", "shipment"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["schema"] == 1 and payload["timezone"] == "Asia/Shanghai"
    [shipment] = payload["arrivals"]
    assert shipment["what"] == "CZ8421 · 1,900,000 pcs medical masks"
    assert shipment["holdups"] == ["permit pending"] and shipment["overdue"] is False
    assert shipment["eta_origin"].endswith(("CET", "CEST"))


def test_import_declarations_twice(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eta = "2099-01-01 10:00"
    file = tmp_path / "申报.csv"
    file.write_text(f"姓名,航班号,出发国家,抵达时间\nAma Owusu,ET684,Ghana,{eta}\n", "utf-8")
    assert main(["--db", str(env), "arrivals", "import", str(file)]) == 0
    assert capsys.readouterr().out.strip().endswith("1 new, 0 updated, 0 unchanged, 0 quarantined")
    assert main(["--db", str(env), "arrivals", "import", str(file)]) == 0
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out
    file.write_text("姓名,抵达时间\nNo Time,whenever\n", "utf-8")
    assert main(["--db", str(env), "arrivals", "import", str(file)]) == 1  # quarantined
    assert main(["--db", str(env), "arrivals", "import", str(tmp_path / "none.csv")]) == 2
    assert "none.csv: no such file" in capsys.readouterr().err


def test_rollcall_mark_then_json_and_history(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(env), "rollcall"]) == 0
    out = capsys.readouterr().out
    assert "MISSING   German School Changchun" in out  # a 00:00 deadline has always passed
    assert main(["--db", str(env), "rollcall", "mark", "german", "--note", "by phone"]) == 0
    assert capsys.readouterr().out.startswith("German School Changchun: late for ")
    assert main(["--db", str(env), "rollcall", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    units = {u["unit"]: u for u in payload["units"]}
    assert units["German School Changchun"]["state"] == "late"
    assert units["German School Changchun"]["by"] == "manual"
    assert units["German School Changchun"]["note"] == "by phone"
    assert payload["counts"]["late"] == 1
    assert main(["--db", str(env), "rollcall", "history", "German School", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert history["streak"] == 1 and history["periods"][-1]["state"] == "late"


def test_problems_are_one_line_and_exit_2(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(env), "rollcall", "mark", "Harbin"]) == 2
    assert capsys.readouterr().err == "dutyboard: no reporting unit is called 'Harbin'\n"
    assert main(["--db", str(env.parent / "missing.db"), "arrivals"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["--db", str(env), "rollcall", "sync"]) == 2
    assert "no units configured" in capsys.readouterr().err


def test_help_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "rollcall", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "usage: dutyboard rollcall" in result.stdout


def test_rollcall_dates_as_people_type_them(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Night, should-work: `--date yesterday` (and today, -1) were refused."""
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    for word, day in (("yesterday", today - timedelta(days=1)), ("-2", today - timedelta(2))):
        assert main(["--db", str(env), "rollcall", "--date", word, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["date"] == day.isoformat()
    assert main(["--db", str(env), "rollcall", "--date", "today"]) == 0
    capsys.readouterr()
    assert main(["--db", str(env), "rollcall", "--date", "5 Feb"]) == 2
    assert "'5 Feb' is not a day like 2020-02-03 (or 'today', 'yesterday'" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("hours", ["nan", "inf", "1e308", "-1"])
def test_hours_out_of_range_are_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], hours: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(env), "arrivals", "--hours", hours])
    assert exit_.value.code == 2
    assert "hours must be between 0 and 336" in capsys.readouterr().err
