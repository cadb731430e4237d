"""Phone numbers as people type them, read with ``phonenumbers`` (the full build: it has
the time-zone data).

A number is read in a *default region* — the record's country, else the desk's
configured default, else none (then only a number written with its country code, "+94…"
or "0094…" in a region that dials 00, can be read). What comes back (:class:`Phone`)
always keeps the number as typed: one that cannot be read is marked (``e164`` None, a
``problem``), never dropped or "repaired" by a guess.

Refused rather than guessed:

* letters where digits should be ("+86-138-1234-5678 (mobile)" is read without the
  comment, but "1-800-FLOWERS" is not dialled by its keypad letters);
* two numbers in one cell ("138 1234 5678 / 139 8765 4321");
* more than :data:`MAX_PHONE_CHARS` characters (checked before the library sees them).

The library (~40 ms to import) is loaded on the first number read, never by importing
this module. Storage keeps the E.164 form beside the number as typed (:func:`e164`);
two contacts with the same E.164 are the same number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from dutyboard.domain.text import clean_text

if TYPE_CHECKING:
    from types import ModuleType

# Longer than any number with an extension and some spacing ("+86 (10) 6552-9988 ext. 1234").
MAX_PHONE_CHARS = 64
# Read results are remembered: a contacts file repeats its desk's switchboard numbers.
_CACHE = 4096

_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#|转|分机)\s*(\d{1,7})\s*$", re.I)
# A label before the number ("Tel:", "手机：", "tel:"), a comment in brackets or after it.
_LEADING_LABEL = re.compile(r"^[^\d+(（]*")
_COMMENT = re.compile(r"[(（][^)）\d]*[^)）\d\s][^)）\d]*[)）]")
_TRAILING_WORDS = re.compile(r"(?<=\d)[\s,;:–—-]*[^\d\s()+#.,;:–—-][^\d]*$")
_LETTER = re.compile(r"[^\W\d_]")
# Where two numbers are written in one cell.
_SEPARATOR = re.compile(r"[,;/、，；|]|\s+or\s+|或")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Phone:
    """One number: as typed, and what could be read from it."""

    typed: str
    e164: str | None = None  # "+94112345678": None when it could not be read
    international: str | None = None  # "+94 11 234 5678", for display
    region: str | None = None  # ISO 3166-1 alpha-2 of the number ("LK"); None if non-geographic
    valid: bool = False  # the number is in a range the numbering plan assigns
    extension: str | None = None
    problem: str | None = None  # why it was not read, or why it is not valid

    @property
    def shown(self) -> str:
        """What to show: the international format when read, else the number as typed."""
        return self.international or self.typed


def read_phone(typed: str, region: str | None = None) -> Phone:
    """The number ``typed`` read in ``region`` (ISO alpha-2; ignored for "+…" numbers).

    Never raises for any text: a number that cannot be read comes back with ``e164``
    None and a ``problem`` ("is not a phone number I can read", …)."""
    text = str(typed)
    if len(text) > MAX_PHONE_CHARS * 4:  # no number: not worth the cache or the library
        return Phone(clean_text(text), problem="is too long for a phone number")
    code = region.strip().upper() if isinstance(region, str) else ""
    return _read_cached(text, code if len(code) == 2 and code.isascii() else None)


@lru_cache(maxsize=_CACHE)
def _read_cached(text: str, region: str | None) -> Phone:
    typed = clean_text(text)
    number, problem = _prepare(typed)
    if problem is not None:
        return Phone(typed, problem=problem)
    lib = _phonenumbers()
    if region is not None and region not in lib.SUPPORTED_REGIONS:
        region = None  # a country the library has no numbering plan for
    try:
        parsed = lib.parse(number, region)
    except lib.NumberParseException as error:
        plus = number.lstrip().startswith("+")
        why = {
            lib.NumberParseException.INVALID_COUNTRY_CODE: (
                "has a country code I do not know"
                if plus
                else "has no country code (+…) and no country to read it in"
            ),
            lib.NumberParseException.TOO_SHORT_NSN: "is too short for a phone number",
            lib.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short for a phone number",
            lib.NumberParseException.TOO_LONG: "is too long for a phone number",
        }.get(error.error_type, "is not a phone number I can read")
        return Phone(typed, problem=why)
    if not lib.is_possible_number(parsed):
        return Phone(typed, problem="has too few or too many digits for its country")
    e164_text = lib.format_number(parsed, lib.PhoneNumberFormat.E164)
    region_code = lib.region_code_for_number(parsed)
    valid = bool(lib.is_valid_number(parsed))
    return Phone(
        typed,
        e164=e164_text,
        international=lib.format_number(parsed, lib.PhoneNumberFormat.INTERNATIONAL),
        region=region_code if region_code and region_code.isalpha() else None,
        valid=valid,
        extension=parsed.extension or None,
        problem=None if valid else "is not a number in use in its country's numbering plan",
    )


def _prepare(typed: str) -> tuple[str, str | None]:
    """The number part of what was typed, or why there is none to read."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if not text:
        return "", "is empty"
    if len(text) > MAX_PHONE_CHARS:
        return "", "is too long for a phone number"
    if len(_SEPARATOR.split(text)) > 1:
        parts = [p for p in _SEPARATOR.split(text) if len(_DIGITS.findall(p)) >= 7]
        if len(parts) > 1:
            return "", "holds more than one phone number"
    extension = ""
    found = _EXTENSION.search(text)
    if found:
        extension = f" ext. {found.group(1)}"
        text = text[: found.start()]
    text = _COMMENT.sub(" ", text)
    text = _TRAILING_WORDS.sub("", _LEADING_LABEL.sub("", text)).strip()
    if _LETTER.search(text):
        # phonenumbers would dial letters by the keypad ("mobile" → 662453): no guess.
        return "", "has letters where digits should be"
    if not _DIGITS.search(text):
        return "", "is not a phone number I can read"
    return text + extension, None


@cache
def _phonenumbers() -> ModuleType:
    import phonenumbers  # ~40 ms: only when a number is read

    return phonenumbers


def e164(typed: str, region: str | None = None) -> str | None:
    """The E.164 form ("+94112345678") to store beside the number as typed; None when it
    cannot be read. A number outside its country's plan but of a possible length keeps
    its E.164 (new ranges reach the library late); :attr:`Phone.valid` says which."""
    return read_phone(typed, region).e164


def same_number(first: str, second: str, region: str | None = None) -> bool:
    """Do two typed numbers dial the same line ("+94 11 234 5678" and "011-2345678" in LK)?
    Numbers that cannot be read are the same only as typed (digits compared)."""
    a, b = read_phone(first, region), read_phone(second, region)
    if a.e164 is not None and b.e164 is not None:
        return a.e164 == b.e164 and a.extension == b.extension
    digits_a, digits_b = "".join(_DIGITS.findall(a.typed)), "".join(_DIGITS.findall(b.typed))
    return bool(digits_a) and digits_a == digits_b


def number_zones(typed: str, region: str | None = None) -> tuple[str, ...]:
    """The IANA zones the number's prefix is in, by phonenumbers' own data (a landline's
    area code, a country with one zone); () when it cannot be read or names none."""
    phone = read_phone(typed, region)
    if phone.e164 is None:
        return ()
    return _zones_of(phone.e164)


@lru_cache(maxsize=_CACHE)
def _zones_of(e164_text: str) -> tuple[str, ...]:
    lib = _phonenumbers()
    from phonenumbers import timezone as number_timezone

    try:
        zones = number_timezone.time_zones_for_number(lib.parse(e164_text, None))
    except lib.NumberParseException:
        return ()
    return tuple(zone for zone in zones if zone and zone != "Etc/Unknown")


def number_zone(typed: str, region: str | None = None) -> str | None:
    """The number's zone when its prefix allows only one ('+94 11…' → Asia/Colombo; a US
    mobile's area code → its zone; '+1 800…' → None). As phonenumbers names it: an older
    spelling ('Asia/Calcutta') is turned into tzdata's by the caller (``arrivals``)."""
    zones = number_zones(typed, region)
    return zones[0] if len(zones) == 1 else None


def record_region(country: object, default: str | None = None) -> str | None:
    """The region a record's number is read in: the record's own ``country`` when it is
    an ISO code, else ``default`` (the desk's)."""
    return country if isinstance(country, str) and len(country) == 2 else default


def stored_e164(typed: object, country: object = None, region: str | None = None) -> str | None:
    """The E.164 a record keeps beside its number as typed: read in
    :func:`record_region`; None for no number or one that cannot be read (the typed
    number stays, and is shown marked)."""
    if not isinstance(typed, str) or not typed.strip():
        return None
    return read_phone(typed, record_region(country, region)).e164


def e164_updates(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, Any]]:
    """``(e164, id)`` for each ``(id, phone, country)`` row whose number reads: what a
    migration writes into the rows stored before numbers were kept in E.164."""
    for record_id, typed, country in rows:
        number = stored_e164(typed, country)
        if number is not None:
            yield number, record_id
