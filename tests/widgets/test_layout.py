"""What a narrow screen may and may not cut (issue 18 #4), at 80×24, 120×40 and 160×48, in
English and in Chinese, on the demo desk.

* Numbers and references (columns marked ``fit``) are never cut.
* Names, units and items keep a readable width; less important columns give way whole.
* Names that differ stay different on screen.
* The header's second line fits and shows every count whole.

The app runs in a subprocess per language (labels translate at import); its screens are
also written as SVGs, compared with tests/widgets/golden/layout-*.svg. After an intended
change regenerate them with DUTYBOARD_UPDATE_SNAPSHOTS=1 and look at them first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text

from widgets.common.columns import ColumnSpec, cut_middle, fitted, layout

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden")
NAME_COLUMNS = {"Unit", "Item", "Name", "Supplier", "单位", "物资", "姓名", "供应商"}
LEAST_NAME = 14  # cells a name column never goes below, at any of the three sizes


@cache
def screens(lang: str, out: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.widgets.layout_app", lang, out],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DUTYBOARD_LANG": lang},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture(scope="module", params=["en", "zh_CN"])
def lang_screens(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp(f"layout-{request.param}")
    return request.param, out, screens(request.param, str(out))


def test_numbers_and_references_are_never_cut(
    lang_screens: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    _lang, _out, report = lang_screens
    checked = 0
    for screen in report:
        for table in screen["tables"]:
            for i, column in enumerate(table["columns"]):
                if not column["fit"] or column["width"] is None:
                    continue
                for row in table["rows"]:
                    assert cell_len(row[i]) <= column["width"], (screen["name"], column, row[i])
                    checked += 1
    assert checked > 100


def test_names_keep_a_readable_width(lang_screens: tuple[str, Path, list[dict[str, Any]]]) -> None:
    _lang, _out, report = lang_screens
    for screen in report:
        for table in screen["tables"]:
            names = [c for c in table["columns"] if c["label"] in NAME_COLUMNS]
            assert names, (screen["name"], table["panel"])
            for column in names:
                assert column["width"] is not None, (screen["name"], column)
                assert column["width"] >= LEAST_NAME, (screen["name"], column)


def test_different_names_stay_different_on_screen(
    lang_screens: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    _lang, _out, report = lang_screens
    for screen in report:
        for table in screen["tables"]:
            for i, column in enumerate(table["columns"]):
                if column["label"] not in NAME_COLUMNS or column["width"] is None:
                    continue
                spec = ColumnSpec(column["label"], 1, cut="middle" if column["flex"] else "end")
                shown: dict[str, set[str]] = {}
                for row in table["rows"]:
                    text = fitted(Text(row[i]), spec, column["width"]).plain
                    shown.setdefault(text, set()).add(row[i])
                # Only an item column may merge (its cut is at the end, like an item list).
                if column["label"] in {"Unit", "Name", "Supplier", "单位", "姓名", "供应商"}:
                    merged = {k: v for k, v in shown.items() if len(v) > 1}
                    assert not merged, (screen["name"], column["label"], merged)


def test_the_header_fits_and_cuts_no_count(
    lang_screens: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    _lang, _out, report = lang_screens
    for screen in report:
        first, second = screen["header"]
        width = screen["width"]
        assert cell_len(first) <= width and "03:00:00" in first, first
        assert cell_len(second) <= width, second
        assert "…" not in second, second
        position = 0
        for count in screen["counts"]:
            found = second.find(f" {count:,}", position)
            assert found >= 0, (screen["name"], count, second)
            position = found + 1


def test_screens_match_their_golden_svgs(
    lang_screens: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    lang, out, report = lang_screens
    for screen in report:
        svg = (out / f"{screen['name']}.svg").read_text(encoding="utf-8")
        golden = GOLDEN / f"layout-{screen['name']}.svg"
        if os.environ.get("DUTYBOARD_UPDATE_SNAPSHOTS"):
            golden.parent.mkdir(exist_ok=True)
            golden.write_text(svg, encoding="utf-8")
        assert golden.exists(), f"no golden {golden.name}: run with DUTYBOARD_UPDATE_SNAPSHOTS=1"
        assert svg == golden.read_text(encoding="utf-8"), f"{golden.name} changed ({lang})"


# -- the layout rules themselves ------------------------------------------------------


def test_optional_columns_give_way_highest_rank_first_and_come_back_when_they_fit() -> None:
    columns = [
        ColumnSpec("Name", 10, flex=True),
        ColumnSpec("Qty", 3, fit=True),
        ColumnSpec("Where", 10, drop=1),
        ColumnSpec("UTC", 6, drop=2),
    ]
    assert layout(columns, 40, [20, 9, 0, 0]) == [11, 9, 10, 6]
    # Too narrow for all: UTC goes first, then Where; the quantity stays whole.
    assert layout(columns, 30, [20, 9, 0, 0]) == [19, 9, None, None]
    # Once the name has its full width, 7 cells are left: UTC fits again and comes back.
    assert layout(columns, 30, [12, 9, 0, 0]) == [12, 9, None, 6]


def test_a_fit_column_is_as_wide_as_its_widest_value() -> None:
    columns = [ColumnSpec("Item", 8, flex=True), ColumnSpec("Qty", 5, fit=True)]
    widths = layout(columns, 30, [4, len("1,900,000")])
    assert widths[1] == len("1,900,000")
    assert fitted(Text("1,900,000"), columns[1], widths[1]).plain == "1,900,000"


def test_names_sharing_a_beginning_stay_apart() -> None:
    admins = [f"诸暨侨联 意大利群管理员 {n}" for n in range(1, 7)]
    shown = {cut_middle(Text(name), 16).plain for name in admins}
    assert len(shown) == 6
    assert all(cell_len(s) <= 16 for s in shown)
    assert cut_middle(Text("Lanka Medical Supplies (Pvt) Ltd"), 20).plain == "Lanka Medi…(Pvt) Ltd"
