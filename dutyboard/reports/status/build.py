"""The status read from the store: one read-only snapshot of the desk.

The counts are aggregate queries shaped for the indexes, never a table loaded into Python
(:mod:`dutyboard.store.counts`), all read inside one read snapshot
(:meth:`~dutyboard.store.Store.reading`), so the numbers agree with each other even while
the officer keeps writing. A section with nothing to show does not import its module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.reports.status.model import (
    TOP,
    ArrivalLine,
    Arrivals,
    DeskStatus,
    HandoverInfo,
    LeadLine,
    Notifications,
    QuarantineCounts,
    RequestLine,
    RollCall,
    ShiftInfo,
    SourceHealth,
    SupplyTally,
    TargetDelivery,
)
from dutyboard.store import Row, Store
from dutyboard.store import counts as desk
from dutyboard.store.shifts import open_shift


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
    # One snapshot for every read (WAL readers never block the writer). The counts lean
    # on it: one status's count is the total less all the others.
    with store.reading():
        counts = desk.status_counts(store, now_iso)
        return DeskStatus(
            generated_at=now_iso,
            desk_name=desk_name,
            timezone=timezone,
            requests_by_status=counts.requests_by_status,
            open_by_priority=counts.open_by_priority,
            overdue=counts.overdue,
            top_urgent=_request_lines(desk.top_urgent(store, top)),
            top_overdue=_request_lines(desk.top_overdue(store, now_iso, top)),
            leads_by_status=counts.leads_by_status,
            awaiting_reply=counts.waiting,
            top_awaiting=_lead_lines(desk.top_waiting(store, now_iso, top)),
            shift=_shift(store),
            handover=_handover(store),
            sources=_sources(store),
            supplies=_supplies(store),
            arrivals=_arrivals(store, now_iso, top),
            rollcall=_rollcall(store, now_iso, timezone),
            quarantine=QuarantineCounts(*desk.quarantine_open(store)),
            notifications=_notifications(store, from_iso(now_iso)),
        )


# Deliveries given up are shown for notifications raised this recently.
GAVE_UP_SHOWN = timedelta(hours=48)


def _notifications(store: Store, now: datetime) -> Notifications:
    """Per target what is not yet delivered (pending, failed, given up lately, the last
    error), and the notifications no sender has picked up (only on a desk that has sent
    before, or has a sender now: on a desk without targets nothing is ever picked up)."""
    from dutyboard.store import outbox as box

    targets = [
        TargetDelivery(
            t.name,
            t.pending,
            t.failed,
            t.gave_up,
            t.oldest_pending_at,
            t.last_error,
            t.last_error_at,
        )
        for t in box.target_deliveries(store, now - GAVE_UP_SHOWN)
    ]
    lease = box.sender_lease(store)
    sender = None
    if lease is not None and from_iso(str(lease["expires_at"])) > now:
        sender = str(lease["holder"])
    waiting = box.waiting(store)
    if not (sender or box.has_sent(store)):
        waiting = box.Waiting(0, None)
    return Notifications(targets, waiting.count, waiting.oldest_at, sender)


def _arrivals(store: Store, now_iso: str, top: int, hours: int = 24) -> Arrivals:
    if not desk.has_any(store, "arrivals"):
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
    if not desk.has_any(store, "reporting_units"):
        return RollCall(reported=0, late=0, due=0, missing=0, units_missing=[])
    from dutyboard.store import rollcall as rc

    return RollCall(*desk.tally_rollcall(rc.roll_call(store, from_iso(now_iso), zone)))


def _request_lines(rows: Iterable[Row]) -> list[RequestLine]:
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


def _lead_lines(rows: Iterable[Row]) -> list[LeadLine]:
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
    row = open_shift(store)
    if row is None:
        return None
    return ShiftInfo(str(row["officer"]), str(row["started_at"]), row["taken_over_from"])


def _handover(store: Store) -> HandoverInfo | None:
    """The latest signed (or acknowledged) handover; a draft only when none was signed."""
    handover = desk.latest_handover(store)
    if handover is None:
        return None
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
        items=int(handover["items"]),
        items_acknowledged=int(handover["items_acknowledged"]),
    )


def _sources(store: Store) -> list[SourceHealth]:
    result = []
    for r in desk.source_health(store):
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


def _supplies(store: Store) -> list[SupplyTally]:
    """The same tallies as the supplies panel and the daily report (by category, in base
    units), without the requested-but-unmet column: that one walks every open request."""
    if not desk.has_any(store, "supplies"):
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
