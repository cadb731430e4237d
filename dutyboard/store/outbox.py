"""The outbox (issue 23): notifications written with the event that causes them, and their
deliveries, one row per notification and target. Nothing lost, nothing twice.

* **Enqueue** — :func:`enqueue` inserts one ``outbox`` row inside the caller's open
  transaction (``INSERT … ON CONFLICT (key) DO NOTHING``): a rolled-back write leaves no
  notification, and a key enqueued twice (a condition seen again, two processes seeing
  it at once) is one notification. Each row gets a ``uid``, the notification id every
  target is sent as its idempotency key.
* **Route** — a sender makes the delivery rows lazily, for the targets subscribed to the
  row's event when it first sees it (:func:`route`), and marks the row ``routed_at``. A
  row no sender has seen waits (:func:`waiting`: ``status`` and ``check`` say so).
* **Deliver** — the sender picks a target's due rows (:func:`due`), sends them, and marks
  each ``sent`` after the target accepted it (:func:`mark_sent`), or records the cleaned
  error and the next try (:func:`mark_failed`). A process killed between the send and
  the mark sends again after restart, with the same ``uid``: at least once, never twice
  in a normal run. A delivery not sent within the window is ``gave_up``
  (:func:`give_up`); a ``failed`` one (refused in a way a retry cannot mend) is tried
  again when its target's configuration changes (:func:`reopen_failed`).
* **Who sends** — whoever holds the ``notify-sender`` lease (:func:`take_sender_lease`):
  the collector, or, when none runs, one officer's dashboard. Never a read-only store.
* **Conditions** — the reads that time-based notifications are drawn from (urgent
  requests nobody acknowledged, the last shift's end, failing feeds, overdue arrivals),
  here because only the store speaks SQL (:mod:`dutyboard.notify.watch` decides).

Delivery bookkeeping writes no ``events`` rows (like a lease's renewal or a feed's
health): the notification's cause logged its own event, and a condition's notification
logs one when it is raised (:mod:`dutyboard.notify.watch`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.domain.arrivals import IN_TRANSIT
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.text import UNLIMITED, clean_data, clean_text
from dutyboard.i18n import _
from dutyboard.store.engine import Connection
from dutyboard.store.jsontext import canonical_text, json_object
from dutyboard.store.sources import LEASE_NAME
from dutyboard.store.store import Row, Store

SENDER_LEASE = "notify-sender"
COLLECTOR_LEASE = LEASE_NAME  # the collector's: it sends while it runs
STATES = ("pending", "sent", "failed", "gave_up")
TITLE_CHARS = 300
ERROR_CHARS = 500


@dataclass(frozen=True)
class Queued:
    """One due delivery: a notification for one target."""

    outbox_id: int
    target: str
    attempts: int
    uid: str
    event: str
    key: str
    title: str
    body: str
    link: str | None
    payload: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class TargetDeliveries:
    """What ``status`` and ``check`` show of one target's deliveries."""

    name: str
    pending: int = 0
    failed: int = 0
    gave_up: int = 0  # of notifications raised in the status window
    oldest_pending_at: str | None = None  # when the oldest pending notification was raised
    last_error: str | None = None  # of a delivery not yet sent (cleaned, masked)
    last_error_at: str | None = None


@dataclass(frozen=True)
class Waiting:
    """Notifications no sender has seen yet (no delivery rows made)."""

    count: int
    oldest_at: str | None


# ------------------------------------------------------------------------- enqueue


def local_formatter(zone: str | None) -> Callable[[str], str]:
    """UTC ISO → "2020-02-05 03:00 (19:00 UTC)" in ``zone`` (the desk's), or
    "2020-02-04 19:00 UTC" without one: the times a notification's text says."""
    tz = ZoneInfo(zone) if zone else None

    def local(iso: str) -> str:
        try:
            moment = from_iso(iso)
        except ValueError:
            return clean_text(iso, 40)
        if tz is None:
            return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        return _("{local} ({utc} UTC)").format(
            local=f"{moment.astimezone(tz):%Y-%m-%d %H:%M}", utc=f"{moment.astimezone(UTC):%H:%M}"
        )

    return local


def enqueue(
    conn: Connection,
    store: Store,
    event: str,
    key: str,
    title: str,
    body: str,
    link: str | None = None,
    payload: Mapping[str, Any] | None = None,
    *,
    at: str | None = None,
) -> int | None:
    """Add a notification inside the caller's open transaction; its id, or None when
    ``key`` is in the outbox already (nothing is written then). Texts are cleaned here."""
    values = (
        uuid.uuid4().hex,
        clean_text(event, 60),
        clean_text(key, 300),
        clean_text(title, TITLE_CHARS),
        clean_text(body, UNLIMITED, strip=False).strip(),
        clean_text(link, 2000) if link else None,
        canonical_text(clean_data(dict(payload))) if payload else None,
        at or store.now(),
    )
    cur = conn.execute(
        "INSERT INTO outbox (uid, event, key, title, body, link, payload, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        values,
    )
    if cur.rowcount != 1:
        return None
    if cur.lastrowid:
        return int(cur.lastrowid)
    row = conn.execute("SELECT id FROM outbox WHERE key = ?", (values[2],)).fetchone()
    return int(row[0])


def missing_keys(store: Store, keys: Iterable[str]) -> list[str]:
    """Those of ``keys`` not in the outbox yet, in their order (a read: a condition seen
    again writes nothing, so a pass that finds nothing new commits nothing)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    found: set[str] = set()
    with store.reading() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            rows = conn.execute(f"SELECT key FROM outbox WHERE key IN ({marks})", chunk)
            found.update(str(r[0]) for r in rows)
    return [key for key in wanted if key not in found]


def get_notification(store: Store, key: str) -> Row | None:
    """The outbox row of ``key`` (tests and ``notify list``)."""
    return store._one("SELECT * FROM outbox WHERE key = ?", (key,))


# ------------------------------------------------------------------------- route


def unrouted(store: Store, limit: int = 200) -> list[Row]:
    """Notifications no sender has made delivery rows for, oldest first."""
    rows = store._all(
        "SELECT id, event, key, payload, created_at FROM outbox WHERE routed_at IS NULL "
        "ORDER BY created_at, id LIMIT ?",
        (limit,),
    )
    for row in rows:
        row["payload"] = json_object(row["payload"])
    return rows


def route(
    store: Store,
    plan: Sequence[tuple[int, Sequence[tuple[str, str]]]],
    now: datetime,
    *,
    stale: Iterable[int] = (),
    stale_error: str = "",
) -> int:
    """Make the delivery rows of each notification in ``plan`` (its id, and the names and
    configuration fingerprints of the targets it goes to) and mark it routed, in one
    transaction. A notification in ``stale`` is past the delivery window already (no
    sender ran for that long): its rows are made ``gave_up``, with ``stale_error``, so
    the loss shows. Returns the delivery rows made."""
    if not plan:
        return 0
    now_iso = to_iso(now)
    late = set(stale)
    made = 0
    with store.transaction() as conn:
        for outbox_id, targets in plan:
            for name, fingerprint in targets:
                gone = outbox_id in late
                cur = conn.execute(
                    "INSERT INTO outbox_deliveries (outbox_id, target, state, next_at, "
                    "target_hash, last_error) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (outbox_id, target) DO NOTHING",
                    (
                        outbox_id,
                        name,
                        "gave_up" if gone else "pending",
                        now_iso,
                        fingerprint,
                        clean_text(stale_error, ERROR_CHARS) if gone else None,
                    ),
                )
                made += max(cur.rowcount, 0)
            conn.execute(
                "UPDATE outbox SET routed_at = ? WHERE id = ? AND routed_at IS NULL",
                (now_iso, outbox_id),
            )
    return made


# ------------------------------------------------------------------------- deliver


_DUE_COLUMNS = (
    "d.outbox_id, d.target, d.attempts, o.uid, o.event, o.key, o.title, o.body, o.link, "
    "o.payload, o.created_at"
)


def due(store: Store, target: str, now: datetime, limit: int = 20) -> list[Queued]:
    """``target``'s pending deliveries whose time has come, the longest due first."""
    rows = store._all(
        f"SELECT {_DUE_COLUMNS} FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id "
        "WHERE d.target = ? AND d.state = 'pending' AND d.next_at <= ? "
        "ORDER BY d.next_at, d.outbox_id LIMIT ?",
        (target, to_iso(now), limit),
    )
    return [_queued(row) for row in rows]


def _queued(row: Row) -> Queued:
    return Queued(
        outbox_id=int(row["outbox_id"]),
        target=str(row["target"]),
        attempts=int(row["attempts"]),
        uid=str(row["uid"]),
        event=str(row["event"]),
        key=str(row["key"]),
        title=str(row["title"]),
        body=str(row["body"]),
        link=row["link"],
        payload=json_object(row["payload"]),
        created_at=str(row["created_at"]),
    )


def mark_sent(store: Store, outbox_id: int, target: str, now: datetime) -> bool:
    """The target accepted the notification: ``sent``, also over a ``gave_up`` that the
    sweep wrote while the send was under way (it did arrive). False when the row was
    neither (another sender marked it first)."""
    now_iso = to_iso(now)
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE outbox_deliveries SET state = 'sent', sent_at = ?, last_attempt_at = ?, "
            "attempts = attempts + 1, last_error = NULL "
            "WHERE outbox_id = ? AND target = ? AND state IN ('pending', 'gave_up')",
            (now_iso, now_iso, outbox_id, target),
        )
        return bool(cur.rowcount == 1)


def mark_failed(
    store: Store,
    outbox_id: int,
    target: str,
    now: datetime,
    error: str,
    *,
    state: str,
    next_at: datetime,
) -> bool:
    """An attempt failed: the cleaned ``error`` is kept and the row is ``pending`` again
    at ``next_at``, ``failed`` (until its target's configuration changes) or ``gave_up``."""
    if state not in ("pending", "failed", "gave_up"):
        raise ValueError(f"unknown delivery state {state!r}")
    now_iso = to_iso(now)
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE outbox_deliveries SET state = ?, attempts = attempts + 1, next_at = ?, "
            "last_error = ?, last_attempt_at = ? "
            "WHERE outbox_id = ? AND target = ? AND state = 'pending'",
            (
                state,
                to_iso(next_at),
                clean_text(error, ERROR_CHARS).replace("\n", " "),
                now_iso,
                outbox_id,
                target,
            ),
        )
        return bool(cur.rowcount == 1)


def give_up(store: Store, raised_before: datetime, error: str) -> int:
    """Deliveries still pending or failed for notifications raised before
    ``raised_before`` (past the delivery window) are ``gave_up``; how many."""
    before = to_iso(raised_before)
    rows = store._all(
        "SELECT d.outbox_id, d.target FROM outbox_deliveries d "
        "JOIN outbox o ON o.id = d.outbox_id "
        "WHERE d.state IN ('pending', 'failed') AND o.created_at < ?",
        (before,),
    )
    if not rows:
        return 0
    text = clean_text(error, ERROR_CHARS)
    with store.transaction() as conn:
        for row in rows:
            conn.execute(
                "UPDATE outbox_deliveries SET state = 'gave_up', "
                "last_error = coalesce(last_error, ?) "
                "WHERE outbox_id = ? AND target = ? AND state IN ('pending', 'failed')",
                (text, row["outbox_id"], row["target"]),
            )
    return len(rows)


def reopen_failed(store: Store, fingerprints: Mapping[str, str], now: datetime) -> int:
    """``failed`` deliveries of a target whose configuration changed since (its
    fingerprint in ``fingerprints`` differs from the one they were tried with) are
    pending again, now; how many."""
    rows = store._all(
        "SELECT outbox_id, target, target_hash FROM outbox_deliveries WHERE state = 'failed'"
    )
    changed = [
        r
        for r in rows
        if r["target"] in fingerprints and fingerprints[r["target"]] != r["target_hash"]
    ]
    if not changed:
        return 0
    now_iso = to_iso(now)
    with store.transaction() as conn:
        for row in changed:
            conn.execute(
                "UPDATE outbox_deliveries SET state = 'pending', next_at = ?, target_hash = ? "
                "WHERE outbox_id = ? AND target = ? AND state = 'failed'",
                (now_iso, fingerprints[row["target"]], row["outbox_id"], row["target"]),
            )
    return len(changed)


def deliveries(store: Store, outbox_id: int) -> list[Row]:
    """A notification's delivery rows, by target (tests and ``notify list``)."""
    return store._all(
        "SELECT * FROM outbox_deliveries WHERE outbox_id = ? ORDER BY target", (outbox_id,)
    )


# ------------------------------------------------------------------------- what shows


def target_deliveries(store: Store, since: datetime) -> list[TargetDeliveries]:
    """Per target with anything unsent: pending and failed counts, the oldest pending,
    the deliveries given up on for notifications raised since ``since``, the last error
    of an unsent one. Reads only (a leader's store will do); by target name."""
    since_iso = to_iso(since)
    with store.reading() as conn:
        counts = conn.execute(
            "SELECT d.target, d.state, count(*) AS n, min(o.created_at) AS oldest "
            "FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id "
            "WHERE d.state IN ('pending', 'failed') "
            "OR (d.state = 'gave_up' AND o.created_at >= ?) "
            "GROUP BY d.target, d.state",
            (since_iso,),
        ).fetchall()
        errors = conn.execute(
            "SELECT target, last_error, last_attempt_at FROM outbox_deliveries "
            "WHERE state IN ('pending', 'failed') AND last_error IS NOT NULL "
            "ORDER BY last_attempt_at DESC"
        ).fetchall()
    found: dict[str, dict[str, Any]] = {}
    for row in counts:
        entry = found.setdefault(str(row["target"]), {"name": str(row["target"])})
        state = str(row["state"])
        entry[state] = int(row["n"])
        if state == "pending":
            entry["oldest_pending_at"] = row["oldest"]
    for row in errors:
        entry = found.setdefault(str(row["target"]), {"name": str(row["target"])})
        if "last_error" not in entry:
            entry["last_error"] = clean_text(str(row["last_error"]), ERROR_CHARS)
            entry["last_error_at"] = row["last_attempt_at"]
    return [TargetDeliveries(**found[name]) for name in sorted(found)]


def waiting(store: Store) -> Waiting:
    """Notifications waiting for a sender (none has made their delivery rows yet)."""
    row = store._one(
        "SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE routed_at IS NULL"
    )
    if row is None:
        return Waiting(0, None)
    return Waiting(int(row["n"] or 0), row["oldest"])


def has_sent(store: Store) -> bool:
    """Has any sender made delivery rows on this desk (is it one that notifies)?"""
    return store._one("SELECT 1 AS one FROM outbox_deliveries LIMIT 1") is not None


# ------------------------------------------------------------------------- the lease


def take_sender_lease(
    store: Store, holder: str, seconds: float, *, unless_collector: bool = False
) -> bool:
    """Hold the ``notify-sender`` lease: take it (free, expired, or ours) and renew it
    when a third of it is spent. False when another holder has a live one, when the
    store is read-only (a leader never sends) or, with ``unless_collector``, when a
    collector other than ``holder`` runs: the collector sends then, and a lease of ours
    is given up for it."""
    if store.readonly:
        return False
    now = store.clock()
    with store.reading() as conn:
        leases = {
            str(r["name"]): (str(r["holder"]), from_iso(str(r["expires_at"])))
            for r in conn.execute(
                "SELECT name, holder, expires_at FROM leases WHERE name IN (?, ?)",
                (SENDER_LEASE, COLLECTOR_LEASE),
            )
        }
    collector = leases.get(COLLECTOR_LEASE)
    mine = leases.get(SENDER_LEASE)
    if unless_collector and collector is not None and collector[0] != holder and collector[1] > now:
        if mine is not None and mine[0] == holder:
            release_sender_lease(store, holder)
        return False
    if (
        mine is not None
        and mine[0] == holder
        and mine[1] - now > timedelta(seconds=seconds * 2 / 3)
    ):
        return True  # ours, and fresh enough: nothing to write
    expires = to_iso(now + timedelta(seconds=seconds))
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (SENDER_LEASE,)
        ).fetchone()
        if row is not None and row["holder"] != holder and from_iso(row["expires_at"]) > now:
            return False
        conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at",
            (SENDER_LEASE, holder, expires),
        )
        if row is not None and row["holder"] != holder:
            store.log_event(
                conn,
                "lease",
                None,
                "takeover",
                {"name": SENDER_LEASE, "holder": row["holder"], "expires_at": row["expires_at"]},
                {"name": SENDER_LEASE, "holder": holder, "expires_at": expires},
            )
    return True


def release_sender_lease(store: Store, holder: str) -> None:
    """Give the ``notify-sender`` lease up, if it is still ours."""
    if store.readonly:
        return
    with store.transaction() as conn:
        conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (SENDER_LEASE, holder))


def sender_lease(store: Store) -> Row | None:
    """The ``notify-sender`` lease as stored (``holder``, ``expires_at``), or None."""
    return store._one("SELECT holder, expires_at FROM leases WHERE name = ?", (SENDER_LEASE,))


# ------------------------------------------------------------------------- conditions


def urgent_unacknowledged(
    store: Store, received_before: datetime, received_after: datetime, limit: int = 50
) -> list[Row]:
    """Urgent requests still ``new`` (nobody acknowledged, assigned or moved them) that
    were received in [received_after, received_before], oldest first."""
    return store._all(
        "SELECT id, org, item, quantity, unit, received_at FROM requests "
        "WHERE status = 'new' AND priority_rank = 0 AND received_at >= ? AND received_at <= ? "
        "ORDER BY received_at, id LIMIT ?",
        (to_iso(received_after), to_iso(received_before), limit),
    )


def nobody_on_duty_since(store: Store) -> Row | None:
    """With no shift open: the last shift to end (``officer``, ``ended_at``); None when a
    shift is open or none was ever started."""
    with store.reading() as conn:
        if conn.execute("SELECT 1 FROM shifts WHERE ended_at IS NULL LIMIT 1").fetchone():
            return None
        row = conn.execute(
            "SELECT officer, ended_at FROM shifts WHERE ended_at IS NOT NULL "
            "ORDER BY ended_at DESC, id DESC LIMIT 1"
        ).fetchone()
    return dict(row) if row is not None else None


def failing_sources(store: Store, failing_before: datetime, limit: int = 50) -> list[Row]:
    """Sources failing since ``failing_before`` or earlier (``failing_since``)."""
    return store._all(
        "SELECT name, kind, failing_since, last_error FROM sources "
        "WHERE failing_since IS NOT NULL AND failing_since <= ? ORDER BY failing_since, name "
        "LIMIT ?",
        (to_iso(failing_before), limit),
    )


def overdue_arrivals(
    store: Store, eta_before: datetime, eta_after: datetime, limit: int = 50
) -> list[Row]:
    """Arrivals still in transit (expected or delayed) with an ETA in [eta_after,
    eta_before): past it and not seen to land."""
    states = sorted(str(s) for s in IN_TRANSIT)
    marks = ",".join("?" for _ in states)
    return store._all(
        f"SELECT * FROM arrivals WHERE state IN ({marks}) AND eta >= ? AND eta < ? "
        "ORDER BY eta, id LIMIT ?",
        (*states, to_iso(eta_after), to_iso(eta_before), limit),
    )


__all__ = [
    "COLLECTOR_LEASE",
    "SENDER_LEASE",
    "STATES",
    "Queued",
    "TargetDeliveries",
    "Waiting",
    "deliveries",
    "due",
    "enqueue",
    "failing_sources",
    "get_notification",
    "give_up",
    "has_sent",
    "local_formatter",
    "mark_failed",
    "mark_sent",
    "missing_keys",
    "nobody_on_duty_since",
    "overdue_arrivals",
    "release_sender_lease",
    "reopen_failed",
    "route",
    "sender_lease",
    "take_sender_lease",
    "target_deliveries",
    "unrouted",
    "urgent_unacknowledged",
    "waiting",
]
