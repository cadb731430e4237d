"""Shift handover: drafted from the events log, signed off, acknowledged item by item.

Functions take the :class:`Store` first. Every write runs in ``store.transaction()`` and
appends its ``events`` row(s) in the same transaction; the rules (what may change in
which state) live in :mod:`dutyboard.domain.handover`. A signed handover is never
edited: the functions refuse with a clear error before writing anything, and triggers
in the schema refuse any other writer too.

The brief (:mod:`dutyboard.store.brief`) covers the events since the previous handover
was signed (or, with none, since the start of the shift, reaching back across
take-overs: :func:`_window_start`), up to now for a draft and up to the signature once
signed, when it is frozen into the handover row. The items' order and snapshots are
:mod:`dutyboard.store.handover_items`; who is on duty, :mod:`dutyboard.store.shifts`.

Every text written here is cleaned first (:func:`~dutyboard.store.store.clean_fields`,
:func:`~dutyboard.domain.text.clean_text`): notes, items, questions, amendments, names.
What is read back for showing (:func:`handover_view`, :func:`handover_history`,
:func:`item_history`) is cleaned again, so a desk written before the rule shows safe too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dutyboard.domain.handover import (
    Brief,
    HandoverState,
    HandoverView,
    LocalTime,
    PassTo,
    check_acknowledge,
    check_amend,
    check_author,
    check_question,
    check_sign,
    item_label,
    render,
)
from dutyboard.domain.status import shown_noun
from dutyboard.domain.text import UNLIMITED, clean_data, clean_text
from dutyboard.i18n import _
from dutyboard.store.brief import STALE_AFTER_HOURS, clean_brief, draw_brief
from dutyboard.store.counts import (
    OPEN_LEAD_SQL,
    OPEN_LEADS,
    OPEN_REQUEST_SQL,
    OPEN_REQUESTS,
    OVERDUE,
)
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, StaleEdit, ValidationError, stale_version
from dutyboard.store.handover_items import (
    ITEM_ORDER,
    RECORD_TABLES,
    carried_item,
    end_position,
    insert_item,
    position_after,
    update_snapshots,
)
from dutyboard.store.outbox import enqueue, local_formatter
from dutyboard.store.store import Row, Store, clean_name

# Open items drafted per kind (requests, leads); the rest are counted, never hidden.
ITEM_CAP = 20


@dataclass(frozen=True)
class Acknowledgement:
    handover_id: int
    acknowledged: int  # items acknowledged by this call
    completed: bool  # every item is now acknowledged: the handover is acknowledged
    passed: int  # records passed from the outgoing officer


# -- reading ----------------------------------------------------------------------------


def _row(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
    found = conn.execute(sql, params).fetchone()
    return dict(found) if found is not None else None


def _rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _handover(conn: Connection, handover_id: int) -> Row:
    row = _row(conn, "SELECT * FROM handovers WHERE id = ?", (handover_id,))
    if row is None:
        raise NotFound(_("handover #{id} does not exist").format(id=handover_id))
    return row


def get_handover(store: Store, handover_id: int) -> Row:
    with store.reading() as conn:
        return _handover(conn, handover_id)


def latest_handover_id(store: Store) -> int | None:
    row = store._one("SELECT id FROM handovers ORDER BY id DESC LIMIT 1")
    return int(row["id"]) if row else None


def current_draft_id(store: Store) -> int | None:
    """The draft of the shift on duty, if its officer has started one."""
    row = store._one(
        "SELECT h.id FROM handovers h JOIN shifts s ON s.id = h.shift_id "
        "WHERE s.ended_at IS NULL AND h.state = 'draft' ORDER BY h.id DESC LIMIT 1"
    )
    return int(row["id"]) if row else None


def pending_handover_id(store: Store) -> int | None:
    """A signed handover waiting for the incoming officer's acknowledgement."""
    row = store._one("SELECT id FROM handovers WHERE state = 'signed' ORDER BY id DESC LIMIT 1")
    return int(row["id"]) if row else None


def handover_to_show(store: Store) -> int | None:
    """What ``enter`` on the panel opens: a pending or drafted handover, else the last."""
    return pending_handover_id(store) or current_draft_id(store) or latest_handover_id(store)


def handover_view(
    store: Store, handover_id: int, *, stale_after_hours: float = STALE_AFTER_HOURS
) -> HandoverView:
    """The handover, its items and its brief (live for a draft, frozen once signed)."""
    with store.reading() as conn:
        h = _handover(conn, handover_id)
        items = _rows(
            conn,
            f"SELECT * FROM handover_items WHERE handover_id = ? {ITEM_ORDER}",
            (handover_id,),
        )
        if h["state"] == HandoverState.DRAFT:
            brief: Brief | None = draw_brief(
                conn,
                covers_from=str(h["covers_from"] or h["created_at"]),
                covers_to=store.now(),
                since_event_id=int(h["since_event_id"] or 0),
                stale_after_hours=stale_after_hours,
            )
        else:
            brief = Brief.from_json(h["brief"]) if h["brief"] else None
        events = _rows(
            conn,
            "SELECT at, actor, action, after FROM events WHERE entity = 'handover' "
            "AND entity_id = ? AND action IN ('amend', 'pass') ORDER BY id",
            (handover_id,),
        )
    amendments: list[dict[str, Any]] = []
    passes: list[dict[str, Any]] = []
    for event in events:
        after = json.loads(event["after"] or "{}")
        entry = {"at": event["at"], "actor": event["actor"], "text": after.get("text", "")}
        (amendments if event["action"] == "amend" else passes).append(clean_data(entry))
    # Shown on terminals, in the TUI and in Markdown: cleaned on the way out too (a desk
    # written before the store cleaned its input may hold anything).
    h = clean_data(h)
    items = [clean_data(i) for i in items]
    active = [i for i in items if not i["removed"]]
    return HandoverView(
        handover=h,
        items=items,
        brief=clean_brief(brief) if brief is not None else None,
        amendments=amendments,
        passes=passes,
        listed_requests=sum(1 for i in active if i["entity"] == "request" and i["entity_id"]),
        listed_leads=sum(1 for i in active if i["entity"] == "lead" and i["entity_id"]),
    )


def handover_items(store: Store, handover_id: int) -> list[Row]:
    """A handover's items (removed ones too) in the officer's order, cleaned for showing."""
    rows = store._all(
        f"SELECT * FROM handover_items WHERE handover_id = ? {ITEM_ORDER}", (handover_id,)
    )
    return [clean_data(r) for r in rows]


def handover_text(
    store: Store,
    handover_id: int,
    local: LocalTime,
    *,
    markdown: bool = False,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> str:
    """The handover as plain text, or as Markdown for the chat group."""
    view = handover_view(store, handover_id, stale_after_hours=stale_after_hours)
    return render(view, local, markdown=markdown)


def handover_markdown(
    store: Store,
    handover_id: int,
    local: LocalTime,
    *,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> str:
    return handover_text(
        store, handover_id, local, markdown=True, stale_after_hours=stale_after_hours
    )


def handover_history(
    store: Store, *, text: str = "", limit: int = 50, before_id: int | None = None
) -> list[Row]:
    """Past handovers, newest first, paged by id; ``text`` searches officers, notes, items."""
    where = ["1 = 1"]
    params: list[Any] = []
    if before_id is not None:
        where.append("h.id < ?")
        params.append(before_id)
    words = text.split()
    for word in words:
        like = f"%{_like(word)}%"
        where.append(
            "(h.from_officer LIKE ? ESCAPE '\\' OR COALESCE(h.to_officer, '') LIKE ? ESCAPE '\\' "
            "OR COALESCE(h.acknowledged_by, '') LIKE ? ESCAPE '\\' "
            "OR COALESCE(h.notes, '') LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM "
            "handover_items hi WHERE hi.handover_id = h.id AND hi.removed = 0 AND "
            "(hi.summary LIKE ? ESCAPE '\\' OR COALESCE(hi.question, '') LIKE ? ESCAPE '\\' "
            "OR COALESCE(hi.next_step, '') LIKE ? ESCAPE '\\')))"
        )
        params.extend([like] * 7)
    params.append(limit)
    rows = store._all(
        "SELECT h.id, h.shift_id, h.from_officer, h.to_officer, h.state, h.created_at, "
        "h.signed_at, h.acknowledged_at, h.acknowledged_by, h.notes, "
        "(SELECT count(*) FROM handover_items hi WHERE hi.handover_id = h.id "
        " AND hi.removed = 0) AS items, "
        "(SELECT count(*) FROM handover_items hi WHERE hi.handover_id = h.id "
        " AND hi.removed = 0 AND hi.acknowledged_at IS NOT NULL) AS acknowledged_items "
        f"FROM handovers h WHERE {' AND '.join(where)} ORDER BY h.id DESC LIMIT ?",
        tuple(params),
    )
    return [clean_data(r) for r in rows]  # shown: cleaned on the way out too


def item_carry_count(
    store: Store, entity: str, entity_id: int, *, before_handover_id: int | None = None
) -> int:
    """How many signed handovers (before ``before_handover_id``) carried this record."""
    row = store._one(
        "SELECT count(DISTINCT h.id) AS n FROM handover_items hi "
        "JOIN handovers h ON h.id = hi.handover_id "
        "WHERE hi.entity = ? AND hi.entity_id = ? AND hi.removed = 0 AND h.state <> 'draft' "
        "AND h.id < ?",
        (entity, entity_id, before_handover_id if before_handover_id is not None else 2**62),
    )
    return int(row["n"]) if row else 0


def item_history(store: Store, entity: str, entity_id: int) -> list[Row]:
    """Every handover this record was in, oldest first: its history across shifts."""
    rows = store._all(
        "SELECT hi.id AS item_id, hi.summary, hi.owner, hi.next_step, hi.next_at, "
        "hi.acknowledged_at, hi.acknowledged_by, hi.question, hi.passed_to, hi.removed, "
        "hi.carry_count, h.id AS handover_id, h.state, h.from_officer, h.to_officer, "
        "h.signed_at, h.created_at FROM handover_items hi "
        "JOIN handovers h ON h.id = hi.handover_id "
        "WHERE hi.entity = ? AND hi.entity_id = ? ORDER BY h.id, hi.id",
        (entity, entity_id),
    )
    return [clean_data(r) for r in rows]  # shown: cleaned on the way out too


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- drafting ---------------------------------------------------------------------------


def draft_handover(
    store: Store,
    shift_id: int | None = None,
    *,
    item_cap: int = ITEM_CAP,
) -> int:
    """The draft handover of a shift (the one on duty by default), made if there is none.

    Its items are the open requests and leads, the outgoing officer's own first, then
    overdue, then the most pressing; at most ``item_cap`` of each kind (the brief counts
    the rest). Calling it again returns the same draft.
    """
    with store.transaction() as conn:
        if shift_id is None:
            shift = _row(
                conn,
                "SELECT * FROM shifts WHERE ended_at IS NULL ORDER BY started_at DESC, id DESC "
                "LIMIT 1",
            )
            if shift is None:
                raise ValidationError(_("nobody is on duty: start or take over a shift first"))
        else:
            shift = _row(conn, "SELECT * FROM shifts WHERE id = ?", (shift_id,))
            if shift is None:
                raise NotFound(_("shift #{id} does not exist").format(id=shift_id))
        officer = clean_name(shift["officer"])
        if officer != store.actor:
            raise ValidationError(
                _(
                    "{officer} is on duty: only they draft this shift's handover "
                    "(take over the shift first to hand over yourself)"
                ).format(officer=officer)
            )
        existing = _row(
            conn,
            "SELECT id FROM handovers WHERE shift_id = ? AND state = 'draft' "
            "ORDER BY id DESC LIMIT 1",
            (shift["id"],),
        )
        if existing is not None:
            return int(existing["id"])
        waiting = _row(
            conn,
            "SELECT id FROM handovers WHERE shift_id = ? AND state = 'signed' LIMIT 1",
            (shift["id"],),
        )
        if waiting is not None:
            raise ValidationError(
                _(
                    "handover #{id} of this shift is signed and waiting to be "
                    "acknowledged; amend it instead of drafting another"
                ).format(id=waiting["id"])
            )
        now = store.now()
        covers_from, since_event_id = _window_start(conn, shift)
        cur = conn.execute(
            "INSERT INTO handovers (shift_id, from_officer, state, created_at, covers_from, "
            "since_event_id) VALUES (?, ?, 'draft', ?, ?, ?)",
            (shift["id"], officer, now, covers_from, since_event_id),
        )
        handover_id = int(cur.lastrowid or 0)
        added = _add_open_items(conn, handover_id, officer, now, item_cap)
        store.log_event(
            conn,
            "handover",
            handover_id,
            "draft",
            None,
            {
                "shift_id": shift["id"],
                "from_officer": officer,
                "covers_from": covers_from,
                "items": added,
            },
            at=now,
        )
        return handover_id


def refresh_draft(store: Store, handover_id: int, *, item_cap: int = ITEM_CAP) -> int:
    """Bring a draft's items up to date: newly open items are added (never ones the
    officer removed), closed ones are kept and show their status. Returns how many
    were added."""
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_author(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        now = store.now()
        update_snapshots(conn, handover_id)
        added = _add_open_items(conn, handover_id, str(h["from_officer"]), now, item_cap)
        conn.execute("UPDATE handovers SET version = version + 1 WHERE id = ?", (handover_id,))
        store.log_event(conn, "handover", handover_id, "refresh", None, {"added": added}, at=now)
        return added


def _window_start(conn: Connection, shift: Row) -> tuple[str, int]:
    """(covers_from, since_event_id): since the last signed handover, else since the
    start of the shift, reaching back over shifts it took over (they had no handover)."""
    previous = _row(
        conn,
        "SELECT covers_to, signed_at, last_event_id FROM handovers "
        "WHERE state <> 'draft' ORDER BY id DESC LIMIT 1",
    )
    if previous is not None and (previous["covers_to"] or previous["signed_at"]):
        start = str(previous["covers_to"] or previous["signed_at"])
        return start, int(previous["last_event_id"] or 0)
    start = str(shift["started_at"])
    seen = {shift["id"]}
    taken = shift["taken_over_from"]
    while taken is not None and taken not in seen:
        seen.add(taken)
        earlier = _row(conn, "SELECT * FROM shifts WHERE id = ?", (taken,))
        if earlier is None:
            break
        start = min(start, str(earlier["started_at"]))
        taken = earlier["taken_over_from"]
    return start, 0


def _add_open_items(conn: Connection, handover_id: int, officer: str, now: str, cap: int) -> int:
    present = {
        (r["entity"], r["entity_id"])
        for r in conn.execute(
            "SELECT entity, entity_id FROM handover_items WHERE handover_id = ?", (handover_id,)
        )
    }
    requests = _rows(
        conn,
        f"SELECT * FROM requests WHERE {OPEN_REQUEST_SQL} "
        "ORDER BY COALESCE(assignee, '') = ? DESC, "
        f"({OVERDUE.term}) DESC, priority_rank, received_at, id LIMIT ?",
        (*OPEN_REQUESTS, officer, now, cap),
    )
    leads = _rows(
        conn,
        f"SELECT * FROM leads WHERE {OPEN_LEAD_SQL} "
        "ORDER BY COALESCE(assignee, '') = ? DESC, next_action_at IS NULL, next_action_at, id "
        "LIMIT ?",
        (*OPEN_LEADS, officer, cap),
    )
    new = [
        (entity, record, carried_item(conn, handover_id, entity, int(record["id"])))
        for entity, rows in (("request", requests), ("lead", leads))
        for record in rows
        if (entity, record["id"]) not in present
    ]

    # Records carried over from an earlier handover come first, in the order the officer
    # left them there (newest handover first); then the rest in the drafting order.
    def order(index: int) -> tuple[int, float, float, float]:
        carried = new[index][2]
        if carried is None:
            return (1, 0.0, 0.0, float(index))
        return (0, -float(carried["handover_id"]), float(carried["position"]), carried["id"])

    position = end_position(conn, handover_id)
    for index in sorted(range(len(new)), key=order):
        entity, record, carried = new[index]
        insert_item(
            conn, handover_id, entity, record, added_by=None, position=position, carried=carried
        )
        position += 1.0
    return len(new)


# -- editing a draft --------------------------------------------------------------------


def set_notes(
    store: Store, handover_id: int, notes: str, *, expected_version: int | None = None
) -> Row:
    """Replace a draft's free-text notes; refused once signed."""
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_author(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        _check_version(h, expected_version)
        notes = clean_text(notes, UNLIMITED, strip=False).rstrip()
        if notes == (h["notes"] or ""):
            return h
        conn.execute(
            "UPDATE handovers SET notes = ?, version = version + 1 WHERE id = ?",
            (notes or None, handover_id),
        )
        store.log_event(
            conn, "handover", handover_id, "notes", {"notes": h["notes"]}, {"notes": notes}
        )
        return _handover(conn, handover_id)


def add_item(
    store: Store,
    handover_id: int,
    entity: str,
    entity_id: int | None = None,
    *,
    summary: str | None = None,
    next_step: str | None = None,
    after_item_id: int | None = None,
) -> int:
    """Add a request or lead (by id) or a free-text note item to a draft.

    The item goes right after item ``after_item_id`` of this handover (where the officer's
    cursor is), else after the last item. A removed record added again comes back where
    it was, or after ``after_item_id`` when given.
    """
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_author(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        position = (
            position_after(conn, handover_id, after_item_id) if after_item_id is not None else None
        )
        if entity in RECORD_TABLES:
            if entity_id is None:
                raise ValidationError(
                    _("say which {what} to add (its number)").format(what=shown_noun(entity))
                )
            table = RECORD_TABLES[entity]
            record = _row(conn, f"SELECT * FROM {table} WHERE id = ?", (entity_id,))
            if record is None:
                raise NotFound(
                    _("{what} #{id} does not exist").format(what=shown_noun(entity), id=entity_id)
                )
            present = _row(
                conn,
                "SELECT id, removed FROM handover_items WHERE handover_id = ? AND entity = ? "
                "AND entity_id = ?",
                (handover_id, entity, entity_id),
            )
            if present is not None and not present["removed"]:
                raise ValidationError(
                    _("{what} #{id} is already in this handover").format(
                        what=shown_noun(entity), id=entity_id
                    )
                )
            if present is not None:
                item_id = int(present["id"])
                conn.execute(
                    "UPDATE handover_items SET removed = 0, position = COALESCE(?, position) "
                    "WHERE id = ?",
                    (position, item_id),
                )
            else:
                item_id = insert_item(
                    conn,
                    handover_id,
                    entity,
                    record,
                    added_by=store.actor,
                    position=position if position is not None else end_position(conn, handover_id),
                    carried=carried_item(conn, handover_id, entity, int(entity_id)),
                    next_step=next_step,
                )
        elif entity == "note":
            text = " ".join(clean_text(summary or "", UNLIMITED).split())
            if not text:
                raise ValidationError(_("a handover item needs a summary"))
            step = clean_text(next_step or "", UNLIMITED) or None
            if position is None:
                position = end_position(conn, handover_id)
            cur = conn.execute(
                "INSERT INTO handover_items (handover_id, entity, summary, owner, next_step, "
                "added_by, position) VALUES (?, 'note', ?, ?, ?, ?, ?)",
                (handover_id, text, clean_name(h["from_officer"]), step, store.actor, position),
            )
            item_id = int(cur.lastrowid or 0)
        else:
            raise ValidationError(
                _("a handover item is a request, a lead or a note, not {entity!r}").format(
                    entity=entity
                )
            )
        conn.execute("UPDATE handovers SET version = version + 1 WHERE id = ?", (handover_id,))
        item = _row(conn, "SELECT * FROM handover_items WHERE id = ?", (item_id,))
        assert item is not None
        store.log_event(
            conn,
            "handover",
            handover_id,
            "item_add",
            None,
            {
                "item_id": item_id,
                "item": item_label(item),
                "summary": item["summary"],
                "after_item_id": after_item_id,
            },
        )
        return item_id


def remove_item(store: Store, item_id: int) -> None:
    """Take an item off a draft (kept, marked removed, so a refresh does not re-add it)."""
    with store.transaction() as conn:
        item, h = _item_and_handover(conn, item_id)
        check_author(h["state"], int(h["id"]), clean_name(h["from_officer"]), store.actor)
        if item["removed"]:
            return
        conn.execute("UPDATE handover_items SET removed = 1 WHERE id = ?", (item_id,))
        conn.execute("UPDATE handovers SET version = version + 1 WHERE id = ?", (h["id"],))
        store.log_event(
            conn,
            "handover",
            int(h["id"]),
            "item_remove",
            {"item_id": item_id, "item": item_label(item), "summary": item["summary"]},
            None,
        )


def restore_item(store: Store, item_id: int) -> None:
    """Put a removed item back on the draft."""
    with store.transaction() as conn:
        item, h = _item_and_handover(conn, item_id)
        check_author(h["state"], int(h["id"]), clean_name(h["from_officer"]), store.actor)
        if not item["removed"]:
            return
        conn.execute("UPDATE handover_items SET removed = 0 WHERE id = ?", (item_id,))
        conn.execute("UPDATE handovers SET version = version + 1 WHERE id = ?", (h["id"],))
        store.log_event(
            conn,
            "handover",
            int(h["id"]),
            "item_restore",
            None,
            {"item_id": item_id, "item": item_label(item), "summary": item["summary"]},
        )


def sign_handover(
    store: Store,
    handover_id: int,
    notes: str | None = None,
    *,
    to_officer: str | None = None,
    expected_version: int | None = None,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> Row:
    """Sign off: the brief is drawn up to this moment and frozen; nothing changes after."""
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_sign(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        _check_version(h, expected_version)
        now = store.now()
        notes = h["notes"] if notes is None else notes
        if notes:
            notes = clean_text(notes, UNLIMITED, strip=False).rstrip()
        notes = notes or None
        last = conn.execute("SELECT COALESCE(max(id), 0) FROM events").fetchone()[0]
        brief = clean_brief(
            draw_brief(
                conn,
                covers_from=str(h["covers_from"] or h["created_at"]),
                covers_to=now,
                since_event_id=int(h["since_event_id"] or 0),
                stale_after_hours=stale_after_hours,
            )
        )
        to_officer = clean_name(to_officer) or None
        conn.execute(
            "UPDATE handovers SET state = 'signed', notes = ?, signed_at = ?, signed_by = ?, "
            "covers_to = ?, last_event_id = ?, brief = ?, to_officer = ?, "
            "version = version + 1 WHERE id = ?",
            (notes, now, store.actor, now, int(last), brief.to_json(), to_officer, handover_id),
        )
        items = conn.execute(
            "SELECT count(*) FROM handover_items WHERE handover_id = ? AND removed = 0",
            (handover_id,),
        ).fetchone()[0]
        store.log_event(
            conn,
            "handover",
            handover_id,
            "sign",
            {"state": h["state"]},
            {"state": "signed", "signed_at": now, "items": int(items), "notes": notes},
            at=now,
        )
        signed = _handover(conn, handover_id)
        _notify(store, conn, signed, "handover_signed", stale_after_hours=stale_after_hours)
        return signed


def amend_handover(store: Store, handover_id: int, text: str) -> None:
    """Add to a signed handover without changing it: the amendment is a new event."""
    text = clean_text(text, UNLIMITED)
    if not text:
        raise ValidationError(_("an amendment cannot be empty"))
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_amend(h["state"], handover_id)
        store.log_event(conn, "handover", handover_id, "amend", None, {"text": text})


# -- acknowledging ----------------------------------------------------------------------


def acknowledge_item(
    store: Store, item_id: int, *, pass_to: PassTo | str = PassTo.INCOMING
) -> Acknowledgement:
    """The incoming officer acknowledges one item; a record the outgoing officer owns
    passes to them (or to the unowned pool). The last item acknowledges the handover."""
    with store.transaction() as conn:
        item, h = _item_and_handover(conn, item_id)
        handover_id = int(h["id"])
        check_acknowledge(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        if item["removed"]:
            raise ValidationError(
                _("item {item} was removed from handover #{id}").format(
                    item=item_id, id=handover_id
                )
            )
        if item["acknowledged_at"]:
            raise ValidationError(
                _("item {item} was already acknowledged by {name}").format(
                    item=item_id, name=item["acknowledged_by"]
                )
            )
        target = _target(store, pass_to)
        passed = _ack_items(store, conn, h, [item], target)
        completed, more = _complete_if_done(store, conn, h, target)
        if completed:
            _change_shift(store, conn, h)
    return Acknowledgement(handover_id, 1, completed, passed + more)


def acknowledge_all(
    store: Store, handover_id: int, *, pass_to: PassTo | str = PassTo.INCOMING
) -> Acknowledgement:
    """Acknowledge every remaining item at once, and so the handover."""
    with store.transaction() as conn:
        h = _handover(conn, handover_id)
        check_acknowledge(h["state"], handover_id, clean_name(h["from_officer"]), store.actor)
        target = _target(store, pass_to)
        items = _rows(
            conn,
            "SELECT * FROM handover_items WHERE handover_id = ? AND removed = 0 "
            f"AND acknowledged_at IS NULL {ITEM_ORDER}",
            (handover_id,),
        )
        passed = _ack_items(store, conn, h, items, target)
        completed, more = _complete_if_done(store, conn, h, target)
        if completed:
            _change_shift(store, conn, h)
    return Acknowledgement(handover_id, len(items), completed, passed + more)


def ask_question(store: Store, item_id: int, text: str) -> None:
    """Attach a question (or its answer) to an item of a signed handover."""
    text = " ".join(clean_text(text, UNLIMITED).split())
    if not text:
        raise ValidationError(_("a question cannot be empty"))
    with store.transaction() as conn:
        item, h = _item_and_handover(conn, item_id)
        check_question(h["state"], int(h["id"]))
        now = store.now()
        line = f"{now[11:16]} UTC {store.actor}: {text}"
        thread = f"{item['question']}\n{line}" if item["question"] else line
        thread = clean_text(thread, UNLIMITED, strip=False)  # earlier lines may predate the rule
        conn.execute("UPDATE handover_items SET question = ? WHERE id = ?", (thread, item_id))
        store.log_event(
            conn,
            "handover",
            int(h["id"]),
            "question",
            None,
            {"item_id": item_id, "item": item_label(item), "text": text},
            at=now,
        )


def _target(store: Store, pass_to: PassTo | str) -> str | None:
    try:
        choice = PassTo(pass_to)
    except ValueError:
        raise ValidationError(
            _("pass items to {choices}, not {value!r}").format(
                choices=", ".join(p.value for p in PassTo), value=pass_to
            )
        ) from None
    return store.actor if choice is PassTo.INCOMING else None


def _ack_items(
    store: Store,
    conn: Connection,
    h: Row,
    items: list[Row],
    target: str | None,
) -> int:
    now = store.now()
    passed = 0
    for item in items:
        moved = _pass_record(store, conn, item, str(h["from_officer"]), target)
        conn.execute(
            "UPDATE handover_items SET acknowledged_at = ?, acknowledged_by = ?, passed_to = ? "
            "WHERE id = ?",
            (now, store.actor, (target or "") if moved else None, item["id"]),
        )
        passed += moved
        store.log_event(
            conn,
            "handover",
            int(h["id"]),
            "item_acknowledge",
            None,
            {
                "item_id": item["id"],
                "item": item_label(item),
                "passed_to": (target or "pool") if moved else None,
            },
            at=now,
        )
    if items and not h["to_officer"]:
        conn.execute("UPDATE handovers SET to_officer = ? WHERE id = ?", (store.actor, h["id"]))
        h["to_officer"] = store.actor
    return passed


def _pass_record(
    store: Store, conn: Connection, item: Row, from_officer: str, target: str | None
) -> bool:
    """Pass an open record still owned by the outgoing officer; the update is logged."""
    table = RECORD_TABLES.get(str(item["entity"]))
    if table is None or item["entity_id"] is None:
        return False
    record = _row(conn, f"SELECT assignee, status FROM {table} WHERE id = ?", (item["entity_id"],))
    if record is None or record["assignee"] != from_officer:
        return False
    open_statuses = OPEN_REQUESTS if table == "requests" else OPEN_LEADS
    if record["status"] not in open_statuses:
        return False
    store.update_record(
        conn, table, int(item["entity_id"]), {"assignee": target}, action="handover"
    )
    return True


def _complete_if_done(
    store: Store, conn: Connection, h: Row, target: str | None
) -> tuple[bool, int]:
    """All items acknowledged: the handover is, and every open record the outgoing
    officer still owns passes on too, so nothing stays with someone who went home."""
    left = conn.execute(
        "SELECT count(*) FROM handover_items WHERE handover_id = ? AND removed = 0 "
        "AND acknowledged_at IS NULL",
        (h["id"],),
    ).fetchone()[0]
    if left:
        return False, 0
    from_officer = str(h["from_officer"])
    counts: dict[str, int] = {}
    for table, statuses, open_sql in (
        ("requests", OPEN_REQUESTS, OPEN_REQUEST_SQL),
        ("leads", OPEN_LEADS, OPEN_LEAD_SQL),
    ):
        ids = [
            int(r[0])
            for r in conn.execute(
                f"SELECT id FROM {table} WHERE assignee = ? AND {open_sql} ORDER BY id",
                (from_officer, *statuses),
            )
        ]
        for record_id in ids:
            store.update_record(conn, table, record_id, {"assignee": target}, action="handover")
        counts[table] = len(ids)
    now = store.now()
    conn.execute(
        "UPDATE handovers SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, "
        "to_officer = COALESCE(to_officer, ?), version = version + 1 WHERE id = ?",
        (now, store.actor, store.actor, h["id"]),
    )
    moved = counts["requests"] + counts["leads"]
    if moved:
        where = target or "the unowned pool"
        store.log_event(
            conn,
            "handover",
            int(h["id"]),
            "pass",
            None,
            {
                "text": f"{counts['requests']} more requests and {counts['leads']} more leads "
                f"owned by {from_officer} passed to {where}",
                "to": target,
                **counts,
            },
            at=now,
        )
    store.log_event(
        conn,
        "handover",
        int(h["id"]),
        "acknowledge",
        {"state": h["state"]},
        {"state": "acknowledged", "acknowledged_by": store.actor, "passed_to": target},
        at=now,
    )
    _notify(store, conn, _handover(conn, int(h["id"])), "handover_acknowledged")
    return True, moved


def _notify(
    store: Store,
    conn: Connection,
    h: Row,
    event: str,
    *,
    stale_after_hours: float = STALE_AFTER_HOURS,
) -> None:
    """The notification of a signed or acknowledged handover, with its brief as text (in
    the interface language, times in the desk's zone), into the outbox in this
    transaction: it goes out only if the signature or acknowledgement is saved."""
    handover_id = int(h["id"])
    view = handover_view(store, handover_id, stale_after_hours=stale_after_hours)
    brief = render(view, local_formatter(store.desk_zone))
    if event == "handover_signed":
        title = _("Handover #{id} signed by {name}").format(
            id=handover_id, name=clean_name(h.get("signed_by") or h["from_officer"])
        )
    else:
        title = _("Handover #{id} acknowledged by {name}").format(
            id=handover_id, name=clean_name(h.get("acknowledged_by") or store.actor)
        )
    enqueue(
        conn,
        store,
        event,
        f"{event}:{handover_id}",
        title,
        brief,
        payload={"handover_id": handover_id},
    )


def _change_shift(store: Store, conn: Connection, h: Row) -> None:
    """The acknowledging officer now has the desk: the handed-over shift ends, theirs
    starts, in the acknowledging transaction (a crash between the two would leave the
    handover acknowledged and the outgoing officer still on duty)."""
    shift = store.current_shift()  # the same connection: read inside this transaction
    if shift is not None and shift.id == h["shift_id"] and shift.officer != store.actor:
        store.end_shift_in(conn, shift.id)
    store.start_shift_in(conn, store.actor)


def _item_and_handover(conn: Connection, item_id: int) -> tuple[Row, Row]:
    item = _row(conn, "SELECT * FROM handover_items WHERE id = ?", (item_id,))
    if item is None:
        raise NotFound(_("handover item {item} does not exist").format(item=item_id))
    return item, _handover(conn, int(item["handover_id"]))


def _check_version(h: Row, expected_version: int | None) -> None:
    if expected_version is not None and h["version"] != expected_version:
        raise StaleEdit(
            stale_version(shown_noun("handover"), h["id"], h["version"], expected_version)
        )


__all__ = [
    "ITEM_CAP",
    "Acknowledgement",
    "acknowledge_all",
    "acknowledge_item",
    "add_item",
    "amend_handover",
    "ask_question",
    "current_draft_id",
    "draft_handover",
    "get_handover",
    "handover_history",
    "handover_items",
    "handover_markdown",
    "handover_text",
    "handover_to_show",
    "handover_view",
    "item_carry_count",
    "item_history",
    "latest_handover_id",
    "pending_handover_id",
    "refresh_draft",
    "remove_item",
    "restore_item",
    "set_notes",
    "sign_handover",
]
