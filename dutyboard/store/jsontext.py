"""The one JSON text dutyboard writes for events and hashes for content: canonical and fast.

Canonical means what ``json.dumps(value, sort_keys=True, ensure_ascii=False,
separators=(",", ":"), default=str)`` writes: keys sorted, no spaces, text as UTF-8, any
other object as its ``str()``. Content hashes are taken over this text, so it must never
change: a record ingested last year has to hash the same today, or every re-read file
would look changed.

``orjson`` writes the same text ten times faster than the standard library for the values
records hold (text, integers, floats, ``None``, booleans, and dicts and lists of them);
with the check below, a record's text costs a third of what it did. Where the two could
differ, the standard library writes it instead:

* a float below 1e-4 (``9.9e-05`` against ``0.000099``), or not finite (``NaN`` against
  ``null``);
* an integer beyond 64 bits, text with a lone surrogate (orjson refuses both);
* any other type (orjson has its own text for dates, enums, dataclasses; we want ``str``).

``tests/store/test_jsontext.py`` checks the equality on generated values.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_STANDARD = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
).encode

_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
_SCALARS = frozenset({str, int, bool, type(None)})


class _Unusual(Exception):
    """A value orjson would write differently: the standard library writes it."""


def _refuse(value: object) -> object:
    raise _Unusual


def _same_text(value: Any) -> bool:
    """Would orjson write ``value`` exactly as the standard library does?

    (A key that is not text makes orjson refuse, which sends the value to the standard
    library too.)
    """
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is float:
        # orjson writes small floats without an exponent; NaN and infinities as null.
        return bool(value == 0 or 1e-4 <= abs(value) <= 1.7976931348623157e308)
    if kind is dict:
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        return False
    if set(map(type, items)) <= _SCALARS:  # a flat record: decided in C
        return True
    return all(type(item) in _SCALARS or _same_text(item) for item in items)


def canonical_bytes(value: Any) -> bytes:
    """``value`` as canonical JSON, UTF-8 encoded (what content hashes are taken over)."""
    if _same_text(value):
        try:
            return orjson.dumps(value, default=_refuse, option=_OPTIONS)
        except (orjson.JSONEncodeError, _Unusual):
            pass
    return _STANDARD(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """``value`` as canonical JSON text (what events store)."""
    return canonical_bytes(value).decode("utf-8")


def json_object(text: object) -> dict[str, Any]:
    """A stored JSON object (an event's before/after, an outbox payload) read back: ``{}``
    for nothing, for text that is no JSON, or for JSON that is no object."""
    if not text:
        return {}
    try:
        value = json.loads(str(text))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
