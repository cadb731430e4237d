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

import time

from dutyboard.domain.limits import DEFAULT, Limits, limit_text
from dutyboard.ingest.records import UnreadableFile


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
