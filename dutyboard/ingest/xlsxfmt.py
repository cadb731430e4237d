"""Spreadsheet workbooks people save: .xlsx, .xlsm, .xlsb, .xls and .ods, read by content.

What a file is comes from its bytes, not its name: an OLE2 compound file (``D0 CF 11
E0``) is an old-style .xls; a zip holding an OpenDocument ``mimetype`` of
``application/vnd.oasis.opendocument.spreadsheet`` is an .ods, one holding
``workbook.bin`` an .xlsb, one holding ``workbook.xml`` an .xlsx/.xlsm. So a .xls that is
really an .xlsx (and the other way round) is read all the same. The first worksheet
holding a value is read; the later ones holding values get a warning.

The cells are read by python-calamine (a tenth of openpyxl's time here), always in
a child process (``dutyboard.ingest.sheet_child``) held to ``limits.max_memory_bytes``
(RLIMIT_AS) and ``limits.max_seconds``, one child at a time: calamine builds each sheet
as one dense grid from its first to its last cell, and a failed allocation in Rust
aborts the process that made it instead of raising (``limits.isolate_above_bytes``,
which let small workbooks be read in-process by openpyxl, no longer decides anything).
What it gives is what the readers
take: integral numbers as int (a phone number typed as a number is 13800138000, never
"13800138000.0"), dates as ``date``/``datetime`` (times of day as ``time``, durations as
``timedelta``), formulas as their cached values, empty cells as None, an error value
(#N/A) as an empty cell; row numbers are the spreadsheet program's.

Before the bytes reach the child, what can be checked in constant memory is checked
here (``check_archive``): a zip's member count, its declared unpacked size, then every
member inflated once in 1 MiB pieces — what it really unpacks to, its CRC, how many
shared strings and sheets it declares, and (.xlsx) whether a cell reference lies beyond
``max_columns``: a few kilobytes with one cell in column XFD would otherwise make
calamine ask for a grid of 17 billion cells. Rows, cells and columns are counted against
the limits in the child as each row is read.

A workbook that cannot be read gives one ``UnreadableFile`` line: password-protected
(an encrypted .xlsx/.xlsb/.xls/.ods), damaged, or not a workbook at all (a .docx, text
named .xls). Its text is English, as every stored reason is; ``WorkbookRefused.said``
says it again in the interface language (the Chinese is in
``dutyboard/locale/zh_CN_spreadsheets.py``).
"""

from __future__ import annotations

import io
import json
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dutyboard.domain.limits import DEFAULT, Limits, limit_text
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.ingest.limits import Budget, LimitExceeded, over
from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.source import GridRow, is_blank, safe_json

# The names a workbook is saved under; by content it is a zip or an OLE2 file.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".xlt", ".ods", ".ots")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# An encrypted .xlsx/.xlsb is an OLE2 file holding these two streams (MS-OFFCRYPTO); an
# .xls holds a "Workbook" (BIFF8) or "Book" (BIFF5) stream. Names are UTF-16 in the file.
_ENCRYPTED_STREAMS = tuple(
    name.encode("utf-16-le") for name in ("EncryptedPackage", "EncryptionInfo")
)
_XLS_STREAMS = tuple(name.encode("utf-16-le") for name in ("Workbook", "Book"))
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"  # also -template
_SMALL_MEMBER = 1024 * 1024  # mimetype and manifest are read whole only below this
_CHUNK = 1024 * 1024
# An element start: "<si>", "<x:si ", "<sheet/>" (never "<sheets>" or "<sheetData>").
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?si[\s/>]")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?sheet[\s/>]")
_ODS_TABLE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?table[\s/>]")  # a sheet of an .ods
_RATIO_GRACE_BYTES = 1024 * 1024
_TAG_TAIL = 32  # longer than any match above, so none is cut between two chunks
_REF_TAIL = 24  # longer than any cell reference attribute (' r="XFD1048576"')

# Reasons (English: they are stored; WorkbookRefused.said translates them).
PASSWORD = (
    "{name} is password-protected: save a copy without the password (or as .xlsx "
    "or CSV) in the spreadsheet program and import that"
)
NOT_A_WORKBOOK = (
    "{name} is not a spreadsheet workbook: it is not a zip archive (.xlsx, .xlsm, .xlsb, "
    ".ods) nor an old-style .xls file"
)
NOT_A_SHEET_ARCHIVE = (
    "{name} is a zip archive but not a spreadsheet workbook (a Word or OpenDocument text file?)"
)
CUT_SHORT = (
    "{name} cannot be opened as a workbook: it is not a zip archive to its end (cut short "
    "while it was copied or downloaded?)"
)
CANNOT_OPEN = "{name} cannot be opened as an {kind} workbook: {detail}"
CANNOT_READ = "{name} could not be read as an {kind} workbook: {detail}"
REASONS = (PASSWORD, NOT_A_WORKBOOK, NOT_A_SHEET_ARCHIVE, CUT_SHORT, CANNOT_OPEN, CANNOT_READ)


class WorkbookRefused(UnreadableFile):
    """A workbook that cannot be read: the message in English (stored, logged), and
    ``said()`` for a person in the interface language."""

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values

    def said(self, tr: Callable[[str], str] = _) -> str:
        return tr(self.template).format(**self.values)

    def cleaned(self) -> WorkbookRefused:
        """The same reason with each value made one clean line (names are hostile)."""
        return WorkbookRefused(
            self.template,
            **{
                key: clean_text(value, limit=300).replace("\n", " ")
                for key, value in self.values.items()
            },
        )

    def __reduce__(self) -> tuple[Callable[..., WorkbookRefused], tuple[str, dict[str, str]]]:
        return (_refused_again, (self.template, self.values))  # pickles (args lack them)


def _refused_again(template: str, values: Mapping[str, str]) -> WorkbookRefused:
    return WorkbookRefused(template, **values)


def looks_like_workbook(data: bytes) -> bool:
    """A zip or OLE2 file: the only containers a workbook comes in."""
    return data.startswith((_ZIP, _OLE))


def _raw(cells: list[object]) -> str:
    return safe_json([None if cell is None else str(cell) for cell in cells])


def xlsx_rows(
    data: bytes, name: str, warnings: list[str], budget: Budget | None = None
) -> list[GridRow]:
    """All rows of the first worksheet with a value (read eagerly so errors surface here).

    ``name`` is only for messages: what the file is comes from ``data``.
    """
    budget = budget or Budget(DEFAULT, name)
    kind = workbook_kind(data, name, budget)
    return _rows_in_child(data, name, kind, warnings, budget)


def workbook_kind(data: bytes, name: str, budget: Budget) -> str:
    """ ".xls", ".xlsx", ".xlsb" or ".ods" by the bytes, zips checked (``check_archive``).

    Raises ``WorkbookRefused`` for a file that is no workbook or an encrypted one,
    ``LimitExceeded`` for an archive over a limit.
    """
    if data.startswith(_OLE):
        encrypted = all(stream in data for stream in _ENCRYPTED_STREAMS)
        if encrypted and not any(stream in data for stream in _XLS_STREAMS):
            raise WorkbookRefused(PASSWORD, name=name)
        return ".xls"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(_ZIP):  # a zip's first member with no end: a copy cut short
            raise WorkbookRefused(CUT_SHORT, name=name)
        raise WorkbookRefused(NOT_A_WORKBOOK, name=name)
    return check_archive(data, name, budget)


# --------------------------------------------------------------------- the archive


def check_archive(data: bytes, name: str, budget: Budget) -> str:
    """Check the zip against the limits before calamine sees it; the workbook's kind.

    Raises ``LimitExceeded`` for too many members, too many bytes (declared or real),
    shared strings or sheets, or a cell beyond ``max_columns``; ``WorkbookRefused`` for a
    damaged or encrypted archive, or one that is no spreadsheet.
    """
    limits = budget.limits
    declared_members = _directory_entries(data)
    if declared_members > limits.max_zip_members:
        raise over(limits, "max_zip_members", f"{name} holds {declared_members:,} archive members")
    kind = ".xlsx"
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
            if any(info.flag_bits & 0x1 for info in infos):  # zip encryption
                raise WorkbookRefused(PASSWORD, name=name)
            kind = _archive_kind(archive, name)
            _inflate_all(archive, infos, name, budget, kind)
            return kind
    except UnreadableFile:
        raise
    except Exception as error:  # bad CRC, truncated stream, odd compression
        detail = f"{type(error).__name__}: {error}"
        raise WorkbookRefused(CANNOT_OPEN, name=name, kind=kind, detail=detail) from None


def _archive_kind(archive: zipfile.ZipFile, name: str) -> str:
    """ ".ods", ".xlsb" or ".xlsx" by the members; an encrypted .ods is refused here
    (its members are ciphertext: inflating them would only say "damaged")."""
    members = {info.filename: info for info in archive.infolist()}
    mimetype = members.get("mimetype")
    if mimetype is not None and mimetype.file_size <= _SMALL_MEMBER:
        if not archive.read(mimetype).strip().startswith(_ODS_MIMETYPE):
            raise WorkbookRefused(NOT_A_SHEET_ARCHIVE, name=name)
        manifest = members.get("META-INF/manifest.xml")
        small = manifest is not None and manifest.file_size <= _SMALL_MEMBER
        if small and manifest is not None and b"encryption-data" in archive.read(manifest):
            raise WorkbookRefused(PASSWORD, name=name)
        return ".ods"
    lowered = {member.lower() for member in members}
    if any(member.endswith("workbook.bin") for member in lowered):
        return ".xlsb"
    if any(member.endswith("workbook.xml") for member in lowered):
        return ".xlsx"
    raise WorkbookRefused(NOT_A_SHEET_ARCHIVE, name=name)


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


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _far_cell_pattern(max_columns: int) -> re.Pattern[bytes]:
    """A cell reference (``r="GJI2"``) with at least as many letters as the first column
    over ``max_columns``: at the default limit only three-letter columns are looked at,
    which real sheets hardly have, so the scan costs a search for ``r="`` and no more."""
    letters, number = 0, max_columns + 1
    while number:
        number, _rest = divmod(number - 1, 26)
        letters += 1
    return re.compile(rb'\sr="([A-Z]{%d,3})([0-9]{1,7})"' % min(letters, 3))


def _inflate_all(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, budget: Budget, kind: str
) -> None:
    """Inflate every member once: real bytes, CRC, shared strings, sheets and (.xlsx)
    cells beyond ``max_columns`` looked for."""
    limits = budget.limits
    patterns = {".xlsx": (_SHARED_STRING, _SHEET), ".ods": (None, _ODS_TABLE)}
    strings_at, sheets_at = patterns.get(kind, (None, None))  # .xlsb is binary
    far_cell = _far_cell_pattern(limits.max_columns) if kind == ".xlsx" else None
    total = strings = sheets = 0
    for info in infos:
        tail = overlap = b""
        with archive.open(info) as member:  # reading to the end checks the CRC
            while piece := member.read(_CHUNK):
                total += len(piece)
                if total > limits.max_unpacked_bytes:
                    raise over(limits, "max_unpacked_bytes", f"{name} unpacks to more bytes")
                if far_cell is not None:
                    _no_far_cell(far_cell, overlap + piece, name, limits)
                    overlap = piece[-_REF_TAIL:]
                if strings_at is not None or sheets_at is not None:
                    text = tail + piece
                    cut = text.rfind(b"<", max(0, len(text) - _TAG_TAIL))
                    head, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
                    strings += _count(strings_at, head)
                    sheets += _count(sheets_at, head)
                budget.check_time()
        strings += _count(strings_at, tail)
        sheets += _count(sheets_at, tail)
    if strings > limits.max_shared_strings:
        raise over(limits, "max_shared_strings", f"{name} holds {strings:,} shared strings")
    if sheets > limits.max_sheets:
        raise over(limits, "max_sheets", f"{name} declares {sheets:,} sheets")


def _count(pattern: re.Pattern[bytes] | None, text: bytes) -> int:
    return len(pattern.findall(text)) if pattern is not None and text else 0


def _no_far_cell(pattern: re.Pattern[bytes], text: bytes, name: str, limits: Limits) -> None:
    for match in pattern.finditer(text):
        column = _column_number(match.group(1))
        if column > limits.max_columns:
            what = f"{name}: row {int(match.group(2)):,} reaches column {column:,}"
            raise over(limits, "max_columns", what)


# --------------------------------------------------------------------- the child process

_CHILD_LOCK = threading.Lock()  # 2 cores: one child at a time, whoever asks
_GRACE_SECONDS = 2.0  # for the child to say "too long" itself before it is killed
_ALLOWED = {("datetime", kind.__name__): kind for kind in (datetime, date, time, timedelta)}
_CHILD_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from dutyboard.ingest.sheet_child import main; main()"
)
# What Rust's allocator prints before it aborts the process (RLIMIT_AS reached).
_RUST_OUT_OF_MEMORY = b"memory allocation of"


class _CellsOnly(pickle.Unpickler):
    """Unpickles plain values and datetimes only: the child parsed hostile bytes."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")
        return allowed


def _rows_in_child(
    data: bytes, name: str, kind: str, warnings: list[str], budget: Budget
) -> list[GridRow]:
    """The first worksheet's rows, read by the child under the memory and time limits.

    The child reads a private copy (a folder only this user can enter, removed whatever
    becomes of the child), named by ``kind``: calamine picks its reader by the name.
    """
    limits = budget.limits
    if not _CHILD_LOCK.acquire(timeout=max(0.0, budget.remaining())):
        raise budget.out_of_time("waiting for the reader process of another file")
    try:
        with tempfile.TemporaryDirectory(prefix="dutyboard-sheet-") as folder:
            path = Path(folder) / f"workbook{kind}"
            path.write_bytes(data)
            seconds = budget.remaining()
            if seconds <= 0:
                raise budget.out_of_time()
            header = {"path": str(path), "limits": asdict(limits), "seconds": seconds}
            code, out, err = _run_child(json.dumps(header).encode(), seconds, budget)
    finally:
        _CHILD_LOCK.release()
    return _child_answer(code, out, err, name, kind, warnings, budget)


def _run_child(header: bytes, seconds: float, budget: Budget) -> tuple[int, bytes, bytes]:
    root = str(Path(__file__).resolve().parents[2])
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", _CHILD_CODE, root],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = process.communicate(header + b"\n", timeout=seconds + _GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise budget.out_of_time() from None
    return process.returncode, out, err


def _child_answer(
    code: int, out: bytes, err: bytes, name: str, kind: str, warnings: list[str], budget: Budget
) -> list[GridRow]:
    limits = budget.limits
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise budget.out_of_time()
    if code == -signal.SIGABRT and _RUST_OUT_OF_MEMORY in err:
        raise _no_memory(name, limits)
    try:
        answer = _CellsOnly(io.BytesIO(out)).load() if out else None
    except Exception:
        answer = None
    if code != 0 or not isinstance(answer, tuple) or not answer:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        reason = f"signal {-code}" if code < 0 else f"exit {code}"
        detail = (
            f"its reader process failed ({reason}; memory is limited to "
            f"{limit_text(limits, 'max_memory_bytes')})" + (f": {last[0][:200]}" if last[0] else "")
        )
        raise WorkbookRefused(CANNOT_READ, name=name, kind=kind, detail=detail)
    found = _found(answer)
    if found is None:
        raise _refusal(answer, name, kind, budget)
    rows_found, sheet, others = found
    if sheet is None:
        warnings.append(f"{name}: no sheet holds any data")
    elif others:
        warnings.append(
            f"{name}: read sheet {sheet!r}; these sheets also hold data and were not read: "
            + ", ".join(repr(title) for title in others)
        )
    rows = [GridRow(number, cells, _raw(cells)) for number, cells in rows_found]
    rows = [row for row in rows if not is_blank(row.cells)]
    budget.rows += len(rows)
    budget.cells += sum(len(row.cells) for row in rows)
    return rows


def _found(
    answer: tuple[Any, ...],
) -> tuple[list[tuple[int, list[object]]], str | None, list[str]] | None:
    """An "ok" answer's rows, sheet and other sheets, checked for shape; else None."""
    if len(answer) != 4 or answer[0] != "ok":
        return None
    _status, rows, sheet, others = answer
    if not isinstance(rows, list) or not isinstance(others, list):
        return None
    if not (sheet is None or isinstance(sheet, str)) or not all(
        isinstance(other, str) for other in others
    ):
        return None
    for row in rows:
        if not (
            isinstance(row, tuple)
            and len(row) == 2
            and type(row[0]) is int
            and isinstance(row[1], list)
        ):
            return None
    return rows, sheet, others


def _refusal(answer: tuple[Any, ...], name: str, kind: str, budget: Budget) -> UnreadableFile:
    """The child's answer other than "ok" as the error to raise."""
    limits = budget.limits
    status, rest = answer[0], answer[1:]
    if status == "password":
        return WorkbookRefused(PASSWORD, name=name)
    if status == "broken" and len(rest) == 2:
        template = CANNOT_OPEN if rest[0] == "open" else CANNOT_READ
        return WorkbookRefused(template, name=name, kind=kind, detail=str(rest[1]))
    numbers = [value for value in rest if type(value) is int]
    if status == "over" and len(rest) == 3 and len(numbers) == 2:
        number, count = numbers
        what = {
            "max_columns": f"{name}: row {number:,} reaches column {count:,}",
            "max_rows": f"{name}: row {number:,} is row {count:,}",
            "max_cells": f"{name}: row {number:,} brings the file to {count:,} cells",
            "max_sheets": f"{name} declares {count:,} sheets",
        }.get(str(rest[0]))
        if what is not None:
            return over(limits, str(rest[0]), what)
    if status == "time" and len(numbers) == 1:
        return budget.out_of_time(f"row {numbers[0]:,}")
    if status == "memory":
        return _no_memory(name, limits)
    detail = f"its reader process gave an answer it should not ({str(status)[:40]!r})"
    return WorkbookRefused(CANNOT_READ, name=name, kind=kind, detail=detail)


def _no_memory(name: str, limits: Limits) -> LimitExceeded:
    return over(limits, "max_memory_bytes", f"{name}: reading it needs more memory")
