"""Reader limits (issue 17 point 4): small hostile files are refused fast, the limit named.

Every hostile file is built for real (tests/ingest/hostile.py: valid zips with repeated
deflate blocks, real CSV and vCard text). ``GUARD`` only catches a hang: before the
limits these files took from 30 s to more than 300 s each.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from dutyboard.domain.limits import DEFAULT, MIB, Limits, LimitsConfigError, parse_limits
from dutyboard.ingest.csvfmt import csv_rows
from dutyboard.ingest.limits import LimitExceeded
from dutyboard.ingest.parse import parse_bytes, parse_file
from dutyboard.ingest.records import Kind, ParseResult, UnreadableFile
from dutyboard.ingest.source import table_records, unique_name
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.ingest.xlsxfmt import _CellsOnly
from dutyboard.store import Store
from tests.ingest import hostile

GUARD = 20.0  # seconds; a generous bound that catches a hang, not a speed claim


def timed(action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = action()
    assert time.monotonic() - started < GUARD
    return result


def refused(data: bytes, name: str, kind: Kind = "requests", **limits: Any) -> LimitExceeded:
    """The file is refused with ``LimitExceeded`` within the guard."""

    def attempt() -> LimitExceeded:
        with pytest.raises(LimitExceeded) as caught:
            parse_bytes(data, name, kind, limits=Limits(**limits) if limits else DEFAULT)
        return caught.value

    error: LimitExceeded = timed(attempt)
    message = str(error)
    assert f"(limits.{error.key})" in message and "over the limit of" in message
    assert name in message and "\n" not in message
    return error


def read(data: bytes, name: str, kind: Kind = "requests", **limits: Any) -> ParseResult:
    result: ParseResult = timed(lambda: parse_bytes(data, name, kind, limits=Limits(**limits)))
    return result


def workbook_bytes(rows: list[list[Any]], sheets: int = 1) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for index in range(1, sheets):
        book.create_sheet(f"more {index}").append(["org", "item"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------- the files, defaults


def test_a_few_megabytes_of_zip_holding_1_4_gb_of_xml_is_refused_before_parsing() -> None:
    data = hostile.xml_bomb_xlsx(1_400_000_000)
    assert len(data) < 8 * MIB
    error = refused(data, "bomb.xlsx")
    assert error.key == "max_unpacked_bytes"
    assert "unpacks to 1,3" in str(error)
    assert "over the limit of 134,217,728 bytes = 128 MiB (limits.max_unpacked_bytes)" in str(error)


def test_a_shared_strings_bomb_is_refused_by_size_then_ratio_then_count() -> None:
    thirty_million = hostile.shared_strings_xlsx(30_000_000)
    assert len(thirty_million) < 5 * MIB
    assert refused(thirty_million, "strings.xlsx").key == "max_unpacked_bytes"
    # Under the byte limit, the same table still inflates 200 times: a bomb, not a sheet.
    smaller = hostile.shared_strings_xlsx(1_500_000)
    assert refused(smaller, "strings.xlsx").key == "max_unpack_ratio"
    # And if the ratio is allowed, the strings are counted before openpyxl loads them.
    error = refused(smaller, "strings.xlsx", max_unpack_ratio=1_000_000)
    assert error.key == "max_shared_strings"
    assert "holds 1,500,000 shared strings" in str(error)


def test_a_sheet_declaring_the_whole_grid_is_read_by_its_real_rows() -> None:
    data = hostile.sparse_xlsx("A1:XFD1048576", every=9_000)
    assert len(data) < 5_000
    result = read(data, "sparse.xlsx")
    numbers = list(range(2, 1_048_577, 9_000))
    assert [row.row_number for row in result.rows] == numbers
    assert result.rows[-1].fields == {"org": f"unit {numbers[-1]}", "item": "masks"}
    assert not result.problems


def test_a_sparse_sheet_with_a_cell_in_column_xfd_is_refused() -> None:
    error = refused(hostile.sparse_xlsx(last_column="XFD"), "wide.xlsx")
    assert error.key == "max_columns"
    assert "row 2 reaches column 16,384" in str(error)


def test_a_csv_header_repeating_one_name_50_000_times_is_refused() -> None:
    data = hostile.repeated_header_csv(50_000)
    error = refused(data, "header.csv")
    assert error.key == "max_columns"
    assert "header.csv: line 1 has 50,000 cells, over the limit of 5,000 columns" in str(error)


def test_the_same_header_allowed_through_is_named_in_linear_time() -> None:
    text = hostile.repeated_header_csv(50_000).decode()
    table = timed(lambda: table_records(csv_rows(text, ",", None), lambda _: False))
    names = [column.name for column in table.columns]
    assert names[:3] == ["item", "item (2)", "item (3)"] and names[-1] == "item (50000)"
    result = read(text.encode(), "header.csv", max_columns=60_000)
    assert [problem.reason[:22] for problem in result.problems] == ["missing required field"]


def test_a_vcard_with_100_000_tel_lines_is_refused_before_vobject() -> None:
    error = refused(hostile.vcard_with_tels(100_000), "tels.vcf", "contacts")
    assert error.key == "max_fields"
    assert "the card starting on line 1 has 100,002 fields" in str(error)


def test_a_vcard_with_20_000_tel_lines_allowed_through_reads_in_linear_time() -> None:
    result = read(hostile.vcard_with_tels(20_000), "tels.vcf", "contacts", max_fields=50_000)
    (row,) = result.rows
    assert row.fields["phone"] == "+55 11 900000000"
    assert row.extra["TEL (cell) (20000)"] == "+55 11 900019999"


def test_a_workbook_declaring_12_000_sheets_of_one_name_is_refused() -> None:
    # 33 KB; openpyxl renames each duplicate title and opens each sheet: 8 s before.
    error = refused(hostile.same_name_sheets_xlsx(12_000), "sheets.xlsx")
    assert error.key == "max_sheets" and "declares 12,000 sheets" in str(error)


# ----------------------------------------------------------- every limit, small values


def test_csv_rows_cells_and_line_length() -> None:
    data = ("org,item,quantity\n" + "A,masks,1\n" * 30).encode()
    assert len(read(data, "ok.csv", max_rows=31).rows) == 30
    error = refused(data, "rows.csv", max_rows=20)
    assert error.key == "max_rows" and "rows.csv: line 21 is row 21" in str(error)
    error = refused(data, "cells.csv", max_cells=50)
    assert error.key == "max_cells" and "brings the file to 51 cells" in str(error)
    long_line = b"org,item\nA," + b"m" * 5_000 + b"\n"
    error = refused(long_line, "long.csv", max_line_chars=1_000)
    assert error.key == "max_line_chars" and "line 2 is 5,002 characters long" in str(error)


def test_a_file_of_blank_lines_stops_at_the_row_limit() -> None:
    data = b"org,item\n" + b"\n" * 50_000
    assert refused(data, "blank.csv", max_rows=1_000).key == "max_rows"
    assert refused(b'{"org": "A"}\n' + b"\n" * 50_000, "blank.jsonl", max_rows=1_000).key == (
        "max_rows"
    )


def test_json_records_fields_and_rows() -> None:
    records = json.dumps([{"org": "A", "item": "masks"}] * 50).encode()
    error = refused(records, "many.json", max_rows=10)
    assert error.key == "max_rows" and "holds 50 records" in str(error)
    wide = json.dumps([{f"key {n}": n for n in range(100)}]).encode()
    error = refused(wide, "wide.json", max_fields=50)
    assert error.key == "max_fields" and "item 1 has 100 fields" in str(error)
    grid = json.dumps([["#org", "#item"], ["A", "masks", *["x"] * 40]]).encode()
    assert refused(grid, "grid.json", max_columns=20).key == "max_columns"
    line = b'{"org": "A", "notes": "' + b"n" * 3_000 + b'"}\n'
    assert refused(line, "long.jsonl", max_line_chars=1_000).key == "max_line_chars"


def test_vcard_cards_and_lines() -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n"
    assert refused((card * 30).encode(), "cards.vcf", "contacts", max_rows=10).key == "max_rows"
    long_card = card.replace("FN:Ana", "FN:" + "a" * 3_000)
    error = refused(long_card.encode(), "long.vcf", "contacts", max_line_chars=1_000)
    assert error.key == "max_line_chars" and "line 3 is 3,005 characters long" in str(error)


def test_file_size_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"org,item\n" + b"A,masks\n" * 500)
    small = Limits(max_file_bytes=1_000)
    with pytest.raises(LimitExceeded) as caught:
        parse_file(path, "requests", limits=small)
    assert caught.value.key == "max_file_bytes"
    assert f"{path} is 4,009 bytes, over the limit of 1,000 bytes" in str(caught.value)
    assert refused(path.read_bytes(), "big.csv", max_file_bytes=1_000).key == "max_file_bytes"
    assert len(parse_file(path, "requests").rows) == 500


def test_the_time_budget_stops_a_file_in_process() -> None:
    data = ("org,item\n" + "A,masks\n" * 2_000).encode()
    error = refused(data, "slow.csv", max_seconds=1e-9)
    assert error.key == "max_seconds" and "reading took too long" in str(error)


def test_archive_members_and_ratio() -> None:
    data = workbook_bytes([["org", "item"], ["A", "masks"]])
    error = refused(data, "parts.xlsx", max_zip_members=3)
    assert error.key == "max_zip_members"
    assert refused(hostile.xml_bomb_xlsx(4_000_000), "ratio.xlsx").key == "max_unpack_ratio"
    assert refused(workbook_bytes([["org"]], sheets=5), "s.xlsx", max_sheets=3).key == (
        "max_sheets"
    )


# ----------------------------------------------------------- the child process


def test_a_large_workbook_is_read_in_a_child_process_with_the_same_result() -> None:
    rows: list[list[Any]] = [["单位名称", "物资名称", "数量", "需求时间"]]
    rows += [[f"第{n}医院", "N95口罩", n, datetime(2020, 2, 1, n % 24)] for n in range(300)]
    data = workbook_bytes(rows, sheets=2)
    here = read(data, "big.xlsx")
    there = read(data, "big.xlsx", isolate_above_bytes=0)
    assert there == here
    assert len(there.rows) == 300 and str(there.rows[5].fields["due_by"]).startswith(
        "2020-02-01T05"
    )
    assert any("'more 1'" in warning for warning in there.warnings)


def test_the_child_process_is_held_to_the_memory_limit() -> None:
    # 30,000 strings of 2,000 characters: 60 MB of Python strings in a 64 MiB process.
    data = hostile.shared_strings_xlsx(30_000, text="x" * 2_000)
    error = refused(
        data,
        "memory.xlsx",
        isolate_above_bytes=0,
        max_unpack_ratio=1_000_000,
        max_memory_bytes=64 * MIB,
    )
    assert error.key == "max_memory_bytes"
    assert "over the limit of 67,108,864 bytes = 64 MiB (limits.max_memory_bytes)" in str(error)


def test_the_child_process_is_held_to_the_time_budget() -> None:
    data = hostile.xml_bomb_xlsx(40_000_000)  # 40 MB of XML: ~20 s of openpyxl
    error = refused(data, "slow.xlsx", max_unpack_ratio=1_000_000, max_seconds=1.0)
    assert error.key == "max_seconds"


def test_the_childs_answer_may_hold_cell_values_only() -> None:
    safe = pickle.dumps(("ok", [(1, ["a", 1, 2.5, True, None, datetime(2020, 2, 1)])], []))
    assert _CellsOnly(io.BytesIO(safe)).load()[1][0][1][-1] == datetime(2020, 2, 1)
    with pytest.raises(pickle.UnpicklingError):
        _CellsOnly(io.BytesIO(pickle.dumps(Path("/etc/passwd")))).load()


# ----------------------------------------------------------- the collector moves on


def test_a_file_over_a_limit_is_quarantined_and_the_next_file_is_read(store: Store) -> None:
    hostile_csv = hostile.repeated_header_csv(50_000)
    first = timed(
        lambda: ingest_bytes(store, hostile_csv, "header.csv", kind="requests", source="drop")
    )
    assert first.result == "unreadable" and "(limits.max_columns)" in str(first.error)
    (reason,) = store.conn.execute("SELECT reason FROM quarantine").fetchone()
    assert "over the limit of 5,000 columns (limits.max_columns)" in reason
    good = b"org,item\nA,masks\n"
    second = ingest_bytes(store, good, "good.csv", kind="requests", source="drop")
    assert (second.result, second.added) == ("ok", 1)
    tight = Limits(max_rows=1)
    third = ingest_bytes(
        store, b"org,item\nB,gloves\n", "b.csv", kind="requests", source="drop", limits=tight
    )
    assert third.result == "unreadable" and "(limits.max_rows)" in str(third.error)


# ----------------------------------------------------------- defaults and configuration


def test_the_defaults_take_the_benchmarks_million_row_file() -> None:
    """The bench file scaled from 1,000 rows to 1,000,000 stays under every default."""
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("bench_ingest", REPO / "bench" / "ingest.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    sample = bench.make_csv(1_000, 2020)
    assert len(parse_bytes(sample, "requests.csv", "requests").rows) == 1_000
    columns = len(bench.HEADER)
    assert len(sample) * 1_000 < DEFAULT.max_file_bytes
    assert DEFAULT.max_rows >= 1_000_001 and 1_000_001 * columns <= DEFAULT.max_cells
    assert columns <= DEFAULT.max_columns


def test_parse_limits_reads_the_table() -> None:
    assert parse_limits({}, "desk.toml") == DEFAULT
    limits = parse_limits(
        {
            "max_cells": 2_000_000,
            "max_unpacked_bytes": "64 MiB",
            "max_memory_bytes": "1GiB",
            "max_file_bytes": 1e6,
            "max_seconds": 30,
            "isolate_above_bytes": 0,
        },
        "desk.toml",
    )
    assert (limits.max_cells, limits.max_unpacked_bytes) == (2_000_000, 64 * MIB)
    assert (limits.max_memory_bytes, limits.max_file_bytes) == (1024 * MIB, 1_000_000)
    assert (limits.max_seconds, limits.isolate_above_bytes) == (30.0, 0)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("max_rows", True, "whole number"),
        ("max_rows", -5, "at least 1"),
        ("max_rows", 0, "at least 1"),
        ("max_rows", 2.5, "whole number"),
        ("max_rows", math.nan, "whole number"),
        ("max_cells", math.inf, "whole number"),
        ("max_columns", "many", "whole number"),
        ("max_unpacked_bytes", "lots", "is not a size"),
        ("max_unpacked_bytes", "-1 MiB", "is not a size"),
        ("max_unpacked_bytes", "0.5 B", "whole number of bytes"),
        ("isolate_above_bytes", -1, "at least 0"),
        ("max_seconds", math.nan, "number of seconds"),
        ("max_seconds", math.inf, "number of seconds"),
        ("max_seconds", 0, "number of seconds"),
        ("max_seconds", -1, "number of seconds"),
        ("max_seconds", False, "number of seconds"),
        ("max_seconds", 1e308, "number of seconds"),
        ("max_celss", 10, "unknown key limits.max_celss"),
    ],
)
def test_parse_limits_names_the_bad_key(key: str, value: object, words: str) -> None:
    with pytest.raises(LimitsConfigError) as caught:
        parse_limits({key: value}, "desk.toml")
    message = str(caught.value)
    assert message.startswith("desk.toml: ") and f"limits.{key}" in message
    assert words in message and "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_a_limit_message_names_the_key_and_its_value() -> None:
    data = ("org,item\n" + "A,masks\n" * 20).encode()
    error = refused(data, "cells.csv", max_cells=2_000_000 // 100_000)
    assert str(error).endswith("over the limit of 20 cells (limits.max_cells)")
    assert isinstance(error, UnreadableFile)


# ----------------------------------------------------------- unique names


def _unique_name_before(name: str, taken: set[str]) -> str:
    """The quadratic version this replaced: the reference for its results."""
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{name} ({counter})"
        counter += 1
    taken.add(candidate)
    return candidate


def test_unique_name_gives_the_names_it_always_gave() -> None:
    names = ["a", "a", "a (2)", "a", "b", "a (3)", "a", "a (2)", "", "", "a (2) (2)", "a"]
    old: set[str] = set()
    new: dict[str, int] = {}
    assert [unique_name(n, new) for n in names] == [_unique_name_before(n, old) for n in names]
