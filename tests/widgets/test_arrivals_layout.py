"""The arrivals panel's widths and words (issue 18 #4 and #7), in English and in Chinese:
at 80×24 (one panel at a time) and 160×48 on the demo desk, a reference and an ETA
("周二 19:30") are never cut, unit names keep a readable width, the less important
columns give way whole, and the column words and hold-up marks are the arrivals' own.

Labels translate at import, so the dashboard runs in a subprocess per language: this
file is also that subprocess (``python -m tests.widgets.test_arrivals_layout``), which
prints one JSON line describing both lists.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SIZES = ((80, 24), (160, 48))
LEAST_UNIT = 14  # cells a unit's name never goes below


@cache
def report(lang: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.widgets.test_arrivals_layout"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DUTYBOARD_LANG": lang},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    screens: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return screens


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_references_and_times_are_never_cut(lang: str) -> None:
    for screen in report(lang):
        table = screen["arrivals"]
        fits = [c for c in table["columns"] if c["fit"]]
        assert {c["key"] for c in fits} >= {"eta", "in", "ref"}, screen["size"]
        for row in table["rows"]:
            for column in fits:
                shown, full = row["shown"][column["key"]], row["full"][column["key"]]
                assert shown == full, (lang, screen["size"], column["key"], full)
        if screen["size"] == [80, 24] and lang == "zh_CN":
            etas = [row["shown"]["eta"] for row in table["rows"]]
            assert any(e.startswith("周二 ") and len(e) == 8 for e in etas), etas


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_columns_give_way_whole_and_names_stay_readable(lang: str) -> None:
    narrow, corner = report(lang)  # 160×48: the panel is the bottom-right corner, ~64 wide
    assert narrow["size"] == [80, 24] and corner["size"] == [160, 48]
    for screen in (narrow, corner):
        keys = [c["key"] for c in screen["arrivals"]["columns"]]
        assert keys[:5] == ["eta", "in", "state", "ref", "what"], keys
        assert "kind" not in keys and "from" not in keys  # the least important: whole, gone
        units = next(c for c in screen["rollcall"]["columns"] if c["key"] == "unit")
        assert units["width"] >= LEAST_UNIT, (lang, screen["size"])
        widths = sum(c["width"] + 2 for c in screen["arrivals"]["columns"])
        assert widths <= screen["inner"], (lang, screen["size"])  # no sideways scrolling


def test_chinese_words_of_the_arrivals() -> None:
    narrow, _corner = report("zh_CN")
    labels = {c["key"]: c["label"] for c in narrow["arrivals"]["columns"]}
    assert labels["what"] == "内容" and labels["ref"] == "航班/单号"  # not the ledger's 项目
    from dutyboard.locale.zh_CN import MESSAGES

    assert MESSAGES["arrival\x04Kind"] == "类别" and MESSAGES["arrival\x04From"] == "始发地"
    marks = [row["shown"]["what"] for row in narrow["arrivals"]["rows"]]
    holdups = "holdups" in {c["key"] for c in narrow["arrivals"]["columns"]}
    if not holdups:  # too narrow for the column: the marks lead "What", in Chinese
        assert any(m.startswith(("航权?", "清关?")) for m in marks), marks
    assert not any("permit?" in m or "customs?" in m for m in marks)
    english = report("en")[0]
    if "holdups" not in {c["key"] for c in english["arrivals"]["columns"]}:
        shown = [row["shown"]["what"] for row in english["arrivals"]["rows"]]
        assert any(m.startswith(("permit?", "customs?")) for m in shown), shown


# -- the subprocess ----------------------------------------------------------------------


def _table(panel: Any, table: Any, key: str, full_rows: list[dict[str, Any]]) -> dict[str, Any]:
    columns = panel._columns[key]
    names = [name for name, _spec, _width in columns]
    rows = []
    for index, full in enumerate(full_rows):
        shown = [cell.plain for cell in table.get_row_at(index)]
        rows.append(
            {
                "shown": dict(zip(names, shown, strict=True)),
                "full": {name: full[name].plain for name in names},
            }
        )
    return {
        "columns": [
            {"key": name, "label": spec.label, "width": width, "fit": spec.fit}
            for name, spec, width in columns
        ],
        "rows": rows,
    }


async def _main() -> None:
    from dutyboard.app import DutyboardApp
    from dutyboard.config import Config
    from dutyboard.demo import build_demo
    from dutyboard.store import Store
    from tests.conftest import FIXED_NOW, FakeClock
    from tests.widgets.pilot import settle
    from widgets.arrivals.panel import ArrivalsPanel

    screens = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, now=FIXED_NOW, officer="Zhang Wei")
        for size in SIZES:
            store = Store.open(db, actor="Zhang Wei", clock=FakeClock())
            config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
            app = DutyboardApp(store, config, clock=FakeClock())
            async with app.run_test(size=size) as pilot:
                await settle(app, pilot)
                await pilot.press("4")
                for _ in range(3):
                    await settle(app, pilot)
                    await pilot.pause(0.1)
                panel = app.query_one(ArrivalsPanel)
                now = app.clock()
                arrivals = [panel.arrival_cells(r, now) for r in panel.rows]
                units = [panel.unit_cells(d, now) for d in panel.days]
                screens.append(
                    {
                        "size": list(size),
                        "inner": panel.size.width - 1,
                        "arrivals": _table(panel, panel.arrivals_table, "arrivals-table", arrivals),
                        "rollcall": _table(panel, panel.rollcall_table, "rollcall-table", units),
                    }
                )
            store.close()
    print(json.dumps(screens, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(_main())
