"""Spreadsheets people save (issue 22): .xls, .xlsb, .ods and .xlsx read through calamine.

Real files only: workbooks LibreOffice wrote (tests/ingest/data/make_sheets.py, run by
hand; the files are committed), an .xlsb and an encrypted OOXML package from
python-calamine's tests, and libhxl's .xls (see tests/ingest/data/README.md). Hostile
workbooks are built for real with tests/ingest/hostile.py.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from dutyboard import i18n
from dutyboard.config import ConfigError
from dutyboard.domain.limits import MIB, Limits
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.feed_poll import _page_name
from dutyboard.ingest.folder_watch import _ole_complete
from dutyboard.ingest.limits import LimitExceeded
from dutyboard.ingest.parse import detect_format, parse_bytes, parse_file
from dutyboard.ingest.records import ParseResult
from dutyboard.ingest.sources import SourceConfig, parse_sources
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.ingest.xlsxfmt import CUT_SHORT, REASONS, WorkbookRefused, xlsx_rows
from dutyboard.locale import zh_CN
from dutyboard.store import Store
from tests.ingest import hostile

DATA = Path(__file__).resolve().parent / "data"
LIBREOFFICE = ["requests-libreoffice.xls", "requests-libreoffice.ods", "requests-libreoffice.xlsx"]
PASSWORDS = ["password-libreoffice.xls", "password-libreoffice.ods", "calamine-password.xlsb"]


def read(name: str, **options: Any) -> ParseResult:
    return parse_file(DATA / name, "requests", default_zone="Asia/Shanghai", **options)


def digits(value: object) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())


# ------------------------------------------------------------------ what a unit sends


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_one_workbook_saved_three_ways_gives_the_same_records(name: str) -> None:
    result = read(name)
    assert result.format == "xlsx"
    assert [row.row_number for row in result.rows] == [3, 4, 6]  # row 5 is blank
    first, second, third = result.rows
    assert [row.external_id for row in result.rows] == ["1001", "1002", "1003"]
    # The phone number was typed as a number: 13800138000, never "13800138000.0".
    assert digits(first.fields.pop("phone")).endswith("13800138000")
    assert first.fields == {
        "org": "第一人民医院",
        "item": "N95口罩",
        "quantity": 1200,
        "unit": "只",
        "priority": "urgent",
        "due_by": "2020-02-03T06:00:00+00:00",  # a date-time cell, 14:00 in Shanghai
    }
    assert second.fields["quantity"] == 12  # =E3/100, the value LibreOffice saved
    assert second.fields["due_by"] == "2020-02-03T16:00:00+00:00"  # a date cell: midnight
    assert second.fields["notes"] == "[bold]x"
    assert third.fields["quantity"] == 2.5 and third.fields["phone"] == "021-12345678"
    assert third.fields["due_by"] == "2020-02-05T01:00:00+00:00"  # written as text
    (problem,) = result.problems
    assert (problem.row_number, problem.column) == (7, "数量")  # as the program numbers it
    assert problem.reason == "quantity '12x' is not a number"
    assert "".join(result.warnings).count("'备用'") == 1  # the other sheet holding values
    assert ".0" not in first.raw and '"13800138000"' in first.raw


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_cells_come_as_the_spreadsheet_shows_them(name: str) -> None:
    warnings: list[str] = []
    rows = {row.number: row.cells for row in xlsx_rows((DATA / name).read_bytes(), name, warnings)}
    assert sorted(rows) == [1, 2, 3, 4, 6, 7]  # no row for the coloured empty cell on row 10
    assert rows[1] == [None, "XX市防疫物资需求表（2020年2月3日）"]  # column A stays A
    first, second = rows[3], rows[4]
    assert first == [
        None,
        1001,
        "第一人民医院",
        "N95口罩",
        1200,
        "只",
        datetime(2020, 2, 3, 14, 0),
        13800138000,
        "紧急",
    ]  # the empty notes cell trimmed
    assert [type(cell) for cell in first[1:5:3]] == [int, int]
    assert second[4] == 12 and type(second[4]) is int  # a formula's cached value
    assert second[6] == date(2020, 2, 4) and type(second[6]) is date
    assert rows[6][4] == 2.5
    assert warnings == [
        f"{name}: read sheet '需求'; these sheets also hold data and were not read: '备用'"
    ]


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("requests-libreoffice.xls", "needs.xlsx"),  # an .xls renamed .xlsx
        ("requests-libreoffice.xlsx", "needs.xls"),  # and the other way round
        ("requests-libreoffice.ods", "needs.csv"),
        ("requests-libreoffice.ods", "upload"),
        ("calamine-base.xlsb", "report.xlsx"),
    ],
)
def test_what_a_file_is_comes_from_its_bytes(name: str, called: str) -> None:
    data = (DATA / name).read_bytes()
    assert detect_format(called, data) == "xlsx"
    assert xlsx_rows(data, called, []) == xlsx_rows(data, name, [])
    if name.startswith("requests"):
        again = parse_bytes(data, called, "requests", default_zone="Asia/Shanghai")
        assert [row.fields for row in again.rows] == [row.fields for row in read(name).rows]


def test_an_xlsb_workbook() -> None:
    """python-calamine's own sample: Excel's binary workbook (LibreOffice cannot write one)."""
    warnings: list[str] = []
    ((number, cells),) = [
        (row.number, row.cells)
        for row in xlsx_rows((DATA / "calamine-base.xlsb").read_bytes(), "base.xlsb", warnings)
    ]
    assert number == 2  # row 1 is empty
    assert cells == [
        "String",
        1,
        1.1,
        True,
        False,
        date(2010, 10, 10),
        datetime(2010, 10, 10, 10, 10, 10),
        time(10, 10, 10),
        timedelta(hours=10, minutes=10, seconds=10, microseconds=100_000),
        timedelta(hours=255, minutes=10, seconds=10),
    ]
    assert type(cells[1]) is int
    assert warnings == [
        "base.xlsb: read sheet 'Sheet1'; these sheets also hold data and were not read: 'Sheet3'"
    ]


def test_an_xls_from_another_program_reads_like_its_xlsx_twin(interop: Path) -> None:
    mapping = {"#sector+es": "item"}
    old = parse_file(DATA / "hxl-input-valid.xls", "leads", mapping=mapping)
    new = parse_file(interop / "hxl" / "input-valid.xlsx", "leads", mapping=mapping)
    assert [row.fields["supplier"] for row in old.rows] == ["ACNUR", "OMS", "UNICEF", "OMS"]
    assert [row.row_number for row in old.rows] == [4, 5, 6, 7]
    assert old.rows[0].extra["#targeted+f"] == "100"
    assert [(r.row_number, r.fields, r.extra) for r in old.rows] == [
        (r.row_number, r.fields, r.extra) for r in new.rows
    ]


def test_a_date_under_the_1904_date_system() -> None:
    (row,) = read("dates-1904-libreoffice.xls").rows
    assert row.fields["due_by"] == "2020-02-03T06:00:00+00:00"


# ------------------------------------------------------------------ what cannot be read


@pytest.mark.parametrize("name", PASSWORDS)
def test_a_password_protected_workbook_is_one_clear_line(name: str) -> None:
    with pytest.raises(WorkbookRefused) as caught:
        parse_file(DATA / name, "requests")
    message = str(caught.value)
    assert message == (
        f"{DATA / name} is password-protected: save a copy without the password (or as "
        ".xlsx or CSV) in the spreadsheet program and import that"
    )
    try:
        i18n.set_language("zh_CN")
        assert str(caught.value) == message  # what is stored stays English
        assert caught.value.said() == (
            f"{DATA / name} 设有密码保护：请在电子表格软件中另存一份不带密码的副本"
            "（或另存为 .xlsx 或 CSV），再导入该副本"
        )
    finally:
        i18n.set_language("en")


def test_a_password_protected_workbook_goes_to_quarantine_with_its_bytes(store: Store) -> None:
    data = (DATA / "password-libreoffice.ods").read_bytes()
    summary = ingest_bytes(store, data, "需求.ods", kind="requests", source="drop")
    assert summary.result == "unreadable" and "password-protected" in str(summary.error)
    ((reason, row),) = store.conn.execute("SELECT reason, row_number FROM quarantine").fetchall()
    assert reason == summary.error and row is None
    ((size,),) = store.conn.execute("SELECT length(data) FROM original_files").fetchall()
    assert size == len(data)
    good = (DATA / "requests-libreoffice.ods").read_bytes()
    after = ingest_bytes(store, good, "需求.ods", kind="requests", source="drop")
    assert (after.result, after.added, after.quarantined) == ("partial", 3, 1)


def _zip_without_a_workbook() -> bytes:
    return hostile.build_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})


def _odf_text_document() -> bytes:
    return hostile.build_zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    )


@pytest.mark.parametrize(
    ("build", "called", "words"),
    [
        (lambda: (DATA / "cut-short.xlsx").read_bytes(), "a.xlsx", "cut short"),
        (
            lambda: (DATA / "requests-libreoffice.xls").read_bytes()[:3000],
            "a.xls",
            "cannot be opened as an .xls workbook: CalamineError: ",
        ),
        (
            lambda: (DATA / "requests-libreoffice.ods").read_bytes()[:-40],
            "a.ods",
            "cannot be opened as a workbook: it is not a zip archive to its end",
        ),
        (_zip_without_a_workbook, "a.xlsx", "a zip archive but not a spreadsheet workbook"),
        (_odf_text_document, "a.ods", "a zip archive but not a spreadsheet workbook"),
        (lambda: "单位\t物资\n一中\t口罩\n".encode(), "a.xls", "not a spreadsheet workbook"),
    ],
)
def test_a_damaged_workbook_or_none_at_all_is_one_clear_line(
    build: Any, called: str, words: str
) -> None:
    with pytest.raises(WorkbookRefused) as caught:
        parse_bytes(build(), called, "requests")
    message = str(caught.value)
    assert message.startswith(f"{called} ") and words in message and "\n" not in message


def test_every_reason_is_said_in_chinese_with_the_same_placeholders() -> None:
    for reason in REASONS:
        chinese = zh_CN.MESSAGES[reason]
        assert sorted(part.split("}")[0] for part in reason.split("{")[1:]) == sorted(
            part.split("}")[0] for part in chinese.split("{")[1:]
        )
    cut = WorkbookRefused(CUT_SHORT, name="a.xlsx")
    said = "a.xlsx 无法作为工作簿打开：它不是完整的 zip 压缩包（复制或下载时被中断？）"
    assert cut.said(lambda text: zh_CN.MESSAGES.get(text, text)) == said
    assert cut.said(lambda text: text) == str(cut)


def test_a_hostile_file_name_stays_one_line() -> None:
    with pytest.raises(WorkbookRefused) as caught:
        parse_bytes(b"PK\x03\x04", "a\nb\x1b[2J.xlsx", "requests")
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert "\n" not in caught.value.said() and "\x1b" not in caught.value.said()


# ------------------------------------------------------------------ limits, in the child


@pytest.mark.parametrize("name", ["requests-libreoffice.xls", "requests-libreoffice.ods"])
def test_rows_columns_and_cells_are_counted_against_the_limits(name: str) -> None:
    data = (DATA / name).read_bytes()

    def refused(**limits: Any) -> LimitExceeded:
        with pytest.raises(LimitExceeded) as caught:
            parse_bytes(data, name, "requests", limits=Limits(**limits))
        assert "\n" not in str(caught.value) and name in str(caught.value)
        return caught.value

    error = refused(max_rows=4)
    assert error.key == "max_rows" and f"{name}: row 6 is row 5" in str(error)
    error = refused(max_columns=9)
    assert error.key == "max_columns" and f"{name}: row 2 reaches column 10" in str(error)
    error = refused(max_cells=30)
    # Rows 1 to 4 hold 2 + 10 + 9 + 10 cells (each row to its last value).
    assert error.key == "max_cells" and "row 4 brings the file to 31 cells" in str(error)
    assert refused(max_seconds=1e-9).key == "max_seconds"
    assert len(parse_bytes(data, name, "requests", limits=Limits(max_rows=6)).rows) == 3


def _two_cells(far: str) -> bytes:
    """A header in row 1 and one cell at ``far``: calamine makes the grid between dense."""
    header = '<c r="A1" t="inlineStr"><is><t>org</t></is></c>'
    header += '<c r="B1" t="inlineStr"><is><t>item</t></is></c>'
    row = far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = f'<c r="{far}" t="inlineStr"><is><t>x</t></is></c>'
    sheet = (
        f'{hostile.SHEET_HEAD}<sheetData><row r="1">{header}</row><row r="{row}">{cell}</row>'
        "</sheetData></worksheet>"
    )
    return hostile.workbook(sheet.encode())


def test_a_tiny_sheet_spanning_the_grid_is_stopped_by_the_childs_memory_limit() -> None:
    # Column 5,000 is allowed; A1 to GJH1048576 is 5 billion cells for calamine to make.
    data = _two_cells("GJH1048576")
    assert len(data) < 2_000
    with pytest.raises(LimitExceeded) as caught:
        parse_bytes(data, "grid.xlsx", "requests")
    assert caught.value.key == "max_memory_bytes"  # the child aborted; this process did not
    assert "grid.xlsx: reading it needs more memory" in str(caught.value)
    # A million rows of five columns fit the default limit, not a tight one.
    five = _two_cells("E1048576")
    assert parse_bytes(five, "tall.xlsx", "requests").problems[0].row_number == 1_048_576
    with pytest.raises(LimitExceeded) as caught:
        parse_bytes(five, "tall.xlsx", "requests", limits=Limits(max_memory_bytes=128 * MIB))
    assert caught.value.key == "max_memory_bytes"


def test_a_cell_beyond_max_columns_is_refused_before_calamine() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_bytes(_two_cells("XFD1048576"), "wide.xlsx", "requests")
    assert caught.value.key == "max_columns"
    assert "wide.xlsx: row 1,048,576 reaches column 16,384" in str(caught.value)
    with pytest.raises(LimitExceeded) as caught:
        parse_bytes(_two_cells("K7"), "k.xlsx", "requests", limits=Limits(max_columns=10))
    assert "k.xlsx: row 7 reaches column 11" in str(caught.value)


# ------------------------------------------------------------------ collectors and config


def test_a_workbook_name_for_the_format_says_what_to_write() -> None:
    entry = {"name": "a", "kind": "requests", "type": "folder", "path": "x", "format": "ods"}
    with pytest.raises(ConfigError) as caught:
        parse_sources([entry], where="config.toml")
    assert 'every spreadsheet workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) is format "xlsx"' in str(
        caught.value
    )
    (source,) = parse_sources([{**entry, "format": "xlsx"}], where="config.toml")
    assert source.format == "xlsx"


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("application/vnd.ms-excel", "export.xls"),
        ("application/vnd.ms-excel.sheet.binary.macroEnabled.12", "export.xlsb"),
        ("application/vnd.oasis.opendocument.spreadsheet", "export.ods"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "export.xlsx"),
    ],
)
def test_a_feed_answer_is_named_by_its_content_type(content_type: str, name: str) -> None:
    assert _page_name("https://example.org/export", content_type) == name


def test_an_xls_still_being_written_looks_unfinished() -> None:
    data = (DATA / "requests-libreoffice.xls").read_bytes()
    assert _ole_complete(data[:512], len(data))
    assert not _ole_complete(data[:512], len(data) // 2)
    assert not _ole_complete(data[:512], len(data) - 100)  # ends inside a sector
    assert not _ole_complete(data[:300], 300)


async def test_a_drop_folder_takes_ods_and_xls_and_quarantines_the_locked_one(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "一中.ods").write_bytes((DATA / "requests-libreoffice.ods").read_bytes())
    (inbox / "二中.xls").write_bytes((DATA / "password-libreoffice.xls").read_bytes())
    source = SourceConfig(
        name="units",
        kind="requests",
        type="folder",
        path=inbox,
        zone="Asia/Shanghai",
        settle_seconds=0.05,
    )
    lines: list[str] = []
    collector = Collector(db_path, [source], holder="t:1", log=lines.append)
    report = await asyncio.wait_for(collector.run(once=True), timeout=30)
    assert (report.added, report.quarantined, report.unreadable) == (3, 1, 1)
    assert (inbox / "processed" / "一中.ods").exists()
    assert (inbox / "quarantine" / "二中.xls").exists()
    note = (inbox / "quarantine" / "二中.xls.error.txt").read_text(encoding="utf-8")
    assert "二中.xls is password-protected" in note
    store = Store.open(db_path)
    try:
        rows = store.conn.execute("SELECT org, quantity FROM requests ORDER BY id").fetchall()
    finally:
        store.close()
    assert [tuple(row) for row in rows] == [
        ("第一人民医院", 1200),
        ("第二中学", 12),
        ("社区卫生服务中心", 2.5),
    ]
