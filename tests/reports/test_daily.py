"""The daily report for a known database, in English and in Chinese, as Markdown, CSV and
xlsx; and every string of the supplies feature has its Chinese."""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dutyboard import i18n
from dutyboard.domain.supplies import CATEGORY_LABELS, RECEIVED_KINDS, UNIT_SPELLINGS
from dutyboard.locale import zh_CN, zh_CN_supplies
from dutyboard.reports import daily
from dutyboard.reports.export import COLUMNS
from dutyboard.store import Store
from dutyboard.store import supplies as s
from tests.conftest import REPO, FakeClock

DAY = date(2020, 2, 5)  # in Asia/Shanghai: 2020-02-04 16:00 → 02-05 16:00 UTC
HOSTILE = '=HYPERLINK("http://evil.example","x")'


def at(clock: FakeClock, hh: int, mm: int = 0, day: int = 4) -> str:
    clock.now = datetime(2020, 2, day, hh, mm, tzinfo=UTC)
    return clock.now.isoformat()


@pytest.fixture
def desk(store: Store, clock: FakeClock) -> Store:
    """A night on the desk, 2020-02-05 local (UTC+8); times below are UTC."""
    at(clock, 2)  # the day before: 10:00 local on the 4th
    s.record_received(store, "KN95 masks", 100, "boxes", kind="purchase", counterparty="Mumbai")
    gloves = store.add_request(
        {"org": "Erdao District Office", "item": "一次性手套", "quantity": 1_000, "unit": "只"}
    )
    lead = store.add_lead(
        {
            "supplier": "Karachi Surgical Co.",
            "item": "goggles",
            "quantity": 300,
            "unit": "副",
            "unit_price": 2.5,
            "currency": "USD",
        }
    )
    for stage in ("negotiating", "ordered", "in_transit"):
        store.set_lead_status(lead, stage)
    at(clock, 16, 5)  # 00:05 on the 5th
    store.start_shift("Zhang Wei")
    at(clock, 16, 30)
    s.record_funds(store, 5_000_000, "CNY", "Hunan overseas Chinese chambers of commerce")
    s.record_funds(store, 20_000, "USD", "Chinese Association of Ohio")
    at(clock, 17)  # 01:00: the sister city's masks land
    s.record_received(store, "医用外科口罩", 5, "万只", counterparty="Sendai (sister city)")
    at(clock, 17, 10)
    urgent = store.add_request(
        {
            "org": "Jilin University",
            "item": "KN95 masks",
            "quantity": 1_000,
            "unit": "pcs",
            "priority": "urgent",
            "due_by": "2020-02-05T02:00:00+00:00",
        }
    )
    at(clock, 18)
    s.fulfil_request(store, urgent, 10, "boxes")  # 500 of 1,000
    at(clock, 18, 30)
    s.receive_lead(store, lead)  # 300 goggles, $750
    at(clock, 18, 40)
    s.record_distributed(store, "surgical masks", 2_390, counterparty="Foreign experts | 14 units")
    s.record_distributed(store, "masks", 10, counterparty=HOSTILE)
    at(clock, 19)  # 03:00, the report is made
    assert gloves
    return store


@pytest.fixture
def report(desk: Store) -> daily.DailyReport:
    return daily.build_daily_report(desk, DAY, timezone="Asia/Shanghai", desk_name="Jilin FAO")


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Chinese for one test (with this feature's catalog, merged or not yet)."""
    catalog = i18n._CATALOGS["zh_CN"]
    for key, value in zh_CN_supplies.MESSAGES.items():
        if key not in catalog:
            monkeypatch.setitem(catalog, key, value)
    monkeypatch.delenv("DUTYBOARD_LANG", raising=False)
    previous = i18n.language()
    i18n.set_language("zh_CN")
    try:
        yield
    finally:
        i18n.set_language(previous)


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("DUTYBOARD_LANG", raising=False)
    previous = i18n.language()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(previous)


def test_the_model(report: daily.DailyReport) -> None:
    assert (report.start, report.end) == ("2020-02-04T16:00:00+00:00", "2020-02-05T16:00:00+00:00")
    came_in = {(m.category, m.unit): (m.quantity, m.entries) for m in report.came_in}
    assert came_in == {("masks", "pcs"): (50_000, 1), ("goggles", "pcs"): (300, 1)}
    assert [(m.currency, str(m.amount)) for m in report.funds_in] == [
        ("CNY", "5000000"),
        ("USD", "20000"),
    ]
    went_out = {(m.category, m.unit): (m.quantity, m.entries) for m in report.went_out}
    assert went_out == {("masks", "pcs"): (500 + 2_390 + 10, 3)}
    assert report.received_count == 4 and report.distributed_count == 3
    totals = {t.category: (t.received, t.distributed, t.in_stock, t.unmet) for t in report.totals}
    assert totals["masks"] == (55_000, 2_900, 52_100, 500)  # the day before's 5,000 too
    assert totals["gloves"] == (0, 0, 0, 500)  # 1,000 只 asked = 500 pairs
    assert totals["goggles"] == (300, 0, 300, 0)
    assert (report.requests_new, report.open_requests, report.open_urgent) == (1, 2, 1)
    assert report.requests_moved == {
        "acknowledged": 1,
        "in_progress": 1,
        "partially_fulfilled": 1,
    }
    assert [n.id for n in report.needs] == [2, 1]  # urgent first
    assert report.needs[0].outstanding == 500 and report.needs[0].unit == "pcs"
    assert report.leads_by_status == {"received": 1}
    assert report.leads_moved == {"received": 1}
    assert [n.kind for n in report.notable] == ["shift_start", "request_urgent", "lead_status"]
    assert [(m.currency, str(m.amount)) for m in report.purchases_total] == [("USD", "750")]


def test_markdown_in_english(report: daily.DailyReport, english: None) -> None:
    text = daily.render_markdown(report)
    assert text.startswith("# Jilin FAO — daily report for Wednesday 5 February 2020\n")
    assert "- **Goods in**: masks 50,000 pcs, goggles 300 pcs" in text
    assert "- **Funds received**: ¥5,000,000.00 · $20,000.00" in text
    assert "- **Open requests now**: 2" in text
    assert "| 01:00 | 医用外科口罩 | 5 | 万只 | Sendai (sister city) | donation |  |  |" in text
    assert "| 02:30 | goggles | 300 | 副 | Karachi Surgical Co. | purchase | #1 | $750.00 |" in text
    assert "| 00:30 | funds | 5,000,000 | CNY |" in text
    assert "Foreign experts \\| 14 units" in text  # a pipe in data cannot break the table
    assert "| masks | pcs | 55,000 | 2,900 | 52,100 | 500 |" in text
    assert (
        "| #2 | urgent | Jilin University | KN95 masks | 500 | pcs | partially fulfilled |" in text
    )
    assert "| received | 1 | 1 |" in text
    assert "| 01:10 | New urgent request #2: Jilin University — KN95 masks | tester |" in text
    assert "| 00:05 | Zhang Wei came on duty | tester |" in text
    assert "| 02:30 | Lead #1 received: Karachi Surgical Co. — goggles | tester |" in text


def test_markdown_in_chinese(report: daily.DailyReport, chinese: None) -> None:
    text = daily.render_markdown(report)
    assert text.startswith("# Jilin FAO — 2020年2月5日 星期三 日报\n")
    assert "## 入库物资" in text and "## 发放明细" in text and "## 未满足需求" in text
    assert "- **物资入库**: 口罩 50,000 件，护目镜 300 件" in text
    assert "- **收到资金**: ¥5,000,000.00 · $20,000.00" in text
    assert "| 口罩 | 件 | 55,000 | 2,900 | 52,100 | 500 |" in text
    assert "| 01:00 | 医用外科口罩 | 5 | 万只 | Sendai (sister city) | 捐赠 |  |  |" in text
    assert "| 00:30 | 资金 | 5,000,000 | CNY |" in text
    assert "| #2 | 特急 | Jilin University | KN95 口罩 |" not in text  # data is never translated
    assert "| #2 | 特急 | Jilin University | KN95 masks | 500 | 件 | 部分满足 |" in text
    assert "新的特急需求 #2：Jilin University — KN95 masks" in text
    assert "Zhang Wei 上岗值班" in text
    assert "Wednesday" not in text and "What came in" not in text


def test_language_switch_is_scoped(report: daily.DailyReport, english: None) -> None:
    catalog = i18n._CATALOGS["zh_CN"]
    missing = {k: v for k, v in zh_CN_supplies.MESSAGES.items() if k not in catalog}
    catalog.update(missing)
    try:
        with daily.language("zh_CN"):
            assert daily.report_sections(report)[0].title == "概况"
        assert i18n.language() == "en"
        assert daily.report_sections(report)[0].title == "Summary"
    finally:
        for key in missing:
            del catalog[key]


def test_csv_blocks_and_formula_safe_cells(report: daily.DailyReport, english: None) -> None:
    rows = list(csv.reader(io.StringIO(daily.render_csv(report))))
    assert rows[0] == ["Jilin FAO — daily report for Wednesday 5 February 2020"]
    titles = [r[0] for i, r in enumerate(rows) if i > 1 and rows[i - 1] == []]
    assert titles == [
        "Summary",
        "What came in",
        "Receipts",
        "What went out",
        "Deliveries",
        "Totals to date",
        "Open needs",
        "Leads pipeline",
        "Notable events",
        "Roll-call",
    ]
    totals = rows.index(["Totals to date"])
    assert rows[totals + 2] == ["masks", "pcs", "55000", "2900", "52100", "500"]
    cells = [c for r in rows for c in r]
    assert "'" + HOSTILE in cells and HOSTILE not in cells


def test_xlsx_one_sheet_per_section(
    report: daily.DailyReport, chinese: None, tmp_path: Path
) -> None:
    path = tmp_path / "daily.xlsx"
    daily.write_report(report, "xlsx", path)
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["概况", "入库物资", "入库明细"]
    totals = list(book["累计统计"].iter_rows(values_only=True))
    assert totals[0] == ("类别", "单位", "入库", "发放", "库存", "需求缺口")
    assert totals[1] == ("口罩", "件", 55000, 2900, 52100, 500)
    out = list(book["发放明细"].iter_rows(values_only=True))
    assert any(row[4] == "'" + HOSTILE for row in out)


def test_writers_use_a_temporary_file(report: daily.DailyReport, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    for fmt in daily.FORMATS:
        daily.write_report(report, fmt, out / f"daily.{fmt}")
    assert sorted(p.name for p in out.iterdir()) == ["daily.csv", "daily.md", "daily.xlsx"]
    assert (out / "daily.md").read_text(encoding="utf-8").startswith("# Jilin FAO")
    with pytest.raises(ValueError, match="unknown report format"):
        daily.write_report(report, "pdf", out / "daily.pdf")


def test_an_empty_day_says_so(store: Store, english: None) -> None:
    report = daily.build_daily_report(store, date(2020, 1, 1))
    text = daily.render_markdown(report)
    for line in ("No goods came in.", "The ledger is empty.", "No open requests.", "No leads."):
        assert line in text
    assert "- **Funds received**: —" in text
    assert daily.to_json_dict(report)["day"] == "2020-01-01"


# -- every string has its Chinese ------------------------------------------------------

FILES = [
    "dutyboard/domain/supplies.py",
    "dutyboard/store/supplies.py",
    "dutyboard/reports/daily.py",
    "dutyboard/reports/export.py",
    "dutyboard/commands/report.py",
    "dutyboard/commands/export.py",
    "dutyboard/commands/supplies.py",
    "dutyboard/demo/supplies.py",
    "widgets/supplies/panel.py",
    "widgets/common/export_dialog.py",
]


def _literals(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_every_supplies_string_has_its_chinese() -> None:
    keys = set().union(*(_literals(REPO / f) for f in FILES))
    # Strings translated by value: categories, units, kinds, export headers, statuses.
    keys |= set(CATEGORY_LABELS.values()) | set(UNIT_SPELLINGS) | set(RECEIVED_KINDS)
    keys |= {header for columns in COLUMNS.values() for _c, header, _k in columns}
    keys |= {"requests", "leads", "contacts", "supplies", "high", "normal", "low", "urgent"}
    known = set(zh_CN.MESSAGES) | set(zh_CN_supplies.MESSAGES)
    assert sorted(keys - known) == []
    # Placeholders survive translation.
    for key, value in zh_CN_supplies.MESSAGES.items():
        assert sorted(_placeholders(key)) == sorted(_placeholders(value)), key


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _t, name, _f, _c in string.Formatter().parse(text) if name]


def test_a_large_receipt_is_never_hidden_behind_the_cap(store: Store) -> None:
    """Night, should-work: the list kept the first 20 entries in time order, so the
    charter that landed last (1.9 million masks) was cut for small parcels."""
    from dutyboard.store import supplies as ledger

    day = datetime(2020, 2, 5, tzinfo=UTC)
    for minute in range(25):
        ledger.record_received(
            store, "KN95 masks", 100 + minute, at=day + timedelta(minutes=minute)
        )
    ledger.record_received(store, "KN95 masks", 1_900_000, at=day + timedelta(hours=15))
    report = daily.build_daily_report(store, date(2020, 2, 5), timezone="UTC", top=20)
    quantities = [line.quantity for line in report.received]
    assert 1_900_000 in quantities and len(quantities) == 20
    assert [line.at for line in report.received] == sorted(line.at for line in report.received)
    assert min(quantities) == 106  # the five smallest are the ones left out
    assert "… and 6 smaller or less notable, not listed" in daily.render_markdown(report)
