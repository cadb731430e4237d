"""The readers' per-file limits (``Limits``) and the ``[limits]`` table of the config.

What the limits are and how a desk sets them; how the readers enforce them (``Budget``,
``LimitExceeded``) is :mod:`dutyboard.ingest.limits`. Here so that the config can parse
``[limits]`` without importing ingest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from dutyboard.i18n import _

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
    # xlsx: the shared-string table a workbook declares, checked before it is read.
    max_shared_strings: int = 1_000_000
    max_rows: int = 2_000_000  # lines, rows, records or cards in one file
    max_columns: int = 5_000  # cells in one row of a table (CSV/TSV, xlsx, HXL JSON)
    max_cells: int = 20_000_000  # cells in one file
    max_fields: int = 5_000  # fields of one record: vCard properties, JSON keys
    max_line_chars: int = 10_000_000  # one line of CSV/TSV (a whole record), JSONL, vCard
    max_seconds: float = 120.0  # reading and parsing one file, wall clock
    max_memory_bytes: int = 2 * GIB  # address space of the xlsx reader's child process
    # No longer decides anything: every workbook is read in the child process (calamine
    # aborts its process when a sheet's grid cannot be allocated). Still accepted, so a
    # config that sets it loads.
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
            raise ValueError(
                _('{value!r} is not a size such as 268435456 or "256 MiB"').format(value=value)
            )
        number = float(match.group(1)) * _SIZE_FACTORS[(match.group(2) or "b").lower()]
        if not number.is_integer():
            raise ValueError(_("{value!r} is not a whole number of bytes").format(value=value))
        return int(number)
    return _whole(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("must be a whole number, not {value!r}").format(value=value))
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ValueError(_("must be a whole number, not {value!r}").format(value=value))
    return int(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("must be a number of seconds, not {value!r}").format(value=value))
    if not math.isfinite(value) or not 0 < value <= _MAX_SECONDS:
        raise ValueError(
            _("must be a number of seconds above 0 and at most {most}").format(
                most=f"{_MAX_SECONDS:,.0f}"
            )
        )
    return float(value)


def parse_limits(table: Mapping[str, Any], where: str = "config") -> Limits:
    """The ``[limits]`` table → ``Limits`` (defaults for the keys it leaves out).

    Raises ``LimitsConfigError`` ("<where>: limits.max_rows: must be …") for the first
    unknown key or bad value: a bool, a string that is not a size, nan, inf, a negative
    number or zero (``isolate_above_bytes`` may be 0), a fraction of a row.
    """
    if not isinstance(table, Mapping):
        raise LimitsConfigError(_("{where}: [limits] must be a table").format(where=where))
    known = {spec.name for spec in fields(Limits)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise LimitsConfigError(
                _("{where}: unknown key limits.{key} (known: {known})").format(
                    where=where, key=key, known=", ".join(sorted(known))
                )
            )
        try:
            values[key] = _parse_value(key, value)
        except ValueError as error:
            raise LimitsConfigError(
                _("{where}: limits.{key}: {error}").format(where=where, key=key, error=error)
            ) from None
    return replace(DEFAULT, **values)


def _parse_value(key: str, value: Any) -> int | float:
    if key == "max_seconds":
        return _seconds(value)
    number = _byte_count(value) if key in _BYTE_KEYS else _whole(value)
    least = 0 if key in _ZERO_ALLOWED else 1
    if number < least:
        raise ValueError(
            _("must be at least {least} {unit}, not {value!r}").format(
                least=least, unit=_(_UNITS[key]), value=value
            )
        )
    return number
