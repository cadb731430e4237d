"""vCard 2.1/3.0/4.0 contacts through vobject, one card at a time.

vobject reads all the interop samples correctly (folding, ``\\,`` escapes, structured
N/ADR/ORG, quoted-printable 2.1, multi-language FN with ALTID) so it is used rather than
a hand parser. The file is first cut into BEGIN:VCARD…END:VCARD blocks here, so a card
vobject rejects becomes a ``RowProblem`` with its own text while the others still load,
and each card's ``raw`` is exactly its lines. A card that fails only because of a stray
line with no ``:`` is retried without that line (and a warning says so).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import vobject

from dutyboard.ingest.limits import Budget
from dutyboard.ingest.source import Column, SourceRecord, cell_text, unique_name

_BEGIN = re.compile(r"^BEGIN\s*:\s*VCARD\s*$", re.I)
_END = re.compile(r"^END\s*:\s*VCARD\s*$", re.I)
_SKIP = frozenset({"version", "prodid", "begin", "end"})
_CARD = "the card starting on line"  # how a card is named in limit messages
_ORG_KINDS = frozenset({"group", "org", "organization", "organisation", "location"})


def vcard_blocks(text: str, budget: Budget | None = None) -> Iterator[tuple[int, str, bool]]:
    """(first line number, block text, complete?) for each card and each stray stretch.

    Cards do not nest: a BEGIN:VCARD inside a card that has not ended closes it as
    incomplete, so one card missing its END does not swallow the cards after it. Only
    the current block's lines are held; ``budget`` is charged each line's length.
    """
    mode: str | None = None  # "card", "stray" (text outside any card) or None
    first = 0  # index of the block's first line
    block: list[str] = []
    for index, line in enumerate(io.StringIO(text, newline="")):
        if budget is not None:
            budget.line(len(line), index + 1)
            if not index & 0xFFF:
                budget.check_time("line", index + 1)
        stripped = line.strip()
        if _BEGIN.match(stripped):
            if mode is not None:
                yield first + 1, "".join(block), False
            mode, first, block = "card", index, [line]
        elif mode == "card":
            block.append(line)
            if _END.match(stripped):
                yield first + 1, "".join(block), True
                mode, block = None, []
        elif mode == "stray":
            block.append(line)
        elif stripped:
            mode, first, block = "stray", index, [line]
    if mode is not None:
        yield first + 1, "".join(block), False


def _property_count(block: str) -> int:
    """Content lines of a card, BEGIN and END left out (folded lines go with theirs)."""
    count = 0
    for line in io.StringIO(block, newline=""):
        if line[:1] not in (" ", "\t") and line.strip():
            count += 1
    return max(0, count - 2)


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value if _text(item))
    return cell_text(value)


def _structured(value: object, parts: tuple[str, ...]) -> str:
    return "; ".join(_text(getattr(value, part, "")) for part in parts)


_NAME_PARTS = ("family", "given", "additional", "prefix", "suffix")
_ADR_PARTS = ("box", "extended", "street", "city", "region", "code", "country")


def _line_text(line: Any) -> str:
    name = line.name.lower()
    if name == "n":
        return _structured(line.value, _NAME_PARTS)
    if name == "adr":
        return _structured(line.value, _ADR_PARTS)
    if name == "org" and isinstance(line.value, list):
        return "; ".join(_text(part) for part in line.value)
    return _text(line.value)


def _label(line: Any) -> str:
    """'TEL (cell, voice)' from a TEL line's TYPE parameters, for keys in extra."""
    types = [t for value in line.params.get("TYPE", []) for t in str(value).split(",")]
    base = line.name.upper()
    return f"{base} ({', '.join(t.lower() for t in types)})" if types else base


def _read(block: str) -> tuple[Any, str | None]:
    try:
        return vobject.readOne(block, validate=False), None
    except Exception as first_error:
        lines = list(io.StringIO(block, newline=""))
        kept = [
            line for line in lines if ":" in line or line[:1] in (" ", "\t") or not line.strip()
        ]
        dropped = len(lines) - len(kept)
        if dropped <= 0:
            raise first_error from None
        card = vobject.readOne("".join(kept), validate=False)
        return card, f"ignored {dropped} line(s) with no ':' that are not vCard properties"


def vcard_records(
    text: str, warnings: list[str], budget: Budget | None = None
) -> Iterator[SourceRecord]:
    """One record per card; ``budget`` is charged each card and its properties before
    vobject reads it (a card of 100,000 TEL lines stops here, not in vobject)."""
    budget = budget or Budget()
    for number, block, complete in vcard_blocks(text, budget):
        budget.record(_property_count(block) if complete else 0, number, _CARD)
        if not complete:
            if _BEGIN.match(block.strip().split("\n", 1)[0].strip()):
                problem = f"the card starting on line {number} has no END:VCARD"
            else:
                problem = f"line {number} and after are outside any BEGIN:VCARD…END:VCARD"
            yield SourceRecord(number, [], block.rstrip("\r\n"), problem=problem)
            continue
        raw = block.rstrip("\r\n")
        try:
            card, note = _read(block)
            cells = _card_cells(card, number, warnings)
        except Exception as error:
            reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            yield SourceRecord(
                number,
                [],
                raw,
                problem=f"the card starting on line {number} is not a valid vCard "
                f"({type(error).__name__}{': ' + reason if reason else ''})",
            )
            continue
        if note:
            warnings.append(f"line {number}: {note}")
        yield SourceRecord(number, cells, raw)


def _card_cells(card: Any, number: int, warnings: list[str]) -> list[tuple[Column, object]]:
    taken: dict[str, int] = {}
    cells: list[tuple[Column, object]] = []

    def add(label: str, value: object, target: str | None = None) -> None:
        cells.append((Column(unique_name(label, taken), label, None, target), value))

    contents: dict[str, list[Any]] = card.contents
    used_first: set[str] = set()

    def first_use(prop: str) -> bool:
        if prop in used_first:
            return False
        used_first.add(prop)
        return True

    names = contents.get("fn", [])
    plain = [line for line in names if "LANGUAGE" not in line.params]
    main = plain[0] if plain else (names[0] if names else None)
    for line in names:
        label = "FN" if line is main else f"FN ({','.join(line.params.get('LANGUAGE', []))})"
        add(label, _line_text(line), "name" if line is main else None)
    if main is None and contents.get("n"):
        n = contents["n"][0].value
        built = " ".join(
            part
            for part in (_text(getattr(n, "given", "")), _text(getattr(n, "family", "")))
            if part
        )
        if built:
            add("N/name", built, "name")

    for prop, lines in contents.items():
        if prop in _SKIP or prop == "fn":
            continue
        for line in lines:
            value = line.value
            if prop == "org" and first_use("org"):
                parts = value if isinstance(value, list) else [value]
                add("ORG", _text(parts[0]) if parts else "", "org")
                if len(parts) > 1:
                    add("ORG (units)", "; ".join(_text(part) for part in parts[1:]))
            elif prop in ("title", "role"):
                add(prop.upper(), _text(value), "role" if first_use("role") else None)
            elif prop == "tel":
                number_text = _strip_scheme(_text(value), "tel:")
                add(_label(line), number_text, "phone" if first_use("tel") else None)
            elif prop == "email":
                address = _strip_scheme(_text(value), "mailto:")
                add(_label(line), address, "email" if first_use("email") else None)
            elif prop == "adr" and first_use("adr"):
                add(_label(line), _line_text(line))
                country = _text(getattr(value, "country", ""))
                if country:
                    add("ADR/country", country, "country")
                city = _text(getattr(value, "city", ""))
                if city:
                    add("ADR/locality", city, "city")
                region = _text(getattr(value, "region", ""))
                if region:
                    add("ADR/region", region, "subdivision")
            elif prop == "tz" and first_use("tz"):
                add("TZ", _text(value), "tz")
            elif prop == "uid" and first_use("uid"):
                add("UID", _text(value), "external_id")
            elif prop == "note" and first_use("note"):
                add("NOTE", _text(value), "notes")
            elif prop == "categories" and first_use("categories"):
                add("CATEGORIES", _text(value), "tags")
            elif prop == "lang":
                if first_use("lang"):  # all LANG lines, most preferred first: "en, fr"
                    ranked = sorted(lines, key=lambda item: _pref(item.params))
                    add("LANG", ", ".join(_text(item.value) for item in ranked), "languages")
            elif prop == "kind" and first_use("kind"):
                word = _text(value).strip().lower()
                if word in _ORG_KINDS:
                    warnings.append(
                        f"line {number}: this card is KIND:{word}, not a person; "
                        "imported with kind 'org'"
                    )
                    add("KIND", "org", "kind")
                elif word == "individual":
                    add("KIND", "person", "kind")
                else:
                    add("KIND", _text(value))
            elif prop in ("impp", "x-wechat", "x-whatsapp"):
                text = _text(value)
                lowered = text.lower()
                if prop == "x-wechat" or lowered.startswith(("weixin:", "wechat:")):
                    target = "wechat" if first_use("wechat") else None
                    add(_label(line), text.split(":", 1)[-1] if ":" in text else text, target)
                elif prop == "x-whatsapp" or lowered.startswith("whatsapp:"):
                    target = "whatsapp" if first_use("whatsapp") else None
                    add(_label(line), text.split(":", 1)[-1] if ":" in text else text, target)
                else:
                    add(_label(line), text)
            else:
                add(_label(line), _line_text(line))
    # A card without KIND is an individual (RFC 6350 §6.1.4).
    if "kind" not in contents:
        add("KIND", "person", "kind")
    return cells


def _pref(params: dict[str, list[str]]) -> int:
    try:
        return int(params.get("PREF", ["100"])[0])
    except (ValueError, IndexError):
        return 100


def _strip_scheme(text: str, scheme: str) -> str:
    return text[len(scheme) :] if text.lower().startswith(scheme) else text
