"""What needs the officer's eye: counts for the header and events worth a notification."""

from __future__ import annotations

from dataclasses import dataclass

from dutyboard.store.counts import OPEN_REQUEST_SQL, OPEN_REQUESTS, OVERDUE, WAITING
from dutyboard.store.quarantine import FAILING_SQL
from dutyboard.store.store import Row, Store


@dataclass(frozen=True)
class Attention:
    new: int
    urgent: int  # open and urgent
    overdue: int  # open and past due_by (store.counts.OVERDUE)
    leads_waiting: int  # open leads past next_action_at, awaiting a reply (counts.WAITING)
    sources_failing: int  # a failed fetch, scan or file (store.quarantine.FAILING_SQL)
    last_request_id: int
    quarantine_open: int = 0  # rows ingest could not take, not yet resolved by anyone


def attention(store: Store, now_iso: str) -> Attention:
    q = store.conn.execute
    with store._lock:
        new = q("SELECT count(*) FROM requests WHERE status = 'new'").fetchone()[0]
        urgent = q(
            f"SELECT count(*) FROM requests WHERE {OPEN_REQUEST_SQL} AND priority_rank = 0",
            OPEN_REQUESTS,
        ).fetchone()[0]
        overdue = q(
            f"SELECT count(*) FROM requests WHERE {OVERDUE.sql}", OVERDUE.params(now_iso)
        ).fetchone()[0]
        waiting = q(
            f"SELECT count(*) FROM leads WHERE {WAITING.sql}", WAITING.params(now_iso)
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
    """Open requests whose due time passed in (since, now]: each becomes
    :data:`~dutyboard.store.counts.OVERDUE` once ``now`` is past it."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                f"SELECT id, org, item FROM requests WHERE {OPEN_REQUEST_SQL} "
                "AND due_by > ? AND due_by <= ? ORDER BY due_by LIMIT ?",
                (*OPEN_REQUESTS, since_iso, now_iso, limit),
            )
        ]
