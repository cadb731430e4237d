"""The supplies ledger in the store: receipts, deliveries, tallies, money and daily counts.

Functions take the :class:`~dutyboard.store.Store` first and follow its rules: every write
is one short ``BEGIN IMMEDIATE`` transaction that appends its ``events`` row(s) (entity
``supply``) in the same transaction. Ledger entries are never edited: a correction is a
new entry, so the ledger and its events always agree.

Each entry keeps, besides what was typed (item, quantity, unit), its category and its
quantity in the category's base unit *as converted when it was written*
(:mod:`dutyboard.domain.supplies`), so tallies are indexed sums over like units.

Fulfilling a request writes a ``distributed`` entry against it and moves it along the
request status machine (new → acknowledged → in progress → partially fulfilled /
fulfilled, each step checked and logged); receiving a lead's goods writes a ``received``
entry and moves the lead to ``received``. Both happen in one transaction with the entry.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.status import (
    OPEN_REQUEST_STATUSES,
    LeadStatus,
    RequestStatus,
    check_lead_transition,
    check_request_transition,
    shown_noun,
    shown_word,
)
from dutyboard.domain.supplies import (
    DEFAULT_CATALOG,
    DIRECTIONS,
    FUNDS,
    RECEIVED_KINDS,
    Converted,
    Money,
    MoneyTotals,
    Number,
    SupplyCatalog,
    Tally,
    unmet,
)
from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.i18n import _
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, StaleEdit, ValidationError, stale_version
from dutyboard.store.store import Row, Store, clean_fields

ENTITY = "supply"
MAX_TEXT = 500
_OPEN_REQUESTS = tuple(sorted(OPEN_REQUEST_STATUSES))
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# The forward path of a request to delivery, and of a lead to its goods received.
_REQUEST_PATH = [
    RequestStatus.NEW,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.PARTIALLY_FULFILLED,
    RequestStatus.FULFILLED,
]
_LEAD_PATH = [LeadStatus.ORDERED, LeadStatus.IN_TRANSIT, LeadStatus.RECEIVED]
_LEAD_RECEIVABLE = frozenset(
    {LeadStatus.ORDERED, LeadStatus.IN_TRANSIT, LeadStatus.CUSTOMS, LeadStatus.RECEIVED}
)


# -- reading helpers ----------------------------------------------------------------------


def _num(value: Any) -> Number:
    """SQLite REAL/NUMERIC → int when whole; sums keep 1e-9 noise out."""
    if value is None:
        return 0
    number = float(value)
    if abs(number - round(number)) < 1e-9:
        return round(number)
    return round(number, 6)


# -- checks ------------------------------------------------------------------------------


def _text(value: object, name: str, *, required: bool = False) -> str | None:
    # The ledger's one door for text (item, unit, counterparty, notes): cleaned before it
    # is classified, checked or written.
    text = "" if value is None else clean_text(str(value), UNLIMITED)
    if not text:
        if required:
            raise ValidationError(_("a ledger entry needs {what}").format(what=_(name)))
        return None
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("{what} is longer than {limit} characters").format(what=_(name), limit=MAX_TEXT)
        )
    return text


def _quantity(value: object, name: str = "the quantity") -> Number:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValidationError(_("{what} must be a number").format(what=_(name)))
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValidationError(_("{what} must be a positive number").format(what=_(name)))
    return int(number) if number.is_integer() else number


def _money(amount: object, currency: str | None) -> tuple[Number | None, str | None]:
    if amount is None:
        if currency:
            raise ValidationError(_("a currency was given without an amount"))
        return None, None
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise ValidationError(_("the amount must be a number"))
    value = float(amount)
    if not math.isfinite(value) or value < 0:
        raise ValidationError(_("the amount must be zero or more"))
    code = (currency or "").strip().upper()
    if not _CURRENCY.match(code):
        raise ValidationError(
            _(
                "an amount needs its currency as a 3-letter code (CNY, USD, EUR…): "
                "amounts in different currencies are never added together"
            )
        )
    return (int(value) if value.is_integer() else value), code


def _at(store: Store, at: str | datetime | None) -> str:
    if at is None:
        return store.now()
    if isinstance(at, datetime):
        return to_iso(at)
    try:
        return to_iso(from_iso(at))
    except ValueError:
        raise ValidationError(_("{at!r} is not an ISO date and time").format(at=at)) from None


def _exists(conn: Connection, table: str, record_id: int | None, what: str) -> Row | None:
    if record_id is None:
        return None
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise NotFound(_("{what} #{id} does not exist").format(what=shown_noun(what), id=record_id))
    return dict(row)


# -- writing -----------------------------------------------------------------------------


def insert_entry(
    store: Store,
    conn: Connection,
    *,
    direction: str,
    item: str,
    quantity: Number,
    unit: str | None = None,
    kind: str | None = None,
    counterparty: str | None = None,
    lead_id: int | None = None,
    request_id: int | None = None,
    arrival_id: int | None = None,
    amount: Number | None = None,
    currency: str | None = None,
    at: str | datetime | None = None,
    notes: str | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
    category: str | None = None,
) -> int:
    """Write one ledger entry and its event inside an open transaction."""
    if direction not in DIRECTIONS:
        raise ValidationError(
            _("direction {direction!r} is not received or distributed").format(direction=direction)
        )
    item_text = _text(item, "an item", required=True)
    assert item_text is not None
    qty = _quantity(quantity)
    unit_text = _text(unit, "the unit")
    if direction == "received":
        kind = kind or "donation"
        if kind not in RECEIVED_KINDS:
            raise ValidationError(
                _("kind {kind!r} is not one of {choices}").format(
                    kind=kind, choices=", ".join(RECEIVED_KINDS)
                )
            )
    else:
        kind = None
    value, code = _money(amount, currency)
    _exists(conn, "leads", lead_id, "lead")
    _exists(conn, "requests", request_id, "request")
    converted: Converted = (
        catalog.convert(category, qty, unit_text)
        if category
        else catalog.classify(item_text, qty, unit_text)
    )
    now = store.now()
    fields: dict[str, Any] = {
        "at": _at(store, at),
        "direction": direction,
        "kind": kind,
        "item": item_text,
        "quantity": qty,
        "unit": unit_text,
        "category": converted.category,
        "base_quantity": converted.quantity,
        "base_unit": converted.unit,
        "counterparty": _text(counterparty, "the counterparty"),
        "lead_id": lead_id,
        "request_id": request_id,
        "arrival_id": arrival_id,
        "amount": value,
        "currency": code,
        "notes": _text(notes, "the notes"),
        "actor": store.actor,
        "recorded_at": now,
    }
    fields = clean_fields(fields)  # the category and base unit come from the config
    cols = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    try:
        cur = conn.execute(
            f"INSERT INTO supplies ({cols}) VALUES ({marks})", tuple(fields.values())
        )
    except sqlite3.IntegrityError as exc:
        if arrival_id is not None and "arrival" in str(exc):
            raise ValidationError(
                _("arrival #{id} is already in the supplies ledger").format(id=arrival_id)
            ) from None
        raise
    entry_id = int(cur.lastrowid or 0)
    after = {k: v for k, v in fields.items() if v is not None and k not in ("actor",)}
    action = "receive" if direction == "received" else "distribute"
    store.log_event(conn, ENTITY, entry_id, action, None, after, at=now)
    return entry_id


def record_received(
    store: Store,
    item: str,
    quantity: Number,
    unit: str | None = None,
    *,
    kind: str = "donation",
    counterparty: str | None = None,
    lead_id: int | None = None,
    amount: Number | None = None,
    currency: str | None = None,
    at: str | datetime | None = None,
    notes: str | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> int:
    """Goods came in: a donation, a purchase or a transfer, from whom, via which lead.

    ``amount``/``currency`` is what the goods were worth or cost (a purchase's price).
    The lead's status is not changed here (see :func:`receive_lead`).
    """
    with store.transaction() as conn:
        return insert_entry(
            store,
            conn,
            direction="received",
            item=item,
            quantity=quantity,
            unit=unit,
            kind=kind,
            counterparty=counterparty,
            lead_id=lead_id,
            amount=amount,
            currency=currency,
            at=at,
            notes=notes,
            catalog=catalog,
        )


def record_funds(
    store: Store,
    amount: Number,
    currency: str,
    counterparty: str | None = None,
    *,
    kind: str = "donation",
    at: str | datetime | None = None,
    notes: str | None = None,
) -> int:
    """Money came in (the seeds' "donations ¥13.5M"): a ``funds`` entry in its currency."""
    value, code = _money(_quantity(amount, "the amount"), currency)
    assert value is not None and code is not None
    with store.transaction() as conn:
        return insert_entry(
            store,
            conn,
            direction="received",
            item="funds",
            quantity=value,
            unit=code,
            kind=kind,
            counterparty=counterparty,
            amount=value,
            currency=code,
            at=at,
            notes=notes,
            category=FUNDS,
        )


def record_distributed(
    store: Store,
    item: str,
    quantity: Number,
    unit: str | None = None,
    *,
    counterparty: str | None = None,
    request_id: int | None = None,
    at: str | datetime | None = None,
    notes: str | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> int:
    """Goods went out to a unit. Against a request, prefer :func:`fulfil_request`,
    which also moves the request's status."""
    with store.transaction() as conn:
        return insert_entry(
            store,
            conn,
            direction="distributed",
            item=item,
            quantity=quantity,
            unit=unit,
            counterparty=counterparty,
            request_id=request_id,
            at=at,
            notes=notes,
            catalog=catalog,
        )


@dataclass(frozen=True)
class Fulfilment:
    """The result of a delivery against a request."""

    entry_id: int
    status: str  # the request's status afterwards
    delivered: Number  # delivered to this request so far, in ``unit``
    requested: Number | None  # the request's quantity in ``unit`` (None: not comparable)
    unit: str | None

    @property
    def outstanding(self) -> Number | None:
        if self.requested is None:
            return None
        rest = self.requested - self.delivered
        return rest if rest > 0 else 0


def _walk_request(
    store: Store,
    conn: Connection,
    request: Row,
    target: RequestStatus,
) -> str:
    """Move a request forward to ``target`` one legal step at a time, each one logged."""
    current = RequestStatus(request["status"])
    if current == target:
        return current.value
    steps = _REQUEST_PATH[_REQUEST_PATH.index(current) + 1 : _REQUEST_PATH.index(target) + 1]
    # in progress → fulfilled directly; partially fulfilled is a stop only when aimed at.
    steps = [s for s in steps if s is target or s is not RequestStatus.PARTIALLY_FULFILLED]
    for step in steps:
        check_request_transition(current.value, step.value)
        changes: dict[str, Any] = {"status": step.value}
        action = "status"
        if step is RequestStatus.ACKNOWLEDGED:
            action = "acknowledge"
            if not request.get("assignee"):
                changes["assignee"] = store.actor
        store.update_record(conn, "requests", int(request["id"]), changes, action=action)
        current = step
    return current.value


def fulfil_request(
    store: Store,
    request_id: int,
    quantity: Number,
    unit: str | None = None,
    *,
    item: str | None = None,
    counterparty: str | None = None,
    at: str | datetime | None = None,
    notes: str | None = None,
    complete: bool | None = None,
    expected_version: int | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> Fulfilment:
    """Deliver ``quantity`` against request ``request_id``, in one transaction.

    Writes a ``distributed`` entry (to the request's unit, in the request's item and unit
    unless given) and moves the request to ``fulfilled`` when everything asked for has
    now been delivered (in the category's base unit), else ``partially_fulfilled``.
    ``complete`` overrides that judgement (True: the unit says it has enough).
    """
    with store.transaction() as conn:
        request = _exists(conn, "requests", request_id, "request")
        assert request is not None
        if expected_version is not None and request["version"] != expected_version:
            raise StaleEdit(
                stale_version(
                    shown_noun("request"), request_id, request["version"], expected_version
                )
            )
        if request["status"] not in OPEN_REQUEST_STATUSES:
            raise ValidationError(
                _("request #{id} is {status}: nothing more can be delivered against it").format(
                    id=request_id, status=shown_word(request["status"].replace("_", " "))
                )
            )
        entry_id = insert_entry(
            store,
            conn,
            direction="distributed",
            item=item or request["item"],
            quantity=quantity,
            unit=unit if unit is not None else request["unit"],
            counterparty=counterparty or request["org"],
            request_id=request_id,
            at=at,
            notes=notes,
            catalog=catalog,
        )
        entry = conn.execute(
            "SELECT category, base_unit FROM supplies WHERE id = ?", (entry_id,)
        ).fetchone()
        requested: Converted | None = None
        if request["quantity"] is not None:
            try:
                requested = catalog.classify(
                    request["item"], _quantity(request["quantity"]), request["unit"]
                )
            except (ValidationError, ValueError):
                requested = None
        comparable = (
            requested is not None
            and requested.category == entry["category"]
            and requested.unit == entry["base_unit"]
        )
        unit_used = entry["base_unit"]
        delivered = _num(
            conn.execute(
                "SELECT total(base_quantity) FROM supplies WHERE request_id = ? "
                "AND direction = 'distributed' AND base_unit IS ?",
                (request_id, unit_used),
            ).fetchone()[0]
        )
        if complete is None:
            complete = comparable and requested is not None and delivered >= requested.quantity
        target = RequestStatus.FULFILLED if complete else RequestStatus.PARTIALLY_FULFILLED
        status = _walk_request(store, conn, request, target)
        return Fulfilment(
            entry_id,
            status,
            delivered,
            requested.quantity if comparable and requested is not None else None,
            unit_used,
        )


@dataclass(frozen=True)
class Receipt:
    entry_id: int
    lead_status: str


def _walk_lead(store: Store, conn: Connection, lead: Row) -> str:
    current = LeadStatus(lead["status"])
    if current is LeadStatus.RECEIVED:
        return current.value
    if current is LeadStatus.CUSTOMS:
        steps = [LeadStatus.RECEIVED]
    else:
        steps = _LEAD_PATH[_LEAD_PATH.index(current) + 1 :]
    for step in steps:
        check_lead_transition(current.value, step.value)
        store.update_record(conn, "leads", int(lead["id"]), {"status": step.value}, action="status")
        current = step
    return current.value


def receive_lead(
    store: Store,
    lead_id: int,
    quantity: Number | None = None,
    unit: str | None = None,
    *,
    kind: str = "purchase",
    final: bool = True,
    amount: Number | None = None,
    currency: str | None = None,
    at: str | datetime | None = None,
    notes: str | None = None,
    expected_version: int | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> Receipt:
    """A lead's goods arrived: a ``received`` entry from its supplier, and the lead moves
    to ``received`` (ordered → in transit → received, each step logged) unless
    ``final`` is False (one batch of several). Quantity and unit default to the lead's;
    a purchase's amount defaults to unit price × quantity in the lead's currency.
    """
    with store.transaction() as conn:
        lead = _exists(conn, "leads", lead_id, "lead")
        assert lead is not None
        if expected_version is not None and lead["version"] != expected_version:
            raise StaleEdit(
                stale_version(shown_noun("lead"), lead_id, lead["version"], expected_version)
            )
        status = LeadStatus(lead["status"])
        if status not in _LEAD_RECEIVABLE:
            raise ValidationError(
                _(
                    "lead #{id} is {status}: goods can be received only from a lead that was "
                    "ordered"
                ).format(id=lead_id, status=shown_word(status.value.replace("_", " ")))
            )
        if quantity is None:
            quantity = lead["quantity"]
            unit = unit if unit is not None else lead["unit"]
            if quantity is None:
                raise ValidationError(
                    _("lead #{id} has no quantity: say how many arrived").format(id=lead_id)
                )
        elif unit is None:
            unit = lead["unit"]
        same_unit = (unit or "") == (lead["unit"] or "")
        if (
            amount is None
            and kind == "purchase"
            and lead["unit_price"] is not None
            and lead["currency"]
            and same_unit
        ):
            amount = round(float(lead["unit_price"]) * float(quantity), 2)
            currency = lead["currency"]
        entry_id = insert_entry(
            store,
            conn,
            direction="received",
            item=lead["item"],
            quantity=quantity,
            unit=unit,
            kind=kind,
            counterparty=lead["supplier"],
            lead_id=lead_id,
            amount=amount,
            currency=currency,
            at=at,
            notes=notes,
            catalog=catalog,
        )
        lead_status = _walk_lead(store, conn, lead) if final else status.value
        return Receipt(entry_id, lead_status)


def ledger_from_arrival(store: Store, conn: Connection, arrival: Row) -> None:
    """Hook for :func:`dutyboard.store.arrivals.on_received`: a received shipment with an
    item and quantity becomes a ledger entry (once: the arrival id is unique there), and a
    linked lead that can reach ``received`` moves there."""
    if arrival.get("kind") != "shipment" or not arrival.get("item"):
        return
    try:
        quantity = _quantity(arrival.get("quantity"))
    except ValidationError:
        return
    lead = _exists(conn, "leads", arrival.get("lead_id"), "lead")
    counterparty = (
        lead["supplier"] if lead else arrival.get("carrier") or arrival.get("origin_city")
    )
    reference = arrival.get("reference")
    insert_entry(
        store,
        conn,
        direction="received",
        item=str(arrival["item"]),
        quantity=quantity,
        unit=arrival.get("unit"),
        kind="purchase" if lead else "donation",
        counterparty=counterparty,
        lead_id=lead["id"] if lead else None,
        arrival_id=int(arrival["id"]),
        at=arrival.get("done_at") or arrival.get("landed_at"),
        notes=f"arrival #{arrival['id']}" + (f" {reference}" if reference else ""),
    )
    if lead and LeadStatus(lead["status"]) in _LEAD_RECEIVABLE:
        _walk_lead(store, conn, lead)


# -- tallies and money -------------------------------------------------------------------


def _unmet(conn: Connection, catalog: SupplyCatalog) -> dict[tuple[str, str | None], Number]:
    """Requested by open requests and not yet delivered to them, per (category, unit)."""
    marks = ",".join("?" for _ in _OPEN_REQUESTS)
    rows = conn.execute(
        "SELECT r.id, r.item, r.quantity, r.unit, d.base_unit AS d_unit, d.delivered "
        "FROM requests r LEFT JOIN ("
        "  SELECT request_id, base_unit, total(base_quantity) AS delivered FROM supplies "
        "  WHERE direction = 'distributed' AND request_id IS NOT NULL "
        "  GROUP BY request_id, base_unit"
        f") d ON d.request_id = r.id WHERE r.status IN ({marks}) AND r.quantity > 0 "
        "ORDER BY r.id",
        _OPEN_REQUESTS,
    )
    per_request: dict[int, tuple[Converted, dict[str | None, float]]] = {}
    classified: dict[tuple[str, Any, str | None], Converted] = {}
    for row in rows:
        request_id = int(row["id"])
        if request_id not in per_request:
            key = (row["item"], row["quantity"], row["unit"])
            if key not in classified:
                try:
                    classified[key] = catalog.classify(
                        row["item"], _quantity(row["quantity"]), row["unit"]
                    )
                except (ValidationError, ValueError):
                    continue
            per_request[request_id] = (classified[key], {})
        if row["d_unit"] is not None or row["delivered"] is not None:
            per_request[request_id][1][row["d_unit"]] = float(row["delivered"] or 0)
    totals: dict[tuple[str, str | None], Decimal] = {}
    for requested, delivered in per_request.values():
        if requested.category == FUNDS:
            continue
        rest = unmet(requested, delivered.get(requested.unit, 0))
        group = (requested.category, requested.unit)
        totals[group] = totals.get(group, Decimal(0)) + Decimal(str(rest))
    return {k: _num(v) for k, v in totals.items()}


def tallies(
    store: Store,
    *,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
    until: str | None = None,
    with_unmet: bool = True,
) -> list[Tally]:
    """Per category and unit: received, distributed, in stock, requested-but-unmet.

    ``until`` (UTC ISO, exclusive) counts only entries before it (a report's day end);
    unmet needs are always as of now. Funds are not goods: see :func:`money_totals`.
    """
    where, params = "category IS NOT ? AND base_quantity IS NOT NULL", [FUNDS]
    if until is not None:
        where += " AND at < ?"
        params.append(until)
    result: dict[tuple[str, str | None], Tally] = {}
    with store.reading() as conn:
        for row in conn.execute(
            "SELECT category, base_unit, direction, total(base_quantity) AS n FROM supplies "
            f"WHERE {where} GROUP BY category, base_unit, direction",
            params,
        ):
            key = (row["category"], row["base_unit"])
            tally = result.setdefault(key, Tally(*key))
            if row["direction"] == "received":
                tally.received = _num(row["n"])
            else:
                tally.distributed = _num(row["n"])
        if with_unmet:
            for key, rest in _unmet(conn, catalog).items():
                result.setdefault(key, Tally(*key)).unmet = rest
    order = {c: i for i, c in enumerate(catalog.ordered(k[0] for k in result))}
    return sorted(result.values(), key=lambda t: (order[t.category], t.unit or ""))


def money_totals(
    store: Store,
    *,
    direction: str = "received",
    funds: bool | None = True,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> MoneyTotals:
    """Amounts per currency, never summed across currencies.

    ``funds=True`` (default): money donated or transferred (``funds`` entries);
    ``funds=False``: amounts on goods (``kind="purchase"``: what purchases cost);
    ``start``/``end`` (UTC ISO, end exclusive) bound the entries' time.
    """
    clauses = ["direction = ?", "amount IS NOT NULL", "currency IS NOT NULL"]
    params: list[Any] = [direction]
    if funds is True:
        clauses.append("category = ?")
        params.append(FUNDS)
    elif funds is False:
        clauses.append("category IS NOT ?")
        params.append(FUNDS)
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind)
    if start is not None:
        clauses.append("at >= ?")
        params.append(start)
    if end is not None:
        clauses.append("at < ?")
        params.append(end)
    totals = MoneyTotals()
    with store.reading() as conn:
        for row in conn.execute(
            f"SELECT currency, total(amount) AS total FROM supplies WHERE {' AND '.join(clauses)} "
            "GROUP BY currency ORDER BY currency",
            params,
        ):
            totals.add(Money(Decimal(str(_num(row["total"]))), row["currency"]))
    return totals


# -- per-day series ----------------------------------------------------------------------


@dataclass(frozen=True)
class DailySeries:
    """Requests received and deliveries made per local day, oldest first."""

    days: list[date]
    requests: list[int]
    deliveries: list[int]


def day_bounds(day: date, zone: tzinfo) -> tuple[str, str]:
    """[start, end) of a local calendar day, as UTC ISO (23 or 25 hours across DST)."""
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return to_iso(start), to_iso(end)


def daily_series(store: Store, now: datetime, zone: tzinfo, days: int = 14) -> DailySeries:
    """The last ``days`` local days up to today: two indexed counts per day."""
    today = now.astimezone(zone).date()
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    requests: list[int] = []
    deliveries: list[int] = []
    with store.reading() as conn:
        for day in span:
            start, end = day_bounds(day, zone)
            requests.append(
                int(
                    conn.execute(
                        "SELECT count(*) FROM requests WHERE received_at >= ? AND received_at < ?",
                        (start, end),
                    ).fetchone()[0]
                )
            )
            deliveries.append(
                int(
                    conn.execute(
                        "SELECT count(*) FROM supplies WHERE direction = 'distributed' "
                        "AND at >= ? AND at < ?",
                        (start, end),
                    ).fetchone()[0]
                )
            )
    return DailySeries(span, requests, deliveries)


# -- the ledger, page by page ------------------------------------------------------------

LedgerKey = tuple[str, int]
TEXT_COLUMNS = ("item", "counterparty", "notes", "category")


def _ledger_where(
    direction: str | None, text: str, start: str | None, end: str | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if direction is not None:
        if direction not in DIRECTIONS:
            raise ValidationError(
                _("direction {direction!r} is not received or distributed").format(
                    direction=direction
                )
            )
        clauses.append("direction = ?")
        params.append(direction)
    if start is not None:
        clauses.append("at >= ?")
        params.append(start)
    if end is not None:
        clauses.append("at < ?")
        params.append(end)
    for word in text.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in TEXT_COLUMNS) + ")")
        params.extend([pattern] * len(TEXT_COLUMNS))
    return " AND ".join(clauses) or "TRUE", params


def ledger_page(
    store: Store,
    after: LedgerKey | None = None,
    limit: int = 500,
    *,
    direction: str | None = None,
    text: str = "",
    start: str | None = None,
    end: str | None = None,
) -> list[Row]:
    """Ledger entries in time order, strictly after ``after`` = (at, id): a keyset page."""
    where, params = _ledger_where(direction, text, start, end)
    if after is not None:
        where += " AND (at, id) > (?, ?)"
        params.extend(after)
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                f"SELECT * FROM supplies WHERE {where} ORDER BY at, id LIMIT ?", (*params, limit)
            )
        ]


def ledger_largest(
    store: Store,
    limit: int,
    *,
    direction: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[Row]:
    """The ``limit`` largest entries (by quantity, funds by amount), in time order: what a
    capped list shows so that a large receipt is never hidden behind small ones."""
    where, params = _ledger_where(direction, "", start, end)
    with store._lock:
        rows = [
            dict(r)
            for r in store.conn.execute(
                f"SELECT * FROM supplies WHERE {where} "
                "ORDER BY coalesce(amount, quantity) DESC, at, id LIMIT ?",
                (*params, limit),
            )
        ]
    return sorted(rows, key=lambda r: (r["at"], r["id"]))


def iter_ledger(
    store: Store,
    *,
    direction: str | None = None,
    text: str = "",
    start: str | None = None,
    end: str | None = None,
    page_size: int = 1000,
) -> Iterator[Row]:
    """Every matching entry, fetched a page at a time (never the whole table at once)."""
    key: LedgerKey | None = None
    while True:
        rows = ledger_page(
            store, key, page_size, direction=direction, text=text, start=start, end=end
        )
        if not rows:
            return
        yield from rows
        key = (rows[-1]["at"], rows[-1]["id"])


def ledger_count(
    store: Store,
    *,
    direction: str | None = None,
    text: str = "",
    start: str | None = None,
    end: str | None = None,
) -> int:
    where, params = _ledger_where(direction, text, start, end)
    with store._lock:
        return int(
            store.conn.execute(f"SELECT count(*) FROM supplies WHERE {where}", params).fetchone()[0]
        )


def delivered_to_request(store: Store, request_id: int) -> list[Row]:
    """The deliveries made against one request, oldest first."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT * FROM supplies WHERE request_id = ? AND direction = 'distributed' "
                "ORDER BY at, id",
                (request_id,),
            )
        ]


def received_leads(store: Store) -> list[Row]:
    """The leads whose goods were received (a quantity over 0), in id order: what the
    ledger's purchases come from. Each row: id, supplier, item, quantity, unit,
    unit_price, currency, updated_at."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT id, supplier, item, quantity, unit, unit_price, currency, updated_at "
                "FROM leads WHERE status = 'received' AND quantity > 0 ORDER BY id"
            )
        ]


def fulfilled_requests(store: Store) -> list[Row]:
    """The requests fulfilled or partly fulfilled (a quantity over 0), in id order: what
    the ledger's deliveries went to. Each row: id, org, item, quantity, unit, status,
    updated_at."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT id, org, item, quantity, unit, status, updated_at FROM requests "
                "WHERE status IN ('fulfilled', 'partially_fulfilled') "
                "AND quantity > 0 ORDER BY id"
            )
        ]


# -- one snapshot for the panel ----------------------------------------------------------


@dataclass(frozen=True)
class SuppliesSnapshot:
    tallies: list[Tally]
    funds: MoneyTotals
    purchases: MoneyTotals
    series: DailySeries
    entries: int


def supplies_snapshot(
    store: Store,
    now: datetime,
    zone: tzinfo,
    *,
    days: int = 14,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> SuppliesSnapshot:
    """Everything the supplies panel shows, read in one snapshot."""
    with store.reading():
        return SuppliesSnapshot(
            tallies=tallies(store, catalog=catalog),
            funds=money_totals(store),
            purchases=money_totals(store, funds=False, kind="purchase"),
            series=daily_series(store, now, zone, days),
            entries=ledger_count(store),
        )
