"""Cells for files people open in spreadsheets."""

from __future__ import annotations

from dutyboard.domain.text import UNLIMITED, clean_text

# A cell starting with one of these is a formula to Excel/LibreOffice: a contact named
# "=HYPERLINK(…)" must not become a live link in the export (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell's text: cleaned by the desk's one sanitiser (no control character, escape
    sequence, bidi override or invisible character: a CSV is also read with ``cat``),
    then kept from being read as a formula. Layout inside the cell is kept."""
    text = "" if value is None else clean_text(str(value), UNLIMITED, strip=False)
    return "'" + text if text.startswith(_FORMULA_START) else text
