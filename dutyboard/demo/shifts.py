"""The demo's officers and their past: last night's shift and its signed handover.

Written through the store's own commands (``start_shift``, ``end_shift``) and
:func:`dutyboard.store.seed.add_past_handover`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dutyboard.domain.clock import to_iso
from dutyboard.store import Store
from dutyboard.store.seed import add_past_handover

OFFICERS = ["Zhang Wei", "Li Na", "Wang Fang"]


def add_past_shift_and_handover(store: Store, t: list[datetime], now: datetime) -> None:
    """Last night: Li Na's shift, ended at five hours ago with a handover to Zhang Wei,
    signed and acknowledged; ``t[0]`` is the store's clock."""
    outgoing, incoming = OFFICERS[1], OFFICERS[0]
    store.actor = outgoing
    t[0] = now - timedelta(hours=17)
    shift_id = store.start_shift(outgoing)
    t[0] = now - timedelta(hours=5, minutes=20)
    add_past_handover(
        store,
        shift_id,
        from_officer=outgoing,
        to_officer=incoming,
        notes="Charter flight permit still pending — call the airport at 06:00. "
        "50,000 masks from the sister city landed 01:00, counted and stored.",
        items=[
            (
                "request",
                "Jilin University: 2,000 KN95 masks, urgent — supplier confirmed",
                outgoing,
                "confirm delivery time",
            ),
            (
                "lead",
                "Lyon Textiles Médicaux: waiting for FFP2 certificate scan",
                outgoing,
                "chase at 15:00 Paris time",
            ),
            (
                "lead",
                "Charter flight 1.9M masks: flight permit pending",
                None,
                "call airport 06:00",
            ),
        ],
        acknowledged_at=to_iso(now - timedelta(hours=5)),
    )
    t[0] = now - timedelta(hours=5)
    store.end_shift(shift_id)


__all__ = ["OFFICERS", "add_past_shift_and_handover"]
