"""The sanitiser, where ingest has always imported it from: :mod:`dutyboard.domain.text`.

``clean_text`` is applied to every string that leaves the ingest layer in ``fields``
and ``extra`` (and to values quoted in problems and warnings). ``raw`` is never
cleaned: it is the audit copy. The implementation lives in ``dutyboard.domain`` so the
store, which may not import ingest, cleans what it writes with the same function; this
module only re-exports it until the imports are swept.
"""

from __future__ import annotations

from dutyboard.domain.text import (
    _CARE,
    _DROP,
    _ESCAPE_SEQUENCE,
    _ESCAPE_START,
    ELLIPSIS,
    MAX_FIELD_CHARS,
    MAX_MARKS,
    UNLIMITED,
    _clean,
    _tidy_marks,
    clean_data,
    clean_json_text,
    clean_line,
    clean_output,
    clean_text,
    clean_text_checked,
    is_clean,
    needs_cleaning,
    quote,
)

__all__ = [
    "ELLIPSIS",
    "MAX_FIELD_CHARS",
    "MAX_MARKS",
    "UNLIMITED",
    "_CARE",
    "_DROP",
    "_ESCAPE_SEQUENCE",
    "_ESCAPE_START",
    "_clean",
    "_tidy_marks",
    "clean_data",
    "clean_json_text",
    "clean_line",
    "clean_output",
    "clean_text",
    "clean_text_checked",
    "is_clean",
    "needs_cleaning",
    "quote",
]
