"""Lead commands: add a lead, move it along the pipeline, set its next action, link its
goods to requests.

:class:`LeadCommands` is a mixin of :class:`~dutyboard.store.Store`: call sites say
``store.set_lead_status(...)``. Each command is one short write transaction with its
events (:class:`~dutyboard.store.base.StoreCore`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.status import ClosureReason, check_lead_transition, shown_noun
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.store.base import ENTITY, Row, StoreCore
from dutyboard.store.errors import NotFound, ValidationError


class LeadCommands:
    """The lead commands of the store."""

    def add_lead(self: StoreCore, fields: Mapping[str, Any]) -> int:
        with self.transaction() as conn:
            return self.insert_record(conn, "leads", fields)

    def set_lead_status(
        self: StoreCore,
        lead_id: int,
        status: str,
        *,
        reason: str | None = None,
        next_action_at: str | None = None,
        next_action: str | None = None,
        expected_version: int | None = None,
    ) -> Row:
        """Move a lead along the pipeline, the one path for every caller (the panel's
        ``s``, picked leads moved together, the CLI, the demo). Dropping needs a closure
        reason. The lead was just acted on, so its next action is reset: when
        (``next_action_at``, an ISO time) and what (``next_action``), none unless given;
        a "LATE" mark never outlives the action it asked for. One transaction, one
        ``status`` event carrying every change."""
        reset = _next_action_fields(next_action_at, next_action)
        with self.transaction() as conn:
            current = conn.execute("SELECT status FROM leads WHERE id = ?", (lead_id,)).fetchone()
            if current is None:
                raise NotFound(_("lead #{id} does not exist").format(id=lead_id))
            self.check_fresh(conn, "leads", lead_id, expected_version)
            target = check_lead_transition(current["status"], status, reason)
            changes: dict[str, Any] = {"status": target.value, **reset}
            if reason:
                changes["closure_reason"] = ClosureReason(reason).value
            return self.update_record(
                conn, "leads", lead_id, changes, action="status", expected_version=expected_version
            )

    # The desk's name for it (widgets/leads): a move is a status change, nothing else.
    move_lead = set_lead_status

    def set_next_action(
        self: StoreCore,
        lead_id: int,
        when: str | None,
        what: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> Row:
        """Set a lead's next action, when (an ISO time) and what (``leads.next_action``),
        both replaced: ``None`` or empty clears that half, so ``set_next_action(id,
        None)`` clears the whole next action. One ``next_action`` event."""
        with self.transaction() as conn:
            return self.update_record(
                conn,
                "leads",
                lead_id,
                _next_action_fields(when, what),
                action="next_action",
                expected_version=expected_version,
            )

    # -- a lead's goods for requests ------------------------------------------------------

    def link_lead_request(
        self: StoreCore, lead_id: int, request_id: int, quantity: float | None
    ) -> None:
        """Record that (part of) a lead's goods go to a request; linking again updates it."""
        if quantity is not None and quantity <= 0:
            raise ValidationError(_("the linked quantity must be positive"))
        with self.transaction() as conn:
            for table, record_id in (("leads", lead_id), ("requests", request_id)):
                if (
                    conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)).fetchone()
                    is None
                ):
                    raise NotFound(
                        _("{what} #{id} does not exist").format(
                            what=shown_noun(ENTITY[table]), id=record_id
                        )
                    )
            before = conn.execute(
                "SELECT quantity FROM lead_requests WHERE lead_id = ? AND request_id = ?",
                (lead_id, request_id),
            ).fetchone()
            conn.execute(
                "INSERT INTO lead_requests (lead_id, request_id, quantity, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (lead_id, request_id) "
                "DO UPDATE SET quantity = excluded.quantity",
                (lead_id, request_id, quantity, self.now()),
            )
            after = {"lead_id": lead_id, "request_id": request_id, "quantity": quantity}
            old = dict(before) if before else None
            self.log_event(conn, "lead", lead_id, "link", old, after)
            self.log_event(conn, "request", request_id, "link", old, after)

    def links(self: StoreCore, table: str, record_id: int) -> list[Row]:
        """The leads linked to a request, or the requests linked to a lead."""
        if table == "requests":
            return self._all(
                "SELECT l.id, l.supplier AS name, l.item, l.status, lr.quantity "
                "FROM lead_requests lr JOIN leads l ON l.id = lr.lead_id "
                "WHERE lr.request_id = ? ORDER BY l.id",
                (record_id,),
            )
        if table == "leads":
            return self._all(
                "SELECT r.id, r.org AS name, r.item, r.status, lr.quantity "
                "FROM lead_requests lr JOIN requests r ON r.id = lr.request_id "
                "WHERE lr.lead_id = ? ORDER BY r.id",
                (record_id,),
            )
        return []


def _next_action_fields(when: str | None, what: str | None) -> dict[str, Any]:
    """A lead's next action as stored: the time in UTC ISO, the text cleaned and trimmed
    (:func:`~dutyboard.store.store.clean_fields` cleans it again on the way in), None for
    what is not given."""
    text = clean_text(str(what)) if what is not None else ""
    return {"next_action_at": _next_action_time(when), "next_action": text or None}


def _next_action_time(when: str | None) -> str | None:
    """A next-action time as stored: UTC ISO, or None."""
    if when is None or not str(when).strip():
        return None
    try:
        return to_iso(from_iso(str(when).strip()))
    except ValueError:
        raise ValidationError(
            _("next action time {when!r} is not an ISO date and time").format(when=when)
        ) from None


__all__ = ["LeadCommands"]
