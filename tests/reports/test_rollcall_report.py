"""The daily report's roll-call (issue 18): for the report's day, which units reported and
when, which were late, which are missing, in Markdown, CSV and JSON, English and
Chinese; a unit listed later is named apart, never missing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from dutyboard import i18n
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.reports import daily
from dutyboard.store import Store
from dutyboard.store import rollcall as rc
from tests.conftest import FakeClock

DESK = "Asia/Shanghai"
DAY = date(2020, 2, 5)  # a Wednesday: the weekly (Monday) unit owes nothing
MADE = datetime(2020, 2, 6, 2, 0, tzinfo=UTC)  # 10:00 on the 6th, desk time

UNITS = [
    UnitSpec("FAW Group", parse_rule("daily by 12:00"), "enterprise"),
    UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school"),
    UnitSpec("Chaoyang | District Office", parse_rule("daily by 18:00"), "district"),
    UnitSpec("Europe group", parse_rule("daily by 17:00"), "overseas", zone="Europe/Paris"),
    UnitSpec("Jilin International Studies University", parse_rule("weekly on Mon by 12:00")),
]


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2020, 2, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def report(store: Store, clock: FakeClock) -> daily.DailyReport:
    clock.now = utc(1, 2)
    rc.sync_units(store, UNITS)
    clock.now = utc(5, 1)  # 09:00 desk: FAW's report comes in as a request
    request_id = store.add_request({"org": "FAW Group", "item": "daily report"})
    assert request_id == 1
    clock.now = utc(5, 10, 30)  # 18:30 desk: Jilin phones, after its 17:00 deadline
    rc.mark_reported(store, "Jilin University", DESK)
    clock.now = utc(6, 1)  # 09:00 on the 6th: a unit added, after the report's day
    rc.add_unit(store, UnitSpec("Erdao District Office", parse_rule("daily by 18:00")))
    clock.now = MADE
    return daily.build_daily_report(store, DAY, timezone=DESK, desk_name="Jilin FAO", now=MADE)


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    previous = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    previous = i18n.language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(previous)


def test_the_model(report: daily.DailyReport) -> None:
    states = {line.unit: (line.state, line.at, line.by_entity) for line in report.rollcall}
    assert states == {
        "FAW Group": ("reported", "2020-02-05T01:00:00+00:00", "request"),
        "Jilin University": ("late", "2020-02-05T10:30:00+00:00", "manual"),
        "Chaoyang | District Office": ("missing", None, None),
        "Europe group": ("missing", None, None),  # 17:00 in Paris passed
    }
    assert report.rollcall_not_yet == ["Erdao District Office"]  # listed on the 6th
    assert report.rollcall_not_due == ["Jilin International Studies University"]
    as_json = daily.to_json_dict(report)
    assert as_json["rollcall_not_yet"] == ["Erdao District Office"]
    assert {r["unit"] for r in as_json["rollcall"]} == set(states)


def test_markdown_in_english(report: daily.DailyReport, english: None) -> None:
    text = daily.render_markdown(report)
    assert "- **Unit reports**: 2 of 4 reported (1 late) · 2 missing · 0 still due" in text
    section = text[text.index("## Roll-call") :]
    assert section.splitlines()[2:8] == [
        "| Unit | State | Deadline | Reported at | How |",
        "|---|---|---|---|---|",
        "| Chaoyang \\| District Office | MISSING | 18:00 |  |  |",
        "| Europe group | MISSING | 02-06 00:00 |  |  |",  # Paris 17:00 in desk time
        "| Jilin University | late | 17:00 | 18:30 | by phone |",
        "| FAW Group | reported | 12:00 | 09:00 | request #1 |",
    ]
    assert (
        "Not yet on the roll that day (listed later, owed nothing): Erdao District Office"
        in section
    )
    assert "Owed no report this day: Jilin International Studies University" in section
    assert "Erdao District Office | MISSING" not in text


def test_markdown_in_chinese(report: daily.DailyReport, chinese: None) -> None:
    text = daily.render_markdown(report)
    assert "- **单位报送**: 4 个单位中已报 2 个（迟报 1 个）· 未报 2 个 · 待报 0 个" in text
    section = text[text.index("## 点名") :]
    assert "| 单位 | 状态 | 截止 | 报送时间 | 方式 |" in section
    assert "| Jilin University | 迟报 | 17:00 | 18:30 | 电话报送 |" in section
    assert "| FAW Group | 已报 | 12:00 | 09:00 | 需求 #1 |" in section
    assert "| Europe group | 未报 |" in section
    assert "当天尚未列入点名（之后才加入，无需报送）：Erdao District Office" in section


def test_csv_has_the_section(report: daily.DailyReport, english: None) -> None:
    rows = list(csv.reader(io.StringIO(daily.render_csv(report))))
    start = rows.index(["Roll-call"])
    assert rows[start + 1] == ["Unit", "State", "Deadline", "Reported at", "How"]
    assert rows[start + 2][:2] == ["Chaoyang | District Office", "MISSING"]


def test_a_desk_without_units_says_so(store: Store, english: None) -> None:
    text = daily.render_markdown(daily.build_daily_report(store, DAY, timezone=DESK))
    assert "## Roll-call\n\nNo reporting units." in text
    assert "- **Unit reports**: —" in text


def test_a_day_before_every_unit_was_listed(store: Store, clock: FakeClock, english: None) -> None:
    clock.now = MADE
    rc.sync_units(store, UNITS[:2])
    report = daily.build_daily_report(store, DAY, timezone=DESK, now=MADE)
    assert report.rollcall == [] and report.rollcall_not_yet == ["FAW Group", "Jilin University"]
    text = daily.render_markdown(report)
    assert "No unit owed a report this day. Not yet on the roll that day" in text
    assert "MISSING" not in text
