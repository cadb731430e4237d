"""The workbook reader's child process: python-calamine under the memory and time limits.

Every workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) is read here, never in the collector's
own process: calamine builds each sheet as one dense grid from its first to its last
cell, so two cells, A1 and XFD1048576, ask for 17 billion cells at once, and a failed
allocation in Rust aborts the whole process (it does not raise). The parent
(``dutyboard.ingest.xlsxfmt``) checks what it can before the bytes come here, starts
this process held to ``max_memory_bytes`` (RLIMIT_AS) and ``max_seconds``, and turns
its answer into rows or one reason.

Only the standard library and python_calamine are imported, so the process starts in
a few tens of milliseconds. The protocol: one JSON line on stdin naming the file (a
private copy the parent wrote, named by the kind of workbook it found: calamine picks
its reader by the name, and only a named reader says why a file fails — reading from
memory, it says "Cannot detect file format" for a damaged file and a password alike)
and the limits; one pickled tuple on stdout, of plain values and datetimes only (the
parent unpickles it through an allow-list):

* ``("ok", rows, sheet, others)``: ``rows`` is ``[(row number, cells), …]`` of the first
  worksheet holding a value (``sheet``, its name, or None when none does), blank rows
  left out, trailing empty cells trimmed, empty cells None; ``others`` names the later
  worksheets holding values;
* ``("password",)``; ``("broken", "open" | "read", detail)``;
* ``("over", key, row number, count)`` for ``max_rows``, ``max_columns``, ``max_cells``
  and ``max_sheets`` (row 0); ``("time", row number)``; ``("memory",)``.
"""

from __future__ import annotations

import contextlib
import json
import math
import pickle
import sys
import time
from typing import Any

import python_calamine as calamine  # imported before the memory limit is set

Cells = list[object]
Answer = tuple[Any, ...]

# An integral float below this is the int it shows (Excel stores every number as a
# double: a phone number typed as a number is 13800138000.0); dutyboard.ingest.source's
# cell_text draws the same line.
_INTEGRAL_BELOW = 1e16
_CLOCK_EVERY = 0xFF  # rows between two looks at the clock


class _Stop(Exception):
    """A limit crossed while reading: ``answer`` is what the parent is told."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer)
        self.answer = answer


def main() -> None:
    """The header line on stdin, the pickled answer on stdout."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    header = json.loads(stdin.readline())
    limits: dict[str, Any] = header["limits"]
    seconds = float(header["seconds"])
    _limit_self(int(limits["max_memory_bytes"]), seconds)
    answer: Answer
    try:
        answer = read(str(header["path"]), limits, time.monotonic() + seconds)
    except MemoryError:
        answer = ("memory",)
    try:
        out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(("memory",))
    stdout.write(out)
    stdout.flush()


def read(path: str, limits: dict[str, Any], deadline: float) -> Answer:
    """The answer for one workbook (see the module's docstring)."""
    stage = "open"
    try:
        book = calamine.CalamineWorkbook.from_path(path)
        stage = "read"
        return _first_sheet(book, limits, deadline)
    except calamine.PasswordError:
        return ("password",)
    except _Stop as stop:
        return stop.answer
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # CalamineError, and pyo3's PanicException (a Rust panic)
        return ("broken", stage, _detail(error))


def _detail(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0][:300] if lines else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _first_sheet(
    book: calamine.CalamineWorkbook, limits: dict[str, Any], deadline: float
) -> Answer:
    metadata = book.sheets_metadata
    if len(metadata) > int(limits["max_sheets"]):
        return ("over", "max_sheets", 0, len(metadata))
    worksheet = calamine.SheetTypeEnum.WorkSheet  # not charts, macros or dialogs
    chosen: str | None = None
    rows: list[tuple[int, Cells]] = []
    others: list[str] = []
    for index, meta in enumerate(metadata):
        if meta.typ != worksheet:
            continue
        sheet = book.get_sheet_by_index(index)
        if chosen is None:
            rows = _rows(sheet, limits, deadline)
            if rows:
                chosen = meta.name
        elif _has_value(sheet, deadline):
            others.append(meta.name)
        del sheet  # one sheet's grid in memory at a time
    return ("ok", rows, chosen, others)


def _filled(cell: object) -> bool:
    return cell is not None and cell != "" and (type(cell) is not str or bool(cell.strip()))


def _has_value(sheet: calamine.CalamineSheet, deadline: float) -> bool:
    if sheet.start is None:  # no cell at all (and iter_rows would fail on it)
        return False
    for number, row in enumerate(sheet.iter_rows(), 1):
        if not number & _CLOCK_EVERY and time.monotonic() > deadline:
            raise _Stop(("time", number))
        if any(_filled(cell) for cell in row):
            return True
    return False


def _rows(
    sheet: calamine.CalamineSheet, limits: dict[str, Any], deadline: float
) -> list[tuple[int, Cells]]:
    """Row number (as the spreadsheet program shows it) and cells of each non-blank row.

    ``iter_rows`` starts at the sheet's first row but at its first column holding a
    cell; the cells are put back in their columns from A, so that what lands where is
    what the user sees. Each row is counted against the limits as it is read, its width
    before a list that wide is made.
    """
    start = sheet.start
    if start is None:
        return []
    offset = start[1]
    pad: Cells = [None] * offset
    max_rows = int(limits["max_rows"])
    max_columns = int(limits["max_columns"])
    max_cells = int(limits["max_cells"])
    found: list[tuple[int, Cells]] = []
    cells = 0
    for number, row in enumerate(sheet.iter_rows(), 1):
        if not number & _CLOCK_EVERY and time.monotonic() > deadline:
            raise _Stop(("time", number))
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        if not end or not any(_filled(cell) for cell in row[:end]):
            continue
        width = offset + end
        if width > max_columns:
            raise _Stop(("over", "max_columns", number, width))
        found.append((number, pad + [_value(cell) for cell in row[:end]]))
        cells += width
        if len(found) > max_rows:
            raise _Stop(("over", "max_rows", number, len(found)))
        if cells > max_cells:
            raise _Stop(("over", "max_cells", number, cells))
    return found


def _value(cell: object) -> object:
    """calamine's cell as the readers take it: "" (an empty cell) as None, 12.0 as 12."""
    if type(cell) is float:
        return int(cell) if cell.is_integer() and abs(cell) < _INTEGRAL_BELOW else cell
    return None if cell == "" else cell


def _limit_self(max_memory_bytes: int, seconds: float) -> None:
    """RLIMIT_AS for memory, RLIMIT_CPU as a backstop to the parent's clock, no core."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's clock still holds
        return
    for which, value in (
        (resource.RLIMIT_AS, max_memory_bytes),
        (resource.RLIMIT_CPU, math.ceil(seconds) + 1),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OverflowError, OSError):
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))


if __name__ == "__main__":
    main()
