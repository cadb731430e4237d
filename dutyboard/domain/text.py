"""Text from outside is hostile: strip what could drive a terminal or hide text.

One sanitiser for the whole desk, used at both doors:

* **in**: the store cleans every text it writes (record fields, names, notes, the actor,
  handover notes and items, ledger and arrival fields; see ``dutyboard.store``), whatever
  wrote it (the CLI, a form, the config, the collector); the ingest layer cleans its
  fields with it too. ``raw`` is never cleaned: it is the audit copy of the original
  bytes, only ever shown through here.
* **out**: every output cleans again what it prints or writes (terminal text, Markdown,
  CSV, JSON), so a database written before these rules, or by another program, cannot
  reach a terminal either.

What :func:`clean_text` removes:

* escape sequences whole (CSI, OSC, DCS, SOS, PM, APC, in their 7- and 8-bit forms, and
  two-byte escapes), so ``"\\x1b[2J"`` leaves no ``"[2J"`` and an OSC 52 clipboard payload
  no base64; a string sequence left unterminated ends at the end of its line;
* C0 controls except tab and newline (``"\\r\\n"`` and ``"\\r"`` become ``"\\n"``), DEL, C1
  (also as a byte that was not UTF-8: a lone surrogate, which is dropped like any other);
* bidi embeddings, overrides, isolates and marks (U+202A–202E, U+2066–2069, U+200E,
  U+200F, U+061C);
* invisible characters: zero-width space, non-joiner and joiner (so an emoji ZWJ
  sequence falls apart into its emoji), word joiner, BOM, soft hyphen, the invisible
  operators U+2061–2064, the deprecated format characters U+206A–206F, the interlinear
  annotation controls U+FFF9–FFFB, the Mongolian vowel separator U+180E, the line and
  paragraph separators U+2028/2029, the tag characters U+E0000–E007F, shorthand format
  controls U+1BCA0–1BCA3, musical formatting U+1D173–1D17A; and the printable blanks
  that show nothing: the combining grapheme joiner U+034F, the Khmer inherent vowels
  U+17B4/17B5, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0;
* variation selectors (U+FE00–FE0F, U+E0100–E01EF, the Mongolian U+180B–180D, U+180F)
  that do not directly follow a base character (at the start, after a space, tab or
  newline, after a combining mark or another selector);
* combining marks (general category M) past :data:`MAX_MARKS` on one base character, and
  marks with no base character (at the start, after a space): stacked marks paint over
  the lines around them. (A space is no base here, so cleaning twice changes nothing.)

It keeps CJK, emoji (skin tones, flags, keycaps, ``❤️``), every script's ordinary text,
tab and newline; it trims the ends and cuts a value longer than ``limit`` with "…".
Markup such as ``[bold]`` or ``[@click=app.quit]`` is ordinary text here: rendering it
safely (``rich.text.Text``) is the UI's job.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_FIELD_CHARS = 10_000
UNLIMITED = sys.maxsize  # no cap: the store and whole outputs never cut text
ELLIPSIS = "…"
MAX_MARKS = 4  # combining marks kept on one base character (ROUND2: cap at 4)

# Escape sequences are removed whole, not just their ESC byte, so "\x1b[2J" does not
# leave "[2J" behind and an OSC 52 clipboard payload does not survive as base64 text.
_ESCAPE_SEQUENCE = re.compile(
    # CSI: ESC [ or 8-bit CSI, parameter bytes, intermediate bytes, final byte.
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 8-bit ST), or to the end
    # of its line: an unterminated one in an old note must not swallow the notes after it
    # (what is left after the newline has lost its ESC, so it is plain text).
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    # Any other escape: ESC, intermediate bytes, one final byte (ESC ( B, ESC 7, ESC c …).
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)

_ESCAPE_START = re.compile(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")

# Bytes that were not UTF-8 (an 8-bit C1 byte typed into --user, a file name) reach
# Python as lone surrogates (surrogateescape). The C1 ones are read as the controls they
# are, so "\udc9b31m" goes whole like "\x9b31m"; every lone surrogate is then dropped
# (SQLite and a UTF-8 terminal could not take one anyway).
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_C1 = {0xDC80 + i: 0x80 + i for i in range(0x20)}

# Characters removed wherever they are. Every one is not printable (category Cc, Cf, Zl,
# Zp or unassigned), so printable text never needs this table: see clean_text_checked.
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
for _code in (
    0x00AD,  # soft hyphen
    0x180E,  # Mongolian vowel separator
    0x2028,  # line separator
    0x2029,  # paragraph separator
    *range(0x2061, 0x2065),  # invisible function application, times, separator, plus
    *range(0x206A, 0x2070),  # deprecated format characters (symmetric swapping, shaping…)
    *range(0xFFF9, 0xFFFC),  # interlinear annotation anchor, separator, terminator
    *range(0x1BCA0, 0x1BCA4),  # shorthand format controls
    *range(0x1D173, 0x1D17B),  # musical symbol formatting (begin beam, end slur …)
    *range(0xE0000, 0xE0080),  # tag characters
    *range(0xD800, 0xE000),  # lone surrogates: bytes that were not UTF-8 (see above)
):
    _DROP[_code] = None

# Printable characters that show nothing: dropped wherever they are.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")

# Variation selectors: kept only straight after a base character.
_VARIATION = frozenset(
    [chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))]
    + ["\u180b", "\u180c", "\u180d", "\u180f"]
)

# Where a mark, a variation selector or an invisible letter can be, below U+10000: every
# code point of category M (Mn, Mc, Me), the selectors U+FE00–FE0F and U+180B–180D,
# U+180F, and the Hangul fillers, as of Unicode 14.0 (Python 3.11's unicodedata;
# tests/ingest/test_sanitize.py checks the table against the running one). Above U+FFFF
# (emoji, CJK extensions) everything takes the careful path: one range, cheap to test.
# Spelled out, not computed: scanning unicodedata would cost every process milliseconds
# at start-up (``dutyboard status``), and so would a character class of the plain
# characters instead (compiling a 47,000-character set takes re ~25 ms).
_CARE_BMP = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8"
    "\u06ea-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819"
    "\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1"
    "\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962-\u0963\u0981-\u0983"
    "\u09bc\u09be-\u09c4\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe"
    "\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71"
    "\u0a75\u0a81-\u0a83\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3"
    "\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-\u0b44\u0b47-\u0b48\u0b4b-\u0b4d"
    "\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8\u0bca-\u0bcd\u0bd7"
    "\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55-\u0c56"
    "\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd"
    "\u0cd5-\u0cd6\u0ce2-\u0ce3\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48"
    "\u0d4a-\u0d4d\u0d57\u0d62-\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6"
    "\u0dd8-\u0ddf\u0df2-\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc"
    "\u0ec8-\u0ecd\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f3f\u0f71-\u0f84"
    "\u0f86-\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059"
    "\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f"
    "\u109a-\u109d\u115f-\u1160\u135d-\u135f\u1712-\u1715\u1732-\u1734\u1752-\u1753"
    "\u1772-\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885-\u1886\u18a9"
    "\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f"
    "\u1ab0-\u1ace\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad"
    "\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9"
    "\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f"
    "\u3099-\u309a\u3164\ua66f-\ua672\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802"
    "\ua806\ua80b\ua823-\ua827\ua82c\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff"
    "\ua926-\ua92d\ua947-\ua953\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43"
    "\uaa4c-\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7-\uaab8\uaabe-\uaabf\uaac1"
    "\uaaeb-\uaaef\uaaf5-\uaaf6\uabe3-\uabea\uabec-\uabed\ufb1e\ufe00-\ufe0f"
    "\ufe20-\ufe2f\uffa0"
)
_CARE = re.compile(f"[{_CARE_BMP}\U00010000-\U0010ffff]")
_care = _CARE.search
# Not printable, yet left as they are (strip aside): layout, not controls.
_LAYOUT = ("\n", "\t", "\u3000", "\xa0")


def clean_text_checked(
    text: str, limit: int = MAX_FIELD_CHARS, *, strip: bool = True
) -> tuple[str, bool]:
    """Clean ``text``; also say whether it had to be cut to ``limit`` characters."""
    # Printable text with no mark, selector or invisible letter has nothing to strip:
    # every character _DROP or an escape sequence removes, and "\r", is of category Cc,
    # Cf, Zl, Zp or Cs, which ``str.isprintable`` rejects; _CARE finds the rest. ASCII has
    # none of those (``isascii`` is free). Most cells take this short path: two scans in C.
    if text.isprintable() and (text.isascii() or not _care(text)):
        if strip:
            text = text.strip()
    else:
        text = _clean(text, strip)
    if len(text) > limit:
        return text[: limit - 1].rstrip() + ELLIPSIS, True
    return text, False


def _clean(text: str, strip: bool) -> str:
    if _SURROGATE.search(text):
        text = text.translate(_SURROGATE_C1)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ESCAPE_START.search(text):
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.translate(_DROP)
    if strip:
        text = text.strip()
    if not text.isascii() and _care(text):
        text = _tidy_marks(text)
        if strip:
            text = text.strip()  # a dropped leading mark may uncover a space
    return text


def _tidy_marks(text: str) -> str:
    """Drop invisible letters, selectors with no base, marks past the cap or with no base."""
    out: list[str] = []
    room = 0  # marks the current base may still carry; none before the first base
    after_base = False  # the last character kept is a base: a selector may follow it
    category = unicodedata.category
    for ch in text:
        if ch < "\u0300":  # Latin: no marks, selectors or invisible letters down here
            out.append(ch)
            if ch.isspace():  # not a base: a mark on a space would lean on what is left
                room, after_base = 0, False
            else:
                room, after_base = MAX_MARKS, True
        elif ch in _INVISIBLE:
            continue
        elif ch in _VARIATION:
            if after_base and room:
                out.append(ch)
                room -= 1
            after_base = False
        elif category(ch)[0] == "M":
            if room:
                out.append(ch)
                room -= 1
            after_base = False
        elif ch.isspace():
            out.append(ch)
            room, after_base = 0, False
        else:
            out.append(ch)
            room, after_base = MAX_MARKS, True
    return "".join(out)


def clean_text(text: str, limit: int = MAX_FIELD_CHARS, *, strip: bool = True) -> str:
    """Strip controls, escape sequences, bidi and invisible characters; cap stacked marks;
    trim; cap length.

    Keeps ``\\t`` and ``\\n`` (``\\r\\n`` and ``\\r`` become ``\\n``), CJK, emoji and
    ordinary text. A value longer than ``limit`` is cut and ends with "…"; ``strip=False``
    keeps the whitespace at the ends (a whole output's layout).
    """
    # clean_text_checked's short path, spelled out: this runs once per cell of every
    # file ingested and every text the store writes.
    if text.isprintable() and (text.isascii() or not _care(text)):
        if strip:
            text = text.strip()
        if len(text) <= limit:
            return text
    return clean_text_checked(text, limit, strip=strip)[0]


def is_clean(text: str) -> bool:
    """Whether ``clean_text(text, strip=False)`` is ``text`` itself, told cheaply (scans
    in C; tab, newline and the ideographic and no-break spaces are clean). ``False`` may
    be wrong, ``True`` never is: the store checks a whole record's texts joined at once,
    and cleans field by field only when this says no."""
    if not text.isprintable():
        for ch in _LAYOUT:
            if ch in text:
                text = text.replace(ch, " ")
        if not text.isprintable():
            return False
    return text.isascii() or not _care(text)


def needs_cleaning(text: str) -> bool:
    """Whether :func:`clean_text` could change ``text`` other than by trimming it."""
    return not (text.isprintable() and (text.isascii() or not _care(text)))


def clean_line(value: object, limit: int = UNLIMITED) -> str:
    """A value fit for one line of a terminal or a table cell: clean, tabs and newlines as
    spaces. ``None`` is the empty string."""
    if value is None:
        return ""
    text = clean_text(str(value), limit)
    if "\n" in text or "\t" in text:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def clean_output(text: str) -> str:
    """A whole output (a screen of text, a Markdown document) made safe, layout kept: no
    trimming, no cap. The last line of defence: fields are cleaned one by one before."""
    return clean_text(text, UNLIMITED, strip=False)


def clean_data(value: Any, *, strip: bool = True) -> Any:
    """Every text in ``value`` cleaned (dict keys too, through lists and tuples), no cap:
    what goes out as JSON, or into the events log. Other values are left as they are."""
    if isinstance(value, str):
        return clean_text(value, UNLIMITED, strip=strip)
    if isinstance(value, Mapping):
        return {clean_data(k, strip=strip): clean_data(v, strip=strip) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(v, strip=strip) for v in value]
    return value


def clean_json_text(text: str) -> str:
    """JSON text (an ``extra`` column) cleaned inside its strings, escapes included.

    ``json.dumps`` writes ESC as ``\\u001b``; such text is decoded, cleaned and written
    again the way the store writes ``extra`` (``ensure_ascii=False, sort_keys=True``).
    Text that is not JSON is cleaned as text."""
    if "\\u" in text:
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            return json.dumps(clean_data(data, strip=False), ensure_ascii=False, sort_keys=True)
    return clean_text(text, UNLIMITED, strip=False)


def quote(value: object, limit: int = 60) -> str:
    """A hostile value made safe and short for a human message: ``'12x'``."""
    text = clean_text(str(value), limit=limit).replace("\n", " ")
    return f"'{text}'"


__all__ = [
    "ELLIPSIS",
    "MAX_FIELD_CHARS",
    "MAX_MARKS",
    "UNLIMITED",
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
