"""The desk's counts, and what "overdue", "waiting" and "missing" mean, said once.

**Overdue** is an open request past its ``due_by``; **waiting** (awaiting a reply) is an
open lead past its ``next_action_at``: :data:`OVERDUE` and :data:`WAITING`, the one text
the header (:mod:`~dutyboard.store.attention`), ``dutyboard status``, the handover brief
and draft (:mod:`~dutyboard.store.brief`, :mod:`~dutyboard.store.handovers`) and the
panels' quick filter (:mod:`~dutyboard.store.views`) all use. Each is written
``column IS NOT NULL AND column < ?`` after the open statuses, a range of the index on
(status, column) (``requests_status_due``, ``leads_status``).

**Missing** is a reporting unit past its deadline with no report: the state
:mod:`dutyboard.store.rollcall` gives each unit (``RollCallState.MISSING``);
:func:`tally_rollcall` counts the states for the status.

Everything else here is what ``dutyboard status`` and the daily report read, so that no
report holds a query. This module imports only what every ``dutyboard status`` loads
anyway; a section's own module (arrivals, roll-call, supplies) is imported when the desk
has rows there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from dutyboard.domain.status import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    LeadStatus,
    Priority,
    RequestStatus,
)
from dutyboard.store.engine import Connection
from dutyboard.store.store import Row, Store

OPEN_REQUESTS = tuple(sorted(OPEN_REQUEST_STATUSES))
OPEN_LEADS = tuple(sorted(OPEN_LEAD_STATUSES))
REQUEST_ORDER = [s.value for s in RequestStatus]
LEAD_ORDER = [s.value for s in LeadStatus]


def marks(values: Sequence[object]) -> str:
    """``?,?,…``: one parameter mark per value."""
    return ",".join("?" for _ in values)


def past(column: str) -> str:
    """``column`` is set and before the one parameter (now): a range of an index on
    (status, ``column``). Never drop the ``IS NOT NULL``: the plans are checked with it."""
    return f"{column} IS NOT NULL AND {column} < ?"


class Lateness(NamedTuple):
    """Open rows of ``table`` whose ``column`` has passed."""

    table: str
    column: str
    statuses: tuple[str, ...]  # the open ones

    @property
    def term(self) -> str:
        """The time term alone (one parameter: now), for a query that picks the
        statuses itself (a view's open-records index, a draft's open items)."""
        return past(self.column)

    @property
    def open_sql(self) -> str:
        return f"status IN ({marks(self.statuses)})"

    @property
    def sql(self) -> str:
        """Open and past: parameters :meth:`params`."""
        return f"{self.open_sql} AND {self.term}"

    def params(self, now_iso: str) -> tuple[str, ...]:
        return (*self.statuses, now_iso)


OVERDUE = Lateness("requests", "due_by", OPEN_REQUESTS)
WAITING = Lateness("leads", "next_action_at", OPEN_LEADS)  # awaiting a reply
# Open records, for a query that is not about lateness (parameters: the statuses).
OPEN_REQUEST_SQL = OVERDUE.open_sql
OPEN_LEAD_SQL = WAITING.open_sql


# -- roll-call ----------------------------------------------------------------------------


class RollCallTally(NamedTuple):
    reported: int
    late: int
    due: int
    missing: int
    units_missing: list[str]


def tally_rollcall(days: Iterable[Any]) -> RollCallTally:
    """Units in each roll-call state (``days``: :func:`dutyboard.store.rollcall.roll_call`),
    and the names of the missing ones, in the roll-call's order."""
    from dutyboard.domain.rollcall import RollCallState

    by_state: dict[Any, list[Any]] = {state: [] for state in RollCallState}
    for day in days:
        by_state.setdefault(day.state, []).append(day)
    return RollCallTally(
        reported=len(by_state[RollCallState.REPORTED]),
        late=len(by_state[RollCallState.LATE]),
        due=len(by_state[RollCallState.DUE]),
        missing=len(by_state[RollCallState.MISSING]),
        units_missing=[d.name for d in by_state[RollCallState.MISSING]],
    )


# -- is there anything ----------------------------------------------------------------------

_ANY = {
    "arrivals": "SELECT EXISTS (SELECT 1 FROM arrivals)",
    "supplies": "SELECT EXISTS (SELECT 1 FROM supplies)",
    "reporting_units": "SELECT EXISTS (SELECT 1 FROM reporting_units WHERE active = 1)",
}


def has_any(store: Store, section: str) -> bool:
    """One index or table seek: are there arrivals, ledger entries, active reporting
    units? A section with nothing to show need not import its module (``dutyboard
    status`` over SSH starts that much faster on such a desk)."""
    with store.reading() as conn:
        return bool(conn.execute(_ANY[section]).fetchone()[0])


# -- counts by status -----------------------------------------------------------------------
#
# SQLite counts an index range one entry at a time: a GROUP BY status over a million
# requests costs most of a tenth of a second. So each count here is a range of an index
# (count(*) with an equality on its leading columns), the one status that holds the most
# rows is not counted but taken as the total less the others (a whole-table count(*) only
# adds up each page's entry count), and of "past due" and "not yet due" only the smaller
# side is counted. All of it inside one read snapshot (Store.reading), so the derived
# numbers are exact. A small sample of rows decides which count to derive, never a value.

_SAMPLE = 64


class StatusCounts(NamedTuple):
    requests_by_status: dict[str, int]
    open_by_priority: dict[str, int]
    overdue: int
    leads_by_status: dict[str, int]
    waiting: int


def status_counts(store: Store, now_iso: str) -> StatusCounts:
    """Requests by status and open ones by priority, how many are overdue; leads by
    status, how many are waiting. One snapshot."""
    with store.reading() as conn:
        sample = _sample(conn, "requests", "due_by")
        requests_by_status, open_by_priority = _request_counts(conn, sample)
        overdue = _past_count(conn, OVERDUE, now_iso, sum(open_by_priority.values()), sample)
        sample = _sample(conn, "leads", "next_action_at")
        leads_by_status = _by_status(conn, "leads", LEAD_ORDER, sample)
        open_leads = sum(n for s, n in leads_by_status.items() if s in OPEN_LEAD_STATUSES)
        waiting = _past_count(conn, WAITING, now_iso, open_leads, sample)
    return StatusCounts(requests_by_status, open_by_priority, overdue, leads_by_status, waiting)


def leads_by_status(store: Store) -> dict[str, int]:
    """Leads by status: every stage in pipeline order (zeros included), then any status
    this version does not know."""
    with store.reading() as conn:
        return _by_status(conn, "leads", LEAD_ORDER, _sample(conn, "leads", "next_action_at"))


def _sample(conn: Connection, table: str, column: str) -> list[tuple[Any, Any]]:
    """(status, ``column``) of up to 64 rows at evenly spaced ids: one seek each."""
    low, high = conn.execute(
        f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
    ).fetchone()
    if low is None:
        return []
    ids = sorted({low + (high - low) * i // (_SAMPLE - 1) for i in range(_SAMPLE)})
    sql = f"SELECT status, {column} FROM {table} WHERE id IN ({marks(ids)})"
    return [(r[0], r[1]) for r in conn.execute(sql, ids)]


def _statuses(conn: Connection, table: str) -> list[Any]:
    """Every status the table holds, known or not: one index seek each."""
    found: list[Any] = []
    row = conn.execute(f"SELECT min(status) FROM {table}").fetchone()
    while row[0] is not None:
        found.append(row[0])
        row = conn.execute(f"SELECT min(status) FROM {table} WHERE status > ?", (row[0],))
        row = row.fetchone()
    return found


def _by_status(
    conn: Connection,
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
    conn: Connection, sample: list[tuple[Any, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Requests by status, and open ones by priority.

    Open requests are counted once, per (status, priority): one range each of the
    index on (status, priority_rank), which gives both the open statuses and the
    priorities.
    """
    by_priority = {p.value: 0 for p in Priority}
    open_counts: dict[str, int] = {}
    sql = "SELECT count(*) FROM requests WHERE status = ? AND priority_rank = ?"
    for status in OPEN_REQUESTS:
        open_counts[status] = 0
        for priority in Priority:
            n = int(conn.execute(sql, (status, priority.rank)).fetchone()[0])
            open_counts[status] += n
            by_priority[priority.value] += n
    by_status = _by_status(conn, "requests", REQUEST_ORDER, sample, open_counts)
    return by_status, by_priority


def _past_count(
    conn: Connection,
    late: Lateness,
    now_iso: str,
    open_total: int,
    sample: list[tuple[Any, Any]],
) -> int:
    """Open rows whose ``late.column`` is before ``now_iso`` (``open_total`` are open).

    Counts the side of ``now_iso`` the sample says is smaller, each side a range of the
    index on (status, column): a desk where nearly everything is overdue counts the
    few not yet due (or with no time at all) and takes the rest.
    """
    table, column, statuses = late
    sampled = [when for status, when in sample if status in statuses]
    past_n = sum(1 for when in sampled if when is not None and str(when) < now_iso)
    if past_n > len(sampled) - past_n:
        # Two plain ranges rather than one OR: each is an index range whatever the planner.
        open_in = late.open_sql
        sql = (
            f"SELECT (SELECT count(*) FROM {table} WHERE {open_in} AND {column} IS NULL)"
            f" + (SELECT count(*) FROM {table} WHERE {open_in} AND {column} >= ?)"
        )
        not_past = conn.execute(sql, (*statuses, *statuses, now_iso)).fetchone()[0]
        return open_total - int(not_past)
    sql = f"SELECT count(*) FROM {table} WHERE {late.sql}"
    return int(conn.execute(sql, late.params(now_iso)).fetchone()[0])


# -- the records to chase -------------------------------------------------------------------

_REQUEST_COLUMNS = "id, org, item, quantity, unit, priority, status, received_at, due_by"


def _rows(store: Store, sql: str, params: tuple[Any, ...]) -> list[Row]:
    with store.reading() as conn:
        return [dict(r) for r in conn.execute(sql, params)]


def top_urgent(store: Store, top: int) -> list[Row]:
    """Urgent open requests, the longest waiting first (the dashboard's own order)."""
    return _rows(
        store,
        f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE {OPEN_REQUEST_SQL} "
        "AND priority_rank = 0 ORDER BY received_at, id LIMIT ?",
        (*OPEN_REQUESTS, top),
    )


def top_overdue(store: Store, now_iso: str, top: int) -> list[Row]:
    """Overdue open requests, the most overdue first."""
    # The most overdue ``top`` of each open status, each a range of the index on
    # (status, due_by) read in its order, then the ``top`` of those. One query over every
    # open status at once cannot follow that index's order: PostgreSQL scanned and sorted
    # the whole table for it (139 ms on a million requests, against 2 ms this way).
    each = (
        "SELECT * FROM (SELECT id, due_by FROM requests WHERE status = ? "
        "AND due_by IS NOT NULL AND due_by < ? ORDER BY due_by, id LIMIT ?) AS s"
    )
    params: list[Any] = []
    for status in OVERDUE.statuses:
        params += [status, now_iso, top]
    return _rows(
        store,
        f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE id IN (SELECT id FROM ("
        + " UNION ALL ".join([each] * len(OVERDUE.statuses))
        + ") AS late ORDER BY due_by, id LIMIT ?) ORDER BY due_by, id",
        (*params, top),
    )


def top_waiting(store: Store, now_iso: str, top: int) -> list[Row]:
    """Open leads whose next action is past (awaiting a reply), the longest waiting first."""
    return _rows(
        store,
        "SELECT id, supplier, country, item, quantity, unit, status, next_action_at "
        f"FROM leads WHERE {WAITING.sql} ORDER BY next_action_at, id LIMIT ?",
        (*WAITING.params(now_iso), top),
    )


# -- the desk's other sections ----------------------------------------------------------------
#
# What ``dutyboard status`` reads of handovers and sources lives here, not in
# ``store.handovers`` or ``store.quarantine``: the status may not load the handover
# module (tests/test_cli.py), and these are the status's own summaries of both.


def latest_handover(store: Store) -> Row | None:
    """The latest signed (or acknowledged) handover; a draft only when none was signed,
    with ``items`` (not removed) and ``items_acknowledged`` of them counted.

    A draft the officer on duty is writing is not news for a leader yet; the last
    sign-off and whether it was acknowledged is.
    """
    with store.reading() as conn:
        # Newest first by rowid: stops at the first signed one, whatever the table's size.
        row = (
            conn.execute(
                "SELECT * FROM handovers WHERE state <> 'draft' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            or conn.execute("SELECT * FROM handovers ORDER BY id DESC LIMIT 1").fetchone()
        )
        if row is None:
            return None
        handover = dict(row)
        # Few items per handover; read them to skip ones taken off a draft ("removed").
        items = [
            dict(r)
            for r in conn.execute(
                "SELECT * FROM handover_items WHERE handover_id = ?", (handover["id"],)
            )
        ]
    active = [i for i in items if not i.get("removed")]
    handover["items"] = len(active)
    handover["items_acknowledged"] = sum(1 for i in active if i["acknowledged_at"])
    return handover


def source_health(store: Store) -> list[Row]:
    """Every source by name: its last good and bad run, ``failing``
    (:data:`~dutyboard.store.quarantine.FAILING_SQL`) and its open quarantine rows."""
    from dutyboard.store.quarantine import FAILING_SQL

    return _rows(
        store,
        "SELECT name, kind, last_ok_at, last_error_at, last_error, failing_since, "
        f"{FAILING_SQL} AS failing, (SELECT count(*) FROM quarantine q "
        "WHERE q.source = s.name AND q.state = 'open') AS quarantine_open "
        "FROM sources s ORDER BY name",
        (),
    )


def quarantine_open(store: Store) -> tuple[int, str | None]:
    """Open quarantine rows: a count from the state index, and the oldest one's time."""
    with store.reading() as conn:
        row = conn.execute("SELECT count(*), min(at) FROM quarantine WHERE state = 'open'")
        count, oldest = row.fetchone()
    return int(count), oldest


# -- the daily report -------------------------------------------------------------------------


def requests_received(store: Store, start: str, end: str) -> int:
    """Requests received in ``[start, end)``."""
    with store.reading() as conn:
        row = conn.execute(
            "SELECT count(*) FROM requests WHERE received_at >= ? AND received_at < ?",
            (start, end),
        ).fetchone()
    return int(row[0])


def open_and_urgent(store: Store) -> tuple[int, int]:
    """Open requests, and how many of them are urgent."""
    with store.reading() as conn:
        count, urgent = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE priority_rank = 0) FROM requests "
            f"WHERE {OPEN_REQUEST_SQL}",
            OPEN_REQUESTS,
        ).fetchone()
    return int(count), int(urgent or 0)


def pressing_open_requests(store: Store, top: int) -> list[Row]:
    """The ``top`` most pressing open requests: priority, then the soonest due, then the
    longest waiting."""
    return _rows(
        store,
        f"SELECT * FROM requests WHERE {OPEN_REQUEST_SQL} "
        "ORDER BY priority_rank, COALESCE(due_by, '9999'), received_at, id LIMIT ?",
        (*OPEN_REQUESTS, top),
    )


def delivered_to(store: Store, request_id: int, unit: str | None) -> float:
    """What the ledger says went out against a request, in ``unit`` (a base unit)."""
    with store.reading() as conn:
        row = conn.execute(
            "SELECT total(base_quantity) FROM supplies WHERE request_id = ? "
            "AND direction = 'distributed' AND base_unit IS ?",
            (request_id, unit),
        ).fetchone()
    return float(row[0])


def movements(store: Store, start: str, end: str, funds: str) -> list[Row]:
    """Goods received and distributed in ``[start, end)`` by direction, category and base
    unit (``n``: the quantity, ``c``: the entries); not ``funds`` (money), nor entries
    with no base quantity."""
    return _rows(
        store,
        "SELECT direction, category, base_unit, total(base_quantity) AS n, count(*) AS c "
        "FROM supplies WHERE at >= ? AND at < ? AND category IS NOT ? "
        "AND base_quantity IS NOT NULL GROUP BY direction, category, base_unit",
        (start, end, funds),
    )


def status_moves(store: Store, entity: str, start: str, end: str) -> dict[str, int]:
    """How many ``entity`` records moved to each status in ``[start, end)`` (the log)."""
    rows = _rows(
        store,
        "SELECT json_extract(after, '$.status') AS status, count(*) AS n FROM events "
        "WHERE at >= ? AND at < ? AND entity = ? AND action IN ('status', 'acknowledge') "
        "AND json_extract(after, '$.status') IS NOT NULL GROUP BY 1",
        (start, end, entity),
    )
    return {str(r["status"]): int(r["n"]) for r in rows}


_NOTABLE_WHERE = """
e.at >= ? AND e.at < ? AND (
    (e.entity = 'request' AND e.action = 'create'
        AND json_extract(e.after, '$.priority') = 'urgent')
    OR (e.entity = 'request' AND e.action = 'status'
        AND json_extract(e.after, '$.status') IN ('fulfilled', 'rejected', 'closed'))
    OR (e.entity = 'lead' AND e.action = 'status'
        AND json_extract(e.after, '$.status') IN ('ordered', 'received', 'dropped'))
    OR (e.entity = 'handover' AND e.action IN ('sign', 'acknowledge'))
    OR (e.entity = 'shift' AND e.action IN ('start', 'takeover'))
    OR (e.entity = 'arrival'
        AND json_extract(e.after, '$.state') IN ('landed', 'received', 'delayed', 'cancelled'))
)"""


# Past the cap, what a leader must not miss comes first: goods that arrived, then urgent
# needs, then outcomes; the desk's own comings and goings last.
_NOTABLE_WEIGHT = """CASE
    WHEN e.entity = 'lead' AND json_extract(e.after, '$.status') = 'received' THEN 0
    WHEN e.entity = 'arrival'
        AND json_extract(e.after, '$.state') IN ('landed', 'received') THEN 0
    WHEN e.entity = 'request' AND e.action = 'create' THEN 1
    WHEN e.entity IN ('request', 'lead', 'arrival') THEN 2
    ELSE 3 END"""


def notable_events(store: Store, start: str, end: str, top: int) -> tuple[list[Row], int]:
    """The day's notable events (urgent requests, outcomes, sign-offs, shifts, landings):
    the ``top`` weightiest in time order, with the record each names, and how many
    there were."""
    with store.reading() as conn:
        count = int(
            conn.execute(
                f"SELECT count(*) FROM events e WHERE {_NOTABLE_WHERE}", (start, end)
            ).fetchone()[0]
        )
        rows = conn.execute(
            "SELECT e.at, e.actor, e.entity, e.entity_id, e.action, "
            "json_extract(e.after, '$.status') AS status, "
            "json_extract(e.after, '$.state') AS state, "
            "json_extract(e.after, '$.officer') AS officer, "
            "r.org AS r_org, r.item AS r_item, l.supplier AS l_supplier, l.item AS l_item, "
            "a.reference AS a_ref, a.item AS a_item "
            "FROM events e "
            "LEFT JOIN requests r ON e.entity = 'request' AND r.id = e.entity_id "
            "LEFT JOIN leads l ON e.entity = 'lead' AND l.id = e.entity_id "
            "LEFT JOIN arrivals a ON e.entity = 'arrival' AND a.id = e.entity_id "
            f"WHERE {_NOTABLE_WHERE} ORDER BY {_NOTABLE_WEIGHT}, e.at, e.id LIMIT ?",
            (start, end, top),
        ).fetchall()
    # The weightiest, told in time order.
    return sorted((dict(r) for r in rows), key=lambda r: str(r["at"])), count


__all__ = [
    "LEAD_ORDER",
    "OPEN_LEADS",
    "OPEN_LEAD_SQL",
    "OPEN_REQUESTS",
    "OPEN_REQUEST_SQL",
    "OVERDUE",
    "REQUEST_ORDER",
    "WAITING",
    "Lateness",
    "RollCallTally",
    "StatusCounts",
    "delivered_to",
    "has_any",
    "latest_handover",
    "leads_by_status",
    "marks",
    "movements",
    "notable_events",
    "open_and_urgent",
    "past",
    "pressing_open_requests",
    "quarantine_open",
    "requests_received",
    "source_health",
    "status_counts",
    "status_moves",
    "tally_rollcall",
    "top_overdue",
    "top_urgent",
    "top_waiting",
]
