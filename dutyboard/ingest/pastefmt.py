"""Pasted chat messages (WeChat, WhatsApp) → records, by rules (issue 22).

Desks get messages, not CSV: one record, or a numbered 接龙 list of many, in Chinese or
English. ``paste_records`` cuts a message into records and hands each to the normaliser
as cells with canonical field names (as ``vcardfmt`` does for a card), so every value is
read, cleaned and — when it has no one reading — refused with its reason exactly as a
spreadsheet's cell would be.

Cutting a message into records:

* numbered lines start records: ``1.`` ``1、`` ``1)`` ``(1)`` ``①`` ``1️⃣`` ``#1``;
  lines after one (up to a blank line, or the next number) continue it;
* without numbers, blank lines (or a chat export's "[date, time] name:" prefixes) cut the
  message into blocks, and the lines of a block each stand as a record when at least two
  of them read as one (a unit and an item and a quantity…; a contact's name and number);
  otherwise the whole message is one record;
* what comes before the first record (``#接龙 物资需求``, a greeting, a template line)
  and after the last one past a blank line (a signature) is the message's context: it
  lends each record that lacks them its organisation, person, phone, e-mail and
  country ("Lanka Medical Supplies offers:" over a list of items), and is not a record.

Each record's ``raw`` is its lines as pasted. What no rule placed is its notes; nothing
is dropped. A record longer than ``MAX_RECORD_CHARS`` is no chat record: it is handed
on as a problem (quarantined with its text) without being read.

``propose`` is the dashboard's entry: for a text and a kind, the proposed records with
the fields read, the ones that need the officer (ambiguous or unreadable, with the
reason) and the required ones missing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from dutyboard.domain.limits import DEFAULT, Limits
from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.domain.values import zone as zone_named
from dutyboard.ingest.aliases import CANONICAL_FIELDS, REQUIRED_FIELDS
from dutyboard.ingest.limits import Budget
from dutyboard.ingest.pastefields import CONTEXT_FIELDS, Reading, read_record
from dutyboard.ingest.records import Kind, ParsedRow, RowProblem
from dutyboard.ingest.source import Column, SourceRecord

MAX_RECORD_CHARS = 20_000
# Where a message read from standard input is said to come from (`dutyboard ingest --text
# -`): stored in English like every location, said in the interface language where shown.
STDIN_LOCATION = "standard input"
_UNIT = "the record starting on line"  # how a record is named in limit messages
# Quarantine reasons are stored in English (translated where shown), as the importer's.
_TOO_LONG = (
    "the record starting on line {n} is {size:,} characters long: no chat message is; "
    "it is kept as written"
)

# A request or a lead asks for (or offers) something: a record in which the rules found
# no item and no quantity (nor a price) is small talk ("好的，收到，谢谢！"), not a form
# to fill in. Said where the paste box lists what it could not read.
_SUBSTANCE: dict[str, frozenset[str]] = {
    "requests": frozenset({"item", "quantity"}),
    "leads": frozenset({"item", "quantity", "unit_price"}),
}
NOTHING_ASKED = "no item or quantity in it: not read as a record"

_KEYCAP = "\ufe0f\u20e3"
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)} | {
    chr(0x3251 + i): 21 + i for i in range(15)
}
_NUMBERED = re.compile(
    r"^\s*(?:[(（]\s*(?P<a>\d{1,6})\s*[)）]|(?P<b>\d{1,6})\s*(?:[.、)）:：](?!\d)|\.(?=\s))"
    r"|(?P<c>[\u2460-\u2473\u3251-\u325f])|(?P<d>\d)\ufe0f?\u20e3|#\s?(?P<e>\d{1,4})(?!\d)"
    r"|(?:No|NO|no)\.?\s?(?P<f>\d{1,4})[.:)]?(?=\s))\s*"
)
_SPACED_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})\s+(?=[^\d\s])")
_CHAT_PREFIX = re.compile(
    r"^\s*\[?(?P<date>\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}),?\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s?[AaPp]\.?[Mm]\.?)?)\]?\s*(?:-\s*)?(?P<who>[^:：\n]{1,40}?)\s*[:：]\s+"
)
_CLOSING = re.compile(
    r"^\s*(?:谢谢|感谢|辛苦|以上|如上|拜托|多谢|thanks|thank you|many thanks|regards|best"
    r"|kind regards|best regards|warm regards|cheers|sincerely|br,|--|——|—\s)",
    re.I,
)


@dataclass
class _Unit:
    """One stretch of the message: its first line number, its lines, what lends to it."""

    number: int
    lines: list[str]
    sender: str | None = None

    @property
    def raw(self) -> str:
        return "".join(self.lines).rstrip("\r\n")


@dataclass
class _Split:
    records: list[_Unit] = field(default_factory=list)
    context: list[_Unit] = field(default_factory=list)  # heading, signatures
    too_long: list[_Unit] = field(default_factory=list)
    # Texts already read while cutting the message (a block that stands as a record).
    readings: dict[str, Reading] = field(default_factory=dict)


def _lines(text: str, budget: Budget) -> list[tuple[int, str]]:
    out = []
    for index, line in enumerate(io.StringIO(text, newline=None)):
        budget.line(len(line), index + 1)
        if not index & 0xFFF:
            budget.check_time("line", index + 1)
        out.append((index + 1, line))
    return out


def _numbered(line: str) -> re.Match[str] | None:
    head = line[:16].translate({0xFF08: "(", 0xFF09: ")", 0xFF0E: ".", 0xFF1A: ":"})
    head = head.translate({0xFF10 + i: 0x30 + i for i in range(10)})
    match = _NUMBERED.match(head)
    return match


def _strip_number(line: str) -> str:
    match = _numbered(line)
    return line[match.end() :] if match else line


def _blank(line: str) -> bool:
    return not clean_text(line, limit=UNLIMITED)


def split_message(
    text: str, kind: Kind, budget: Budget, now: datetime, region: str | None = None
) -> _Split:
    """The records of one message and its context (see the module's docstring)."""
    lines = _lines(text, budget)
    numbered = [n for n, line in lines if _numbered(line)]
    spaced = [n for n, line in lines if not _numbered(line) and _SPACED_NUMBER.match(line)]
    split = _Split()
    if len(numbered) >= 1 and (len(numbered) >= 2 or len(lines) > 1):
        _split_numbered(lines, set(numbered), split, kind, now, region)
    elif len(spaced) >= 2:
        _split_numbered(lines, set(spaced), split, kind, now, region)
    else:
        _split_blocks(lines, kind, now, split, budget, region)
    for unit in list(split.records):
        if len(unit.raw) > MAX_RECORD_CHARS:
            split.records.remove(unit)
            split.too_long.append(unit)
    return split


def _split_numbered(
    lines: list[tuple[int, str]],
    starts: set[int],
    split: _Split,
    kind: Kind,
    now: datetime,
    region: str | None,
) -> None:
    current: _Unit | None = None
    after_blank = False
    tail: list[tuple[int, str]] = []
    multiline = False  # has an item other than the last one more lines than its first?
    for number, line in lines:
        if number in starts:
            if tail and current is not None:
                current.lines.extend(line for _, line in tail)
            if current is not None and len(current.lines) > 1:
                multiline = True
            tail = []
            current = _Unit(number, [line])
            split.records.append(current)
            after_blank = False
        elif current is None:
            if not _blank(line):
                _add_context(split, number, line)
        elif _blank(line):
            after_blank = True
            tail.append((number, line))
        elif _CLOSING.match(line) or after_blank:
            # Past a blank line, or a closing word: the message's signature, unless another
            # numbered line follows (then it was this record's last lines after all).
            tail.append((number, line))
        else:
            current.lines.append(line)
    trailing = [(n, line) for n, line in tail if not _blank(line)]
    last = split.records[-1] if split.records else None
    if last is not None and len(split.records) >= 2 and not multiline and len(last.lines) > 1:
        # "联系人：吴主任 …" or "All CE." under a list of one-line items: the whole list's,
        # when it names no item or quantity of its own.
        own = [ln for ln in last.lines[1:] if not _names_an_item(ln, kind, now, region)]
        if len(own) == len(last.lines) - 1:
            start = last.number + 1
            last.lines = last.lines[:1]
            trailing = [(start + i, ln) for i, ln in enumerate(own)] + trailing
    for number, line in trailing:
        _add_context(split, number, line)


def _names_an_item(line: str, kind: Kind, now: datetime, region: str | None) -> bool:
    cleaned = clean_text(line, limit=MAX_RECORD_CHARS)
    reading = read_record(cleaned, kind, now, region=region)
    first = reading.items[0] if reading.items else {}
    return bool({"item", "quantity", "unit_price"} & first.keys())


def _add_context(split: _Split, number: int, line: str) -> None:
    if split.context and split.context[-1].number + len(split.context[-1].lines) == number:
        split.context[-1].lines.append(line)
    else:
        split.context.append(_Unit(number, [line]))


def _blocks(lines: list[tuple[int, str]]) -> list[_Unit]:
    """Stretches of lines cut at blank lines and at chat-export prefixes."""
    blocks: list[_Unit] = []
    current: _Unit | None = None
    for number, line in lines:
        prefix = _CHAT_PREFIX.match(line)
        if prefix:
            current = _Unit(number, [line[prefix.end() :]], sender=prefix.group("who").strip())
            blocks.append(current)
        elif _blank(line):
            current = None
        elif current is None:
            current = _Unit(number, [line])
            blocks.append(current)
        else:
            current.lines.append(line)
    return blocks


def _split_blocks(
    lines: list[tuple[int, str]],
    kind: Kind,
    now: datetime,
    split: _Split,
    budget: Budget,
    region: str | None,
) -> None:
    units: list[tuple[_Unit, bool]] = []  # each with: does it read as a record on its own?
    blocks = _blocks(lines)
    if len(blocks) == 1 and len(blocks[0].lines) == 1:
        split.records.append(blocks[0])  # one line: one record, nothing to weigh
        return
    for block in blocks:
        budget.check_time("line", block.number)
        if len(block.lines) >= 2:
            alone = []
            for offset, line in enumerate(block.lines):
                if not offset & 0x3F:
                    budget.check_time("line", block.number + offset)
                alone.append(_reads_as_record(line, kind, now, region, split))
            if sum(alone) >= 2:
                for offset, (line, stands) in enumerate(zip(block.lines, alone, strict=True)):
                    if stands or not units:
                        units.append((_Unit(block.number + offset, [line], block.sender), stands))
                    else:
                        units[-1][0].lines.append(line)
                continue
        if len(block.raw) > MAX_RECORD_CHARS:
            units.append((block, True))  # handed on as too long, unread
            continue
        units.append((block, _reads_as_record(block.raw, kind, now, region, split)))
    standing = [unit for unit, stands in units if stands]
    if len(standing) < 2:
        if units:
            first = units[0][0]
            merged = _Unit(first.number, [], first.sender)
            for unit, _ in units:
                if merged.lines:
                    merged.lines.append("\n")
                merged.lines.extend(unit.lines)
            split.records.append(merged)
        return
    seen_record = False
    for unit, stands in units:
        if stands:
            split.records.append(unit)
            seen_record = True
        elif not seen_record or _CLOSING.match(unit.raw):
            split.context.append(unit)
        else:
            previous = split.records[-1]
            previous.lines.extend(["\n", *unit.lines])


def _record_text(raw: str) -> str:
    """What the rules read of a record: its text cleaned, its number taken off."""
    return clean_text(_strip_number(raw), limit=MAX_RECORD_CHARS)


def _reads_as_record(
    text: str, kind: Kind, now: datetime, region: str | None, split: _Split
) -> bool:
    if len(text) > MAX_RECORD_CHARS:
        return False
    cleaned = _record_text(text)
    if not cleaned:
        return False
    reading = read_record(cleaned, kind, now, region=region)
    split.readings[cleaned] = reading
    return reading.looks_like_record(kind)


def _defaults(split: _Split, kind: Kind, now: datetime, region: str | None) -> dict[str, str]:
    """What the message's heading and signature lend to its records."""
    lent: dict[str, str] = {}
    for unit in split.context:
        cleaned = clean_text(_strip_number(unit.raw), limit=MAX_RECORD_CHARS)
        reading = read_record(cleaned, kind, now, context=True, region=region)
        for name, value in reading.shared.items():
            if name in CONTEXT_FIELDS:
                lent.setdefault(name, value)
    return lent


def _cells(values: dict[str, str]) -> list[tuple[Column, object]]:
    return [(Column(name, None, None, name), value) for name, value in values.items()]


def paste_records(
    text: str,
    kind: Kind,
    warnings: list[str],
    budget: Budget,
    *,
    now: datetime | None = None,
    zone: tzinfo | None = None,
    region: str | None = None,
) -> Iterator[SourceRecord]:
    """One ``SourceRecord`` per record of the pasted ``text`` for ``kind``.

    ``now``: when the message was sent (default: now) and ``zone`` the desk's zone: a
    date without a year, "明天", "周五前" are read from that day. ``region``: the desk's
    phone region for numbers written without a country code (default: none; a Chinese
    mobile number is read as one whatever the region). ``budget`` is charged each line
    and each record; ``warnings`` gets what was set aside (a heading, a signature).
    """
    moment = (now or datetime.now(UTC)).astimezone(zone or UTC)
    split = split_message(text, kind, budget, moment, region)
    if split.context:
        shown = ", ".join(str(unit.number) for unit in split.context[:5])
        warnings.append(
            f"line{'s' if len(split.context) > 1 else ''} {shown}"
            f"{' …' if len(split.context) > 5 else ''}: read as the message's heading or "
            "signature, not as a record (what they name is lent to the records lacking it)"
        )
    lent = _defaults(split, kind, moment, region) if split.context else {}
    ordered = sorted(
        [(unit, False) for unit in split.records] + [(unit, True) for unit in split.too_long],
        key=lambda pair: pair[0].number,
    )
    fields = set(CANONICAL_FIELDS[kind])
    for unit, too_long in ordered:
        budget.check_time("line", unit.number)  # one long record can cost a tenth of a second
        raw = unit.raw
        if too_long:
            budget.record(0, unit.number, _UNIT)
            yield SourceRecord(
                unit.number, [], raw, problem=_TOO_LONG.format(n=unit.number, size=len(raw))
            )
            continue
        cleaned = _record_text(raw)
        reading = split.readings.get(cleaned) or read_record(cleaned, kind, moment, region=region)
        person = {"requests": "requester", "leads": "contact_name"}.get(kind)
        for values in reading.records():
            for name, value in lent.items():
                values.setdefault(name, value)
            if unit.sender and person:
                values.setdefault(person, unit.sender)
            cells = _cells({k: v for k, v in values.items() if k in fields})
            budget.record(len(cells), unit.number, _UNIT)
            yield SourceRecord(unit.number, cells, raw)


# ----------------------------------------------------------------------------- dashboard


@dataclass
class ProposedRecord:
    """One record of a pasted message as the paste box shows it in the record form.

    ``fields`` are read and normalised (what the form starts with); ``unsettled`` are the
    fields the officer must settle — the text found, and why it was not read (an
    estimate, a range, a date either way round, a currency with no one reading);
    ``missing`` the required fields no rule found. ``written`` is every field's text as
    found in the message (for the form to show beside the value).
    """

    number: int  # the line of the message where the record starts
    raw: str  # its text as pasted
    fields: dict[str, object]
    written: dict[str, str]
    unsettled: dict[str, tuple[str, str]]  # field → (text found, reason)
    missing: tuple[str, ...]
    warnings: list[str]
    problem: str | None = None  # the record could not be read at all (too long)

    @property
    def ready(self) -> bool:
        """Can it be saved as it is (nothing to settle, nothing required missing)?"""
        return self.problem is None and not self.unsettled and not self.missing


@dataclass
class Proposal:
    """What a pasted message proposes: its records and what was said about the whole."""

    kind: Kind
    records: list[ProposedRecord]
    warnings: list[str]


def propose(
    text: str,
    kind: Kind,
    *,
    zone: str = "UTC",
    now: datetime | None = None,
    limits: Limits = DEFAULT,
    region: str | None = None,
) -> Proposal:
    """The records a pasted ``text`` proposes for ``kind`` (the dashboard's paste box).

    Each record is read by the importer's own normaliser, one at a time: a value it
    refuses (a quantity "几千", a date "3/4") is set aside as unsettled with its reason
    and the rest of the record still read, so the form can show both. Raises
    ``LimitExceeded`` when the text crosses one of ``limits``.
    """
    from dutyboard.ingest.normalise import PASTE_STRICT, Normaliser

    local = zone_named(zone)
    budget = Budget(limits, "the pasted text")
    warnings: list[str] = []
    records: list[ProposedRecord] = []
    for record in paste_records(text, kind, warnings, budget, now=now, zone=local, region=region):
        written = {column.name: str(value) for column, value in record.cells}
        if record.problem is not None:
            records.append(
                ProposedRecord(
                    record.row_number, record.raw, {}, written, {}, (), [], record.problem
                )
            )
            continue
        unsettled: dict[str, tuple[str, str]] = {}
        cells = list(record.cells)
        row: ParsedRow | None = None
        notes: list[str] = []
        for _attempt in range(len(cells) + 1):
            normaliser = Normaliser(
                kind,
                "text",
                mapping=None,
                zone=local,
                strict=PASTE_STRICT,
                required=False,
                phone_region=region,
            )
            normaliser.add(SourceRecord(record.row_number, cells, record.raw))
            result = normaliser.finish()
            notes = result.warnings
            bad: list[RowProblem] = [p for p in result.problems if p.column]
            if not bad:
                row = result.rows[0] if result.rows else None
                break
            for problem in bad:
                column = problem.column or ""
                unsettled[column] = (written.get(column, ""), problem.reason)
            cells = [cell for cell in cells if cell[0].name not in unsettled]
        fields: dict[str, object] = dict(row.fields) if row is not None else {}
        missing = tuple(
            name for name in REQUIRED_FIELDS[kind] if name not in fields and name not in unsettled
        )
        substance = _SUBSTANCE.get(kind)
        if substance is not None and not substance & (fields.keys() | unsettled.keys()):
            records.append(
                ProposedRecord(
                    record.row_number, record.raw, {}, written, {}, (), notes, NOTHING_ASKED
                )
            )
            continue
        records.append(
            ProposedRecord(
                record.row_number, record.raw, fields, written, unsettled, missing, notes
            )
        )
    return Proposal(kind, records, warnings)
