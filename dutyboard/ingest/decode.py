"""Bytes → text for CSV/TSV/JSON/vCard, without mojibake where it can be helped.

Order: a BOM (UTF-8/16/32) wins; then strict UTF-8; then UTF-8 with replacement
characters (and a warning) when only a few bytes are broken in otherwise valid UTF-8
text; then GB18030 when the decoded
text is overwhelmingly common Chinese (charset-normalizer alone tends to call a short
GBK file cp949 or Big5); then charset-normalizer's best guess, preferring cp1252 over
other single-byte Latin pages when they score the same (the HXL Latin-1 sample scores
cp1250 and cp1252 equal, and cp1250 turns "ñ" into "ń"); last, UTF-8 with replacement
characters and a warning, so a file with broken bytes is still read.

A decode that replaced bytes is *lossy* (``Decoded.lossy``): the text, and every ``raw``
made from it, no longer holds them. Inside :func:`watching_decodes` each decode is noted,
so the importer knows to keep the file's original bytes (``original_files``) and nothing
is unrecoverable; a file that decoded cleanly costs nothing more.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from charset_normalizer import from_bytes

from dutyboard.ingest.records import UnreadableFile

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# When candidates tie, the first of these wins (Western files are most often cp1252).
_PREFERRED = ("utf_8", "gb18030", "cp1252", "latin_1", "iso8859_15")
_SAMPLE_BYTES = 256 * 1024


@dataclass
class Decoded:
    text: str
    encoding: str
    warning: str | None = None
    lossy: bool = False  # some bytes were not of ``encoding`` and were replaced


# The decodes of the file being read, when someone asked (``watching_decodes``).
_WATCHED: ContextVar[list[Decoded] | None] = ContextVar("dutyboard_decodes", default=None)


@contextmanager
def watching_decodes() -> Iterator[list[Decoded]]:
    """Note every ``decode_bytes`` made inside the block (in this thread), in order."""
    seen: list[Decoded] = []
    token = _WATCHED.set(seen)
    try:
        yield seen
    finally:
        _WATCHED.reset(token)


def _mostly_common_chinese(text: str) -> bool:
    """True when the non-ASCII characters are GB2312 punctuation or level-1 hanzi.

    Real Chinese text is ~99% level-1 characters; Latin-1 or cp1252 bytes mis-read as
    GB18030 land in the rare level-2 block (lead bytes 0xD8–0xF7) or beyond.
    """
    total = common = 0
    for ch in text:
        if ord(ch) < 0x80:
            continue
        total += 1
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xA1 <= encoded[0] <= 0xD7:
            common += 1
    return total > 0 and common >= 0.8 * total


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few corrupt bytes, decoded with replacements; else None.

    Re-guessing the whole file's encoding because of one bad byte would turn every
    correct Chinese character into mojibake; a handful of '\ufffd' is the lesser harm.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    # Characters at or above U+0080, counted in C: a Python loop over every character
    # of a 500 MB file would take longer than reading the file.
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    if good >= 4 and bad <= max(2, good // 50):
        return text
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    nuls = sample.count(0)
    return nuls >= 2 and nuls * 10 > len(sample)


def decode_bytes(data: bytes, name: str = "the file") -> Decoded:
    """Decode ``data`` (see the module docstring for the order).

    Bad bytes never raise; only a file that is clearly binary (many NUL bytes and not
    UTF-16/32) raises ``UnreadableFile``.
    """
    decoded = _decode(data, name)
    seen = _WATCHED.get()
    if seen is not None:
        seen.append(decoded)
    return decoded


def _decode(data: bytes, name: str) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
                return Decoded(
                    text,
                    encoding,
                    f"{name}: some bytes are not valid {encoding}; replaced",
                    lossy=True,
                )
    if _looks_binary(data):
        # UTF-16/32 without a BOM is full of NULs too; anything else is not text.
        wide = _guess(data, wide=True)
        if wide:
            return _decode_as(data, wide, name)
        raise UnreadableFile(f"{name} looks like a binary file, not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return Decoded(
            mostly,
            "utf-8",
            f"{name}: a few bytes are not valid UTF-8; they were replaced by '\ufffd'",
            lossy=True,
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _mostly_common_chinese(text[:20000]):
            return Decoded(text, "gb18030")
    guess = _guess(data)
    if guess:
        return _decode_as(data, guess, name)
    text = data.decode("utf-8", errors="replace")
    return Decoded(
        text,
        "utf-8",
        f"{name}: the text encoding could not be recognised; read as UTF-8 with "
        "unreadable bytes replaced by '\ufffd'",
        lossy=True,
    )


def _decode_as(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(encoding if _known(encoding) else "utf-8", errors="replace")
        return Decoded(
            text,
            encoding,
            f"{name}: read as {encoding}; bytes that did not fit were replaced",
            lossy=True,
        )


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _guess(data: bytes, wide: bool = False) -> str | None:
    """charset-normalizer's best guess; UTF-16/32 only when asked (text with NULs)."""
    try:
        found = from_bytes(data[:_SAMPLE_BYTES])
    except Exception:  # the detector must never take the import down with it
        return None
    matches = [match for match in found if match.encoding.startswith(("utf_16", "utf_32")) == wide]
    if not matches:
        return None
    best = matches[0]
    tied = [
        match.encoding
        for match in matches
        if abs(match.chaos - best.chaos) < 0.01 and abs(match.coherence - best.coherence) < 0.01
    ]
    for preferred in _PREFERRED:
        if preferred in tied:
            return preferred
    return str(best.encoding)
