"""Status machines: the only place that says which transition is legal."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from dutyboard.i18n import _

E = TypeVar("E", bound=StrEnum)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 is the most pressing; used for sorting."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class RequestStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    REJECTED = "rejected"


class LeadStatus(StrEnum):
    NEW = "new"
    VERIFYING = "verifying"
    NEGOTIATING = "negotiating"
    ORDERED = "ordered"
    IN_TRANSIT = "in_transit"
    CUSTOMS = "customs"
    RECEIVED = "received"
    DROPPED = "dropped"


class ClosureReason(StrEnum):
    """Why a lead was dropped. Required when a lead moves to ``dropped``."""

    NO_STOCK = "no_stock"
    PRICE = "price"
    QUALITY = "quality"
    CERTIFICATION = "certification"
    UNREACHABLE = "unreachable"
    DUPLICATE = "duplicate"
    EXPORT_BAN = "export_ban"
    OTHER = "other"


REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.NEW: frozenset(
        {RequestStatus.ACKNOWLEDGED, RequestStatus.REJECTED, RequestStatus.CLOSED}
    ),
    RequestStatus.ACKNOWLEDGED: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.REJECTED, RequestStatus.CLOSED}
    ),
    RequestStatus.IN_PROGRESS: frozenset(
        {
            RequestStatus.PARTIALLY_FULFILLED,
            RequestStatus.FULFILLED,
            RequestStatus.CLOSED,
            RequestStatus.REJECTED,
        }
    ),
    RequestStatus.PARTIALLY_FULFILLED: frozenset(
        {RequestStatus.FULFILLED, RequestStatus.CLOSED, RequestStatus.IN_PROGRESS}
    ),
    RequestStatus.FULFILLED: frozenset({RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
}

# A lead's stages in order: it moves forward along them, or is dropped from any open one.
LEAD_PIPELINE = [
    LeadStatus.NEW,
    LeadStatus.VERIFYING,
    LeadStatus.NEGOTIATING,
    LeadStatus.ORDERED,
    LeadStatus.IN_TRANSIT,
    LeadStatus.CUSTOMS,
    LeadStatus.RECEIVED,
]
LEAD_TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.VERIFYING, LeadStatus.NEGOTIATING, LeadStatus.DROPPED}),
    LeadStatus.VERIFYING: frozenset({LeadStatus.NEGOTIATING, LeadStatus.DROPPED}),
    LeadStatus.NEGOTIATING: frozenset({LeadStatus.ORDERED, LeadStatus.DROPPED}),
    LeadStatus.ORDERED: frozenset({LeadStatus.IN_TRANSIT, LeadStatus.DROPPED}),
    # Goods flown in on a charter may skip a separate customs stage.
    LeadStatus.IN_TRANSIT: frozenset({LeadStatus.CUSTOMS, LeadStatus.RECEIVED, LeadStatus.DROPPED}),
    LeadStatus.CUSTOMS: frozenset({LeadStatus.RECEIVED, LeadStatus.DROPPED}),
    LeadStatus.RECEIVED: frozenset(),
    LeadStatus.DROPPED: frozenset(),
}

OPEN_REQUEST_STATUSES = frozenset(
    {
        RequestStatus.NEW,
        RequestStatus.ACKNOWLEDGED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.PARTIALLY_FULFILLED,
    }
)
OPEN_LEAD_STATUSES = frozenset(set(LeadStatus) - {LeadStatus.RECEIVED, LeadStatus.DROPPED})
# Ending a request without delivering asks the officer to say why (kept in its notes).
REASON_REQUIRED = frozenset({RequestStatus.REJECTED, RequestStatus.CLOSED})


def request_targets(current: str) -> list[RequestStatus]:
    """Legal next statuses of a request, in pipeline order (for the status picker)."""
    targets = REQUEST_TRANSITIONS.get(RequestStatus(current), frozenset())
    return [s for s in RequestStatus if s in targets]


def lead_targets(current: str) -> list[LeadStatus]:
    """Legal next stages of a lead, in pipeline order."""
    targets = LEAD_TRANSITIONS.get(LeadStatus(current), frozenset())
    return [s for s in LeadStatus if s in targets]


class IllegalTransition(ValueError):
    """A status change the status machine does not allow; the message is for people."""


def shown_word(value: str) -> str:
    """A stored word (a status, a state, a reason) inside a message, in the interface
    language: the catalogue's word for it ("in_progress" → "in progress" → 办理中), else
    the value as stored, so an English message reads exactly as it always has."""
    spaced = value.replace("_", " ")
    word = _(spaced)
    return value if word == spaced else word


def shown_noun(entity: str) -> str:
    """A record's kind inside a message ("request", "reporting_unit"), in the interface
    language: the catalogue's ``conflict\x04`` noun (the version-conflict messages'), else
    its plain entry ("closure reason"), else as given."""
    key = f"conflict\x04{entity}"
    word = _(key)
    return _(entity) if word == key else word


def shown_list(values: Iterable[str]) -> str:
    """Stored words as a list in a message: "new, closed" / "新，已关闭"."""
    return _(", ").join(shown_word(v) for v in values)


def check_request_transition(current: str, target: str) -> RequestStatus:
    """Return the target status if ``current → target`` is legal, else raise."""
    cur, tgt = _parse(RequestStatus, current, "request"), _parse(RequestStatus, target, "request")
    if tgt not in REQUEST_TRANSITIONS[cur]:
        raise IllegalTransition(
            _("a request that is {current} cannot become {target}; allowed: {allowed}").format(
                current=shown_word(cur.value),
                target=shown_word(tgt.value),
                allowed=_allowed(REQUEST_TRANSITIONS[cur]),
            )
        )
    return tgt


def check_lead_transition(current: str, target: str, reason: str | None = None) -> LeadStatus:
    """Return the target status if legal; ``dropped`` needs a :class:`ClosureReason`."""
    cur, tgt = _parse(LeadStatus, current, "lead"), _parse(LeadStatus, target, "lead")
    if tgt not in LEAD_TRANSITIONS[cur]:
        raise IllegalTransition(
            _("a lead that is {current} cannot become {target}; allowed: {allowed}").format(
                current=shown_word(cur.value),
                target=shown_word(tgt.value),
                allowed=_allowed(LEAD_TRANSITIONS[cur]),
            )
        )
    if tgt is LeadStatus.DROPPED:
        if not reason:
            raise IllegalTransition(
                _("dropping a lead needs a closure reason: {reasons}").format(
                    reasons=shown_list(r.value for r in ClosureReason)
                )
            )
        _parse(ClosureReason, reason, "closure reason")
    return tgt


def lead_stage_index(status: str) -> int:
    """Position along the pipeline (dropped sorts last)."""
    try:
        return LEAD_PIPELINE.index(LeadStatus(status))
    except ValueError:
        return len(LEAD_PIPELINE)


def _parse(enum: type[E], value: str, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise IllegalTransition(
            _("unknown {what} status {value!r}; expected one of {choices}").format(
                what=shown_noun(what), value=value, choices=", ".join(e.value for e in enum)
            )
        ) from None


def _allowed(targets: frozenset[RequestStatus] | frozenset[LeadStatus]) -> str:
    return shown_list(sorted(t.value for t in targets)) or _("none (final state)")
