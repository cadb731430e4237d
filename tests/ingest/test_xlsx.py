"""Excel workbooks through openpyxl (read-only)."""

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
    assert '"一中"' in first.raw


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


def test_hxl_xlsx(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-valid.xlsx", "leads", mapping={"#sector+es": "item"}
    )
    assert result.format == "xlsx"
    assert [row.fields["supplier"] for row in result.rows] == ["ACNUR", "OMS", "UNICEF", "OMS"]
    assert result.rows[0].fields["country"] == "PA"
    assert result.rows[0].extra["#targeted+f"] == "100"  # numeric cell as text
    assert [row.row_number for row in result.rows] == [4, 5, 6, 7]


def test_broken_xlsx_is_one_clear_error(interop: Path) -> None:
    path = interop / "hxl" / "input-broken.xlsx"
    assert detect_format(path.name, path.read_bytes()) == "xlsx"
    with pytest.raises(UnreadableFile) as caught:
        parse_file(path, "requests")
    message = str(caught.value)
    assert "input-broken.xlsx" in message and "cannot be opened as an .xlsx workbook" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not a zip at all", "not a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old-style .xls"),
        (b"PK\x03\x04truncated", "not a zip archive"),
    ],
)
def test_bad_workbooks(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableFile, match=words):
        parse_bytes(data, "x.xlsx", "requests")


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot be read"):
        parse_file(tmp_path / "nope.csv", "requests")
