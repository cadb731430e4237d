"""Shipment lists: a spreadsheet of what is on its way (CSV, xlsx, JSON) → arrivals.

A desk keeps such a list for donations and orders in transit: the charter flight's
1.9 million masks waiting on its flight permit, the sister city's 50,000 masks on a
waybill. The reading is the traveller importer's (:mod:`dutyboard.ingest.travellers`:
the same readers, ETA and origin rules, rows, quarantine and writing); this module adds
the shipment fields' aliases, the contents and quantity, the hold-ups and the linked
lead, and which kind a file of arrivals is (:func:`arrivals_kind`).

Idempotent by (source, identity): the list's own id column when it has one, else a hash
of reference + contents + origin country. A changed row updates the shipment with what
the file says (its other fields, the officer's state and notes stay); unreadable rows go
to quarantine with the reason and their original text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Literal

from dutyboard.domain.arrivals import normalise_flight, parse_customs, parse_permit
from dutyboard.domain.rollcall import match_key
from dutyboard.domain.text import clean_text, quote
from dutyboard.domain.values import parse_quantity, zone
from dutyboard.ingest import travellers as tr
from dutyboard.ingest.aliases import (
    KIND_FIELDS,
    REQUIRED_FIELDS,
    WEAK_EVIDENCE,
    concept_for_header,
)
from dutyboard.ingest.parse import detect_format
from dutyboard.ingest.records import KINDS, UnreadableFile
from dutyboard.ingest.source import Column, SourceRecord, Table, cell_text
from dutyboard.store import arrivals as arr
from dutyboard.store.store import Store

DEFAULT_SOURCE = "shipments"
ArrivalsKind = Literal["travellers", "shipments"]
ARRIVALS_KINDS: tuple[ArrivalsKind, ...] = ("travellers", "shipments")

# field → header spellings (compared by header_key, like the travellers')
ALIASES: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference",
        "ref",
        "flight",
        "flight no",
        "flight number",
        "waybill",
        "waybill no",
        "air waybill",
        "awb",
        "mawb",
        "hawb",
        "bill of lading",
        "b/l",
        "bl no",
        "container",
        "container no",
        "container number",
        "tracking",
        "tracking no",
        "tracking number",
        "航班",
        "航班号",
        "运单",
        "运单号",
        "空运单号",
        "主运单号",
        "提单号",
        "集装箱号",
        "柜号",
        "快递单号",
        "物流单号",
        "航班/运单号",
    ),
    "carrier": (
        "carrier",
        "airline",
        "shipping line",
        "forwarder",
        "航空公司",
        "承运人",
        "承运商",
        "船公司",
        "货代",
        "物流公司",
    ),
    "origin_country": (
        "origin country",
        "country",
        "country of origin",
        "from country",
        "departure country",
        "起运国",
        "发货国",
        "出发国家",
        "始发国",
        "来源国",
        "国家",
        "国家/地区",
    ),
    "origin_city": (
        "origin city",
        "origin",
        "city",
        "from",
        "from city",
        "departure city",
        "port of loading",
        "起运城市",
        "起运地",
        "发货城市",
        "发货地",
        "出发城市",
        "始发地",
        "始发城市",
        "城市",
    ),
    "origin_tz": ("origin time zone", "time zone", "timezone", "tz", "时区"),
    "eta": (
        "eta",
        "arrival",
        "arrival time",
        "expected arrival",
        "estimated arrival",
        "arrives",
        "landing",
        "预计到达",
        "预计到达时间",
        "预计抵达时间",
        "抵达时间",
        "到达时间",
        "落地时间",
        "到港时间",
    ),
    "eta_date": ("arrival date", "date of arrival", "eta date", "抵达日期", "到达日期", "到港日期"),
    "destination": (
        "destination",
        "arrival airport",
        "arrival port",
        "port of discharge",
        "port of entry",
        "deliver to",
        "目的地",
        "目的港",
        "抵达机场",
        "到达机场",
        "入境口岸",
        "口岸",
        "收货地",
    ),
    "item": (
        "item",
        "items",
        "item name",
        "contents",
        "content",
        "goods",
        "goods name",
        "cargo",
        "commodity",
        "description of goods",
        "supplies",
        "物资",
        "物资名称",
        "物品",
        "物品名称",
        "货物",
        "货物名称",
        "货品",
        "品名",
        "内容",
        "内容物",
    ),
    "quantity": (
        "quantity",
        "qty",
        "amount",
        "pieces",
        "pcs",
        "count",
        "数量",
        "件数",
        "总数",
        "数目",
    ),
    "unit": ("unit", "units", "uom", "unit of measure", "单位", "计量单位", "数量单位"),
    "permit": (
        "permit",
        "flight permit",
        "permit status",
        "landing permit",
        "航权",
        "航权审批",
        "航权状态",
        "飞行许可",
        "航班许可",
    ),
    "customs": (
        "customs",
        "customs status",
        "clearance",
        "customs clearance",
        "清关",
        "清关状态",
        "报关",
        "报关状态",
        "海关",
    ),
    "lead": ("lead", "lead id", "lead no", "lead #", "线索", "线索编号", "采购线索"),
    "contact": (
        "contact",
        "contact person",
        "phone",
        "mobile",
        "tel",
        "email",
        "联系人",
        "联系方式",
        "电话",
        "联系电话",
        "手机",
    ),
    "external_id": (
        "id",
        "shipment id",
        "shipment no",
        "record id",
        "编号",
        "货运编号",
        "批次号",
        "uuid",
        "_uuid",
        "__id",
        "key",
        "instanceid",
        "meta/instanceid",
    ),
    "notes": ("notes", "note", "remarks", "comment", "comments", "备注", "说明"),
}
FIELDS = tr.FieldIndex(ALIASES)
# What a file says about a shipment and may change when the row changes (the officer's
# state, notes and link to a contact are never touched): only the fields it has columns for.
FILE_FIELDS = (
    "reference",
    "carrier",
    "origin_country",
    "origin_city",
    "origin_tz",
    "eta",
    "destination",
    "item",
    "quantity",
    "unit",
    "permit",
    "customs",
    "contact",
    "lead_id",
)
_COLUMN_FIELDS = {"eta_date": "eta", "lead": "lead_id"}
# Columns only one kind of arrivals file has: what tells a shipment list from a
# declaration export (the reference, origin and ETA both have).
TRAVELLER_ONLY = frozenset({"traveller", "arrangement"})
SHIPMENT_ONLY = frozenset({"item", "quantity", "unit", "permit", "customs", "lead"})
# Concepts of a requests/leads/contacts file that say nothing of its kind.
_NO_EVIDENCE = frozenset({"phone", "contact_method", "email", "notes", "description", "id"})


class WrongArrivalsKind(UnreadableFile):
    """The file's columns clearly belong to another kind than the one asked for."""

    def __init__(self, message: str, fits: str, columns: tuple[str, ...]) -> None:
        super().__init__(message)
        self.fits = fits
        self.columns = columns

    def __reduce__(self) -> tuple[type[WrongArrivalsKind], tuple[str, str, tuple[str, ...]]]:
        return (type(self), (str(self), self.fits, self.columns))


@dataclass(frozen=True)
class KindEvidence:
    """Which arrivals kind a file's columns say, and the columns that say it."""

    travellers: tuple[str, ...]  # columns only a declaration export has
    shipments: tuple[str, ...]  # columns only a shipment list has

    @property
    def kind(self) -> ArrivalsKind | None:
        """The kind with more evidence; None when neither or both say as much."""
        if len(self.shipments) > len(self.travellers):
            return "shipments"
        if len(self.travellers) > len(self.shipments):
            return "travellers"
        return None

    def of(self, kind: ArrivalsKind) -> tuple[str, ...]:
        return self.shipments if kind == "shipments" else self.travellers


def arrivals_kind(columns: Sequence[Column]) -> KindEvidence:
    """What the column headers say: traveller-only and shipment-only fields, each counted
    once, by the first column giving it."""
    travellers: dict[str, str] = {}
    shipments: dict[str, str] = {}
    for column in columns:
        as_traveller = tr.FIELDS.column_field(column)
        as_shipment = FIELDS.column_field(column)
        if as_traveller in TRAVELLER_ONLY:
            travellers.setdefault(as_traveller, column.name)
        elif as_shipment in SHIPMENT_ONLY:
            shipments.setdefault(as_shipment, column.name)
    return KindEvidence(tuple(travellers.values()), tuple(shipments.values()))


def other_kind(columns: Sequence[Column]) -> tuple[str, tuple[str, ...]] | None:
    """The requests/leads/contacts kind a file without any arrival time clearly is: every
    required field of that kind has a column, and two of its columns are ones no file of
    arrivals has (a priority and a deadline; a unit price and a certification)."""
    if any(FIELDS.column_field(c) in ("eta", "eta_date") for c in columns) or any(
        tr.FIELDS.column_field(c) in ("eta", "eta_date") for c in columns
    ):
        return None
    concepts: dict[str, str] = {}
    foreign: set[str] = set()
    for column in columns:
        found = concept_for_header(column.header or column.name)
        if found is None:
            continue
        concepts.setdefault(found[0], column.name)
        if FIELDS.column_field(column) is None and tr.FIELDS.column_field(column) is None:
            foreign.add(found[0])
    best: tuple[int, str, tuple[str, ...]] | None = None
    for kind in KINDS:
        fields = KIND_FIELDS[kind]
        present = {fields[c][0] for c in concepts if c in fields}
        if any(name not in present for name in REQUIRED_FIELDS[kind]):
            continue
        said = [
            concepts[c]
            for c in concepts
            if c in foreign
            and c in fields
            and fields[c][1] == 1
            and c not in WEAK_EVIDENCE
            and c not in _NO_EVIDENCE
        ]
        if len(said) >= 2 and (best is None or len(said) > best[0]):
            best = (len(said), kind, tuple(said))
    return (best[1], best[2]) if best else None


def _columns_of(table: Table) -> list[Column]:
    """The table's columns; for a JSON table, those of its first record (peeked, kept)."""
    if table.columns:
        return list(table.columns)
    first: SourceRecord | None = next(table.records, None)
    if first is None:
        return []
    table.records = chain([first], table.records)
    return [column for column, _value in first.cells]


def _known(header: str) -> bool:
    return FIELDS.known(header) or tr.FIELDS.known(header)


def _shown(columns: Sequence[str]) -> str:
    shown = ", ".join(clean_text(column, limit=40) for column in columns[:6])
    return shown + (", …" if len(columns) > 6 else "")


def decide_kind(
    columns: Sequence[Column], asked: ArrivalsKind | None, name: str, *, force_kind: bool = False
) -> ArrivalsKind:
    """The kind to read the file as: ``asked``, or (None) what its columns say, travellers
    when they say neither. A file whose columns clearly belong to the other kind, or to
    requests/leads/contacts, raises ``WrongArrivalsKind`` naming it, unless ``force_kind``."""
    evidence = arrivals_kind(columns)
    if asked is None:
        chosen: ArrivalsKind = evidence.kind or "travellers"
        if not force_kind:
            _refuse_other(columns, name, "arrivals", chosen)
        return chosen
    if force_kind:
        return asked
    other: ArrivalsKind = "travellers" if asked == "shipments" else "shipments"
    if evidence.of(other) and not evidence.of(asked):
        said = evidence.of(other)
        raise WrongArrivalsKind(
            f"the columns of {name} ({_shown(said)}) are a {other} file, not {asked}; import "
            f"it with --kind {other}, or --force-kind to import it as {asked} anyway",
            other,
            tuple(clean_text(c, limit=200) for c in said),
        )
    _refuse_other(columns, name, asked, asked)
    return asked


def _refuse_other(columns: Sequence[Column], name: str, asked: str, kind: ArrivalsKind) -> None:
    found = other_kind(columns)
    if found is None:
        return
    fits, said = found
    raise WrongArrivalsKind(
        f"the columns of {name} ({_shown(said)}) are a {fits} file, not {asked}; import it "
        f"with `dutyboard ingest --kind {fits}`, or --force-kind to import it as {kind} anyway",
        fits,
        tuple(clean_text(c, limit=200) for c in said),
    )


# -- parsing -------------------------------------------------------------------------------


@dataclass
class ShipmentsParse(tr.ArrivalsParse):
    # The shipment fields the file has columns for: what a changed row may update.
    present: frozenset[str] = frozenset()


def parse_shipments(
    data: bytes, name: str, *, default_zone: str = "Asia/Shanghai", fmt: str | None = None
) -> ShipmentsParse:
    """Parse a shipment list. Naive arrival times are read in ``default_zone`` (the
    desk's). Raises ``UnreadableFile`` for a file that is not a table at all."""
    fmt = fmt or detect_format(name, data)
    result = ShipmentsParse(format=fmt)
    table = tr.read_table(data, name, fmt, result.warnings, FIELDS.known)
    return parse_shipment_table(table, name, result, default_zone=default_zone)


def parse_shipment_table(
    table: Table, name: str, result: ShipmentsParse, *, default_zone: str = "Asia/Shanghai"
) -> ShipmentsParse:
    local_zone = zone(default_zone)
    result.warnings.extend(table.warnings)
    present: set[str] = set()
    seen: dict[str, int] = {}
    for record in table.records:
        if record.problem:
            result.problems.append(tr.Problem(record.row_number, None, record.problem, record.raw))
            continue
        for column, _value in record.cells:
            target = FIELDS.column_field(column)
            if target is not None:
                present.add(_COLUMN_FIELDS.get(target, target))
        row = _row(record, local_zone, result)
        if row is not None:
            result.keep(row, seen, "shipment")
    if present & {"origin_country", "origin_city"}:
        present.add("origin_tz")  # guessed again from them when the file gives none
    result.present = frozenset(present & set(FILE_FIELDS))
    if not result.rows and not result.problems:
        result.warnings.append(clean_text(f"{name} holds no shipments", limit=500))
    return result


def _row(record: SourceRecord, local_zone: Any, result: tr.ArrivalsParse) -> tr.ArrivalRow | None:
    cells = tr.RecordCells(record, FIELDS, result)
    fields: dict[str, Any] = {}
    reference = cells.text_of("reference")
    item = cells.text_of("item")
    if not reference and not item:
        cells.problem(None, f"row {record.row_number} has neither contents nor a reference")
        return None
    if reference:
        fields["reference"] = normalise_flight(reference)
    if item:
        fields["item"] = item
    eta = tr.read_eta(cells, local_zone, item or reference or "")
    if eta is None:
        return None
    fields["eta"] = eta
    quantity = cells.first("quantity")
    if quantity is not None:
        try:
            number, unit = parse_quantity(quantity[1])
        except ValueError as error:
            cells.problem(quantity[0], f"quantity {quote(cell_text(quantity[1]))} {error}")
            return None
        if number < 0:
            cells.problem(quantity[0], f"quantity {quote(cell_text(quantity[1]))} is negative")
            return None
        fields["quantity"] = number
        if unit:
            fields["unit"] = unit
    for plain in ("carrier", "origin_city", "destination", "contact", "notes", "unit"):
        value = cells.text_of(plain)
        if value:
            fields[plain] = value
    tr.read_origin(cells, fields)
    for name, parse in (("permit", parse_permit), ("customs", parse_customs)):
        text = cells.text_of(name)
        if not text:
            continue
        try:
            state = parse(text)
        except ValueError:
            cells.warn(f"{name} {quote(text)} is not a state I know; kept with the record")
            cells.extra[name] = text
            continue
        if state is not None:
            fields[name] = state.value
    lead = cells.text_of("lead")
    if lead:
        fields["lead"] = lead  # looked up when written (resolve_lead)
    declared_id = cells.text_of("external_id")
    identity = declared_id or _identity(reference, item, fields.get("origin_country"))
    return tr.ArrivalRow(record.row_number, fields, cells.leftovers(), record.raw, identity)


def _identity(reference: str | None, item: str | None, country: str | None) -> str:
    key = "|".join(
        (
            match_key(normalise_flight(reference or "")),
            match_key(item or ""),
            (country or "").upper(),
        )
    )
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def resolve_lead(conn: Any, row: tr.ArrivalRow, warnings: list[str]) -> dict[str, Any]:
    """The row's fields for the store: its "lead" cell becomes the lead's id (a number, or
    a supplier only one lead has); a lead that cannot be found is a warning (the cell
    stays in the original record; the officer links it with ``e``)."""
    fields = dict(row.fields)
    lead = fields.pop("lead", None)
    if lead:
        lead_id, why = arr.lead_of(conn, str(lead))
        if lead_id is not None:
            fields["lead_id"] = lead_id
        else:
            warnings.append(f"row {row.row_number}: {why}; the shipment is not linked to a lead")
    return fields


# -- writing -------------------------------------------------------------------------------


def import_shipments(
    store: Store,
    data: bytes,
    name: str,
    *,
    source: str = DEFAULT_SOURCE,
    default_zone: str = "Asia/Shanghai",
    fmt: str | None = None,
) -> tr.ArrivalsImport:
    """Parse a shipment list and write it in one transaction (see the module's doc)."""
    parsed = parse_shipments(data, name, default_zone=default_zone, fmt=fmt)
    return _write(store, parsed, name, source)


def _write(store: Store, parsed: ShipmentsParse, name: str, source: str) -> tr.ArrivalsImport:
    return tr.write_arrivals(
        store,
        parsed,
        name,
        source=source,
        kind="shipment",
        file_fields=parsed.present,
        resolve=resolve_lead,
    )


def import_arrivals(
    store: Store,
    data: bytes,
    name: str,
    *,
    kind: ArrivalsKind | None = None,
    force_kind: bool = False,
    source: str | None = None,
    default_zone: str = "Asia/Shanghai",
    fmt: str | None = None,
) -> tr.ArrivalsImport:
    """A file of arrivals of either kind: ``kind``, or what its columns say
    (:func:`decide_kind`, which refuses a file that is clearly another kind's). The
    default source is the kind's own ("declarations", "shipments")."""
    fmt = fmt or detect_format(name, data)
    warnings: list[str] = []
    table = tr.read_table(data, name, fmt, warnings, _known)
    chosen = decide_kind(_columns_of(table), kind, name, force_kind=force_kind)
    if chosen == "shipments":
        shipments = parse_shipment_table(
            table, name, ShipmentsParse(format=fmt, warnings=warnings), default_zone=default_zone
        )
        return _write(store, shipments, name, source or DEFAULT_SOURCE)
    parsed = tr.parse_traveller_table(
        table, name, tr.ArrivalsParse(format=fmt, warnings=warnings), default_zone=default_zone
    )
    return tr.write_arrivals(
        store, parsed, name, source=source or tr.DEFAULT_SOURCE, kind="traveller"
    )


__all__ = [
    "ALIASES",
    "ARRIVALS_KINDS",
    "DEFAULT_SOURCE",
    "KindEvidence",
    "ShipmentsParse",
    "WrongArrivalsKind",
    "arrivals_kind",
    "decide_kind",
    "import_arrivals",
    "import_shipments",
    "other_kind",
    "parse_shipments",
]
