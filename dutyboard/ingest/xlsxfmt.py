"""Excel .xlsx through openpyxl in read-only mode (streams rows; dates come as datetime).

The first sheet holding any value is read; others with data get a warning. Anything
openpyxl raises while opening or reading (a truncated zip, a style it cannot load as in
libhxl's ``input-broken.xlsx``, a .docx renamed .xlsx) becomes one ``UnreadableFile``.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.source import GridRow, is_blank, safe_json

MAX_BLANK_RUN = 10_000  # a sheet whose "used range" is a million empty rows stops here
_PROBE_ROWS = 50


def _raw(cells: list[object]) -> str:
    return safe_json([None if cell is None else str(cell) for cell in cells])


def _sheet_has_data(sheet: Any) -> bool:
    for values in sheet.iter_rows(max_row=_PROBE_ROWS, values_only=True):
        if not is_blank(values):
            return True
    return False


def xlsx_rows(data: bytes, name: str, warnings: list[str]) -> list[GridRow]:
    """All rows of the first sheet with data (read eagerly so errors surface here)."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{name} is an old-style .xls workbook; save it as .xlsx or CSV and drop it again"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile(f"{name} is not an .xlsx workbook (it is not a zip archive)")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableFile(
            f"{name} cannot be opened as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None
    try:
        return _read_first_sheet(workbook, name, warnings)
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(
            f"{name} could not be read as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            workbook.close()


def _read_first_sheet(workbook: Any, name: str, warnings: list[str]) -> list[GridRow]:
    sheets = list(workbook.worksheets)
    chosen = None
    for index, sheet in enumerate(sheets):
        if not hasattr(sheet, "iter_rows"):
            continue  # chart sheets
        if _sheet_has_data(sheet):
            chosen = index
            break
    if chosen is None:
        warnings.append(f"{name}: no sheet holds any data")
        return []
    others = [
        sheet.title
        for sheet in sheets[chosen + 1 :]
        if hasattr(sheet, "iter_rows") and _sheet_has_data(sheet)
    ]
    if others:
        warnings.append(
            f"{name}: read sheet {sheets[chosen].title!r}; these sheets also hold data and "
            f"were not read: {', '.join(repr(title) for title in others)}"
        )
    return list(_rows(sheets[chosen], name, warnings))


def _rows(sheet: Any, name: str, warnings: list[str]) -> Iterator[GridRow]:
    blank_run = 0
    first = sheet.min_row or 1
    for offset, values in enumerate(sheet.iter_rows(values_only=True)):
        cells = list(values)
        if is_blank(cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                warnings.append(
                    f"{name}: stopped after {MAX_BLANK_RUN} empty rows in a row at row "
                    f"{first + offset}; anything further down was not read"
                )
                return
            continue
        blank_run = 0
        while cells and cells[-1] is None:
            cells.pop()
        yield GridRow(first + offset, cells, _raw(cells))
