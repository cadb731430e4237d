"""The collector's side of the store: its lease, and the ``sources`` table.

* **Lease** — one ``leases`` row named ``collector`` (holder ``host:pid``, ``expires_at``),
  taken at start (:func:`acquire_lease`), renewed every third of its life
  (:func:`renew_lease`), released at the end (:func:`release_lease`). A second collector
  is refused with :class:`LeaseHeld` naming the holder; an expired lease (a crashed
  collector) is taken over, with a ``takeover`` event.
* **Sources** — a row per configured source (:func:`register_sources`: its settings name
  secrets, never hold them), the health of each fetch or scan (:func:`record_health`)
  and the feed's conditional-request validators (:func:`source_validators`). Which
  sources are failing, and a file's own effect on that, is :mod:`dutyboard.store.quarantine`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Protocol

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.text import clean_text
from dutyboard.store.errors import StoreError
from dutyboard.store.quarantine import MAX_REASON_CHARS
from dutyboard.store.store import Row, Store

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


def acquire_lease(store: Store, holder: str, seconds: float) -> str:
    """Take the collector lease (or take over an expired one); return its expiry.

    Raises ``LeaseHeld`` when another live holder has it.
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
                f"another collector is running: {shown} holds the lease "
                f"until {row['expires_at']} ({left:.0f} s from now unless it renews it); stop "
                "that one first, or if it crashed, start again once the lease has expired"
            )
        conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at",
            (LEASE_NAME, holder, expires),
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
    """Extend our lease; False when it is no longer ours (someone took it over)."""
    expires = to_iso(store.clock() + timedelta(seconds=seconds))
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
            (expires, LEASE_NAME, holder),
        )
        return cur.rowcount == 1


def release_lease(store: Store, holder: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (LEASE_NAME, holder))


def current_lease(store: Store) -> Row | None:
    """The collector lease as stored (``holder``, ``expires_at``), None when nobody holds it."""
    with store.reading() as conn:
        found = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (LEASE_NAME,)
        ).fetchone()
    return dict(found) if found is not None else None


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
    "LeaseHeld",
    "SourceSettings",
    "acquire_lease",
    "current_lease",
    "record_health",
    "register_sources",
    "release_lease",
    "renew_lease",
    "source_validators",
]
