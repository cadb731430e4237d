"""How much of one file the readers take before they call it hostile (issue 17 point 4).

A few kilobytes can declare a million-row grid, a 4 MB workbook can unpack to 1.4 GB of
XML, a header can repeat one name 50,000 times. Every reader counts what it reads
against a ``Limits`` (one ``Budget`` per file) and stops at the first limit crossed with
``LimitExceeded``: an ``UnreadableFile`` whose message names the limit's config key and
value ("… over the limit of 20,000,000 cells (limits.max_cells)"), so the file goes to
quarantine and the collector moves on to the next one.

The defaults take real desk files with room to spare (the benchmark's 1,000,000-row
CSV: 100 MB, 11 million cells, ~40 s to parse here) and reject the hostile ones in
milliseconds. A desk sets them in the ``[limits]`` table of its config (``parse_limits``).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from dutyboard.ingest.records import UnreadableFile

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class Limits:
    """Per-file limits of the readers; the field names are the ``[limits]`` config keys."""

    max_file_bytes: int = 512 * MIB  # the file as read (any format)
    max_unpacked_bytes: int = 128 * MIB  # xlsx: all archive members, uncompressed
    max_unpack_ratio: int = 100  # xlsx: a member's unpacked / packed size (over 1 MiB)
    max_zip_members: int = 10_000  # xlsx: members of the archive
    max_sheets: int = 250  # xlsx: sheets declared by the workbook
    # xlsx: openpyxl loads every shared string before the first row (~17 µs each here).
    max_shared_strings: int = 1_000_000
    max_rows: int = 2_000_000  # lines, rows, records or cards in one file
    max_columns: int = 5_000  # cells in one row of a table (CSV/TSV, xlsx, HXL JSON)
    max_cells: int = 20_000_000  # cells in one file
    max_fields: int = 5_000  # fields of one record: vCard properties, JSON keys
    max_line_chars: int = 10_000_000  # one line of CSV/TSV (a whole record), JSONL, vCard
    max_seconds: float = 120.0  # reading and parsing one file, wall clock
    max_memory_bytes: int = 2 * GIB  # address space of the xlsx reader's child process
    # An xlsx unpacking to more than this is read in a child process held to
    # max_memory_bytes and max_seconds; smaller ones are read in-process (no start-up cost).
    isolate_above_bytes: int = 2 * MIB


DEFAULT = Limits()

# How each limit is said in messages: the unit after the number.
_UNITS: dict[str, str] = {
    "max_file_bytes": "bytes",
    "max_unpacked_bytes": "bytes",
    "max_unpack_ratio": "times the packed size",
    "max_zip_members": "archive members",
    "max_sheets": "sheets",
    "max_shared_strings": "shared strings",
    "max_rows": "rows",
    "max_columns": "columns",
    "max_cells": "cells",
    "max_fields": "fields per record",
    "max_line_chars": "characters per line",
    "max_seconds": "seconds",
    "max_memory_bytes": "bytes",
    "isolate_above_bytes": "bytes",
}
_BYTE_KEYS = frozenset(key for key, unit in _UNITS.items() if unit == "bytes")
_ZERO_ALLOWED = frozenset({"isolate_above_bytes"})  # 0: every xlsx in a child process
_MAX_SECONDS = 24 * 3600.0  # longer than a day is a typo, not a budget


def limit_text(limits: Limits, key: str) -> str:
    """'20,000,000 cells (limits.max_cells)'; bytes also in MiB/GiB when round."""
    value = getattr(limits, key)
    unit = _UNITS[key]
    number = f"{value:,g}" if key == "max_seconds" else f"{value:,}"
    text = f"{number} {unit}"
    if key in _BYTE_KEYS and value >= MIB:
        text += f" = {_human_bytes(value)}"
    return f"{text} (limits.{key})"


def _human_bytes(value: int) -> str:
    if value % GIB == 0:
        return f"{value // GIB} GiB"
    if value % MIB == 0:
        return f"{value // MIB} MiB"
    return f"{value / MIB:,.1f} MiB"


class LimitExceeded(UnreadableFile):
    """A file crossed one of the ``Limits``; ``key`` is the config key it crossed."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key

    def __reduce__(self) -> tuple[type[LimitExceeded], tuple[str, str]]:
        return (type(self), (str(self), self.key))  # pickles (args alone lack the key)


def over(limits: Limits, key: str, what: str) -> LimitExceeded:
    """``LimitExceeded`` saying "<what>, over the limit of <value> (limits.<key>)"."""
    return LimitExceeded(f"{what}, over the limit of {limit_text(limits, key)}", key)


class Budget:
    """What one file has used so far; each reader calls it as it goes.

    Cheap enough to call once per row of a 1,000,000-row CSV: two additions, three
    comparisons, and a clock read every 256 rows.
    """

    __slots__ = ("_max_columns", "_max_rows", "cells", "deadline", "limits", "name", "rows")

    def __init__(
        self, limits: Limits = DEFAULT, name: str = "the file", seconds: float | None = None
    ) -> None:
        """``seconds``: what is left of ``max_seconds`` (a child process gets the rest)."""
        self.limits = limits
        self.name = name
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + (limits.max_seconds if seconds is None else seconds)
        self._max_columns = limits.max_columns
        self._max_rows = limits.max_rows

    def row(self, width: int, number: int, unit: str = "line") -> None:
        """One more row of ``width`` cells: ``unit`` ``number`` ("line 12") in messages.

        The place is formatted only when a limit is crossed: this runs once per row.
        """
        if width > self._max_columns:
            raise over(self.limits, "max_columns", f"{self._at(unit, number)} has {width:,} cells")
        self.rows += 1
        self.cells += width
        if self.rows > self._max_rows or self.cells > self.limits.max_cells:
            self._too_many(number, unit)
        if not self.rows & 0xFF:
            self.check_time(unit, number)

    def record(self, count: int, number: int, unit: str) -> None:
        """One more record (vCard card, JSON object) of ``count`` fields."""
        if count > self.limits.max_fields:
            raise over(self.limits, "max_fields", f"{self._at(unit, number)} has {count:,} fields")
        self.rows += 1
        self.cells += count
        if self.rows > self._max_rows or self.cells > self.limits.max_cells:
            self._too_many(number, unit)
        if not self.rows & 0xFF:
            self.check_time(unit, number)

    def _too_many(self, number: int, unit: str) -> None:
        where = self._at(unit, number)
        if self.rows > self._max_rows:
            raise over(self.limits, "max_rows", f"{where} is row {self.rows:,}")
        raise over(self.limits, "max_cells", f"{where} brings the file to {self.cells:,} cells")

    def line(self, length: int, number: int, unit: str = "line") -> None:
        if length > self.limits.max_line_chars:
            where = self._at(unit, number)
            raise over(self.limits, "max_line_chars", f"{where} is {length:,} characters long")

    def _at(self, unit: str, number: int) -> str:
        return f"{self.name}: {unit} {number:,}"

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_time(self, unit: str = "", number: int = 0) -> None:
        if time.monotonic() > self.deadline:
            raise self.out_of_time(f"{unit} {number:,}" if unit else "")

    def out_of_time(self, where: str = "") -> LimitExceeded:
        at = f" (stopped at {where})" if where else ""
        return over(self.limits, "max_seconds", f"{self.name}: reading took too long{at}")


class LimitsConfigError(ValueError):
    """A bad ``[limits]`` key; the message names the file and the key."""


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$", re.I)
_SIZE_FACTORS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": KIB,
    "mib": MIB,
    "gib": GIB,
}


def _byte_count(value: Any) -> int:
    """4096, "256 MiB", "2GiB", "500 MB" → bytes."""
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match is None:
            raise ValueError(f'{value!r} is not a size such as 268435456 or "256 MiB"')
        number = float(match.group(1)) * _SIZE_FACTORS[(match.group(2) or "b").lower()]
        if not number.is_integer():
            raise ValueError(f"{value!r} is not a whole number of bytes")
        return int(number)
    return _whole(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a whole number, not {value!r}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError(f"must be a whole number, not {value!r}")
    return int(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number of seconds, not {value!r}")
    if not math.isfinite(value) or not 0 < value <= _MAX_SECONDS:
        raise ValueError(f"must be a number of seconds above 0 and at most {_MAX_SECONDS:,.0f}")
    return float(value)


def parse_limits(table: Mapping[str, Any], where: str = "config") -> Limits:
    """The ``[limits]`` table → ``Limits`` (defaults for the keys it leaves out).

    Raises ``LimitsConfigError`` ("<where>: limits.max_rows: must be …") for the first
    unknown key or bad value: a bool, a string that is not a size, nan, inf, a negative
    number or zero (``isolate_above_bytes`` may be 0), a fraction of a row.
    """
    if not isinstance(table, Mapping):
        raise LimitsConfigError(f"{where}: [limits] must be a table")
    known = {spec.name for spec in fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise LimitsConfigError(
                f"{where}: unknown key limits.{key} (known: {', '.join(sorted(known))})"
            )
        try:
            values[key] = _parse_value(key, value)
        except ValueError as error:
            raise LimitsConfigError(f"{where}: limits.{key}: {error}") from None
    return replace(DEFAULT, **values)


def _parse_value(key: str, value: Any) -> int | float:
    if key == "max_seconds":
        return _seconds(value)
    number = _byte_count(value) if key in _BYTE_KEYS else _whole(value)
    least = 0 if key in _ZERO_ALLOWED else 1
    if number < least:
        raise ValueError(f"must be at least {least} {_UNITS[key]}, not {value!r}")
    return number
