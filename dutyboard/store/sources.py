"""The collector's side of the store: its lease, and the ``sources`` table.

* **Lease** — one ``leases`` row named ``collector`` (holder ``host:pid``, ``expires_at``),
  taken at start (:func:`acquire_lease`), renewed every third of its life
  (:func:`renew_lease`), released at the end (:func:`release_lease`). A second collector
  is refused with :class:`LeaseHeld` naming the holder; an expired lease (a crashed
  collector) is taken over, with a ``takeover`` event.
* **Last run** — the ``collector_last_run`` row outlives the lease: each of those three
  writes it in the same transaction (started, seen alive, stopped), so
  :func:`collector_status` can say when the collector last ran, and whether that is
  longer ago than its sources allow (``dutyboard check``).
* **Sources** — a row per configured source (:func:`register_sources`: its settings name
  secrets, never hold them), the health of each fetch or scan (:func:`record_health`)
  and the feed's conditional-request validators (:func:`source_validators`). Which
  sources are failing, and a file's own effect on that, is :mod:`dutyboard.store.quarantine`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.store.engine import Connection
from dutyboard.store.errors import StoreError
from dutyboard.store.quarantine import MAX_REASON_CHARS
from dutyboard.store.store import Row, Store

if TYPE_CHECKING:
    pass

LEASE_NAME = "collector"


class LeaseHeld(StoreError):
    """Another collector holds the lease."""


class SourceSettings(Protocol):
    """What the ``sources`` table keeps of a configured source (``SourceConfig``)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def format(self) -> str | None: ...

    def location(self) -> str: ...

    def settings(self) -> dict[str, Any]: ...


# ------------------------------------------------------------------------- lease


def acquire_lease(
    store: Store,
    holder: str,
    seconds: float,
    *,
    once: bool = False,
    sources: int | None = None,
    interval_seconds: float | None = None,
) -> str:
    """Take the collector lease (or take over an expired one); return its expiry.

    Raises ``LeaseHeld`` when another live holder has it. The run is recorded as
    started (``collector_last_run``): a single pass or not (``once``), how many
    ``sources`` and the shortest of their intervals, which say when a collector that is
    not seen again is overdue (:func:`collector_status`).
    """
    now = store.clock()
    expires = to_iso(now + timedelta(seconds=seconds))
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (LEASE_NAME,)
        ).fetchone()
        if row is not None and row["holder"] != holder and from_iso(row["expires_at"]) > now:
            left = (from_iso(row["expires_at"]) - now).total_seconds()
            shown = clean_text(str(row["holder"]), limit=120).replace("\n", " ")
            raise LeaseHeld(
                _(
                    "another collector is running: {holder} holds the lease until {until} "
                    "({seconds} s from now unless it renews it); stop that one first, or if "
                    "it crashed, start again once the lease has expired"
                ).format(holder=shown, until=row["expires_at"], seconds=f"{left:.0f}")
            )
        conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at",
            (LEASE_NAME, holder, expires),
        )
        started = to_iso(now)
        conn.execute(
            "INSERT INTO collector_last_run (name, holder, started_at, seen_at, stopped_at, "
            "once, sources, interval_seconds, lease_seconds) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "started_at = excluded.started_at, seen_at = excluded.seen_at, stopped_at = NULL, "
            "once = excluded.once, sources = excluded.sources, "
            "interval_seconds = excluded.interval_seconds, "
            "lease_seconds = excluded.lease_seconds",
            (LEASE_NAME, holder, started, started, int(once), sources, interval_seconds, seconds),
        )
        if row is not None and row["holder"] != holder:
            store.log_event(
                conn,
                "lease",
                None,
                "takeover",
                {"holder": row["holder"], "expires_at": row["expires_at"]},
                {"holder": holder, "expires_at": expires},
            )
    return expires


def renew_lease(store: Store, holder: str, seconds: float) -> bool:
    """Extend our lease; False when it is no longer ours (someone took it over). The
    collector is seen alive (``collector_last_run.seen_at``)."""
    now = store.clock()
    expires = to_iso(now + timedelta(seconds=seconds))
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
            (expires, LEASE_NAME, holder),
        )
        ours = bool(cur.rowcount == 1)
        if ours:
            _seen(conn, holder, to_iso(now))
        return ours


def release_lease(store: Store, holder: str) -> None:
    """Give the lease up (if it is still ours); the run is recorded as stopped."""
    now = to_iso(store.clock())
    with store.transaction() as conn:
        cur = conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (LEASE_NAME, holder))
        if cur.rowcount == 1:
            _seen(conn, holder, now, stopped=True)


def _seen(conn: Connection, holder: str, now: str, *, stopped: bool = False) -> None:
    conn.execute(
        "UPDATE collector_last_run SET seen_at = ?, "
        "stopped_at = CASE WHEN ? THEN ? ELSE stopped_at END WHERE name = ? AND holder = ?",
        (now, int(stopped), now, LEASE_NAME, holder),
    )


def current_lease(store: Store) -> Row | None:
    """The collector lease as stored (``holder``, ``expires_at``), None when nobody holds it."""
    with store.reading() as conn:
        found = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (LEASE_NAME,)
        ).fetchone()
    return dict(found) if found is not None else None


# ------------------------------------------------------------------------- last run

# A collector that holds no live lease is overdue (``stale``) once it has not been seen
# for this many of its sources' shortest interval, and never sooner than STALE_MIN_SECONDS
# (a cron job running `collect --once` every few minutes is not "not running" between two
# runs). Its intervals are what the desk asked of it: a feed polled every 300 s, unseen
# for 15 minutes, has missed three polls.
STALE_INTERVALS = 3
STALE_MIN_SECONDS = 600.0


@dataclass(frozen=True)
class CollectorStatus:
    """What the desk knows of its collector: ``state`` is ``never`` (no run recorded),
    ``running`` (it holds a live lease), ``stopped`` (it released the lease) or
    ``crashed`` (its lease expired without being released). Times are ISO-8601 UTC;
    ``seconds_since_seen`` is measured on the store's clock."""

    state: str
    holder: str | None = None  # host:pid ("" when not recorded: a run before m120)
    started_at: str | None = None
    seen_at: str | None = None  # its last sign of life: start, lease renewal, stop
    stopped_at: str | None = None
    lease_expires_at: str | None = None
    once: bool = False
    sources: int | None = None
    interval_seconds: float | None = None  # the shortest of its sources' intervals
    seconds_since_seen: float | None = None
    stale_after_seconds: float = STALE_MIN_SECONDS
    stale: bool = False  # not running, and not seen for longer than stale_after_seconds


def stale_after(interval_seconds: float | None) -> float:
    """How long a collector whose shortest source interval is ``interval_seconds`` may go
    unseen before it is overdue."""
    return max(STALE_INTERVALS * (interval_seconds or 0.0), STALE_MIN_SECONDS)


def collector_status(store: Store) -> CollectorStatus:
    """When the collector last ran, whether it runs now, whether it is overdue (one read
    of ``leases`` and ``collector_last_run``; a leader's read-only store will do)."""
    now = store.clock()
    with store.reading() as conn:
        lease = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (LEASE_NAME,)
        ).fetchone()
        run = conn.execute(
            "SELECT holder, started_at, seen_at, stopped_at, once, sources, interval_seconds "
            "FROM collector_last_run WHERE name = ?",
            (LEASE_NAME,),
        ).fetchone()
    if lease is None and run is None:
        return CollectorStatus(state="never")
    expires = str(lease["expires_at"]) if lease is not None else None
    if lease is not None and from_iso(str(lease["expires_at"])) > now:
        state = "running"
    elif lease is not None:
        state = "crashed"
    else:
        state = "stopped"
    if run is None:  # a lease taken by a collector older than m120: only the lease says
        return CollectorStatus(state=state, holder=str(lease["holder"]), lease_expires_at=expires)
    interval = float(run["interval_seconds"]) if run["interval_seconds"] is not None else None
    since = max((now - from_iso(str(run["seen_at"]))).total_seconds(), 0.0)
    after = stale_after(interval)
    return CollectorStatus(
        state=state,
        holder=str(lease["holder"] if state == "running" else run["holder"]),
        started_at=run["started_at"],
        seen_at=run["seen_at"],
        stopped_at=run["stopped_at"],
        lease_expires_at=expires,
        once=bool(run["once"]),
        sources=run["sources"],
        interval_seconds=interval,
        seconds_since_seen=since,
        stale_after_seconds=after,
        stale=state != "running" and since > after,
    )


# ------------------------------------------------------------------------- sources table


def register_sources(store: Store, sources: Iterable[SourceSettings]) -> None:
    """Make a ``sources`` row per configured source (settings name secrets, never hold them)."""
    with store.transaction() as conn:
        for source in sources:
            conn.execute(
                "INSERT INTO sources (name, kind, location, format, settings) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
                "location = excluded.location, format = excluded.format, "
                "settings = excluded.settings",
                (
                    source.name,
                    source.kind,
                    source.location(),
                    source.format,
                    json.dumps(source.settings(), ensure_ascii=False, sort_keys=True),
                ),
            )


def record_health(
    store: Store,
    name: str,
    *,
    error: str | None = None,
    latency_ms: float | None = None,
    validators: tuple[str | None, str | None] | None = None,
    file: str | None = None,
) -> None:
    """A fetch or scan of source ``name`` succeeded (``error`` None) or failed.

    With ``file``, the failure is that file's (it could not be read or moved): the source
    stays failing until a later file from it is clean, like a quarantined file keeps it.
    A success clears a fetch or scan failure, never a file's: that takes a later clean
    file or a resolved quarantine (:mod:`dutyboard.store.quarantine`). ``validators``
    (ETag, Last-Modified) are kept for the next conditional request.
    """
    now = store.now()
    with store.transaction() as conn:
        if error is None:
            conn.execute(
                "UPDATE sources SET last_checked_at = ?, consecutive_failures = 0, "
                "last_latency_ms = coalesce(?, last_latency_ms), "
                "last_ok_at = CASE WHEN failing_file IS NULL THEN ? ELSE last_ok_at END, "
                "failing_since = CASE WHEN failing_file IS NULL THEN NULL ELSE failing_since "
                "END WHERE name = ?",
                (now, latency_ms, now, name),
            )
        elif file is None:
            conn.execute(
                "UPDATE sources SET last_error_at = ?, last_checked_at = ?, last_error = ?, "
                "consecutive_failures = consecutive_failures + 1, "
                "failing_since = coalesce(failing_since, ?), "
                "last_latency_ms = coalesce(?, last_latency_ms) WHERE name = ?",
                (now, now, clean_text(error, limit=MAX_REASON_CHARS), now, latency_ms, name),
            )
        else:
            conn.execute(
                "UPDATE sources SET last_error_at = ?, last_error = ?, "
                "failing_since = coalesce(failing_since, ?), failing_file = ?, "
                "failing_run_id = NULL WHERE name = ?",
                (now, clean_text(error, limit=MAX_REASON_CHARS), now, file, name),
            )
        if validators is not None:
            conn.execute(
                "UPDATE sources SET etag = ?, last_modified = ? WHERE name = ?",
                (*validators, name),
            )


def source_validators(store: Store, name: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified a feed last answered with (for a conditional request)."""
    with store._lock:
        row = store.conn.execute(
            "SELECT etag, last_modified FROM sources WHERE name = ?", (name,)
        ).fetchone()
    return (row[0], row[1]) if row else (None, None)


__all__ = [
    "LEASE_NAME",
    "STALE_INTERVALS",
    "STALE_MIN_SECONDS",
    "CollectorStatus",
    "LeaseHeld",
    "SourceSettings",
    "acquire_lease",
    "collector_status",
    "current_lease",
    "record_health",
    "register_sources",
    "release_lease",
    "renew_lease",
    "source_validators",
    "stale_after",
]
