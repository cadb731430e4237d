"""Text from outside is hostile: strip what could drive a terminal or hide text.

``clean_text`` is applied to every string that leaves the ingest layer in ``fields``
and ``extra`` (and to values quoted in problems and warnings). ``raw`` is never
cleaned: it is the audit copy. Markup such as ``[bold]`` or ``[@click=app.quit]`` is
ordinary text here; rendering it safely (``rich.text.Text``) is the UI's job.
"""

from __future__ import annotations

import re

MAX_FIELD_CHARS = 10_000
ELLIPSIS = "…"

# Escape sequences are removed whole, not just their ESC byte, so "\x1b[2J" does not
# leave "[2J" behind and an OSC 52 clipboard payload does not survive as base64 text.
_ESCAPE_SEQUENCE = re.compile(
    # CSI: ESC [ or 8-bit CSI, parameter bytes, intermediate bytes, final byte.
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 8-bit ST), or to the end.
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    # Any other escape: ESC, intermediate bytes, one final byte (ESC ( B, ESC 7, ESC c …).
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)

_ESCAPE_START = re.compile(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")

_DROP: dict[int, None] = {}
for _code in range(0x00, 0x20):
    if _code not in (0x09, 0x0A):
        _DROP[_code] = None
_DROP[0x7F] = None
for _code in range(0x80, 0xA0):  # C1 controls
    _DROP[_code] = None
for _code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C):
    _DROP[_code] = None  # bidi embeddings, overrides, isolates and marks
for _code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
    _DROP[_code] = None  # zero-width characters and the BOM


def clean_text_checked(text: str, limit: int = MAX_FIELD_CHARS) -> tuple[str, bool]:
    """Clean ``text``; also say whether it had to be cut to ``limit`` characters."""
    # Printable text has nothing to strip: every character ``_DROP`` or an escape
    # sequence removes (C0, DEL, C1, bidi, zero-width, BOM), and "\r", is of category Cc
    # or Cf, which ``str.isprintable`` rejects. Most cells take this short path.
    text = text.strip() if text.isprintable() else _strip_controls(text)
    if len(text) > limit:
        return text[: limit - 1].rstrip() + ELLIPSIS, True
    return text, False


def _strip_controls(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ESCAPE_START.search(text):
        text = _ESCAPE_SEQUENCE.sub("", text)
    return text.translate(_DROP).strip()


def clean_text(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """Strip controls, escape sequences, bidi and zero-width characters; trim; cap length.

    Keeps ``\\t`` and ``\\n`` (``\\r\\n`` and ``\\r`` become ``\\n``), CJK, emoji and
    ordinary text. A value longer than ``limit`` is cut and ends with "…".
    """
    return clean_text_checked(text, limit)[0]


def quote(value: object, limit: int = 60) -> str:
    """A hostile value made safe and short for a human message: ``'12x'``."""
    text = clean_text(str(value), limit=limit).replace("\n", " ")
    return f"'{text}'"
