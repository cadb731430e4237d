"""Excel .xlsx workbooks (written by openpyxl, and libhxl's samples), read through calamine.

The other containers (.xls, .xlsb, .ods), files written by LibreOffice, passwords and the
reader's child process are in test_spreadsheets.py.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from dutyboard.ingest.parse import detect_format, parse_bytes, parse_file
from dutyboard.ingest.records import UnreadableFile


def _workbook_bytes(build: Workbook) -> bytes:
    buffer = io.BytesIO()
    build.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_chinese_headers_and_datetime_cells(tmp_path: Path) -> None:
    book = Workbook()
    empty = book.active
    assert empty is not None
    empty.title = "说明"  # an empty first sheet is passed over
    sheet = book.create_sheet("需求")
    sheet.append(["XX市防疫物资需求表"])  # a title line above the header
    sheet.append(["单位", "物资", "数量", "单位(件)", "需求时间", "优先级", "备注"])
    sheet.append(["一中", "口罩", 1200, "只", datetime(2020, 2, 3, 14, 0), "紧急", None])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["二中", "测温枪", "5", "把", "2020-02-04 09:00", "高", "[bold]x"])
    path = tmp_path / "needs.xlsx"
    book.save(path)

    result = parse_file(path, "requests", default_zone="Asia/Shanghai")
    assert result.format == "xlsx"
    assert not result.problems
    first, second = result.rows
    assert first.row_number == 3 and second.row_number == 5
    assert first.fields == {
        "org": "一中",
        "item": "口罩",
        "quantity": 1200,
        "unit": "只",
        "priority": "urgent",
        "due_by": "2020-02-03T06:00:00+00:00",
    }
    assert second.fields["notes"] == "[bold]x"
    assert second.fields["due_by"] == "2020-02-04T01:00:00+00:00"
    assert '"一中"' in first.raw and '"1200"' in first.raw


def test_other_sheets_with_data_are_mentioned() -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.append(["org", "item"])
    first.append(["A", "masks"])
    second = book.create_sheet("more")
    second.append(["org", "item"])
    result = parse_bytes(_workbook_bytes(book), "two.xlsx", "requests")
    assert len(result.rows) == 1
    assert any("'more'" in warning for warning in result.warnings)


def test_a_sheet_starting_further_down_and_right_keeps_its_row_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C4"], sheet["D4"] = "org", "item"
    sheet["C6"], sheet["D6"] = "一中", "口罩"
    sheet["F9"] = None  # nothing: no row
    result = parse_bytes(_workbook_bytes(book), "moved.xlsx", "requests")
    (row,) = result.rows
    assert row.row_number == 6  # as the spreadsheet program numbers it
    assert row.fields == {"org": "一中", "item": "口罩"}
    assert row.raw == '[null, null, "一中", "口罩"]'  # the cells in their columns from A


def test_hxl_xlsx(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-valid.xlsx", "leads", mapping={"#sector+es": "item"}
    )
    assert result.format == "xlsx"
    assert [row.fields["supplier"] for row in result.rows] == ["ACNUR", "OMS", "UNICEF", "OMS"]
    assert result.rows[0].fields["country"] == "PA"
    assert result.rows[0].extra["#targeted+f"] == "100"  # numeric cell as text
    assert [row.row_number for row in result.rows] == [4, 5, 6, 7]


def test_the_xlsx_openpyxl_could_not_open_is_read(interop: Path) -> None:
    """libhxl's "broken" sample: data intact, a style sheet openpyxl refused
    (``TypeError: expected Fill``); libhxl's own test reads it, and so does calamine."""
    path = interop / "hxl" / "input-broken.xlsx"
    assert detect_format(path.name, path.read_bytes()) == "xlsx"
    mapping = {"#country+name": "org", "#crisis+type": "item"}
    result = parse_file(path, "requests", mapping=mapping)
    assert len(result.rows) == 6_428 and len(result.problems) == 3
    first = result.rows[0]
    assert first.row_number == 3 and result.rows[-1].row_number == 6_433
    assert first.fields == {
        "org": "Abyei Area",
        "item": "Flood",
        "notes": "Abyie: Flood - 01/07/2018",
    }
    assert first.extra["#affected+idps+ind+newdisp+disaster"] == "2"  # a number, not "2.0"
    assert first.extra["#date+year"] == "2018"
    assert {problem.reason for problem in result.problems} == {
        "missing required field item: empty in this record"
    }


def test_a_broken_xlsx_is_one_clear_error(interop: Path) -> None:
    data = (interop / "hxl" / "input-broken.xlsx").read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(UnreadableFile) as caught:
        parse_bytes(cut, "input-broken.xlsx", "requests")
    message = str(caught.value)
    assert "input-broken.xlsx" in message and "cannot be opened as a workbook" in message
    assert "cut short" in message and "\n" not in message
    damaged = bytearray(data)
    at = data.index(b"sheet1.xml") + 200  # inside the sheet's deflated bytes: a bad CRC
    damaged[at : at + 64] = bytes(64)
    with pytest.raises(UnreadableFile) as caught:
        parse_bytes(bytes(damaged), "input-broken.xlsx", "requests")
    message = str(caught.value)
    assert "cannot be opened as an .xlsx workbook" in message and "\n" not in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not a zip at all", "not a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cannot be opened as an .xls workbook"),
        (b"PK\x03\x04truncated", "not a zip archive to its end"),
    ],
)
def test_bad_workbooks(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableFile, match=words) as caught:
        parse_bytes(data, "x.xlsx", "requests")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("x.xlsx ")


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot be read"):
        parse_file(tmp_path / "nope.csv", "requests")
