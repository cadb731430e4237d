"""What needs the officer's eye: counts for the header and events worth a notification."""

from __future__ import annotations

from dataclasses import dataclass

from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES
from dutyboard.store.quarantine import FAILING_SQL
from dutyboard.store.store import Row, Store

_OPEN_REQ = tuple(sorted(OPEN_REQUEST_STATUSES))
_OPEN_LEAD = tuple(sorted(OPEN_LEAD_STATUSES))
_REQ_MARKS = ",".join("?" for _ in _OPEN_REQ)
_LEAD_MARKS = ",".join("?" for _ in _OPEN_LEAD)


@dataclass(frozen=True)
class Attention:
    new: int
    urgent: int  # open and urgent
    overdue: int  # open and past due_by
    leads_waiting: int  # open leads past next_action_at (awaiting a reply)
    sources_failing: int  # a failed fetch, scan or file (store.quarantine.FAILING_SQL)
    last_request_id: int
    quarantine_open: int = 0  # rows ingest could not take, not yet resolved by anyone


def attention(store: Store, now_iso: str) -> Attention:
    q = store.conn.execute
    with store._lock:
        new = q("SELECT count(*) FROM requests WHERE status = 'new'").fetchone()[0]
        urgent = q(
            f"SELECT count(*) FROM requests WHERE status IN ({_REQ_MARKS}) AND priority_rank = 0",
            _OPEN_REQ,
        ).fetchone()[0]
        overdue = q(
            f"SELECT count(*) FROM requests WHERE status IN ({_REQ_MARKS}) AND due_by < ?",
            (*_OPEN_REQ, now_iso),
        ).fetchone()[0]
        waiting = q(
            f"SELECT count(*) FROM leads WHERE status IN ({_LEAD_MARKS}) AND next_action_at < ?",
            (*_OPEN_LEAD, now_iso),
        ).fetchone()[0]
        failing = q(f"SELECT count(*) FROM sources WHERE {FAILING_SQL}").fetchone()[0]
        last = q("SELECT coalesce(max(id), 0) FROM requests").fetchone()[0]
        quarantined = q("SELECT count(*) FROM quarantine WHERE state = 'open'").fetchone()[0]
    return Attention(new, urgent, overdue, waiting, failing, last, quarantined)


def new_urgent_requests(store: Store, after_id: int, limit: int = 5) -> list[Row]:
    """Urgent requests that arrived after ``after_id`` and nobody has touched yet."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT id, org, item, quantity, unit FROM requests "
                "WHERE id > ? AND priority_rank = 0 AND status = 'new' ORDER BY id LIMIT ?",
                (after_id, limit),
            )
        ]


def newly_overdue(store: Store, since_iso: str, now_iso: str, limit: int = 5) -> list[Row]:
    """Open requests whose due time passed in (since, now]."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                f"SELECT id, org, item FROM requests WHERE status IN ({_REQ_MARKS}) "
                "AND due_by > ? AND due_by <= ? ORDER BY due_by LIMIT ?",
                (*_OPEN_REQ, since_iso, now_iso, limit),
            )
        ]
