"""``dutyboard arrivals`` and ``dutyboard rollcall`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
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


# -- entering shipments (issue 18 #3) -------------------------------------------------------


def test_add_a_shipment_prints_its_id(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(env, actor="setup")
    lead = store.add_lead({"supplier": "Sister City Trading Co", "item": "masks"})
    store.close()
    argv = ["--db", str(env), "arrivals", "add", "--ref", "mu 2046", "--item", "KN95 masks"]
    argv += ["--quantity", "50,000 pcs", "--country", "日本", "--city", "Sendai"]
    argv += ["--eta", "2099-02-06 01:00", "--lead", "sister city", "--customs", "待清关"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("arrival #3 added: MU2046 · 50,000 pcs KN95 masks, ETA ")
    assert "(Fri 02:00 JST at origin)" in out  # the zone guessed from the country
    store = Store.open(env, readonly=True)
    row = arr.get_arrival(store, 3)
    store.close()
    assert (row["kind"], row["eta"], row["origin_tz"]) == (
        "shipment",
        "2099-02-05T17:00:00+00:00",  # desk time, Asia/Shanghai
        "Asia/Tokyo",
    )
    assert (row["lead_id"], row["customs"], row["unit"]) == (lead, "pending", "pcs")
    argv = ["--db", str(env), "arrivals", "add", "--kind", "person", "--name", "Ama Owusu"]
    assert main([*argv, "--ref", "ET684", "--country", "GH", "--eta", "+3h", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["id"] == 4 and payload["arrival"]["what"] == "Ama Owusu (ET684)"
    assert payload["arrival"]["origin_tz"] == "Africa/Accra"


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--item", "x", "--eta", "soon"], "--eta 'soon' is not a date and time I can read"),
        (["--item", "x", "--eta", "+1h", "--kind", "car"], "--kind 'car' is neither goods"),
        (["--eta", "+1h"], "a shipment needs --item (its contents) or --ref"),
        (["--kind", "person", "--eta", "+1h"], "a person needs --name"),
        (["--item", "x", "--eta", "+1h", "--quantity", "12x"], "--quantity '12x' is not a number"),
        (["--item", "x", "--eta", "+1h", "--country", "Narnia"], "is not a country I know"),
        (["--item", "x", "--eta", "+1h", "--permit", "maybe"], "is not a permit state"),
        (["--item", "x", "--eta", "+1h", "--lead", "99"], "--lead '99': no lead has"),
        (["--item", "x", "--eta", "+1h", "--zone", "Mars/Base"], "--zone 'Mars/Base'"),
    ],
)
def test_add_problems_are_one_line_and_write_nothing(
    env: Path, capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    assert main(["--db", str(env), "arrivals", "add", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutyboard: ") and said in err and err.count("\n") == 1, err
    store = Store.open(env, readonly=True)
    assert store._one("SELECT count(*) AS n FROM arrivals") == {"n": 2}
    store.close()


def test_a_leader_neither_adds_nor_imports(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", str(env), "--role", "leader", "arrivals"]
    assert main([*argv, "add", "--item", "masks", "--eta", "+1h"]) == 2
    assert "read-only (--role leader)" in capsys.readouterr().err
    file = tmp_path / "s.csv"
    file.write_text("物资,预计到达时间\n口罩,2099-01-01 10:00\n", "utf-8")
    assert main([*argv, "import", str(file)]) == 2
    assert "read-only (--role leader)" in capsys.readouterr().err
    store = Store.open(env, readonly=True)
    assert store._one("SELECT count(*) AS n FROM arrivals") == {"n": 2}
    store.close()


def test_import_shipments_csv_and_xlsx(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    file = tmp_path / "在途.csv"
    file.write_text(
        "运单号,物资,数量,起运国,预计到达时间,航权\n"
        "LH8400,防护服,5000,德国,2099-01-01 10:00,待批\n"
        ",手套,12x,日本,2099-01-01 11:00,\n",
        "utf-8",
    )
    assert main(["--db", str(env), "arrivals", "import", str(file)]) == 1  # a row quarantined
    out = capsys.readouterr().out
    assert out.strip().endswith("1 new, 0 updated, 0 unchanged, 1 quarantined (shipments)")
    assert main(["--db", str(env), "arrivals", "import", str(file), "--kind", "shipments"]) == 1
    assert "0 new, 0 updated, 1 unchanged, 1 quarantined" in capsys.readouterr().out
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["container", "contents", "qty", "origin country", "ETA", "customs"])
    sheet.append(["MSKU 1234567", "thermometers", 2000, "Sri Lanka", "2099-01-02 08:00", "pending"])
    book.save(tmp_path / "sea.xlsx")
    argv = ["--db", str(env), "arrivals", "import", str(tmp_path / "sea.xlsx")]
    assert main([*argv, "--kind", "shipments", "--source", "sea-freight"]) == 0
    assert "1 new" in capsys.readouterr().out
    store = Store.open(env, readonly=True)
    row = arr.by_external_id(
        store,
        "sea-freight",
        cast(dict[str, Any], store._one("SELECT external_id FROM arrivals WHERE id = 4"))[
            "external_id"
        ],
    )
    bad = store._one("SELECT source, reason FROM quarantine")
    store.close()
    assert (row["reference"], row["origin_tz"], row["customs"]) == (
        "MSKU 1234567",
        "Asia/Colombo",
        "pending",
    )
    assert bad == {"source": "shipments", "reason": "quantity '12x' is not a number"}


def test_import_refuses_a_file_of_another_kind_in_one_line(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    travellers = tmp_path / "申报.csv"
    travellers.write_text("姓名,航班号,出发国家,抵达时间\nAma Owusu,ET684,Ghana,2099-01-01 10:00\n")
    argv = ["--db", str(env), "arrivals", "import", str(travellers)]
    assert main([*argv, "--kind", "shipments"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "are a travellers file, not shipments" in err
    assert "--kind travellers" in err and "--force-kind" in err
    leads = tmp_path / "leads.csv"
    leads.write_text("供应商,物资,数量,单价,认证\nColombo Medical,gloves,1000,0.8,CE\n")
    assert main(["--db", str(env), "arrivals", "import", str(leads)]) == 2
    assert "are a leads file, not arrivals; import it with `dutyboard ingest --kind leads`" in (
        capsys.readouterr().err
    )
    assert main([*argv, "--force-kind"]) == 2
    assert "--force-kind needs --kind" in capsys.readouterr().err
    assert main([*argv, "--kind", "shipments", "--force-kind"]) == 0  # as asked: a flight
    assert "1 new, 0 updated, 0 unchanged, 0 quarantined (shipments)" in capsys.readouterr().out
    assert main(argv) == 0  # by its columns: travellers
    assert "1 new" in capsys.readouterr().out
