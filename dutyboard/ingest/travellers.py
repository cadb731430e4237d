"""Traveller declarations: a declaration platform's export (CSV, xlsx, JSON) → arrivals.

The readers are the ingest layer's own (encoding detection, delimiter sniffing, header
row search, xlsx and JSON/KoBo/ODK tables); this module adds the traveller fields'
aliases, reads their values with the shared value parsers, and writes the rows as
``arrivals`` of kind traveller.

Idempotent by (source, identity): the identity is the export's own id column when it has
one, else a hash of name + contact + origin country (a person declaring a journey).
Importing the same file twice adds and changes nothing; a row whose ETA (or anything
else) changed updates the arrival, and the update event keeps the old values. Rows that
cannot be read go to quarantine with the reason and their original text.

What a file of arrivals of either kind needs is here and shared with
:mod:`dutyboard.ingest.shipments`: an alias index (:class:`FieldIndex`), reading the table
(:func:`read_table`), the ETA from one or two columns (:func:`read_eta`), the origin's
country and zone (:func:`read_origin`), the rows and problems (:class:`ArrivalRow`,
:class:`ArrivalsParse`) and writing a parsed file in one transaction
(:func:`write_arrivals`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dutyboard.domain.arrivals import guess_zone, normalise_flight
from dutyboard.domain.rollcall import match_key
from dutyboard.domain.text import clean_text, quote
from dutyboard.domain.values import parse_country, parse_datetime, parse_tz, zone
from dutyboard.i18n import _
from dutyboard.ingest.aliases import header_key
from dutyboard.ingest.csvfmt import csv_rows, sniff_delimiter
from dutyboard.ingest.decode import decode_bytes
from dutyboard.ingest.jsonfmt import json_table, jsonl_table, load_json
from dutyboard.ingest.parse import detect_format
from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.source import Column, SourceRecord, Table, cell_text, table_records
from dutyboard.ingest.store_sink import COUNTS
from dutyboard.ingest.xlsxfmt import xlsx_rows
from dutyboard.store import arrivals as arr
from dutyboard.store.store import Store

DEFAULT_SOURCE = "declarations"
MAX_ORIGINAL_CHARS = arr.MAX_ORIGINAL_CHARS

# field → header spellings (compared by header_key: case, width, spaces and punctuation aside)
ALIASES: dict[str, tuple[str, ...]] = {
    "traveller": (
        "name",
        "full name",
        "traveller",
        "traveler",
        "traveller name",
        "passenger",
        "passenger name",
        "姓名",
        "名字",
        "旅客姓名",
        "乘客姓名",
        "申报人",
        "申报人姓名",
        "留学生姓名",
    ),
    "reference": (
        "flight",
        "flight no",
        "flight number",
        "flight #",
        "航班",
        "航班号",
        "航班号码",
        "航班信息",
        "车次/航班",
    ),
    "carrier": ("airline", "carrier", "航空公司", "承运人", "承运航空公司"),
    "origin_country": (
        "origin country",
        "country",
        "from country",
        "departure country",
        "country of departure",
        "出发国家",
        "出发国",
        "出发国家/地区",
        "国家",
        "所在国",
        "所在国家",
        "所在国家/地区",
        "国家/地区",
    ),
    "origin_city": (
        "origin city",
        "city",
        "from city",
        "departure city",
        "city of departure",
        "出发城市",
        "城市",
        "所在城市",
    ),
    "origin_tz": ("origin time zone", "time zone", "timezone", "tz", "时区"),
    "eta": (
        "eta",
        "arrival",
        "arrival time",
        "expected arrival",
        "estimated arrival",
        "arrives",
        "抵达时间",
        "到达时间",
        "预计抵达时间",
        "预计到达时间",
        "入境时间",
        "落地时间",
    ),
    "eta_date": ("arrival date", "date of arrival", "抵达日期", "到达日期", "入境日期"),
    "destination": (
        "destination",
        "arrival airport",
        "arrival port",
        "port of entry",
        "目的地",
        "抵达机场",
        "到达机场",
        "入境口岸",
        "口岸",
        "抵达城市",
    ),
    "arrangement": (
        "arrangement",
        "arrangements",
        "arrangement on arrival",
        "arrival arrangement",
        "pickup",
        "安排",
        "抵达后安排",
        "落地安排",
        "隔离安排",
        "接机安排",
        "返乡安排",
    ),
    "contact": (
        "contact",
        "phone",
        "mobile",
        "tel",
        "telephone",
        "wechat",
        "email",
        "联系方式",
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "微信",
        "微信号",
    ),
    "external_id": (
        "id",
        "declaration id",
        "record id",
        "编号",
        "申报编号",
        "登记编号",
        "uuid",
        "_uuid",
        "__id",
        "key",
        "instanceid",
        "meta/instanceid",
    ),
    "notes": ("notes", "note", "remarks", "comment", "comments", "备注", "说明"),
}


class FieldIndex:
    """Which arrival field a column header names, from a table of aliases (field →
    spellings, compared by ``header_key``: case, width, spaces and punctuation aside)."""

    def __init__(self, aliases: Mapping[str, Iterable[str]]) -> None:
        self.index = {
            header_key(spelling): name
            for name, spellings in aliases.items()
            for spelling in spellings
        }

    def field_for(self, header: str) -> str | None:
        key = header_key(header)
        if key in self.index:
            return self.index[key]
        if "/" in header:  # KoBo/ODK "group/field"
            return self.index.get(header_key(header.rsplit("/", 1)[1]))
        return None

    def column_field(self, column: Column) -> str | None:
        for text in (column.header, column.name):
            if text:
                found = self.field_for(text)
                if found:
                    return found
        return None

    def known(self, header: str) -> bool:
        return self.field_for(header) is not None


FIELDS = FieldIndex(ALIASES)
# Fields written to the arrival from the file (the officer's own fields are never touched).
FILE_FIELDS = (
    "traveller",
    "reference",
    "carrier",
    "origin_country",
    "origin_city",
    "origin_tz",
    "eta",
    "destination",
    "arrangement",
    "contact",
    "notes",
)
_HAS_TIME = re.compile(r"\d{1,2}\s*[:：时点]\s*\d{2}")
_TIME_ONLY = re.compile(r"^\s*\d{1,2}\s*[:：时点]\s*\d{0,2}\s*(?:分)?\s*$")


@dataclass
class ArrivalRow:
    row_number: int
    fields: dict[str, Any]
    extra: dict[str, str]
    raw: str
    identity: str  # external id, or "h:" + a hash of what identifies it

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            {"fields": self.fields, "extra": self.extra}, ensure_ascii=False, sort_keys=True
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Problem:
    row_number: int
    column: str | None
    reason: str
    raw: str


@dataclass
class ArrivalsParse:
    format: str
    rows: list[ArrivalRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def keep(self, row: ArrivalRow, seen: dict[str, int], what: str) -> None:
        """Add ``row``; a later row with the same identity replaces the earlier one."""
        if row.identity in seen:
            self.warnings.append(
                f"row {row.row_number} declares the same {what} as row "
                f"{self.rows[seen[row.identity]].row_number}; the later row is used"
            )
            self.rows[seen[row.identity]] = row
            return
        seen[row.identity] = len(self.rows)
        self.rows.append(row)


@dataclass
class ArrivalsImport:
    """What one file did: counts, and the ingest run that recorded it."""

    location: str
    source: str
    format: str = ""
    kind: str = "travellers"
    run_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    warnings: list[str] = field(default_factory=list)

    def line(self, *, tr: Callable[[str], str] = _) -> str:
        """One line for people, in the interface language (the words of a file's
        ingest summary)."""
        where = clean_text(self.location, limit=200).replace("\n", " ")
        counts = tr(COUNTS).format(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            quarantined=self.quarantined,
        )
        return f"{where}: {counts}"


# The names this module had before shipments shared it.
TravellerRow = ArrivalRow
TravellerParse = ArrivalsParse
TravellerImport = ArrivalsImport


def field_for(header: str) -> str | None:
    """The traveller field a column header names, or None."""
    return FIELDS.field_for(header)


# -- parsing -------------------------------------------------------------------------------


def parse_travellers(
    data: bytes, name: str, *, default_zone: str = "Asia/Shanghai", fmt: str | None = None
) -> TravellerParse:
    """Parse a declaration export. Naive arrival times are read in ``default_zone`` (the
    desk's, where travellers land). Raises ``UnreadableFile`` for a file that is not a
    table at all; every other problem is a row problem or a warning."""
    fmt = fmt or detect_format(name, data)
    result = ArrivalsParse(format=fmt)
    table = read_table(data, name, fmt, result.warnings, FIELDS.known)
    return parse_traveller_table(table, name, result, default_zone=default_zone)


def parse_traveller_table(
    table: Table, name: str, result: ArrivalsParse, *, default_zone: str = "Asia/Shanghai"
) -> ArrivalsParse:
    """The travellers of a table already read (``read_table``) into ``result``."""
    local_zone = zone(default_zone)
    result.warnings.extend(table.warnings)
    seen: dict[str, int] = {}
    for record in table.records:
        if record.problem:
            result.problems.append(Problem(record.row_number, None, record.problem, record.raw))
            continue
        row = _row(record, local_zone, result)
        if row is not None:
            result.keep(row, seen, "traveller")
    if not result.rows and not result.problems:
        result.warnings.append(clean_text(f"{name} holds no travellers", limit=500))
    return result


def read_table(
    data: bytes, name: str, fmt: str, warnings: list[str], known: Callable[[str], bool]
) -> Table:
    """The file as a table, by the ingest layer's readers: ``known`` says which headers
    it recognises (to find the header row under title lines)."""
    if fmt == "vcard":
        raise UnreadableFile(f"{name} is a vCard file, not a list of arrivals")
    if fmt == "xlsx":
        return table_records(xlsx_rows(data, name, warnings), known, unit="row")
    decoded = decode_bytes(data, name)
    if decoded.warning:
        warnings.append(decoded.warning)
    text = decoded.text
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if fmt == "jsonl":
        return jsonl_table(text)
    if head in ("[", "{") and fmt in ("json", "kobo", "odk", "hxl"):
        table, _system = json_table(load_json(text, name), name, known)
        return table
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(text, prefer_tab=name.endswith(".tsv"))
    return table_records(csv_rows(text, delimiter), known)


class RecordCells:
    """One record's cells by the field their column names (``index``), the rest as
    ``extra``; and how its problems are told."""

    def __init__(self, record: SourceRecord, index: FieldIndex, result: ArrivalsParse) -> None:
        self.record = record
        self.result = result
        self.values: dict[str, list[tuple[Column, object]]] = {}
        self.extra: dict[str, str] = {}
        for column, value in record.cells:
            text = clean_text(cell_text(value))
            if not text:
                continue
            target = index.column_field(column)
            if target is None:
                self.extra[clean_text(column.name, limit=200)] = text
                continue
            self.values.setdefault(target, []).append((column, value))

    def first(self, name: str) -> tuple[Column, object] | None:
        found = self.values.get(name)
        return found[0] if found else None

    def text_of(self, name: str) -> str | None:
        found = self.first(name)
        return clean_text(cell_text(found[1]), limit=500) if found else None

    def problem(self, column: Column | None, reason: str) -> None:
        record = self.record
        self.result.problems.append(
            Problem(record.row_number, column.name if column else None, reason, record.raw)
        )

    def warn(self, text: str) -> None:
        self.result.warnings.append(f"row {self.record.row_number}: {text}")

    def leftovers(self, joined: Collection[str] = ()) -> dict[str, str]:
        """``extra`` with a second column of a field (a second "country"): kept, not lost.
        The fields of ``joined`` were read from all their columns."""
        extra = dict(self.extra)
        for target, cells in self.values.items():
            if target in joined:
                continue
            for column, value in cells[1:]:
                extra[clean_text(column.name, limit=200)] = clean_text(cell_text(value))
        return extra


def read_eta(cells: RecordCells, local_zone: Any, what: str) -> str | None:
    """The arrival time (UTC ISO) from "eta", or "eta_date" + a time-only "eta", or an
    "eta_date" that holds a time; None (and a problem) when there is none to read."""
    record = cells.record
    eta_cell, date_cell = cells.first("eta"), cells.first("eta_date")
    eta_value: object | None = eta_cell[1] if eta_cell else None
    if (
        date_cell is not None
        and eta_cell is not None
        and isinstance(eta_cell[1], str)
        and _TIME_ONLY.match(eta_cell[1])
    ):
        eta_value = f"{cell_text(date_cell[1]).split('T')[0].split(' ')[0]} {eta_cell[1].strip()}"
    if eta_value is None and date_cell is not None and _HAS_TIME.search(cell_text(date_cell[1])):
        eta_value = date_cell[1]  # an "arrival date" column that holds the time as well
    if eta_value is None or not cell_text(eta_value).strip():
        where = date_cell[0] if date_cell else None
        cells.problem(where, f"row {record.row_number} ({what}) has no arrival time")
        return None
    try:
        return parse_datetime(eta_value, local_zone)
    except ValueError as error:
        where = eta_cell[0] if eta_cell else None
        cells.problem(where, f"arrival time {quote(cell_text(eta_value))} {error}")
        return None


def read_origin(cells: RecordCells, fields: dict[str, Any]) -> None:
    """The origin's country (an ISO code when known) and zone (when given) into
    ``fields``; what cannot be read is a warning, the row still goes in."""
    country = cells.text_of("origin_country")
    if country:
        code = parse_country(country)
        if code is None:
            cells.warn(
                f"country {quote(country)} is not one I know; kept as written (its local "
                "time cannot be shown unless a time zone is given)"
            )
        fields["origin_country"] = code or country
    tz_text = cells.text_of("origin_tz")
    if tz_text:
        try:
            fields["origin_tz"], warning = parse_tz(tz_text)
        except ValueError as error:
            cells.warn(f"time zone {quote(tz_text)} {error}")
        else:
            if warning:
                cells.warn(warning)


def _row(record: SourceRecord, local_zone: Any, result: ArrivalsParse) -> ArrivalRow | None:
    cells = RecordCells(record, FIELDS, result)
    fields: dict[str, Any] = {}
    name = cells.text_of("traveller")
    if not name:
        cells.problem(None, f"row {record.row_number} has no traveller name")
        return None
    fields["traveller"] = name
    eta = read_eta(cells, local_zone, name)
    if eta is None:
        return None
    fields["eta"] = eta
    reference = cells.text_of("reference")
    if reference:
        fields["reference"] = normalise_flight(reference)
    for plain in ("carrier", "origin_city", "destination", "arrangement", "notes"):
        value = cells.text_of(plain)
        if value:
            fields[plain] = value
    contacts = [clean_text(cell_text(v), limit=200) for _c, v in cells.values.get("contact", [])]
    if contacts:
        fields["contact"] = " · ".join(dict.fromkeys(c for c in contacts if c))
    read_origin(cells, fields)
    declared_id = cells.text_of("external_id")
    identity = declared_id or _identity(name, fields.get("contact"), fields.get("origin_country"))
    extra = cells.leftovers(joined=("contact",))  # every contact column was joined above
    return ArrivalRow(record.row_number, fields, extra, record.raw, identity)


def _identity(name: str, contact: str | None, country: str | None) -> str:
    digits = re.sub(r"\D", "", contact or "")
    key = "|".join((match_key(name), digits or match_key(contact or ""), (country or "").upper()))
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


# -- writing -------------------------------------------------------------------------------


def import_travellers(
    store: Store,
    data: bytes,
    name: str,
    *,
    source: str = DEFAULT_SOURCE,
    default_zone: str = "Asia/Shanghai",
    fmt: str | None = None,
) -> ArrivalsImport:
    """Parse ``data`` and write it in one transaction: new travellers added, changed ones
    updated (the old values stay in the events log), unreadable rows quarantined."""
    parsed = parse_travellers(data, name, default_zone=default_zone, fmt=fmt)
    return write_arrivals(store, parsed, name, source=source, kind="traveller")


# Prepares one row's fields for the store inside the write transaction (a shipment's
# lead, named in the file, is looked up there); warnings go to the list.
Resolve = Callable[[Any, ArrivalRow, list[str]], dict[str, Any]]


def write_arrivals(
    store: Store,
    parsed: ArrivalsParse,
    name: str,
    *,
    source: str,
    kind: str,
    file_fields: Collection[str] = FILE_FIELDS,
    resolve: Resolve | None = None,
) -> ArrivalsImport:
    """Write a parsed file of arrivals of ``kind`` in one transaction: its ingest run, new
    arrivals added, changed ones updated with the ``file_fields`` the file gives (the old
    values stay in the events log; the officer's state is never undone), unreadable rows
    quarantined (once, however often the file is imported)."""
    summary = ArrivalsImport(location=name, source=source, format=parsed.format, kind=kind + "s")
    summary.warnings = list(parsed.warnings)
    with store.transaction() as conn:
        run_id = arr.begin_import(store, conn, source=source, location=name, kind=summary.kind)
        summary.run_id = run_id
        for row in parsed.rows:
            fields = resolve(conn, row, summary.warnings) if resolve else dict(row.fields)
            _write_row(store, conn, row, fields, source, kind, file_fields, summary)
        for item in parsed.problems:
            summary.quarantined += 1
            arr.quarantine_row(
                store,
                conn,
                run_id=run_id,
                source=source,
                location=name,
                row_number=item.row_number,
                column=item.column,
                reason=item.reason,
                original=item.raw,
            )
        arr.finish_import(
            store,
            conn,
            run_id,
            source=source,
            location=name,
            kind=summary.kind,
            added=summary.added,
            updated=summary.updated,
            unchanged=summary.unchanged,
            quarantined=summary.quarantined,
            message="\n".join(summary.warnings[:20]) or None,
        )
    return summary


def _write_row(
    store: Store,
    conn: Any,
    row: ArrivalRow,
    fields: dict[str, Any],
    source: str,
    kind: str,
    file_fields: Collection[str],
    summary: ArrivalsImport,
) -> None:
    digest = row.content_hash
    existing = arr.arrival_of_source(conn, source, row.identity)
    extra = json.dumps(row.extra, ensure_ascii=False, sort_keys=True) if row.extra else None
    if existing is None:
        arr.insert_arrival(
            store,
            conn,
            {
                "kind": kind,
                **fields,
                "extra": extra,
                "source": source,
                "external_id": row.identity,
                "content_hash": digest,
                "raw": row.raw[:MAX_ORIGINAL_CHARS],
            },
        )
        summary.added += 1
        return
    if existing["content_hash"] == digest:
        summary.unchanged += 1
        return
    changes: dict[str, Any] = {name: fields.get(name) for name in file_fields}
    if "origin_tz" in file_fields and "origin_tz" not in fields:
        # No zone in the file: guessed from country and city, as when it was added.
        changes["origin_tz"] = guess_zone(fields.get("origin_country"), fields.get("origin_city"))
    changes.update(extra=extra, content_hash=digest, raw=row.raw[:MAX_ORIGINAL_CHARS])
    arr.apply_changes(store, conn, int(existing["id"]), changes, action="update")
    summary.updated += 1


def import_rows(store: Store, rows: Iterable[dict[str, Any]], **kwargs: Any) -> ArrivalsImport:
    """Import already-structured rows (a form, a test, the demo) as a JSON document."""
    data = json.dumps(list(rows), ensure_ascii=False, default=_default).encode("utf-8")
    return import_travellers(store, data, kwargs.pop("name", "rows.json"), **kwargs)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
