"""The status snapshot: what ``dutyboard status`` shows, as plain immutable values.

Named tuples rather than frozen dataclasses: as immutable, and a dataclass compiles its
methods when the module is imported, ~0.7 ms each, paid by every `dutyboard status`
(every leader's SSH call). :func:`~dutyboard.reports.status.as_json.to_json_dict` spells
out the nested ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Priority

TOP = 5  # records per list in the model (and the JSON)


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


class TargetDelivery(NamedTuple):
    """One notification target's unsent deliveries (``dutyboard.store.outbox``)."""

    name: str
    pending: int
    failed: int
    gave_up: int  # of notifications raised in the last two days
    oldest_pending_at: str | None
    last_error: str | None  # of an unsent delivery, masked when it was stored
    last_error_at: str | None


class Notifications(NamedTuple):
    """The outbox: per target what is not yet delivered, and what no sender has seen."""

    targets: list[TargetDelivery]
    waiting: int  # notifications no sender has made deliveries of yet
    oldest_waiting_at: str | None
    sender: str | None  # who holds the sender lease now (host:pid), None when nobody


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
    notifications: Notifications | None = None

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
