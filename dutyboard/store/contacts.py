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
from dutyboard.store.base import ENTITY, Row, StoreCore
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, ValidationError


class ContactCommands:
    """The contact commands of the store."""

    def add_contact(self: StoreCore, fields: Mapping[str, Any]) -> int:
        """Add a contact with its ``create`` event. A number an earlier contact has links
        the two as possible duplicates, as an import does (a form, a pasted message)."""
        return ContactCommands.add_contacts(self, [fields])[0]

    def add_contacts(self: StoreCore, records: Sequence[Mapping[str, Any]]) -> list[int]:
        """Add several contacts in one transaction, in order, each with its ``create``
        event (as :meth:`add_contact` would, one after the other); all or none."""
        with self.transaction() as conn:
            ids = [self.insert_record(conn, "contacts", fields) for fields in records]
            flag_same_number(self, conn, "contacts", ids, at=self.now())
            return ids

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


# -- the same number twice (a form, a pasted message, an import) -------------------------


def same_number(conn: Connection, table: str, ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(new id, earlier id, E.164) for each of the records ``ids`` whose phone number an
    earlier record of ``table`` has (up to five each): one indexed query."""
    assert table in ENTITY, table  # a name from the code, never from outside
    wanted = set(ids)
    if not wanted:
        return []
    found: list[tuple[int, int, str]] = []
    per_record: dict[int, int] = {}
    rows = conn.execute(
        f"SELECT n.id, o.id, n.phone_e164 FROM {table} AS n JOIN {table} AS o "
        "ON o.phone_e164 = n.phone_e164 AND o.id < n.id "
        "WHERE n.id BETWEEN ? AND ? AND n.phone_e164 IS NOT NULL ORDER BY n.id, o.id",
        (min(wanted), max(wanted)),
    )
    for new_id, other_id, number in rows:
        if int(new_id) in wanted and per_record.get(int(new_id), 0) < 5:
            per_record[int(new_id)] = per_record.get(int(new_id), 0) + 1
            found.append((int(new_id), int(other_id), str(number)))
    return found


def flag_same_number(
    store: StoreCore, conn: Connection, table: str, ids: Sequence[int], *, at: str
) -> int:
    """Link each of the new records ``ids`` whose number (E.164) an earlier record of
    ``table`` has, as a possible duplicate: one person entered twice, or a switchboard.
    How many were flagged."""
    found = same_number(conn, table, ids)
    for new_id, other_id, number in found:
        reason = f"same phone number ({number}) as {ENTITY[table]} #{other_id}"
        link_duplicate(store, conn, table, new_id, other_id, reason, at=at)
    return len({new_id for new_id, _, _ in found})


def link_duplicate(
    store: StoreCore,
    conn: Connection,
    table: str,
    record_id: int,
    other_id: int,
    reason: str,
    *,
    at: str,
) -> None:
    """Link a new record to one that looks like it, with an event on each."""
    entity = ENTITY[table]
    conn.execute(
        "INSERT INTO possible_duplicates (entity, record_id, other_id, reason, "
        "detected_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (entity, record_id, other_id, reason, at),
    )
    link = {"record_id": record_id, "other_id": other_id, "reason": reason}
    store.log_event(conn, entity, record_id, "possible_duplicate", None, link)
    store.log_event(conn, entity, other_id, "possible_duplicate", None, link)
