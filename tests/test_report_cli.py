"""``dutyboard report``, ``dutyboard export`` and ``dutyboard supplies`` as a user runs them."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dutyboard import config as config_module
from dutyboard import i18n
from dutyboard.cli import main
from dutyboard.ingest.parse import parse_file
from dutyboard.locale import zh_CN_supplies
from dutyboard.store import Store

CONFIG = '[desk]\nname = "Jilin FAO"\ntimezone = "Asia/Shanghai"\n'


@pytest.fixture(autouse=True)
def language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """English unless a test asks; this feature's Chinese available either way."""
    catalog = i18n._CATALOGS["zh_CN"]
    for key, value in zh_CN_supplies.MESSAGES.items():
        if key not in catalog:
            monkeypatch.setitem(catalog, key, value)
    monkeypatch.delenv("DUTYBOARD_LANG", raising=False)
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    # The test folder is the desk's export folder: exports land there without --force.
    path.write_text(CONFIG + f'[display]\nexport_dir = "{tmp_path}"\n', encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, cfg: Path) -> Path:
    path = tmp_path / "desk.db"
    store = Store.open(path, actor="Zhang Wei")
    rid = store.add_request(
        {
            "org": "Jilin University",
            "item": "KN95 masks",
            "quantity": 1_000,
            "unit": "pcs",
            "priority": "urgent",
            "phone": "+86 431 8516 6000",
        }
    )
    store.add_request({"org": "=cmd|' /C calc'!A0", "item": "goggles", "quantity": 20})
    store.close()
    assert rid == 1
    return path


def cli(cfg: Path, db: Path, *args: str) -> int:
    command, rest = args[0], args[1:]
    if command in ("supplies",):
        return main(["--config", str(cfg), command, rest[0], "--db", str(db), *rest[1:]])
    return main(["--config", str(cfg), command, "--db", str(db), *rest])


def test_supplies_commands_then_tally(
    cfg: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(cfg, db, "supplies", "receive", "医用外科口罩", "5万", "只", "--from", "Sendai") == 0
    assert "supply #1 recorded: 50,000 只 医用外科口罩 received" in capsys.readouterr().out
    gloves = ["nitrile gloves", "40 boxes", "--kind", "purchase", "--from", "Colombo"]
    assert cli(cfg, db, "supplies", "receive", *gloves, "--amount", "$1,800") == 0
    assert cli(cfg, db, "supplies", "funds", "13,500,000", "CNY", "--from", "Hunan FOC") == 0
    assert cli(cfg, db, "supplies", "distribute", "--request", "1", "10", "boxes") == 0
    assert "request #1 is partially fulfilled" in capsys.readouterr().out
    assert cli(cfg, db, "supplies", "distribute", "masks", "2,390", "--to", "14 units") == 0
    capsys.readouterr()
    assert cli(cfg, db, "supplies", "tally") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Category", "Received", "Distributed", "In", "stock", "Requested,",
                              "not", "met"]  # fmt: skip
    assert out[1].split() == ["masks", "(pcs)", "50,000", "2,890", "47,110", "500"]
    assert out[2].split() == ["gloves", "(pairs)", "2,000", "0", "2,000", "0"]
    assert "Funds received: ¥13,500,000.00" in out
    assert "Spent on purchases: $1,800.00" in out
    assert cli(cfg, db, "supplies", "tally", "--json") == 0
    assert '"CNY": "13500000"' in capsys.readouterr().out


def test_supplies_errors_are_one_line(
    cfg: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (("supplies", "receive", "masks"), "say what and how many"),
        (("supplies", "receive", "masks", "12x"), "quantity '12x' is not a number"),
        (("supplies", "distribute", "masks", "5"), "say who received them"),
        (("supplies", "distribute", "--request", "99", "5"), "request #99 does not exist"),
        (("supplies", "receive", "masks", "5", "--amount", "10"), "3-letter code"),
        (("supplies", "receive", "--lead", "1"), "lead #1 does not exist"),
        (("supplies", "funds", "0", "CNY"), "more than zero"),
    ]
    for args, message in cases:
        assert cli(cfg, db, *args) == 2, args
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (args, err)


def test_report_markdown_csv_xlsx_and_languages(
    cfg: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(cfg, db, "supplies", "receive", "医用外科口罩", "5万", "只", "--from", "Sendai",
               "--at", "2020-02-05 01:00") == 0, capsys.readouterr().err  # fmt: skip
    capsys.readouterr()
    assert cli(cfg, db, "report", "--date", "2020-02-05") == 0
    text = capsys.readouterr().out
    assert text.startswith("# Jilin FAO — daily report for Wednesday 5 February 2020")
    assert "| 01:00 | 医用外科口罩 | 50,000 | 只 | Sendai | donation |" in text
    assert cli(cfg, db, "report", "--date", "2020-02-05", "--lang", "zh_CN") == 0
    assert "2020年2月5日 星期三 日报" in capsys.readouterr().out
    i18n.set_language("en")
    assert cli(cfg, db, "report", "--date", "2020-02-05", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert ["What came in"] in rows
    out = tmp_path / "daily.xlsx"
    assert cli(cfg, db, "report", "--date", "2020-02-05", "--format", "xlsx", "--out",
               str(out), "--lang", "zh_CN") == 0  # fmt: skip
    assert "日报已写入" in capsys.readouterr().err
    assert load_workbook(out).sheetnames[0] == "概况"
    # --lang set the process's language (and $DUTYBOARD_LANG): the next runs are English
    # again only when told so, as the next process would be.
    i18n.set_language("en")
    for args, message in (
        (("report", "--date", "5 Feb"), "--date '5 Feb' is not a day"),
        (("report", "--format", "xlsx"), "needs --out FILE"),
    ):
        assert cli(cfg, db, *args) == 2
        assert message in capsys.readouterr().err


def test_export_formats_and_filters(
    cfg: Path, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hxl = tmp_path / "requests.csv"
    assert cli(cfg, db, "export", "requests", "--format", "hxl", "--out", str(hxl)) == 0
    assert "2 requests written to" in capsys.readouterr().err
    result = parse_file(hxl, "requests")
    assert [r.fields["org"] for r in result.rows] == ["Jilin University", "'=cmd|' /C calc'!A0"]
    assert result.rows[0].fields["phone"] == "+86 431 8516 6000"
    assert cli(cfg, db, "export", "requests", "--filter", "KN95", "--status", "new") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 2 and rows[0][1] == "Received at (Asia/Shanghai)"
    assert cli(cfg, db, "export", "requests", "--status", "fulfilled,closed") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # the header only
    xlsx = tmp_path / "leads.xlsx"
    assert cli(cfg, db, "export", "leads", "--format", "xlsx", "--out", str(xlsx)) == 0
    assert load_workbook(xlsx).active is not None
    assert cli(cfg, db, "export", "supplies", "--format", "hxl") == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("#meta+id,#date+reported")
    for args, message in (
        (("export", "leads", "--format", "hxl"), "HXL export is for requests and supplies"),
        (("export", "requests", "--status", "done"), "unknown requests status done"),
        (("export", "contacts", "--status", "new"), "contacts have no status"),
        (("export", "supplies", "--status", "new"), "use --direction"),
        (("export", "requests", "--format", "xlsx"), "needs --out FILE"),
        (("export", "requests", "--direction", "received"), "--direction is for supplies"),
    ):
        assert cli(cfg, db, *args) == 2, args
        assert message in capsys.readouterr().err


@pytest.mark.skipif(
    "supplies" not in getattr(config_module, "OTHER_SECTIONS", ()),
    reason="config.py does not yet let the [supplies] section through",
)
def test_unit_table_from_config(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "units.toml"
    cfg.write_text(CONFIG + '[supplies.units.masks]\ncarton = "2000 pcs"\n', encoding="utf-8")
    assert cli(cfg, db, "supplies", "receive", "KN95 masks", "3", "cartons", "--from", "x") == 0
    capsys.readouterr()
    assert cli(cfg, db, "supplies", "tally") == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["masks", "(pcs)", "6,000"]


def test_as_a_real_process(tmp_path: Path, cfg: Path, db: Path) -> None:
    env = {**os.environ, "DUTYBOARD_CONFIG": str(cfg), "DUTYBOARD_LANG": "en"}
    out = tmp_path / "daily.md"
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "report", "--db", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# Jilin FAO — daily report for ")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
