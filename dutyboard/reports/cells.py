"""Cells for files people open in spreadsheets."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel/LibreOffice: a contact named
# "=HYPERLINK(…)" must not become a live link in the export (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
