"""Contact commands: add contacts, log a call or message to one.

:class:`ContactCommands` is a mixin of :class:`~dutyboard.store.Store`: call sites say
``store.add_contact(...)``. Each command is one short write transaction with its events
(:class:`~dutyboard.store.base.StoreCore`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.i18n import _
from dutyboard.store.base import Row, StoreCore
from dutyboard.store.errors import NotFound, ValidationError


class ContactCommands:
    """The contact commands of the store."""

    def add_contact(self: StoreCore, fields: Mapping[str, Any]) -> int:
        with self.transaction() as conn:
            return self.insert_record(conn, "contacts", fields)

    def add_contacts(self: StoreCore, records: Sequence[Mapping[str, Any]]) -> list[int]:
        """Add several contacts in one transaction, in order, each with its ``create``
        event (as :meth:`add_contact` would, one after the other); all or none."""
        with self.transaction() as conn:
            return [self.insert_record(conn, "contacts", fields) for fields in records]

    def record_contact_attempt(
        self: StoreCore, contact_id: int, channel: str, outcome: str, note: str = ""
    ) -> Row:
        """Log a call/message to a contact; ``last_contacted`` is now, the event keeps the
        channel, outcome and note (the contact's history is its events)."""
        channel, outcome = clean_text(channel), clean_text(outcome)
        note = clean_text(note, UNLIMITED)
        if not channel or not outcome:
            raise ValidationError(_("a contact attempt needs a channel and an outcome"))
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM contacts WHERE id = ?", (contact_id,)).fetchone()
            if row is None:
                raise NotFound(_("contact #{id} does not exist").format(id=contact_id))
            now = self.now()
            conn.execute(
                "UPDATE contacts SET last_contacted = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ?",
                (now, now, contact_id),
            )
            self.log_event(
                conn,
                "contact",
                contact_id,
                "contact_attempt",
                None,
                {"channel": channel, "outcome": outcome, "note": note or None},
                at=now,
            )
            return dict(
                conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
            )


__all__ = ["ContactCommands"]
