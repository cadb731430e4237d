"""Excel .xlsx through openpyxl in read-only mode (streams rows; dates come as datetime).

The first sheet holding any value is read; others with data get a warning. Anything
openpyxl raises while opening or reading (a truncated zip, a style it cannot load as in
libhxl's ``input-broken.xlsx``, a .docx renamed .xlsx) becomes one ``UnreadableFile``.

A few kilobytes of zip can unpack to gigabytes of XML, so before openpyxl sees a byte
the archive is checked here, in-process and in constant memory (``check_archive``): the
member count, the declared unpacked size, then every member inflated once in 1 MiB
pieces — what it really unpacks to, its CRC, and how many shared strings and sheets it
declares (openpyxl loads every shared string up front and renames duplicate sheet titles
in quadratic time). Rows come from openpyxl's own sheet parser, not
``ReadOnlyWorksheet.iter_rows``, which pads every row to the declared dimension and every
gap with empty rows (``A1:XFD1048576`` with a row every 9,000: 17 billion cells).

A workbook that unpacks to more than ``limits.isolate_above_bytes`` is read in a child
process held to ``limits.max_memory_bytes`` (RLIMIT_AS) and ``limits.max_seconds``,
one child at a time: what openpyxl does with that much XML (styles, shared strings,
elements it never clears) cannot be bounded from outside it.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import pickle
import re
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dutyboard.domain.limits import DEFAULT, Limits, limit_text
from dutyboard.ingest.limits import Budget, LimitExceeded, over
from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.source import GridRow, is_blank, safe_json

_OLE = b"\xd0\xcf\x11\xe0"
_PROBE_ROWS = 50
_CHUNK = 1024 * 1024
# An element start: "<si>", "<x:si ", "<sheet/>" (never "<sheets>" or "<sheetData>").
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?si[\s/>]")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?sheet[\s/>]")
_RATIO_GRACE_BYTES = 1024 * 1024
_TAG_TAIL = 32  # longer than any match above, so none is cut between two chunks


def _raw(cells: list[object]) -> str:
    return safe_json([None if cell is None else str(cell) for cell in cells])


def xlsx_rows(
    data: bytes, name: str, warnings: list[str], budget: Budget | None = None
) -> list[GridRow]:
    """All rows of the first sheet with data (read eagerly so errors surface here)."""
    budget = budget or Budget(DEFAULT, name)
    if data.startswith(_OLE):
        raise UnreadableFile(
            f"{name} is an old-style .xls workbook; save it as .xlsx or CSV and drop it again"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile(f"{name} is not an .xlsx workbook (it is not a zip archive)")
    unpacked = check_archive(data, name, budget)
    if unpacked > budget.limits.isolate_above_bytes and sys.executable:
        return _rows_in_child(data, name, warnings, budget)
    return read_workbook(data, name, warnings, budget)


# --------------------------------------------------------------------- the archive


def check_archive(data: bytes, name: str, budget: Budget) -> int:
    """Check the zip against the limits before any XML is parsed; its unpacked size.

    Raises ``LimitExceeded`` for too many members, too many bytes (declared or real),
    shared strings or sheets; ``UnreadableFile`` for a damaged archive.
    """
    limits = budget.limits
    declared_members = _directory_entries(data)
    if declared_members > limits.max_zip_members:
        raise over(limits, "max_zip_members", f"{name} holds {declared_members:,} archive members")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_zip_members:
                what = f"{name} holds {len(infos):,} archive members"
                raise over(limits, "max_zip_members", what)
            declared = sum(info.file_size for info in infos)
            if declared > limits.max_unpacked_bytes:
                raise over(limits, "max_unpacked_bytes", f"{name} unpacks to {declared:,} bytes")
            for info in infos:
                _check_ratio(info, name, limits)
            return _inflate_all(archive, infos, name, budget)
    except UnreadableFile:
        raise
    except Exception as error:  # bad CRC, truncated stream, encrypted or odd compression
        raise UnreadableFile(
            f"{name} cannot be opened as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None


def _check_ratio(info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    """A member that inflates over ``max_unpack_ratio`` times is a bomb, not a sheet.

    Real workbooks inflate 5-30 times; Apache POI refuses 100 by default too. Members
    under 1 MiB are let through whatever their ratio: they cost nothing.
    """
    if info.file_size <= _RATIO_GRACE_BYTES:
        return
    ratio = info.file_size / max(1, info.compress_size)
    if ratio > limits.max_unpack_ratio:
        what = f"{name}: {info.filename} unpacks to {ratio:,.0f} times its packed size"
        raise over(limits, "max_unpack_ratio", what)


def _directory_entries(data: bytes) -> int:
    """The member count the end-of-central-directory record declares (0 if not found).

    Read before ``ZipFile`` builds one object per member, which for a million tiny
    members costs seconds and hundreds of megabytes.
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 12 > len(data):
        return 0
    return int.from_bytes(data[at + 10 : at + 12], "little")


def _inflate_all(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, budget: Budget
) -> int:
    """Inflate every member once: real bytes, CRC, shared strings and sheets counted."""
    limits = budget.limits
    total = strings = sheets = 0
    for info in infos:
        tail = b""
        with archive.open(info) as member:  # reading to the end checks the CRC
            while piece := member.read(_CHUNK):
                total += len(piece)
                if total > limits.max_unpacked_bytes:
                    raise over(limits, "max_unpacked_bytes", f"{name} unpacks to more bytes")
                text = tail + piece
                cut = text.rfind(b"<", max(0, len(text) - _TAG_TAIL))
                head, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
                strings += len(_SHARED_STRING.findall(head))
                sheets += len(_SHEET.findall(head))
                budget.check_time()
        strings += len(_SHARED_STRING.findall(tail))
        sheets += len(_SHEET.findall(tail))
    if strings > limits.max_shared_strings:
        raise over(limits, "max_shared_strings", f"{name} holds {strings:,} shared strings")
    if sheets > limits.max_sheets:
        raise over(limits, "max_sheets", f"{name} declares {sheets:,} sheets")
    return total


# --------------------------------------------------------------------- in-process


def read_workbook(data: bytes, name: str, warnings: list[str], budget: Budget) -> list[GridRow]:
    """The rows of the first sheet with data, read here (``check_archive`` came first)."""
    from openpyxl import load_workbook  # loaded on demand: most desks drop CSV

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableFile(
            f"{name} cannot be opened as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None
    try:
        return _read_first_sheet(workbook, name, warnings, budget)
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(
            f"{name} could not be read as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            workbook.close()


def _worksheets(workbook: Any) -> list[Any]:
    return [sheet for sheet in workbook.worksheets if hasattr(sheet, "_get_source")]  # no charts


def _read_first_sheet(
    workbook: Any, name: str, warnings: list[str], budget: Budget
) -> list[GridRow]:
    sheets = _worksheets(workbook)
    chosen = next(
        (index for index, sheet in enumerate(sheets) if _sheet_has_data(sheet, budget)), None
    )
    if chosen is None:
        warnings.append(f"{name}: no sheet holds any data")
        return []
    others = [sheet.title for sheet in sheets[chosen + 1 :] if _sheet_has_data(sheet, budget)]
    if others:
        warnings.append(
            f"{name}: read sheet {sheets[chosen].title!r}; these sheets also hold data and "
            f"were not read: {', '.join(repr(title) for title in others)}"
        )
    rows = []
    for number, cells in _sheet_rows(sheets[chosen], budget, count=True):
        if not is_blank(cells):
            kept = _trim(cells)
            rows.append(GridRow(number, kept, _raw(kept)))
    return rows


def _sheet_has_data(sheet: Any, budget: Budget) -> bool:
    for number, cells in _sheet_rows(sheet, budget, count=False):
        if number > _PROBE_ROWS:
            return False
        if not is_blank(cells):
            return True
    return False


def _trim(cells: list[object]) -> list[object]:
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _sheet_rows(sheet: Any, budget: Budget, *, count: bool) -> Iterator[tuple[int, list[object]]]:
    """(row number, values) for each row the sheet's XML holds, gaps left out.

    The width is the row's own last cell, checked against ``max_columns`` before the
    list is made; ``count`` charges rows and cells to the budget (probes only the time).
    """
    from openpyxl.worksheet._reader import WorkSheetParser  # what ReadOnlyWorksheet uses

    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, parsed in parser.parse():
            width = max((cell["column"] for cell in parsed), default=0)
            if width > budget.limits.max_columns:  # before a list that wide is made
                what = f"{budget.name}: row {number:,} reaches column {width:,}"
                raise over(budget.limits, "max_columns", what)
            if count:
                budget.row(width, number, "row")
            else:
                budget.check_time("row", number)
            cells: list[object] = [None] * width
            for cell in parsed:
                cells[cell["column"] - 1] = cell["value"]
            yield number, cells


# --------------------------------------------------------------------- the child process

_CHILD_LOCK = threading.Lock()  # 2 cores: one child at a time, whoever asks
_GRACE_SECONDS = 2.0  # for the child to say "too long" itself before it is killed
_ALLOWED = {("datetime", kind.__name__): kind for kind in (datetime, date, time, timedelta)}
_CHILD_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from dutyboard.ingest.xlsxfmt import child_main; child_main()"
)


class _CellsOnly(pickle.Unpickler):
    """Unpickles plain values and datetimes only: the child parsed hostile bytes."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")
        return allowed


def _rows_in_child(data: bytes, name: str, warnings: list[str], budget: Budget) -> list[GridRow]:
    """``read_workbook`` in a child process under the memory and time limits."""
    limits = budget.limits
    if not _CHILD_LOCK.acquire(timeout=max(0.0, budget.remaining())):
        raise budget.out_of_time("waiting for the reader process of another file")
    try:
        seconds = budget.remaining()
        if seconds <= 0:
            raise budget.out_of_time()
        header = json.dumps({"name": name, "limits": asdict(limits), "seconds": seconds})
        root = str(Path(__file__).resolve().parents[2])
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD_CODE, root],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = process.communicate(
                header.encode() + b"\n" + data, timeout=seconds + _GRACE_SECONDS
            )
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise budget.out_of_time() from None
    finally:
        _CHILD_LOCK.release()
    return _child_answer(process.returncode, out, err, name, warnings, budget)


def _child_answer(
    code: int, out: bytes, err: bytes, name: str, warnings: list[str], budget: Budget
) -> list[GridRow]:
    limits = budget.limits
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise budget.out_of_time()
    try:
        answer = _CellsOnly(io.BytesIO(out)).load() if out else None
    except Exception:
        answer = None
    if code != 0 or not isinstance(answer, tuple):
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        reason = f"signal {-code}" if code < 0 else f"exit {code}"
        raise UnreadableFile(
            f"{name} could not be read as an .xlsx workbook: its reader process failed "
            f"({reason}; memory is limited to {limit_text(limits, 'max_memory_bytes')})"
            + (f": {last[0][:200]}" if last[0] else "")
        )
    status, *rest = answer
    if status == "unreadable":
        message, key = rest
        raise LimitExceeded(message, key) if key else UnreadableFile(message)
    found, child_warnings = rest
    warnings.extend(child_warnings)
    rows = [GridRow(number, cells, _raw(cells)) for number, cells in found]
    budget.rows += len(rows)
    budget.cells += sum(len(row.cells) for row in rows)
    return rows


def child_main() -> None:
    """The child's side: header line + bytes on stdin, a pickled answer on stdout."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    header = json.loads(stdin.readline())
    limits = Limits(**header["limits"])
    _limit_self(limits, header["seconds"])
    name = header["name"]
    answer: tuple[Any, ...]
    try:
        data = stdin.read()
        budget = Budget(limits, name, seconds=header["seconds"])
        warnings: list[str] = []
        rows = read_workbook(data, name, warnings, budget)
        answer = ("ok", [(row.number, row.cells) for row in rows], warnings)
    except LimitExceeded as error:
        answer = ("unreadable", str(error), error.key)
    except UnreadableFile as error:
        answer = (
            ("unreadable", str(error), None)
            if not _out_of_memory(error)
            else _no_memory(name, limits)
        )
    except MemoryError:
        answer = _no_memory(name, limits)
    try:
        stdout.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        stdout.write(pickle.dumps(_no_memory(name, limits)))
    stdout.flush()


def _out_of_memory(error: Exception) -> bool:
    """expat says "out of memory" (a ParseError, wrapped as unreadable) when malloc fails."""
    return "out of memory" in str(error).lower() or "MemoryError" in str(error)


def _no_memory(name: str, limits: Limits) -> tuple[str, str, str]:
    what = f"{name}: reading it needs more memory"
    return ("unreadable", str(over(limits, "max_memory_bytes", what)), "max_memory_bytes")


def _limit_self(limits: Limits, seconds: float) -> None:
    """RLIMIT_AS for memory, RLIMIT_CPU as a backstop to the parent's clock, no core."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's clock still holds
        return
    for which, value in (
        (resource.RLIMIT_AS, limits.max_memory_bytes),
        (resource.RLIMIT_CPU, math.ceil(seconds) + 1),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OverflowError, OSError):
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
