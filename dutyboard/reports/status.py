"""The desk at a glance: one read-only snapshot, rendered as plain text or JSON.

``dutyboard status`` (and a leader's status-only SSH key) prints this. It is core code:
no Textual, no Rich. Counts come from aggregate queries shaped for the indexes (never a
table loaded into Python), all read inside one read transaction, so the numbers agree
with each other even while the officer keeps writing.

The JSON shape is versioned (``"schema": 1``) and documented in ``docs/ssh.md``; a change
that removes or renames a key must bump :data:`SCHEMA`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.status import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    LeadStatus,
    Priority,
    RequestStatus,
)
from dutyboard.domain.text import clean_data, clean_line
from dutyboard.store import Store

SCHEMA = 1
TOP = 5  # records per list in the model (and the JSON)
TEXT_TOP = 3  # records per list on the text screen, so it fits 80×24
FAILING_SHOWN = 3  # failing sources named on the text screen, each with its last error
LANGS = ("en", "zh_CN")

_OPEN_REQUESTS = tuple(sorted(OPEN_REQUEST_STATUSES))
_OPEN_LEADS = tuple(sorted(OPEN_LEAD_STATUSES))
_REQUEST_ORDER = [s.value for s in RequestStatus]
_LEAD_ORDER = [s.value for s in LeadStatus]


# -- the model ------------------------------------------------------------------------
#
# Named tuples rather than frozen dataclasses: as immutable, and a dataclass compiles its
# methods when the module is imported, ~0.7 ms each, paid by every `dutyboard status`
# (every leader's SSH call). to_json_dict() spells out the nested ones.


class RequestLine(NamedTuple):
    id: int
    org: str
    item: str
    quantity: int | float | None
    unit: str | None
    priority: str
    status: str
    received_at: str
    due_by: str | None


class LeadLine(NamedTuple):
    id: int
    supplier: str
    country: str | None
    item: str
    quantity: int | float | None
    unit: str | None
    status: str
    next_action_at: str | None


class ShiftInfo(NamedTuple):
    officer: str
    started_at: str
    taken_over_from: int | None


class HandoverInfo(NamedTuple):
    id: int
    from_officer: str
    to_officer: str | None
    state: str
    created_at: str
    signed_at: str | None
    signed_by: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    items: int
    items_acknowledged: int


class SourceHealth(NamedTuple):
    name: str
    kind: str
    # "ok", "error" (failing: a failed fetch or scan until the next good one, a failed
    # file until a later clean file or its quarantine is resolved) or "unknown" (never ran)
    state: str
    last_ok_at: str | None
    last_error_at: str | None
    last_error: str | None
    failing_since: str | None = None
    quarantine_open: int = 0  # its rows in quarantine nobody has resolved yet


class QuarantineCounts(NamedTuple):
    open: int  # rows in quarantine nobody has resolved yet (dutyboard quarantine list)
    oldest_at: str | None  # when the oldest of them arrived


class SupplyTally(NamedTuple):
    category: str  # "masks", "gloves"… (dutyboard.domain.supplies)
    unit: str | None  # the category's base unit; other units are tallied apart
    received: int | float
    distributed: int | float
    in_stock: int | float


class ArrivalLine(NamedTuple):
    id: int
    kind: str
    state: str
    eta: str
    what: str
    overdue: bool


@dataclass(frozen=True)  # not a named tuple: its ``count`` would hide tuple.count
class Arrivals:
    hours: int
    count: int  # open arrivals with an ETA in the next ``hours``
    overdue: int  # past their ETA and not landed
    top: list[ArrivalLine]


class RollCall(NamedTuple):
    reported: int
    late: int
    due: int
    missing: int
    units_missing: list[str]


class DeskStatus(NamedTuple):
    generated_at: str
    desk_name: str
    timezone: str
    requests_by_status: dict[str, int]
    open_by_priority: dict[str, int]
    overdue: int
    top_urgent: list[RequestLine]
    top_overdue: list[RequestLine]
    leads_by_status: dict[str, int]
    awaiting_reply: int
    top_awaiting: list[LeadLine]
    shift: ShiftInfo | None
    handover: HandoverInfo | None
    sources: list[SourceHealth]
    supplies: list[SupplyTally]
    arrivals: Arrivals | None = None
    rollcall: RollCall | None = None
    quarantine: QuarantineCounts | None = None

    @property
    def requests_total(self) -> int:
        return sum(self.requests_by_status.values())

    @property
    def requests_open(self) -> int:
        return sum(n for s, n in self.requests_by_status.items() if s in OPEN_REQUEST_STATUSES)

    @property
    def urgent_open(self) -> int:
        return self.open_by_priority.get(Priority.URGENT.value, 0)

    @property
    def leads_total(self) -> int:
        return sum(self.leads_by_status.values())

    @property
    def leads_open(self) -> int:
        return sum(n for s, n in self.leads_by_status.items() if s in OPEN_LEAD_STATUSES)


def build_status(
    store: Store,
    *,
    desk_name: str = "Duty desk",
    timezone: str = "Asia/Shanghai",
    now: datetime | None = None,
    top: int = TOP,
) -> DeskStatus:
    """Read the desk's state. Only reads: works on a leader's read-only connection."""
    now_iso = to_iso(now or store.clock())
    with store._lock:
        conn = store.conn
        own_txn = not conn.in_transaction
        if own_txn:
            # One snapshot for every query (WAL readers never block the writer). The counts
            # below lean on it: one status's count is the total less all the others.
            conn.execute("BEGIN")
        try:
            sample = _sample(conn, "requests", "due_by")
            requests_by_status, open_by_priority = _request_counts(conn, sample)
            open_requests = sum(open_by_priority.values())
            overdue = _past_count(
                conn, "requests", "due_by", _OPEN_REQUESTS, now_iso, open_requests, sample
            )
            sample = _sample(conn, "leads", "next_action_at")
            leads_by_status = _by_status(conn, "leads", _LEAD_ORDER, sample)
            open_leads = sum(n for s, n in leads_by_status.items() if s in OPEN_LEAD_STATUSES)
            awaiting = _past_count(
                conn, "leads", "next_action_at", _OPEN_LEADS, now_iso, open_leads, sample
            )
            return DeskStatus(
                generated_at=now_iso,
                desk_name=desk_name,
                timezone=timezone,
                requests_by_status=requests_by_status,
                open_by_priority=open_by_priority,
                overdue=overdue,
                top_urgent=_top_urgent(store, top),
                top_overdue=_top_overdue(store, now_iso, top),
                leads_by_status=leads_by_status,
                awaiting_reply=awaiting,
                top_awaiting=_top_awaiting(store, now_iso, top),
                shift=_shift(store),
                handover=_handover(store),
                sources=_sources(store),
                supplies=_supplies(store),
                arrivals=_arrivals(store, now_iso, top),
                rollcall=_rollcall(store, now_iso, timezone),
                quarantine=_quarantine(store),
            )
        finally:
            if own_txn and conn.in_transaction:
                conn.execute("COMMIT")


def _has_rows(store: Store, table: str, where: str = "1") -> bool:
    """One index or table seek. A section with nothing to show does not import its
    module (``dutyboard status`` over SSH starts that much faster on such a desk)."""
    sql = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {where})"
    return bool(store.conn.execute(sql).fetchone()[0])


def _arrivals(store: Store, now_iso: str, top: int, hours: int = 24) -> Arrivals:
    if not _has_rows(store, "arrivals"):
        return Arrivals(hours=hours, count=0, overdue=0, top=[])
    from dutyboard.domain.arrivals import is_overdue
    from dutyboard.store import arrivals as arr

    now = from_iso(now_iso)
    end = to_iso(now + timedelta(hours=hours))
    rows, count = arr.arrivals_between(store, now_iso, end, limit=top)
    overdue = arr.arrival_counts(store, now).overdue
    late_rows, _ = arr.arrivals_between(store, "0000", now_iso, limit=top)
    lines = [
        ArrivalLine(
            int(r["id"]),
            str(r["kind"]),
            str(r["state"]),
            str(r["eta"]),
            arr.describe(r),
            is_overdue(str(r["state"]), from_iso(str(r["eta"])), now),
        )
        for r in [*late_rows, *rows]
    ]
    # Overdue ones first: they are what the officer must chase.
    lines = sorted(lines, key=lambda x: (not x.overdue, x.eta))[:top]  # fmt: skip
    return Arrivals(hours=hours, count=count, overdue=overdue, top=lines)


def _rollcall(store: Store, now_iso: str, zone: str) -> RollCall:
    if not _has_rows(store, "reporting_units", "active = 1"):
        return RollCall(reported=0, late=0, due=0, missing=0, units_missing=[])
    from dutyboard.domain.rollcall import RollCallState
    from dutyboard.store import rollcall as rc

    days = rc.roll_call(store, from_iso(now_iso), zone)
    by_state = {state: [d for d in days if d.state is state] for state in RollCallState}
    return RollCall(
        reported=len(by_state.get(RollCallState.REPORTED, [])),
        late=len(by_state.get(RollCallState.LATE, [])),
        due=len(by_state.get(RollCallState.DUE, [])),
        missing=len(by_state.get(RollCallState.MISSING, [])),
        units_missing=[d.name for d in by_state.get(RollCallState.MISSING, [])],
    )


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" for _ in values)


# -- counts ---------------------------------------------------------------------------
#
# SQLite counts an index range one entry at a time: a GROUP BY status over a million
# requests costs most of a tenth of a second. So each count here is a range of an index
# (count(*) with an equality on its leading columns), the one status that holds the most
# rows is not counted but taken as the total less the others (a whole-table count(*) only
# adds up each page's entry count), and of "past due" and "not yet due" only the smaller
# side is counted. All of it inside the caller's one read transaction, so the derived
# numbers are exact. A small sample of rows decides which count to derive, never a value.

_SAMPLE = 64


def _sample(conn: sqlite3.Connection, table: str, column: str) -> list[tuple[Any, Any]]:
    """(status, ``column``) of up to 64 rows at evenly spaced ids: one seek each."""
    low, high = conn.execute(
        f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
    ).fetchone()
    if low is None:
        return []
    ids = sorted({low + (high - low) * i // (_SAMPLE - 1) for i in range(_SAMPLE)})
    sql = f"SELECT status, {column} FROM {table} WHERE id IN ({_marks(ids)})"
    return [(r[0], r[1]) for r in conn.execute(sql, ids)]


def _statuses(conn: sqlite3.Connection, table: str) -> list[Any]:
    """Every status the table holds, known or not: one index seek each."""
    found: list[Any] = []
    row = conn.execute(f"SELECT min(status) FROM {table}").fetchone()
    while row[0] is not None:
        found.append(row[0])
        row = conn.execute(f"SELECT min(status) FROM {table} WHERE status > ?", (row[0],))
        row = row.fetchone()
    return found


def _by_status(
    conn: sqlite3.Connection,
    table: str,
    order: list[str],
    sample: list[tuple[Any, Any]],
    known: dict[str, int] | None = None,
) -> dict[str, int]:
    """Status → count: every status in ``order`` (zeros included), then any status this
    version does not know, kept honest. ``known`` holds counts already taken."""
    counts: dict[Any, int] = dict(known or {})
    rest = [status for status in _statuses(conn, table) if status not in counts]
    if rest:
        seen = [status for status, _ in sample]
        derived = max(rest, key=seen.count)  # the most rows in the sample
        for status in rest:
            if status != derived:
                sql = f"SELECT count(*) FROM {table} WHERE status = ?"
                counts[status] = int(conn.execute(sql, (status,)).fetchone()[0])
        total = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        counts[derived] = total - sum(counts.values())
    found = {str(status): n for status, n in counts.items()}
    result = {status: found.pop(status, 0) for status in order}
    result.update(sorted(found.items()))  # a status this version does not know
    return result


def _request_counts(
    conn: sqlite3.Connection, sample: list[tuple[Any, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Requests by status, and open ones by priority.

    Open requests are counted once, per (status, priority): one range each of the
    index on (status, priority_rank), which gives both the open statuses and the
    priorities.
    """
    by_priority = {p.value: 0 for p in Priority}
    open_counts: dict[str, int] = {}
    sql = "SELECT count(*) FROM requests WHERE status = ? AND priority_rank = ?"
    for status in _OPEN_REQUESTS:
        open_counts[status] = 0
        for priority in Priority:
            n = int(conn.execute(sql, (status, priority.rank)).fetchone()[0])
            open_counts[status] += n
            by_priority[priority.value] += n
    by_status = _by_status(conn, "requests", _REQUEST_ORDER, sample, open_counts)
    return by_status, by_priority


def _past_count(
    conn: sqlite3.Connection,
    table: str,
    column: str,
    statuses: Sequence[str],
    now_iso: str,
    open_total: int,
    sample: list[tuple[Any, Any]],
) -> int:
    """Open rows whose ``column`` is before ``now_iso`` (``open_total`` of them are open).

    Counts the side of ``now_iso`` the sample says is smaller, each side a range of the
    index on (status, ``column``): a desk where nearly everything is overdue counts the
    few not yet due (or with no time at all) and takes the rest.
    """
    sampled = [when for status, when in sample if status in statuses]
    late = sum(1 for when in sampled if when is not None and str(when) < now_iso)
    open_in = f"status IN ({_marks(statuses)})"
    if late > len(sampled) - late:
        # Two plain ranges rather than one OR: each is an index range whatever the planner.
        sql = (
            f"SELECT (SELECT count(*) FROM {table} WHERE {open_in} AND {column} IS NULL)"
            f" + (SELECT count(*) FROM {table} WHERE {open_in} AND {column} >= ?)"
        )
        not_past = conn.execute(sql, (*statuses, *statuses, now_iso)).fetchone()[0]
        return open_total - int(not_past)
    sql = f"SELECT count(*) FROM {table} WHERE {open_in} AND {column} IS NOT NULL AND {column} < ?"
    return int(conn.execute(sql, (*statuses, now_iso)).fetchone()[0])


_REQUEST_COLUMNS = "id, org, item, quantity, unit, priority, status, received_at, due_by"
_OVERDUE = f"status IN ({_marks(_OPEN_REQUESTS)}) AND due_by IS NOT NULL AND due_by < ?"


def _request_lines(rows: Iterable[Any]) -> list[RequestLine]:
    return [
        RequestLine(
            id=int(r["id"]),
            org=str(r["org"]),
            item=str(r["item"]),
            quantity=_number(r["quantity"]),
            unit=r["unit"],
            priority=str(r["priority"]),
            status=str(r["status"]),
            received_at=str(r["received_at"]),
            due_by=r["due_by"],
        )
        for r in rows
    ]


def _top_urgent(store: Store, top: int) -> list[RequestLine]:
    """Urgent open requests, the longest waiting first (the dashboard's own order)."""
    rows = store.conn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM requests "
        f"WHERE status IN ({_marks(_OPEN_REQUESTS)}) AND priority_rank = 0 "
        "ORDER BY received_at, id LIMIT ?",
        (*_OPEN_REQUESTS, top),
    )
    return _request_lines(rows)


def _top_overdue(store: Store, now_iso: str, top: int) -> list[RequestLine]:
    """Overdue open requests, the most overdue first."""
    # The ids come from an inner query an index on (status, due_by) fully covers, so only
    # ``top`` table rows are read for the columns shown.
    rows = store.conn.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE id IN ("
        f"SELECT id FROM requests WHERE {_OVERDUE} ORDER BY due_by, id LIMIT ?) "
        "ORDER BY due_by, id",
        (*_OPEN_REQUESTS, now_iso, top),
    )
    return _request_lines(rows)


_AWAITING = (
    f"status IN ({_marks(_OPEN_LEADS)}) AND next_action_at IS NOT NULL AND next_action_at < ?"
)


def _top_awaiting(store: Store, now_iso: str, top: int) -> list[LeadLine]:
    """Open leads whose next action is past, the longest waiting first."""
    rows = store.conn.execute(
        "SELECT id, supplier, country, item, quantity, unit, status, next_action_at "
        f"FROM leads WHERE {_AWAITING} ORDER BY next_action_at, id LIMIT ?",
        (*_OPEN_LEADS, now_iso, top),
    )
    return [
        LeadLine(
            id=int(r["id"]),
            supplier=str(r["supplier"]),
            country=r["country"],
            item=str(r["item"]),
            quantity=_number(r["quantity"]),
            unit=r["unit"],
            status=str(r["status"]),
            next_action_at=r["next_action_at"],
        )
        for r in rows
    ]


def _shift(store: Store) -> ShiftInfo | None:
    row = store.conn.execute(
        "SELECT officer, started_at, taken_over_from FROM shifts WHERE ended_at IS NULL "
        "ORDER BY started_at DESC, id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return ShiftInfo(str(row["officer"]), str(row["started_at"]), row["taken_over_from"])


def _handover(store: Store) -> HandoverInfo | None:
    """The latest signed (or acknowledged) handover; a draft only when none was signed.

    A draft the officer on duty is writing is not news for a leader yet; the last
    sign-off and whether it was acknowledged is.
    """
    # Newest first by rowid: stops at the first signed one, whatever the table's size.
    row = (
        store.conn.execute(
            "SELECT * FROM handovers WHERE state <> 'draft' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        or store.conn.execute("SELECT * FROM handovers ORDER BY id DESC LIMIT 1").fetchone()
    )
    if row is None:
        return None
    handover = dict(row)
    # Few items per handover; read them to skip ones taken off a draft ("removed").
    items = [
        dict(r)
        for r in store.conn.execute(
            "SELECT * FROM handover_items WHERE handover_id = ?", (handover["id"],)
        )
    ]
    active = [i for i in items if not i.get("removed")]
    return HandoverInfo(
        id=int(handover["id"]),
        from_officer=str(handover["from_officer"]),
        to_officer=handover["to_officer"],
        state=str(handover["state"]),
        created_at=str(handover["created_at"]),
        signed_at=handover["signed_at"],
        signed_by=handover.get("signed_by"),
        acknowledged_at=handover["acknowledged_at"],
        acknowledged_by=handover["acknowledged_by"],
        items=len(active),
        items_acknowledged=sum(1 for i in active if i["acknowledged_at"]),
    )


def _sources(store: Store) -> list[SourceHealth]:
    from dutyboard.store.quarantine import FAILING_SQL

    rows = store.conn.execute(
        "SELECT name, kind, last_ok_at, last_error_at, last_error, failing_since, "
        f"{FAILING_SQL} AS failing, (SELECT count(*) FROM quarantine q "
        "WHERE q.source = s.name AND q.state = 'open') AS quarantine_open "
        "FROM sources s ORDER BY name"
    )
    result = []
    for r in rows:
        ok, err = r["last_ok_at"], r["last_error_at"]
        if r["failing"]:
            state = "error"
        elif ok or err:
            state = "ok"
        else:
            state = "unknown"
        result.append(
            SourceHealth(
                str(r["name"]),
                str(r["kind"]),
                state,
                ok,
                err,
                r["last_error"],
                r["failing_since"],
                int(r["quarantine_open"]),
            )
        )
    return result


def _quarantine(store: Store) -> QuarantineCounts:
    """Open quarantine rows: a count from the state index, and the oldest one's time."""
    row = store.conn.execute(
        "SELECT count(*), min(at) FROM quarantine WHERE state = 'open'"
    ).fetchone()
    return QuarantineCounts(int(row[0]), row[1])


def _supplies(store: Store) -> list[SupplyTally]:
    """The same tallies as the supplies panel and the daily report (by category, in base
    units), without the requested-but-unmet column: that one walks every open request."""
    if not _has_rows(store, "supplies"):
        return []
    from dutyboard.store.supplies import tallies

    return [
        SupplyTally(t.category, t.unit, t.received, t.distributed, t.in_stock)
        for t in tallies(store, with_unmet=False)
    ]


def _number(value: Any) -> int | float | None:
    """SQLite NUMERIC → int when whole (so JSON shows 2000, not 2000.0)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


# -- JSON ------------------------------------------------------------------------------


def to_json_dict(status: DeskStatus) -> dict[str, Any]:
    """The documented, stable shape (see docs/ssh.md). Times are UTC ISO-8601. Every text
    is cleaned (:func:`~dutyboard.domain.text.clean_data`): a JSON reader may print it."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": status.generated_at,
        "desk": {"name": status.desk_name, "timezone": status.timezone},
        "requests": {
            "total": status.requests_total,
            "open": status.requests_open,
            "by_status": dict(status.requests_by_status),
            "open_by_priority": dict(status.open_by_priority),
            "urgent_open": status.urgent_open,
            "overdue": status.overdue,
            "top_urgent": [r._asdict() for r in status.top_urgent],
            "top_overdue": [r._asdict() for r in status.top_overdue],
        },
        "leads": {
            "total": status.leads_total,
            "open": status.leads_open,
            "by_status": dict(status.leads_by_status),
            "awaiting_reply": status.awaiting_reply,
            "top_awaiting": [r._asdict() for r in status.top_awaiting],
        },
        "shift": status.shift._asdict() if status.shift else None,
        "handover": status.handover._asdict() if status.handover else None,
        "sources": [s._asdict() for s in status.sources],
        "supplies": [s._asdict() for s in status.supplies],
        "arrivals": _arrivals_dict(status.arrivals) if status.arrivals else None,
        "rollcall": _rollcall_dict(status.rollcall) if status.rollcall else None,
        "quarantine": _quarantine_dict(status),
    }
    cleaned: dict[str, Any] = clean_data(data)
    return cleaned


def _arrivals_dict(a: Arrivals) -> dict[str, Any]:
    top = [line._asdict() for line in a.top]
    return {"hours": a.hours, "count": a.count, "overdue": a.overdue, "top": top}


def _quarantine_dict(status: DeskStatus) -> dict[str, Any]:
    counts = status.quarantine or QuarantineCounts(0, None)
    by_source = {s.name: s.quarantine_open for s in status.sources if s.quarantine_open}
    return {"open": counts.open, "oldest_at": counts.oldest_at, "by_source": by_source}


def _rollcall_dict(rollcall: RollCall) -> dict[str, Any]:
    return {**rollcall._asdict(), "units_missing": list(rollcall.units_missing)}


# C1 controls and DEL are legal raw inside JSON strings but an 8-bit terminal acts on
# them; json.dumps already escapes C0 (ESC included) as \u00XX.
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def render_json(status: DeskStatus, *, ascii_only: bool = False) -> str:
    text = json.dumps(to_json_dict(status), ensure_ascii=ascii_only, indent=2)
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# -- text ------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "{desk} — status at {local} {zone} ({utc} UTC)",
        "on_duty": "On duty: {officer} since {since} ({hours}h{minutes:02d}m)",
        "on_duty_days": "On duty: {officer} since {since} ({days} days)",
        "taken_over": "taken over",
        "nobody": "On duty: nobody",
        "handover": "Handover: {who} · {state} {when}",
        "handover_by": "by {who}",
        "handover_items": "{acked}/{items} items acknowledged",
        "no_handover": "Handover: none yet",
        "requests": "Requests: {open} open",
        "leads": "Leads: {open} open",
        "done": "done {done} of {total}",
        "colon": ": ",
        "by_priority": "open by priority",
        "urgent": "Urgent open: {n} (longest waiting first)",
        "overdue": "Overdue: {n} (past due, most overdue first)",
        "awaiting": "Leads awaiting reply: {n} (next action past)",
        "due": "due",
        "since": "since",
        "sources": "Sources",
        "sources_ok": "{n} ok",
        "sources_error": "{n} failing",
        "sources_unknown": "{n} never run",
        "more_failing": "+{n} more failing",
        "no_sources": "Sources: none configured",
        "quarantine": "Quarantine: {n} open rows, oldest {oldest} — dutyboard quarantine list",
        "supplies": "Supplies in/out",
        "no_supplies": "Supplies: nothing recorded",
        "arrivals": "Arriving in the next {hours}h: {n} · overdue {late}",
        "late_mark": "LATE",
        "rollcall": "Roll-call: {missing} missing · {due} due · {late} late · {reported} reported",
        "more": "+{n} more",
    },
    "zh_CN": {
        "title": "{desk} — 状态 {local} {zone}（UTC {utc}）",
        "on_duty": "值班：{officer}，自 {since} 起（{hours}小时{minutes:02d}分）",
        "on_duty_days": "值班：{officer}，自 {since} 起（{days}天）",
        "taken_over": "接替",
        "nobody": "值班：无人值班",
        "handover": "交接：{who} · {state} {when}",
        "handover_by": "确认人 {who}",
        "handover_items": "已确认事项 {acked}/{items}",
        "no_handover": "交接：暂无",
        "requests": "需求：未办结 {open}",
        "leads": "采购线索：未办结 {open}",
        "done": "已办结 {done}/共 {total}",
        "colon": "：",
        "by_priority": "未办结按优先级",
        "urgent": "特急未办结：{n}（等待最久的在前）",
        "overdue": "已逾期：{n}（逾期最久的在前）",
        "awaiting": "待回复线索：{n}（已过下一步时间）",
        "due": "截止",
        "since": "自",
        "sources": "数据源",
        "sources_ok": "正常 {n}",
        "sources_error": "故障 {n}",
        "sources_unknown": "未运行 {n}",
        "more_failing": "另有 {n} 个故障",
        "no_sources": "数据源：未配置",
        "quarantine": "隔离区：待处理 {n} 行，最早 {oldest} — dutyboard quarantine list",
        "arrivals": "未来 {hours} 小时到达：{n} · 逾期 {late}",
        "late_mark": "逾期",
        "rollcall": "点名：未报 {missing} · 待报 {due} · 迟报 {late} · 已报 {reported}",
        "supplies": "物资 入/出",
        "no_supplies": "物资：暂无记录",
        "more": "另有 {n} 项",
    },
}

# Values the store holds as codes, shown as words.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "new": "new",
        "acknowledged": "acknowledged",
        "in_progress": "in progress",
        "partially_fulfilled": "partial",
        "fulfilled": "fulfilled",
        "closed": "closed",
        "rejected": "rejected",
        "urgent": "urgent",
        "high": "high",
        "normal": "normal",
        "low": "low",
        "verifying": "verifying",
        "negotiating": "negotiating",
        "ordered": "ordered",
        "in_transit": "in transit",
        "customs": "customs",
        "received": "received",
        "dropped": "dropped",
        "draft": "draft",
        "signed": "signed",
    },
    "zh_CN": {
        "new": "新",
        "acknowledged": "已确认",
        "in_progress": "办理中",
        "partially_fulfilled": "部分满足",
        "fulfilled": "已满足",
        "closed": "已关闭",
        "rejected": "已拒绝",
        "urgent": "特急",
        "high": "急",
        "normal": "一般",
        "low": "低",
        "verifying": "核实中",
        "negotiating": "洽谈中",
        "ordered": "已下单",
        "in_transit": "运输中",
        "customs": "清关中",
        "received": "已收到",
        "dropped": "已放弃",
        "draft": "草稿",
        "signed": "已签字",
    },
}
# Supply categories (dutyboard.domain.supplies); one a desk configures shows its own name.
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "masks": "masks",
        "gloves": "gloves",
        "protective_suits": "protective suits",
        "goggles": "goggles",
        "face_shields": "face shields",
        "thermometers": "thermometers",
        "disinfectant": "disinfectant",
        "other": "other supplies",
    },
    "zh_CN": {
        "masks": "口罩",
        "gloves": "手套",
        "protective_suits": "防护服",
        "goggles": "护目镜",
        "face_shields": "面屏",
        "thermometers": "体温计",
        "disinfectant": "消毒用品",
        "other": "其他物资",
    },
}
# A handover's "acknowledged" state reads differently from a request's.
_HANDOVER_STATE = {"en": {"acknowledged": "acknowledged"}, "zh_CN": {"acknowledged": "已接收"}}


def safe(value: object) -> str:
    """A value fit to print on a terminal, on one line: the desk's one sanitiser
    (:func:`~dutyboard.domain.text.clean_line`), so no control character, escape
    sequence, bidi override or invisible character gets through, nor stacked marks."""
    return clean_line(str(value))


def cells(text: str) -> int:
    """Terminal columns ``text`` takes (CJK wide characters take two)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int, *, pad: bool = False) -> str:
    """Cut ``text`` to ``width`` columns with "…"; pad with spaces when asked."""
    if cells(text) > width:
        out, used = [], 0
        for ch in text:
            w = cells(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    if pad:
        text += " " * (width - cells(text))
    return text


class _Text:
    """Label lookup and time formatting for one language and zone."""

    def __init__(self, lang: str, zone: ZoneInfo, now: datetime) -> None:
        if lang not in LABELS:
            raise ValueError(f"unknown language {lang!r} (known: {', '.join(LABELS)})")
        self.lang = lang
        self.zone = zone
        self.year = now.astimezone(zone).year
        self.labels = LABELS[lang]
        self.values = VALUE_LABELS[lang]

    def __call__(self, key: str, **values: Any) -> str:
        return self.labels[key].format(**values)

    def value(self, code: str) -> str:
        return self.values.get(code, safe(code))

    def category(self, code: str) -> str:
        return CATEGORY_LABELS[self.lang].get(code) or safe(code.replace("_", " "))

    def local(self, iso: str | None) -> str:
        if not iso:
            return "—"
        try:
            local = from_iso(iso).astimezone(self.zone)
        except ValueError:
            return fit(safe(iso), 16)
        # Month-day is enough this year; an older (or far) date shows its year instead.
        return local.strftime("%m-%d %H:%M" if local.year == self.year else "%Y-%m-%d")


def _counts(t: _Text, counts: dict[str, int]) -> list[str]:
    return [f"{t.value(k)} {n:,}" for k, n in counts.items()]


def _wrap(
    head: str,
    parts: Sequence[str],
    width: int,
    *,
    sep: str,
    indent: str = "  ",
    max_lines: int = 0,
    more: str = "",
) -> list[str]:
    """``head``, then ``parts`` joined by " · " and wrapped at whole parts, so a count is
    never cut in half. With ``max_lines``, what does not fit is summed up by ``more``
    (a label with ``{n}``)."""
    rows: list[list[str]] = [[]]

    def text(index: int, row: list[str]) -> str:
        if index == 0:
            return head + (sep + " · ".join(row) if row else sep.rstrip() if parts else "")
        return indent + " · ".join(row)

    placed = 0
    for part in parts:
        index = len(rows) - 1
        if cells(text(index, [*rows[index], part])) <= width or (index and not rows[index]):
            rows[index].append(part)
        elif max_lines and len(rows) >= max_lines:
            break
        else:
            rows.append([part])
        placed += 1
    left = len(parts) - placed
    if left and more:
        last = rows[-1]
        while last and cells(text(len(rows) - 1, [*last, more.format(n=left)])) > width:
            last.pop()
            left += 1
        last.append(more.format(n=left))
    return [text(i, row) for i, row in enumerate(rows)]


def _rjust(text: str, width: int) -> str:
    text = fit(text, width)
    return " " * (width - cells(text)) + text


def _quantity(quantity: int | float | None, unit: str | None) -> str:
    if quantity is None:
        return ""
    text = f"{quantity:,}"
    return f"{text} {safe(unit)}" if unit else text


def _record_row(tag: str, first: str, second: str, tail: str, width: int) -> str:
    """``  #id first second tail``: the two names share what the tail leaves."""
    room = max(width - 4 - cells(tag) - cells(tail), 12)
    first_w = max(room * 3 // 5, 6)
    second_w = max(room - first_w, 5)
    return f"  {tag} {fit(first, first_w, pad=True)} {fit(second, second_w, pad=True)}{tail}"


def _tags(ids: Sequence[int]) -> list[str]:
    """``#id`` labels padded to one width, so the columns of a list line up."""
    tags = [f"#{i}" for i in ids]
    width = max((len(tag) for tag in tags), default=0)
    return [tag.ljust(width) for tag in tags]


def _request_rows(t: _Text, rows: Sequence[RequestLine], width: int) -> list[str]:
    return [
        _record_row(
            tag,
            safe(r.org),
            safe(r.item),
            f" {_rjust(_quantity(r.quantity, r.unit), 13)} {t('due')} {t.local(r.due_by)}",
            width,
        )
        for tag, r in zip(_tags([r.id for r in rows]), rows, strict=True)
    ]


def _lead_rows(t: _Text, rows: Sequence[LeadLine], width: int) -> list[str]:
    return [
        _record_row(
            tag,
            safe(r.supplier) + (f" ({safe(r.country)})" if r.country else ""),
            safe(r.item),
            f" {fit(t.value(r.status), 11, pad=True)} {t('due')} {t.local(r.next_action_at)}",
            width,
        )
        for tag, r in zip(_tags([r.id for r in rows]), rows, strict=True)
    ]


def _minutes_since(now: datetime, iso: str) -> int:
    try:
        return max(int((now - from_iso(iso)).total_seconds() // 60), 0)
    except ValueError:
        return 0


def render_text(status: DeskStatus, *, lang: str = "en", width: int = 80) -> str:
    """One screen of plain text: 24 lines or fewer at 80 columns on an ordinary desk.

    Every value from the database goes through :func:`safe`, so no control character
    reaches the terminal; nothing is interpreted as markup (this is plain ``str``).
    """
    zone = ZoneInfo(status.timezone)
    now = from_iso(status.generated_at)
    t = _Text(lang, zone, now)
    colon = t("colon")
    lines = [
        t(
            "title",
            desk=safe(status.desk_name),
            local=now.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            zone=status.timezone,
            utc=now.strftime("%H:%M"),
        )
    ]
    if status.shift:
        minutes = _minutes_since(now, status.shift.started_at)
        line = t(
            "on_duty" if minutes < 48 * 60 else "on_duty_days",
            officer=safe(status.shift.officer),
            since=t.local(status.shift.started_at),
            hours=minutes // 60,
            minutes=minutes % 60,
            days=minutes // (24 * 60),
        )
        if status.shift.taken_over_from is not None:
            line += f" · {t('taken_over')}"
        lines.append(line)
    else:
        lines.append(t("nobody"))
    lines.extend(_handover_lines(t, status.handover, width))

    by_status = status.requests_by_status
    open_counts = {k: n for k, n in by_status.items() if k in OPEN_REQUEST_STATUSES}
    done_counts = {k: n for k, n in by_status.items() if k not in OPEN_REQUEST_STATUSES}
    head = t("requests", open=f"{status.requests_open:,}")
    lines.extend(_wrap(head, _counts(t, open_counts), width, sep=" — "))
    done = t("done", done=f"{sum(done_counts.values()):,}", total=f"{status.requests_total:,}")
    lines.extend(_wrap("  " + done, _counts(t, done_counts), width, sep=colon, indent="    "))
    priority = "  " + t("by_priority")
    lines.extend(
        _wrap(priority, _counts(t, status.open_by_priority), width, sep=colon, indent="    ")
    )
    lines.append(t("urgent", n=f"{status.urgent_open:,}"))
    lines.extend(_request_rows(t, status.top_urgent[:TEXT_TOP], width))
    lines.append(t("overdue", n=f"{status.overdue:,}"))
    lines.extend(_request_rows(t, status.top_overdue[:TEXT_TOP], width))

    by_stage = status.leads_by_status
    open_leads = {k: n for k, n in by_stage.items() if k in OPEN_LEAD_STATUSES}
    done_leads = {k: n for k, n in by_stage.items() if k not in OPEN_LEAD_STATUSES}
    done = t("done", done=f"{sum(done_leads.values()):,}", total=f"{status.leads_total:,}")
    parts = [*_counts(t, open_leads), done + colon + ", ".join(_counts(t, done_leads))]
    lines.extend(_wrap(t("leads", open=f"{status.leads_open:,}"), parts, width, sep=" — "))
    lines.append(t("awaiting", n=f"{status.awaiting_reply:,}"))
    lines.extend(_lead_rows(t, status.top_awaiting[:TEXT_TOP], width))

    lines.extend(_arrival_lines(t, status.arrivals, status.rollcall, width))
    lines.extend(_source_lines(t, status.sources, width, status.quarantine))
    lines.extend(_supply_lines(t, status.supplies, width))
    return "\n".join(fit(line, width) for line in lines) + "\n"


def _arrival_lines(t: _Text, a: Arrivals | None, r: RollCall | None, width: int) -> list[str]:
    lines: list[str] = []
    # One line each, so the status still fits one screen: the first thing to chase.
    if a is not None and (a.count or a.overdue):
        head = t("arrivals", n=f"{a.count:,}", hours=a.hours, late=f"{a.overdue:,}")
        first = next(iter(a.top), None)
        if first is not None:
            mark = t("late_mark") + " " if first.overdue else ""
            head += f" — {mark}{t.local(first.eta)} {safe(first.what)}"
        lines.append(fit(head, width))
    if r is not None and (r.reported + r.late + r.due + r.missing):
        head = t("rollcall", missing=r.missing, due=r.due, late=r.late, reported=r.reported)
        if r.units_missing:
            head += " — " + ", ".join(safe(n) for n in r.units_missing)
        lines.append(fit(head, width))
    return lines


def _handover_lines(t: _Text, h: HandoverInfo | None, width: int) -> list[str]:
    if h is None:
        return [t("no_handover")]
    who = safe(h.from_officer) + (f" → {safe(h.to_officer)}" if h.to_officer else "")
    when = {"acknowledged": h.acknowledged_at, "signed": h.signed_at}.get(h.state)
    state = _HANDOVER_STATE[t.lang].get(h.state) or t.value(h.state)
    head = t("handover", who=who, state=state, when=t.local(when or h.created_at))
    parts = []
    # Said only when someone other than the named recipient acknowledged it.
    if h.state == "acknowledged" and h.acknowledged_by and h.acknowledged_by != h.to_officer:
        parts.append(t("handover_by", who=safe(h.acknowledged_by)))
    if h.items:
        parts.append(t("handover_items", acked=h.items_acknowledged, items=h.items))
    return _wrap(head, parts, width, sep=" · ")


def _source_lines(
    t: _Text, sources: list[SourceHealth], width: int, quarantine: QuarantineCounts | None = None
) -> list[str]:
    """One line of counts; each failing source (up to three, latest failure first) with its
    last error; the open quarantine, when there is any."""
    lines: list[str] = []
    if not sources:
        lines.append(t("no_sources"))
    else:
        parts = []
        for state in ("ok", "error", "unknown"):
            n = sum(1 for s in sources if s.state == state)
            if n:
                parts.append(t(f"sources_{state}", n=n))
        lines.extend(_wrap(t("sources"), parts, width, sep=t("colon")))
    failing = sorted(
        (s for s in sources if s.state == "error"),
        key=lambda s: s.last_error_at or s.failing_since or "",
        reverse=True,
    )
    for index, source in enumerate(failing[:FAILING_SHOWN]):
        more = ""
        if index == FAILING_SHOWN - 1 and len(failing) > FAILING_SHOWN:
            more = f" ({t('more_failing', n=len(failing) - FAILING_SHOWN)})"
        when = t.local(source.last_error_at or source.failing_since)
        head = f"  {safe(source.name)} {when}{t('colon')}"
        error = fit(safe(source.last_error or ""), max(width - cells(head) - cells(more), 20))
        lines.append(f"{head}{error}{more}")
    if quarantine is not None and quarantine.open:
        oldest = t.local(quarantine.oldest_at)
        lines.append(t("quarantine", n=f"{quarantine.open:,}", oldest=oldest))
    return lines


def _supply_lines(t: _Text, supplies: list[SupplyTally], width: int) -> list[str]:
    if not supplies:
        return [t("no_supplies")]
    # In the tallies' own order (masks, gloves, suits…); one line, so that arrivals and
    # the roll-call fit on the same screen (the full tallies: `dutyboard supplies tally`).
    parts = [
        f"{t.category(s.category)} {s.received:,}/{s.distributed:,}"
        + (f" {safe(s.unit)}" if s.unit else "")
        for s in supplies
    ]
    more = t("more", n="{n}")
    return _wrap(t("supplies"), parts, width, sep=t("colon"), max_lines=1, more=more)
