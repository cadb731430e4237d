"""Arrivals in the store: add, move an ETA, change state, hold-ups, reminders, the panel's list.

Functions take the :class:`~dutyboard.store.Store` first and follow its rules: every
write is one short ``BEGIN IMMEDIATE`` transaction that appends its ``events`` row(s)
(entity ``arrival``) in the same transaction, and an edit carrying a stale ``version`` is
refused. A changed ETA is an ``update`` event whose ``before`` holds the old ETA, so the
arrival's history is its events.

The panel's list is small by nature (what lands in the next hours), so it is one bounded
query ordered by ETA, with a count of what did not fit — no keyset paging needed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dutyboard.domain.arrivals import (
    FINAL_ARRIVAL_STATES,
    IN_TRANSIT,
    OPEN_ARRIVAL_STATES,
    ArrivalKind,
    ArrivalState,
    Customs,
    Permit,
    check_arrival_transition,
    done_state,
    guess_zone,
    state_after_eta_change,
)
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.status import shown_noun
from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.i18n import _
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, StaleEdit, ValidationError, stale_version
from dutyboard.store.rollcall import rollcall_counts
from dutyboard.store.store import Row, Store, clean_fields

ENTITY = "arrival"
MAX_ORIGINAL_CHARS = 100_000  # of a quarantined row's original text
# Columns a caller may set. Anything else is refused, so a column name never comes from
# outside. state, reminded_at and the *_at stamps change only through the functions here.
FIELDS = frozenset(
    {
        "kind",
        "reference",
        "carrier",
        "origin_country",
        "origin_city",
        "origin_tz",
        "destination",
        "eta",
        "state",
        "permit",
        "customs",
        "item",
        "quantity",
        "unit",
        "traveller",
        "arrangement",
        "contact",
        "lead_id",
        "contact_id",
        "notes",
        "extra",
        "source",
        "external_id",
        "content_hash",
        "raw",
    }
)
_OPEN = tuple(sorted(OPEN_ARRIVAL_STATES))
_IN_TRANSIT = tuple(sorted(IN_TRANSIT))
_FINAL = tuple(sorted(FINAL_ARRIVAL_STATES))

# Called inside the transaction that marks a shipment received: (store, conn, row after).
ReceivedHook = Callable[[Store, Connection, Row], None]


def _book_in_ledger(store: Store, conn: Connection, row: Row) -> None:
    """The supplies ledger entry for a received shipment (imported only when needed).
    The ledger's unique arrival_id index means a shipment is never booked twice."""
    from dutyboard.store.supplies import ledger_from_arrival

    ledger_from_arrival(store, conn, row)


RECEIVED_HOOKS: list[ReceivedHook] = [_book_in_ledger]


def on_received(hook: ReceivedHook) -> ReceivedHook:
    """Register ``hook`` to run when a shipment is received (usable as a decorator)."""
    if hook not in RECEIVED_HOOKS:
        RECEIVED_HOOKS.append(hook)
    return hook


# -- reading -----------------------------------------------------------------------------


def get_arrival(store: Store, arrival_id: int) -> Row:
    with store._lock:
        row = store.conn.execute("SELECT * FROM arrivals WHERE id = ?", (arrival_id,)).fetchone()
    if row is None:
        raise NotFound(_("arrival #{id} does not exist").format(id=arrival_id))
    return dict(row)


def by_external_id(store: Store, source: str, external_id: str) -> Row:
    """The arrival a source knows as ``external_id`` (a declaration number)."""
    with store._lock:
        row = store.conn.execute(
            "SELECT * FROM arrivals WHERE source = ? AND external_id = ?", (source, external_id)
        ).fetchone()
    if row is None:
        raise NotFound(
            _("no arrival from {source} has the id {external_id!r}").format(
                source=source, external_id=external_id
            )
        )
    return dict(row)


def find_leads(store: Store, text: str, limit: int = 10) -> list[Row]:
    """The leads an arrival may be linked to, as an officer names one: its number ('12',
    '#12') or words of its supplier's name (every word, in any order). Newest first."""
    typed = clean_text(text, limit=200).strip()
    if not typed:
        return []
    number = typed.lstrip("#").strip()
    with store._lock:
        if number.isdigit():
            found = store.conn.execute(
                "SELECT id, supplier, country, item, quantity, unit, status FROM leads "
                "WHERE id = ?",
                (int(number),),
            ).fetchall()
            return [dict(r) for r in found]
        words = typed.split()
        where = " AND ".join("supplier LIKE ? ESCAPE '\\'" for _ in words)
        found = store.conn.execute(
            "SELECT id, supplier, country, item, quantity, unit, status FROM leads "
            f"WHERE {where} ORDER BY id DESC LIMIT ?",
            (*(_like(w) for w in words), limit),
        ).fetchall()
    return [dict(r) for r in found]


def arrival_history(store: Store, arrival_id: int, limit: int = 200) -> list[Row]:
    """The arrival's events, newest first (every ETA it had is in an update's ``before``)."""
    return store.history(ENTITY, arrival_id, limit)


@dataclass(frozen=True)
class ArrivalsWindow:
    """What the panel shows: rows by ETA, and how many more matched than fit."""

    rows: list[Row]
    more: int
    start: str  # UTC ISO bounds the list was drawn for
    horizon: str


def upcoming(
    store: Store,
    now: datetime,
    *,
    hours: float = 24,
    recent_hours: float = 6,
    limit: int = 100,
    kind: str | None = None,
    words: Sequence[Sequence[str]] = (),
) -> ArrivalsWindow:
    """Everything still open with an ETA before ``now + hours`` (overdue ones however old:
    they need the desk), and what was finished with an ETA in the last ``recent_hours``.
    Ordered by ETA; at most ``limit`` rows, ``more`` counts the rest.

    ``words`` filters (the panel's ``/``): every entry must match, an entry being any of
    its spellings (what was typed, and the state it names in English), each looked for in
    the reference, contents, traveller, origin, destination, carrier, kind and state. A
    filter looks past the horizon: an open arrival due next week is found by its waybill.
    """
    horizon = to_iso(now + timedelta(hours=hours))
    recent = to_iso(now - timedelta(hours=recent_hours))
    words = [list(w) for w in words if any(str(s).strip() for s in w)]
    where, params = _window_where(MAX_ISO if words else horizon, recent, kind)
    if words:
        where = f"{where} AND {_words_where(words, params)}"
    with store._lock:
        rows = [
            dict(r)
            for r in store.conn.execute(
                f"SELECT * FROM arrivals WHERE {where} ORDER BY eta, id LIMIT ?",
                (*params, limit),
            )
        ]
        total = int(
            store.conn.execute(f"SELECT count(*) FROM arrivals WHERE {where}", params).fetchone()[0]
        )
    return ArrivalsWindow(rows, max(0, total - len(rows)), recent, horizon)


def _window_where(horizon: str, recent: str, kind: str | None) -> tuple[str, list[Any]]:
    open_marks = ",".join("?" for _ in _OPEN)
    final_marks = ",".join("?" for _ in _FINAL)
    where = (
        f"((state IN ({open_marks}) AND eta <= ?) "
        f"OR (state IN ({final_marks}) AND eta >= ? AND eta <= ?))"
    )
    params: list[Any] = [*_OPEN, horizon, *_FINAL, recent, horizon]
    if kind is not None:
        where += " AND kind = ?"
        params.append(ArrivalKind(kind).value)
    return where, params


# Beyond every ETA: the horizon of a filtered list (ISO strings compare as times).
MAX_ISO = "9999-12-31T23:59:59+00:00"
FILTER_COLUMNS = (
    "reference",
    "item",
    "unit",
    "traveller",
    "origin_city",
    "origin_country",
    "destination",
    "carrier",
    "kind",
    "state",
)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _words_where(words: Sequence[Sequence[str]], params: list[Any]) -> str:
    """Each word (any of its spellings) in any of :data:`FILTER_COLUMNS`; appends params."""
    clauses = []
    for spellings in words:
        terms = []
        for spelling in dict.fromkeys(str(s).strip() for s in spellings if str(s).strip()):
            for column in FILTER_COLUMNS:
                terms.append(f"{column} LIKE ? ESCAPE '\\'")
                params.append(_like(spelling))
        clauses.append("(" + " OR ".join(terms) + ")")
    return " AND ".join(clauses)


def arrivals_between(store: Store, start: str, end: str, limit: int = 50) -> tuple[list[Row], int]:
    """Open arrivals with an ETA in [start, end) — what lands in a shift — and the count."""
    marks = ",".join("?" for _ in _OPEN)
    where = f"state IN ({marks}) AND eta >= ? AND eta < ?"
    params = (*_OPEN, start, end)
    with store._lock:
        rows = [
            dict(r)
            for r in store.conn.execute(
                f"SELECT * FROM arrivals WHERE {where} ORDER BY eta, id LIMIT ?", (*params, limit)
            )
        ]
        total = int(
            store.conn.execute(f"SELECT count(*) FROM arrivals WHERE {where}", params).fetchone()[0]
        )
    return rows, total


@dataclass(frozen=True)
class ArrivalCounts:
    """For the header: what lands soon and what is past its ETA unseen."""

    soon: int  # in transit, ETA within the next ``soon_hours``
    overdue: int  # in transit, ETA passed
    landed: int  # landed, not yet received/met


def arrival_counts(store: Store, now: datetime, soon_hours: float = 3) -> ArrivalCounts:
    now_iso = to_iso(now)
    soon_iso = to_iso(now + timedelta(hours=soon_hours))
    marks = ",".join("?" for _ in _IN_TRANSIT)
    with store._lock:
        q = store.conn.execute
        soon = q(
            f"SELECT count(*) FROM arrivals WHERE state IN ({marks}) AND eta >= ? AND eta <= ?",
            (*_IN_TRANSIT, now_iso, soon_iso),
        ).fetchone()[0]
        overdue = q(
            f"SELECT count(*) FROM arrivals WHERE state IN ({marks}) AND eta < ?",
            (*_IN_TRANSIT, now_iso),
        ).fetchone()[0]
        landed = q("SELECT count(*) FROM arrivals WHERE state = 'landed'").fetchone()[0]
    return ArrivalCounts(int(soon), int(overdue), int(landed))


@dataclass(frozen=True)
class DeskCounts:
    """The header's two counts (and what stands behind them)."""

    arrivals_soon: int  # in transit, ETA within the next ``soon_hours``
    arrivals_overdue: int
    units_missing: int  # reporting units past their deadline with no report
    units_due: int


def desk_counts(store: Store, now: datetime, desk_zone: str, soon_hours: float = 3) -> DeskCounts:
    """For the header attention line: arrivals in the next 3 h, units missing."""
    arrivals = arrival_counts(store, now, soon_hours)
    units = rollcall_counts(store, now, desk_zone)
    return DeskCounts(arrivals.soon, arrivals.overdue, units.missing, units.due)


# -- writing -----------------------------------------------------------------------------


def add_arrival(store: Store, fields: Mapping[str, Any]) -> int:
    """A new shipment or traveller. Needs kind and ETA (UTC ISO), and a traveller's name
    or a shipment's item or reference. The origin's zone is guessed when not given."""
    with store.transaction() as conn:
        return insert_arrival(store, conn, fields)


def insert_arrival(
    store: Store, conn: Connection, fields: Mapping[str, Any], *, at: str | None = None
) -> int:
    """Insert inside an open transaction (ingest batches use this), with its event."""
    values = _checked(fields)
    kind = values.get("kind")
    if kind not in (ArrivalKind.SHIPMENT, ArrivalKind.TRAVELLER):
        raise ValidationError(_("arrival: kind must be shipment or traveller"))
    if not values.get("eta"):
        raise ValidationError(_("arrival: eta is required"))
    if kind == ArrivalKind.TRAVELLER and not str(values.get("traveller") or "").strip():
        raise ValidationError(_("traveller: the traveller's name is required"))
    if kind == ArrivalKind.SHIPMENT and not (
        str(values.get("item") or "").strip() or str(values.get("reference") or "").strip()
    ):
        raise ValidationError(_("shipment: an item or a flight/waybill reference is required"))
    if not values.get("origin_tz") and (values.get("origin_country") or values.get("origin_city")):
        guessed = guess_zone(values.get("origin_country"), values.get("origin_city"))
        if guessed:
            values["origin_tz"] = guessed
    _check_lead(conn, values)
    now = at or store.now()
    values.setdefault("state", ArrivalState.EXPECTED.value)
    values["first_eta"] = values["eta"]
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO arrivals ({cols}) VALUES ({marks})", tuple(values.values()))
    new_id = int(cur.lastrowid or 0)
    audit = {k: v for k, v in values.items() if k not in ("raw", "created_at", "updated_at")}
    store.log_event(conn, ENTITY, new_id, "create", None, audit, at=now)
    return new_id


def update_arrival(
    store: Store,
    arrival_id: int,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Row:
    """Edit fields (not the state: see :func:`set_arrival_state`). A new ETA keeps the old
    one in the event, re-arms the reminder and makes something in transit *delayed* when
    it moved later."""
    if "state" in changes:
        raise ValidationError(_("change an arrival's state with set_arrival_state"))
    with store.transaction() as conn:
        return apply_changes(store, conn, arrival_id, changes, expected_version=expected_version)


def apply_changes(
    store: Store,
    conn: Connection,
    arrival_id: int,
    changes: Mapping[str, Any],
    *,
    action: str = "update",
    expected_version: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Row:
    """Apply ``changes`` inside an open transaction, with one event holding before/after.

    ``extra`` carries columns only this module sets (state, reminded_at, the *_at stamps).
    """
    values = _checked(changes)
    values.update(extra or {})
    before = _row(conn, arrival_id)
    if values.get("lead_id") is not None and values["lead_id"] != before.get("lead_id"):
        _check_lead(conn, values)
    if expected_version is not None and before["version"] != expected_version:
        raise StaleEdit(
            stale_version(shown_noun(ENTITY), arrival_id, before["version"], expected_version)
        )
    if "eta" in values and values["eta"] != before["eta"] and "state" not in values:
        state = state_after_eta_change(
            before["state"], from_iso(before["eta"]), from_iso(values["eta"])
        )
        if state != before["state"]:
            values["state"] = state.value
        values["reminded_at"] = None  # a new ETA is reminded of again
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        return before
    now = store.now()
    sets = ", ".join(f"{k} = ?" for k in changed)
    conn.execute(
        f"UPDATE arrivals SET {sets}, updated_at = ?, version = version + 1 WHERE id = ?",
        (*changed.values(), now, arrival_id),
    )
    store.log_event(
        conn,
        ENTITY,
        arrival_id,
        action,
        {k: before.get(k) for k in changed if k != "raw"},
        {k: v for k, v in changed.items() if k != "raw"},
        at=now,
    )
    return dict(before, **changed, updated_at=now, version=before["version"] + 1)


def delay(
    store: Store,
    arrival_id: int,
    new_eta: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Row:
    """Move the ETA (the old one stays in the log) and mark the arrival delayed."""
    new_eta = _iso(new_eta, "eta")
    with store.transaction() as conn:
        row = _row(conn, arrival_id)
        check_arrival_transition(row["kind"], row["state"], ArrivalState.DELAYED)
        extra: dict[str, Any] = {"state": ArrivalState.DELAYED.value, "reminded_at": None}
        changes: dict[str, Any] = {"eta": new_eta}
        if note and note.strip():
            changes["notes"] = _append_note(store, row["notes"], f"delayed: {note}")
        return apply_changes(
            store,
            conn,
            arrival_id,
            changes,
            action="delay",
            expected_version=expected_version,
            extra=extra,
        )


def set_arrival_state(
    store: Store,
    arrival_id: int,
    state: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Row:
    """Move along the state machine. Landed stamps ``landed_at``; received/met stamp
    ``done_at``; a received shipment runs the :data:`RECEIVED_HOOKS` in the same
    transaction. Delaying needs a new ETA: use :func:`delay`."""
    if state == ArrivalState.DELAYED:
        raise ValidationError(_("a delay needs the new ETA"))
    with store.transaction() as conn:
        row = _row(conn, arrival_id)
        target = check_arrival_transition(row["kind"], row["state"], state)
        now = store.now()
        extra: dict[str, Any] = {"state": target.value}
        if target is ArrivalState.LANDED or (
            target in (ArrivalState.RECEIVED, ArrivalState.MET) and not row["landed_at"]
        ):
            extra["landed_at"] = now
        if target in (ArrivalState.RECEIVED, ArrivalState.MET):
            extra["done_at"] = now
        if target is ArrivalState.CANCELLED:
            extra["done_at"] = now
        changes: dict[str, Any] = {}
        if note and note.strip():
            changes["notes"] = _append_note(store, row["notes"], f"{target.value}: {note}")
        after = apply_changes(
            store,
            conn,
            arrival_id,
            changes,
            action="state",
            expected_version=expected_version,
            extra=extra,
        )
        if target is ArrivalState.RECEIVED:
            for hook in list(RECEIVED_HOOKS):
                hook(store, conn, after)
        return after


def mark_done(store: Store, arrival_id: int, *, expected_version: int | None = None) -> Row:
    """Received (a shipment) or met (a traveller): the one key that closes an arrival."""
    row = get_arrival(store, arrival_id)
    return set_arrival_state(
        store, arrival_id, done_state(row["kind"]), expected_version=expected_version
    )


def set_holdup(
    store: Store,
    arrival_id: int,
    *,
    permit: str | None = "",
    customs: str | None = "",
    expected_version: int | None = None,
) -> Row:
    """Set (or clear with None) the flight permit and customs hold-ups; "" leaves one as is."""
    changes: dict[str, Any] = {}
    if permit != "":
        changes["permit"] = permit
    if customs != "":
        changes["customs"] = customs
    with store.transaction() as conn:
        return apply_changes(
            store,
            conn,
            arrival_id,
            changes,
            action="holdup",
            expected_version=expected_version,
        )


def add_arrival_note(
    store: Store, arrival_id: int, text: str, *, expected_version: int | None = None
) -> Row:
    text = clean_text(text, UNLIMITED)
    if not text:
        raise ValidationError(_("a note cannot be empty"))
    with store.transaction() as conn:
        row = _row(conn, arrival_id)
        return apply_changes(
            store,
            conn,
            arrival_id,
            {"notes": _append_note(store, row["notes"], text)},
            action="note",
            expected_version=expected_version,
        )


# -- files of arrivals (traveller declarations, shipment lists) ---------------------------
#
# The importers (dutyboard.ingest.travellers, .shipments) write one file in one
# transaction through these: its ingest run, its arrivals (insert_arrival /
# apply_changes) and the rows it could not read, quarantined with their reason.


def begin_import(store: Store, conn: Connection, *, source: str, location: str, kind: str) -> int:
    """The ingest run of one file (inside the importer's transaction); returns its id."""
    cur = conn.execute(
        "INSERT INTO ingest_runs (source, location, started_at, kind) VALUES (?, ?, ?, ?)",
        (source, location, store.now(), kind),
    )
    return int(cur.lastrowid or 0)


def arrival_of_source(conn: Connection, source: str, external_id: str) -> Row | None:
    """The arrival a source's file knows as ``external_id`` (inside a transaction)."""
    row = conn.execute(
        "SELECT * FROM arrivals WHERE source = ? AND external_id = ?", (source, external_id)
    ).fetchone()
    return dict(row) if row is not None else None


def lead_of(conn: Connection, text: str) -> tuple[int | None, str | None]:
    """A file's "lead" cell → (lead id, None), or (None, why it links to none): a number
    that is a lead, or a supplier's name that only one lead has."""
    typed = clean_text(text, limit=200).strip()
    number = typed.lstrip("#").strip()
    if number.isdigit():
        if conn.execute("SELECT 1 FROM leads WHERE id = ?", (int(number),)).fetchone():
            return int(number), None
        return None, f"lead #{number} does not exist"
    found = conn.execute(
        "SELECT id FROM leads WHERE lower(supplier) = lower(?) ORDER BY id LIMIT 2", (typed,)
    ).fetchall()
    if len(found) == 1:
        return int(found[0][0]), None
    if found:
        return None, f"several leads have the supplier {typed!r}; give the lead's number"
    return None, f"no lead has the supplier {typed!r}"


def quarantine_row(
    store: Store,
    conn: Connection,
    *,
    run_id: int,
    source: str,
    location: str,
    row_number: int | None,
    column: str | None,
    reason: str,
    original: str,
) -> bool:
    """Quarantine one row a file of arrivals could not give; False when the same bad row
    of the same file is there already (a file imported twice quarantines it once)."""
    original = original[:MAX_ORIGINAL_CHARS]
    if conn.execute(
        "SELECT 1 FROM quarantine WHERE source = ? AND location = ? AND row_number IS ? "
        "AND reason = ? AND original = ? LIMIT 1",
        (source, location, row_number, reason, original),
    ).fetchone():
        return False
    conn.execute(
        "INSERT INTO quarantine (run_id, at, source, location, row_number, column_name, "
        "reason, original) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, store.now(), source, location, row_number, column, reason, original),
    )
    return True


def finish_import(
    store: Store,
    conn: Connection,
    run_id: int,
    *,
    source: str,
    location: str,
    kind: str,
    added: int,
    updated: int,
    unchanged: int,
    quarantined: int,
    message: str | None,
) -> None:
    """Close the file's ingest run with its counts; an ``ingest`` event when it changed
    anything."""
    result = "partial" if quarantined else "ok"
    conn.execute(
        "UPDATE ingest_runs SET finished_at = ?, result = ?, rows_added = ?, "
        "rows_updated = ?, rows_unchanged = ?, rows_quarantined = ?, message = ? "
        "WHERE id = ?",
        (store.now(), result, added, updated, unchanged, quarantined, message, run_id),
    )
    if added or updated:
        store.log_event(
            conn,
            "ingest_run",
            run_id,
            "ingest",
            None,
            {
                "source": source,
                "location": location,
                "kind": kind,
                "result": result,
                "added": added,
                "updated": updated,
                "quarantined": quarantined,
            },
        )


# -- reminders ---------------------------------------------------------------------------


def reminders_pending(store: Store, now: datetime, before: timedelta) -> list[Row]:
    """In transit, not reminded yet, ETA within ``before`` of ``now`` (or passed)."""
    marks = ",".join("?" for _ in _IN_TRANSIT)
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                f"SELECT * FROM arrivals WHERE state IN ({marks}) AND reminded_at IS NULL "
                "AND eta <= ? ORDER BY eta, id LIMIT 50",
                (*_IN_TRANSIT, to_iso(now + before)),
            )
        ]


def take_due_reminders(store: Store, now: datetime, before: timedelta) -> list[Row]:
    """The reminders due now, each recorded (``reminded_at``) so it fires once.

    Two processes asking at once cannot both take the same reminder: the claim is an
    ``UPDATE … WHERE reminded_at IS NULL`` inside the write transaction.
    """
    due = reminders_pending(store, now, before)
    if not due:
        return []
    taken: list[Row] = []
    with store.transaction() as conn:
        stamp = to_iso(now)
        for row in due:
            cur = conn.execute(
                "UPDATE arrivals SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL "
                "AND eta = ?",
                (stamp, row["id"], row["eta"]),
            )
            if cur.rowcount:
                store.log_event(
                    conn, ENTITY, row["id"], "remind", None, {"eta": row["eta"]}, at=stamp
                )
                taken.append(dict(row, reminded_at=stamp))
    return taken


class Reminders:
    """Which arrival reminders are due now, each once, for one dashboard.

    A session that may write (``claim``) records each one in the database
    (:func:`take_due_reminders`), so two dashboards do not both show it; a read-only
    session only remembers what it showed. ``before``: how long before an ETA.
    """

    def __init__(self, *, claim: bool, before: timedelta) -> None:
        self.claim = claim
        self.before = before
        self._shown: set[tuple[int, str]] = set()  # read-only sessions: (id, eta) shown

    def due(self, store: Store, now: datetime) -> list[Row]:
        if self.claim:
            return take_due_reminders(store, now, self.before)
        rows = [
            r
            for r in reminders_pending(store, now, self.before)
            if (int(r["id"]), r["eta"]) not in self._shown
        ]
        self._shown.update((int(r["id"]), r["eta"]) for r in rows)
        return rows


def describe(row: Row) -> str:
    """A short plain description: 'CZ8421 · 1,900,000 pcs medical masks' / 'Li Ming (CA934)'."""
    if row["kind"] == ArrivalKind.TRAVELLER:
        ref = f" ({row['reference']})" if row.get("reference") else ""
        return f"{row.get('traveller') or '?'}{ref}"
    parts = []
    if row.get("reference"):
        parts.append(str(row["reference"]))
    goods = " ".join(
        p
        for p in (_qty(row.get("quantity")), str(row.get("unit") or ""), str(row.get("item") or ""))
        if p
    )
    if goods:
        parts.append(goods)
    return " · ".join(parts) or "shipment"


def _qty(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    return f"{int(number):,}" if number == int(number) else f"{number:,.2f}"


# -- helpers -----------------------------------------------------------------------------


def _row(conn: Connection, arrival_id: int) -> Row:
    row = conn.execute("SELECT * FROM arrivals WHERE id = ?", (arrival_id,)).fetchone()
    if row is None:
        raise NotFound(_("arrival #{id} does not exist").format(id=arrival_id))
    return dict(row)


def _iso(value: object, name: str) -> str:
    try:
        return to_iso(from_iso(str(value)))
    except (TypeError, ValueError):
        raise ValidationError(
            _("arrival: {name} {value!r} is not an ISO date and time").format(
                name=name, value=value
            )
        ) from None


def _checked(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValidationError(
            _("arrival: unknown field(s) {names}").format(names=", ".join(sorted(unknown)))
        )
    values = clean_fields(fields)  # every text but raw, before it is checked or written
    if "kind" in values:
        try:
            values["kind"] = ArrivalKind(values["kind"]).value
        except ValueError:
            raise ValidationError(_("arrival: kind must be shipment or traveller")) from None
    if values.get("eta") is not None:
        values["eta"] = _iso(values["eta"], "eta")
    if "state" in values:
        try:
            values["state"] = ArrivalState(values["state"]).value
        except ValueError:
            raise ValidationError(
                _("arrival: unknown state {state!r}").format(state=values["state"])
            ) from None
    for name, enum in (("permit", Permit), ("customs", Customs)):
        if values.get(name) is not None:
            try:
                values[name] = enum(values[name]).value
            except ValueError:
                choices = ", ".join(e.value for e in enum)
                raise ValidationError(
                    _("arrival: {name} {value!r} is not one of {choices}").format(
                        name=name, value=values[name], choices=choices
                    )
                ) from None
    if values.get("lead_id") is not None:
        try:
            values["lead_id"] = int(str(values["lead_id"]).strip().lstrip("#"))
        except ValueError:
            raise ValidationError(
                _("arrival: lead {lead!r} is not a lead's number").format(lead=values["lead_id"])
            ) from None
    if values.get("quantity") is not None:
        try:
            quantity = float(values["quantity"])
        except (TypeError, ValueError):
            raise ValidationError(
                _("arrival: quantity {quantity!r} is not a number").format(
                    quantity=values["quantity"]
                )
            ) from None
        if quantity < 0:
            raise ValidationError(_("arrival: quantity cannot be negative"))
    if "extra" in values and isinstance(values["extra"], Mapping):
        values["extra"] = json.dumps(values["extra"], ensure_ascii=False, sort_keys=True)
    return values


def _check_lead(conn: Connection, values: Mapping[str, Any]) -> None:
    lead_id = values.get("lead_id")
    if lead_id is None:
        return
    if conn.execute("SELECT 1 FROM leads WHERE id = ?", (lead_id,)).fetchone() is None:
        raise ValidationError(_("arrival: lead #{id} does not exist").format(id=lead_id))


def _append_note(store: Store, notes: str | None, text: str) -> str:
    stamp = f"[{store.now()[:16].replace('T', ' ')} {store.actor}] {text.strip()}"
    return f"{notes}\n{stamp}" if notes else stamp


__all__ = [
    "RECEIVED_HOOKS",
    "ArrivalCounts",
    "ArrivalsWindow",
    "DeskCounts",
    "Reminders",
    "add_arrival",
    "add_arrival_note",
    "apply_changes",
    "arrival_counts",
    "arrival_history",
    "arrival_of_source",
    "arrivals_between",
    "begin_import",
    "by_external_id",
    "delay",
    "describe",
    "desk_counts",
    "find_leads",
    "finish_import",
    "get_arrival",
    "insert_arrival",
    "lead_of",
    "mark_done",
    "on_received",
    "quarantine_row",
    "reminders_pending",
    "set_arrival_state",
    "set_holdup",
    "take_due_reminders",
    "upcoming",
    "update_arrival",
]
