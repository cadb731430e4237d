"""Writes that give a new desk a past in one go (``dutyboard demo``): what the desk's
own commands would have written over a shift, at once.

Same rules as the rest of the store: one short write transaction with its ``events``
row, every text cleaned (:func:`~dutyboard.store.store.clean_fields`).
"""

from __future__ import annotations

from collections.abc import Sequence

from dutyboard.store.store import Store, clean_fields

# A past handover's item: (entity, summary, owner, next step).
PastItem = tuple[str, str, str | None, str]


def add_past_handover(
    store: Store,
    shift_id: int,
    *,
    from_officer: str,
    to_officer: str,
    notes: str,
    items: Sequence[PastItem],
    acknowledged_at: str,
) -> int:
    """A handover of ``shift_id`` signed now by ``from_officer`` and already
    acknowledged, with each of its ``items``, by ``to_officer`` at ``acknowledged_at``
    (an ISO time); one ``sign`` event. Returns the handover's id."""
    with store.transaction() as conn:
        at = store.now()
        head = clean_fields(
            {"from_officer": from_officer, "to_officer": to_officer, "notes": notes}
        )
        cur = conn.execute(
            "INSERT INTO handovers (shift_id, from_officer, to_officer, state, notes, "
            "created_at, signed_at, acknowledged_at, acknowledged_by) "
            "VALUES (?, ?, ?, 'acknowledged', ?, ?, ?, ?, ?)",
            (
                shift_id,
                head["from_officer"],
                head["to_officer"],
                head["notes"],
                at,
                at,
                acknowledged_at,
                head["to_officer"],
            ),
        )
        handover_id = int(cur.lastrowid or 0)
        for entity, summary, owner, step in items:
            item = clean_fields({"summary": summary, "owner": owner, "next_step": step})
            conn.execute(
                "INSERT INTO handover_items (handover_id, entity, summary, owner, next_step, "
                "acknowledged_at, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    handover_id,
                    entity,
                    item["summary"],
                    item["owner"],
                    item["next_step"],
                    acknowledged_at,
                    head["to_officer"],
                ),
            )
        store.log_event(conn, "handover", handover_id, "sign", None, {"state": "signed"})
    return handover_id


__all__ = ["PastItem", "add_past_handover"]
