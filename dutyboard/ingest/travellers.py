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
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dutyboard.domain.arrivals import guess_zone, normalise_flight
from dutyboard.domain.rollcall import match_key
from dutyboard.ingest.aliases import header_key
from dutyboard.ingest.csvfmt import csv_rows, sniff_delimiter
from dutyboard.ingest.decode import decode_bytes
from dutyboard.ingest.jsonfmt import json_table, jsonl_table, load_json
from dutyboard.ingest.parse import detect_format
from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.sanitize import clean_text, quote
from dutyboard.ingest.source import Column, SourceRecord, Table, cell_text, table_records
from dutyboard.ingest.values import parse_country, parse_datetime, parse_tz, zone
from dutyboard.ingest.xlsxfmt import xlsx_rows
from dutyboard.store.arrivals import apply_changes, insert_arrival
from dutyboard.store.store import Store

DEFAULT_SOURCE = "declarations"
MAX_ORIGINAL_CHARS = 100_000

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
_INDEX: dict[str, str] = {
    header_key(spelling): name for name, spellings in ALIASES.items() for spelling in spellings
}
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
class TravellerRow:
    row_number: int
    fields: dict[str, Any]
    extra: dict[str, str]
    raw: str
    identity: str  # external id, or "h:" + hash of name/contact/country

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
class TravellerParse:
    format: str
    rows: list[TravellerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class TravellerImport:
    """What one file did: counts, and the ingest run that recorded it."""

    location: str
    source: str
    format: str = ""
    run_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        where = clean_text(self.location, limit=200).replace("\n", " ")
        return (
            f"{where}: {self.added} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.quarantined} quarantined"
        )


def field_for(header: str) -> str | None:
    """The traveller field a column header names, or None."""
    key = header_key(header)
    if key in _INDEX:
        return _INDEX[key]
    if "/" in header:  # KoBo/ODK "group/field"
        return _INDEX.get(header_key(header.rsplit("/", 1)[1]))
    return None


def _column_field(column: Column) -> str | None:
    for text in (column.header, column.name):
        if text:
            found = field_for(text)
            if found:
                return found
    return None


# -- parsing -------------------------------------------------------------------------------


def parse_travellers(
    data: bytes, name: str, *, default_zone: str = "Asia/Shanghai", fmt: str | None = None
) -> TravellerParse:
    """Parse a declaration export. Naive arrival times are read in ``default_zone`` (the
    desk's, where travellers land). Raises ``UnreadableFile`` for a file that is not a
    table at all; every other problem is a row problem or a warning."""
    local_zone = zone(default_zone)
    fmt = fmt or detect_format(name, data)
    result = TravellerParse(format=fmt)
    table = _table(data, name, fmt, result.warnings)
    result.warnings.extend(table.warnings)
    seen: dict[str, int] = {}
    for record in table.records:
        if record.problem:
            result.problems.append(Problem(record.row_number, None, record.problem, record.raw))
            continue
        row = _row(record, local_zone, result)
        if row is None:
            continue
        if row.identity in seen:
            result.warnings.append(
                f"row {row.row_number} declares the same traveller as row "
                f"{result.rows[seen[row.identity]].row_number}; the later row is used"
            )
            result.rows[seen[row.identity]] = row
            continue
        seen[row.identity] = len(result.rows)
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.warnings.append(clean_text(f"{name} holds no travellers", limit=500))
    return result


def _table(data: bytes, name: str, fmt: str, warnings: list[str]) -> Table:
    if fmt == "vcard":
        raise UnreadableFile(f"{name} is a vCard file, not a traveller declaration export")
    if fmt == "xlsx":
        return table_records(xlsx_rows(data, name, warnings), _known, unit="row")
    decoded = decode_bytes(data, name)
    if decoded.warning:
        warnings.append(decoded.warning)
    text = decoded.text
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if fmt == "jsonl":
        return jsonl_table(text)
    if head in ("[", "{") and fmt in ("json", "kobo", "odk", "hxl"):
        table, _system = json_table(load_json(text, name), name, _known)
        return table
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(text, prefer_tab=name.endswith(".tsv"))
    return table_records(csv_rows(text, delimiter), _known)


def _known(header: str) -> bool:
    return field_for(header) is not None


def _row(record: SourceRecord, local_zone: Any, result: TravellerParse) -> TravellerRow | None:
    values: dict[str, list[tuple[Column, object]]] = {}
    extra: dict[str, str] = {}
    for column, value in record.cells:
        text = clean_text(cell_text(value))
        if not text:
            continue
        target = _column_field(column)
        if target is None:
            extra[clean_text(column.name, limit=200)] = text
            continue
        values.setdefault(target, []).append((column, value))

    def first(name: str) -> tuple[Column, object] | None:
        found = values.get(name)
        return found[0] if found else None

    def text_of(name: str) -> str | None:
        found = first(name)
        return clean_text(cell_text(found[1]), limit=500) if found else None

    def problem(column: Column | None, reason: str) -> None:
        result.problems.append(
            Problem(record.row_number, column.name if column else None, reason, record.raw)
        )

    fields: dict[str, Any] = {}
    name = text_of("traveller")
    if not name:
        problem(None, f"row {record.row_number} has no traveller name")
        return None
    fields["traveller"] = name
    eta_cell, date_cell = first("eta"), first("eta_date")
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
        problem(where, f"row {record.row_number} ({name}) has no arrival time")
        return None
    try:
        fields["eta"] = parse_datetime(eta_value, local_zone)
    except ValueError as error:
        where = eta_cell[0] if eta_cell else None
        problem(where, f"arrival time {quote(cell_text(eta_value))} {error}")
        return None
    reference = text_of("reference")
    if reference:
        fields["reference"] = normalise_flight(reference)
    for plain in ("carrier", "origin_city", "destination", "arrangement", "notes"):
        value = text_of(plain)
        if value:
            fields[plain] = value
    contacts = [clean_text(cell_text(v), limit=200) for _c, v in values.get("contact", [])]
    if contacts:
        fields["contact"] = " · ".join(dict.fromkeys(c for c in contacts if c))
    country = text_of("origin_country")
    if country:
        code = parse_country(country)
        if code is None:
            result.warnings.append(
                f"row {record.row_number}: country {quote(country)} is not one I know; kept as "
                "written (its local time cannot be shown unless a time zone is given)"
            )
        fields["origin_country"] = code or country
    tz_text = text_of("origin_tz")
    if tz_text:
        try:
            fields["origin_tz"], warning = parse_tz(tz_text)
        except ValueError as error:
            result.warnings.append(f"row {record.row_number}: time zone {quote(tz_text)} {error}")
        else:
            if warning:
                result.warnings.append(f"row {record.row_number}: {warning}")
    declared_id = text_of("external_id")
    identity = declared_id or _identity(name, fields.get("contact"), fields.get("origin_country"))
    for target, cells in values.items():
        if target == "contact":
            continue  # every contact column was joined above
        for column, value in cells[1:]:  # a second "country" column: kept, not lost
            extra[clean_text(column.name, limit=200)] = clean_text(cell_text(value))
    return TravellerRow(record.row_number, fields, extra, record.raw, identity)


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
) -> TravellerImport:
    """Parse ``data`` and write it in one transaction: new travellers added, changed ones
    updated (the old values stay in the events log), unreadable rows quarantined."""
    parsed = parse_travellers(data, name, default_zone=default_zone, fmt=fmt)
    summary = TravellerImport(location=name, source=source, format=parsed.format)
    summary.warnings = list(parsed.warnings)
    with store.transaction() as conn:
        now = store.now()
        cur = conn.execute(
            "INSERT INTO ingest_runs (source, location, started_at) VALUES (?, ?, ?)",
            (source, name, now),
        )
        summary.run_id = int(cur.lastrowid or 0)
        for row in parsed.rows:
            _write_row(store, conn, row, source, summary)
        for item in parsed.problems:
            summary.quarantined += 1
            if conn.execute(
                "SELECT 1 FROM quarantine WHERE source = ? AND location = ? AND row_number IS ? "
                "AND reason = ? AND original = ? LIMIT 1",
                (source, name, item.row_number, item.reason, item.raw[:MAX_ORIGINAL_CHARS]),
            ).fetchone():
                continue  # the same bad row from the same file is in quarantine already
            conn.execute(
                "INSERT INTO quarantine (run_id, at, source, location, row_number, column_name, "
                "reason, original) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    summary.run_id,
                    now,
                    source,
                    name,
                    item.row_number,
                    item.column,
                    item.reason,
                    item.raw[:MAX_ORIGINAL_CHARS],
                ),
            )
        result = "partial" if summary.quarantined else "ok"
        message = "\n".join(summary.warnings[:20]) or None
        conn.execute(
            "UPDATE ingest_runs SET finished_at = ?, result = ?, rows_added = ?, "
            "rows_updated = ?, rows_unchanged = ?, rows_quarantined = ?, message = ? "
            "WHERE id = ?",
            (
                store.now(),
                result,
                summary.added,
                summary.updated,
                summary.unchanged,
                summary.quarantined,
                message,
                summary.run_id,
            ),
        )
        if summary.added or summary.updated:
            store.log_event(
                conn,
                "ingest_run",
                summary.run_id,
                "ingest",
                None,
                {
                    "source": source,
                    "location": name,
                    "kind": "travellers",
                    "result": result,
                    "added": summary.added,
                    "updated": summary.updated,
                    "quarantined": summary.quarantined,
                },
            )
    return summary


def _write_row(
    store: Store, conn: Any, row: TravellerRow, source: str, summary: TravellerImport
) -> None:
    digest = row.content_hash
    existing = conn.execute(
        "SELECT id, content_hash FROM arrivals WHERE source = ? AND external_id = ?",
        (source, row.identity),
    ).fetchone()
    extra = json.dumps(row.extra, ensure_ascii=False, sort_keys=True) if row.extra else None
    if existing is None:
        insert_arrival(
            store,
            conn,
            {
                "kind": "traveller",
                **row.fields,
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
    changes: dict[str, Any] = {name: row.fields.get(name) for name in FILE_FIELDS}
    if "origin_tz" not in row.fields:
        # No zone in the file: guessed from country and city, as when it was added.
        changes["origin_tz"] = guess_zone(
            row.fields.get("origin_country"), row.fields.get("origin_city")
        )
    changes.update(extra=extra, content_hash=digest, raw=row.raw[:MAX_ORIGINAL_CHARS])
    apply_changes(store, conn, int(existing["id"]), changes, action="update")
    summary.updated += 1


def import_rows(store: Store, rows: Iterable[dict[str, Any]], **kwargs: Any) -> TravellerImport:
    """Import already-structured rows (a form, a test, the demo) as a JSON document."""
    data = json.dumps(list(rows), ensure_ascii=False, default=_default).encode("utf-8")
    return import_travellers(store, data, kwargs.pop("name", "rows.json"), **kwargs)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
