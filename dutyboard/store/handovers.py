"""Shift handover: drafted from the events log, signed off, acknowledged item by item.

Functions take the :class:`Store` first. Every write runs in ``store.transaction()`` and
appends its ``events`` row(s) in the same transaction; the rules (what may change in
which state) live in :mod:`dutyboard.domain.handover`. A signed handover is never
edited: the functions refuse with a clear error before writing anything, and triggers
in the schema refuse any other writer too.

The brief covers the events since the previous handover was signed (or, with none, since
the start of the shift, reaching back across take-overs), up to now for a draft and up to
the signature once signed, when it is frozen into the handover row.

Every text written here is cleaned first (:func:`~dutyboard.store.store.clean_fields`,
:func:`~dutyboard.domain.text.clean_text`): notes, items, questions, amendments, names.
What is read back for showing (:func:`handover_view`, :func:`handover_history`,
:func:`item_history`, :func:`shift_on_duty`) is cleaned again, so a desk written before
the rule shows safe too.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from dutyboard.domain.arrivals import OPEN_ARRIVAL_STATES
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.handover import (
    LIST_CAP,
    Brief,
    BriefLine,
    HandoverState,
    HandoverView,
    LocalTime,
    PassTo,
    Section,
    check_acknowledge,
    check_amend,
    check_author,
    check_question,
    check_sign,
    item_label,
    render,
)
from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES
from dutyboard.domain.text import UNLIMITED, clean_data, clean_text
from dutyboard.i18n import _
from dutyboard.store.errors import NotFound, StaleEdit, ValidationError
from dutyboard.store.quarantine import FAILING_SQL
from dutyboard.store.store import Row, Store, clean_fields, clean_name

# The brief looks this far past its end for arrivals: roughly the next shift.
NEXT_SHIFT_HOURS = 12
ARRIVAL_OPEN = tuple(sorted(OPEN_ARRIVAL_STATES))

# Open items drafted per kind (requests, leads); the rest are counted, never hidden.
ITEM_CAP = 20
STALE_AFTER_HOURS = 12.0
RECORD_TABLES = {"request": "requests", "lead": "leads"}

# A handover's items in the officer's order (m100): ``position`` is a real, so an item
# goes between two others at the midpoint of theirs; ties (and items written without a
# position) fall back to the id. Every listing of one handover's items uses this order.
ITEM_ORDER = "ORDER BY position, id"
# Each item put at one place halves the gap there; before a gap would fall below this
# (after ~20 such items) the handover is renumbered 1, 2, 3…, long before a double runs
# out of distinct midpoints (~50 halvings).
MIN_POSITION_GAP = 1e-6

_OPEN_REQ = tuple(sorted(OPEN_REQUEST_STATUSES))
_OPEN_LEAD = tuple(sorted(OPEN_LEAD_STATUSES))
_REQ_MARKS = ",".join("?" for _ in _OPEN_REQ)
_LEAD_MARKS = ",".join("?" for _ in _OPEN_LEAD)


@dataclass(frozen=True)
class TakeOver:
    shift_id: int
    officer: str
    taken_from: str | None  # the officer whose shift was ended, if any


@dataclass(frozen=True)
class Acknowledgement:
    handover_id: int
    acknowledged: int  # items acknowledged by this call
    completed: bool  # every item is now acknowledged: the handover is acknowledged
    passed: int  # records passed from the outgoing officer


# -- reading ----------------------------------------------------------------------------


def _row(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
    found = conn.execute(sql, params).fetchone()
    return dict(found) if found is not None else None


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _handover(conn: sqlite3.Connection, handover_id: int) -> Row:
    row = _row(conn, "SELECT * FROM handovers WHERE id = ?", (handover_id,))
    if row is None:
        raise NotFound(f"handover #{handover_id} does not exist")
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
            brief: Brief | None = _brief(
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
        brief=_clean_brief(brief) if brief is not None else None,
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


# -- shifts -----------------------------------------------------------------------------


def take_over(store: Store, officer: str | None = None) -> TakeOver:
    """Take the desk at once (no handover): the shift on duty ends, logged as a take-over.

    The next handover then covers both shifts' events (see the module docstring).
    """
    officer = clean_name(officer or store.actor)
    before = store.current_shift()
    shift_id = store.start_shift(officer)
    taken = before.officer if before is not None and before.officer != officer else None
    return TakeOver(shift_id, officer, taken)


def shift_on_duty(store: Store) -> Row | None:
    """The open shift with the name of the officer it took over from, if any."""
    row = store._one(
        "SELECT s.id, s.officer, s.started_at, s.taken_over_from, p.officer AS taken_from "
        "FROM shifts s LEFT JOIN shifts p ON p.id = s.taken_over_from "
        "WHERE s.ended_at IS NULL ORDER BY s.started_at DESC, s.id DESC LIMIT 1"
    )
    return clean_data(row) if row is not None else None  # shown: cleaned on the way out


def end_own_shift(store: Store, officer: str) -> int:
    """End the shift on duty, which must be ``officer``'s; returns its id."""
    officer = clean_name(officer)
    shift = store.current_shift()
    if shift is None:
        raise ValidationError("nobody is on duty: there is no shift to end")
    if shift.officer != officer:
        raise ValidationError(
            f"{shift.officer} is on duty, not {officer}; "
            "to take the desk use `dutyboard shift start`"
        )
    store.end_shift(shift.id)
    return shift.id


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
                raise NotFound(f"shift #{shift_id} does not exist")
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
                f"handover #{waiting['id']} of this shift is signed and waiting to be "
                "acknowledged; amend it instead of drafting another"
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
        _update_snapshots(conn, handover_id)
        added = _add_open_items(conn, handover_id, str(h["from_officer"]), now, item_cap)
        conn.execute("UPDATE handovers SET version = version + 1 WHERE id = ?", (handover_id,))
        store.log_event(conn, "handover", handover_id, "refresh", None, {"added": added}, at=now)
        return added


def _window_start(conn: sqlite3.Connection, shift: Row) -> tuple[str, int]:
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


def _add_open_items(
    conn: sqlite3.Connection, handover_id: int, officer: str, now: str, cap: int
) -> int:
    present = {
        (r["entity"], r["entity_id"])
        for r in conn.execute(
            "SELECT entity, entity_id FROM handover_items WHERE handover_id = ?", (handover_id,)
        )
    }
    requests = _rows(
        conn,
        f"SELECT * FROM requests WHERE status IN ({_REQ_MARKS}) "
        "ORDER BY COALESCE(assignee, '') = ? DESC, "
        "(due_by IS NOT NULL AND due_by < ?) DESC, priority_rank, received_at, id LIMIT ?",
        (*_OPEN_REQ, officer, now, cap),
    )
    leads = _rows(
        conn,
        f"SELECT * FROM leads WHERE status IN ({_LEAD_MARKS}) "
        "ORDER BY COALESCE(assignee, '') = ? DESC, next_action_at IS NULL, next_action_at, id "
        "LIMIT ?",
        (*_OPEN_LEAD, officer, cap),
    )
    new = [
        (entity, record, _carried(conn, handover_id, entity, int(record["id"])))
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

    position = _end_position(conn, handover_id)
    for index in sorted(range(len(new)), key=order):
        entity, record, carried = new[index]
        _insert_item(
            conn, handover_id, entity, record, added_by=None, position=position, carried=carried
        )
        position += 1.0
    return len(new)


def _carried(conn: sqlite3.Connection, handover_id: int, entity: str, record_id: int) -> Row | None:
    """The record's item in the latest signed handover before this one, if any."""
    return _row(
        conn,
        "SELECT hi.id, hi.carry_count, hi.handover_id, COALESCE(hi.position, hi.id) AS position "
        "FROM handover_items hi JOIN handovers h ON h.id = hi.handover_id "
        "WHERE hi.entity = ? AND hi.entity_id = ? AND hi.removed = 0 AND h.state <> 'draft' "
        "AND h.id < ? ORDER BY h.id DESC LIMIT 1",
        (entity, record_id, handover_id),
    )


# -- item order -------------------------------------------------------------------------


def _fill_positions(conn: sqlite3.Connection, handover_id: int) -> None:
    """Items written without a position (by an older writer) take their id, as the
    migration gave the rest: they stay where their id put them."""
    conn.execute(
        "UPDATE handover_items SET position = id WHERE handover_id = ? AND position IS NULL",
        (handover_id,),
    )


def _end_position(conn: sqlite3.Connection, handover_id: int) -> float:
    """A position after every item of the handover (removed ones included)."""
    _fill_positions(conn, handover_id)
    last = conn.execute(
        "SELECT max(position) FROM handover_items WHERE handover_id = ?", (handover_id,)
    ).fetchone()[0]
    return float(last) + 1.0 if last is not None else 1.0


def _position_after(conn: sqlite3.Connection, handover_id: int, after_item_id: int) -> float:
    """A position right after item ``after_item_id``: the midpoint between it and the next
    item, or one more than it when it is the last. Too close: renumber, then halve."""
    _fill_positions(conn, handover_id)
    for _attempt in range(2):
        anchor = _row(
            conn,
            "SELECT id, handover_id, position FROM handover_items WHERE id = ?",
            (after_item_id,),
        )
        if anchor is None or int(anchor["handover_id"]) != handover_id:
            raise ValidationError(f"item {after_item_id} is not in handover #{handover_id}")
        low = float(anchor["position"])
        following = conn.execute(
            "SELECT position FROM handover_items WHERE handover_id = ? "
            f"AND (position > ? OR (position = ? AND id > ?)) {ITEM_ORDER} LIMIT 1",
            (handover_id, low, low, after_item_id),
        ).fetchone()
        if following is None:
            return low + 1.0
        high = float(following[0])
        middle = (low + high) / 2
        if middle - low >= MIN_POSITION_GAP and high - middle >= MIN_POSITION_GAP:
            return middle
        _renumber(conn, handover_id)
    raise AssertionError("renumbered positions are 1 apart")  # pragma: no cover


def _renumber(conn: sqlite3.Connection, handover_id: int) -> None:
    """Positions 1, 2, 3… in the present order: room again between every two items."""
    ids = [
        int(r[0])
        for r in conn.execute(
            f"SELECT id FROM handover_items WHERE handover_id = ? {ITEM_ORDER}", (handover_id,)
        )
    ]
    conn.executemany(
        "UPDATE handover_items SET position = ? WHERE id = ?",
        [(float(n), item_id) for n, item_id in enumerate(ids, start=1)],
    )


def _snapshot(entity: str, record: Row) -> dict[str, Any]:
    """What an item says about its record: summary, owner, status, next step."""
    qty = _qty(record.get("quantity"), record.get("unit"))
    if entity == "request":
        summary = f"{record['org']}: {record['item']}{qty}, {record['priority']}"
        step, at = ("due", record.get("due_by")) if record.get("due_by") else (None, None)
    else:
        country = f" ({record['country']})" if record.get("country") else ""
        summary = f"{record['supplier']}{country}: {record['item']}{qty}"
        step, at = (
            ("next action", record["next_action_at"])
            if record.get("next_action_at")
            else (None, None)
        )
    # The record's text may predate the store's cleaning: the item is cleaned as written.
    return clean_fields(
        {
            "summary": summary,
            "owner": record.get("assignee"),
            "status": record.get("status"),
            "next_step": step,
            "next_at": at,
        }
    )


def _qty(quantity: Any, unit: Any) -> str:
    if quantity in (None, ""):
        return ""
    try:
        number = float(quantity)
        shown = f"{int(number):,}" if number == int(number) else f"{number:,.2f}"
    except (TypeError, ValueError):
        shown = str(quantity)
    return f" × {shown}" + (f" {unit}" if unit else "")


def _insert_item(
    conn: sqlite3.Connection,
    handover_id: int,
    entity: str,
    record: Row,
    *,
    added_by: str | None,
    position: float,
    carried: Row | None,
    next_step: str | None = None,
) -> int:
    snap = _snapshot(entity, record)
    next_step = clean_text(next_step, UNLIMITED) if next_step else None
    if next_step:
        snap["next_step"], snap["next_at"] = next_step, None
    cur = conn.execute(
        "INSERT INTO handover_items (handover_id, entity, entity_id, summary, owner, next_step, "
        "next_at, status, added_by, carried_from, carry_count, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            handover_id,
            entity,
            record["id"],
            snap["summary"],
            snap["owner"],
            snap["next_step"],
            snap["next_at"],
            snap["status"],
            clean_name(added_by) or None,
            carried["id"] if carried else None,
            int(carried["carry_count"]) + 1 if carried else 0,
            position,
        ),
    )
    return int(cur.lastrowid or 0)


def _update_snapshots(conn: sqlite3.Connection, handover_id: int) -> None:
    items = _rows(
        conn,
        "SELECT id, entity, entity_id, added_by, next_step FROM handover_items "
        f"WHERE handover_id = ? AND entity_id IS NOT NULL {ITEM_ORDER}",
        (handover_id,),
    )
    for item in items:
        table = RECORD_TABLES.get(str(item["entity"]))
        if table is None:
            continue
        record = _row(conn, f"SELECT * FROM {table} WHERE id = ?", (item["entity_id"],))
        if record is None:
            continue
        snap = _snapshot(str(item["entity"]), record)
        if item["added_by"] and item["next_step"]:
            snap.pop("next_step")  # the officer's own words stay
            snap.pop("next_at")
        sets = ", ".join(f"{k} = ?" for k in snap)
        conn.execute(f"UPDATE handover_items SET {sets} WHERE id = ?", (*snap.values(), item["id"]))


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
            _position_after(conn, handover_id, after_item_id) if after_item_id is not None else None
        )
        if entity in RECORD_TABLES:
            if entity_id is None:
                raise ValidationError(f"say which {entity} to add (its number)")
            table = RECORD_TABLES[entity]
            record = _row(conn, f"SELECT * FROM {table} WHERE id = ?", (entity_id,))
            if record is None:
                raise NotFound(f"{entity} #{entity_id} does not exist")
            present = _row(
                conn,
                "SELECT id, removed FROM handover_items WHERE handover_id = ? AND entity = ? "
                "AND entity_id = ?",
                (handover_id, entity, entity_id),
            )
            if present is not None and not present["removed"]:
                raise ValidationError(f"{entity} #{entity_id} is already in this handover")
            if present is not None:
                item_id = int(present["id"])
                conn.execute(
                    "UPDATE handover_items SET removed = 0, position = COALESCE(?, position) "
                    "WHERE id = ?",
                    (position, item_id),
                )
            else:
                item_id = _insert_item(
                    conn,
                    handover_id,
                    entity,
                    record,
                    added_by=store.actor,
                    position=position if position is not None else _end_position(conn, handover_id),
                    carried=_carried(conn, handover_id, entity, int(entity_id)),
                    next_step=next_step,
                )
        elif entity == "note":
            text = " ".join(clean_text(summary or "", UNLIMITED).split())
            if not text:
                raise ValidationError("a handover item needs a summary")
            step = clean_text(next_step or "", UNLIMITED) or None
            if position is None:
                position = _end_position(conn, handover_id)
            cur = conn.execute(
                "INSERT INTO handover_items (handover_id, entity, summary, owner, next_step, "
                "added_by, position) VALUES (?, 'note', ?, ?, ?, ?, ?)",
                (handover_id, text, clean_name(h["from_officer"]), step, store.actor, position),
            )
            item_id = int(cur.lastrowid or 0)
        else:
            raise ValidationError(f"a handover item is a request, a lead or a note, not {entity!r}")
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
        brief = _clean_brief(
            _brief(
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
        return _handover(conn, handover_id)


def amend_handover(store: Store, handover_id: int, text: str) -> None:
    """Add to a signed handover without changing it: the amendment is a new event."""
    text = clean_text(text, UNLIMITED)
    if not text:
        raise ValidationError("an amendment cannot be empty")
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
            raise ValidationError(f"item {item_id} was removed from handover #{handover_id}")
        if item["acknowledged_at"]:
            raise ValidationError(
                f"item {item_id} was already acknowledged by {item['acknowledged_by']}"
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
        raise ValidationError("a question cannot be empty")
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
            f"pass items to {', '.join(p.value for p in PassTo)}, not {pass_to!r}"
        ) from None
    return store.actor if choice is PassTo.INCOMING else None


def _ack_items(
    store: Store,
    conn: sqlite3.Connection,
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
    store: Store, conn: sqlite3.Connection, item: Row, from_officer: str, target: str | None
) -> bool:
    """Pass an open record still owned by the outgoing officer; the update is logged."""
    table = RECORD_TABLES.get(str(item["entity"]))
    if table is None or item["entity_id"] is None:
        return False
    record = _row(conn, f"SELECT assignee, status FROM {table} WHERE id = ?", (item["entity_id"],))
    if record is None or record["assignee"] != from_officer:
        return False
    open_statuses = _OPEN_REQ if table == "requests" else _OPEN_LEAD
    if record["status"] not in open_statuses:
        return False
    store.update_record(
        conn, table, int(item["entity_id"]), {"assignee": target}, action="handover"
    )
    return True


def _complete_if_done(
    store: Store, conn: sqlite3.Connection, h: Row, target: str | None
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
    for table, statuses, marks in (
        ("requests", _OPEN_REQ, _REQ_MARKS),
        ("leads", _OPEN_LEAD, _LEAD_MARKS),
    ):
        ids = [
            int(r[0])
            for r in conn.execute(
                f"SELECT id FROM {table} WHERE assignee = ? AND status IN ({marks}) ORDER BY id",
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
    return True, moved


def _change_shift(store: Store, conn: sqlite3.Connection, h: Row) -> None:
    """The acknowledging officer now has the desk: the handed-over shift ends, theirs
    starts, in the acknowledging transaction (a crash between the two would leave the
    handover acknowledged and the outgoing officer still on duty)."""
    shift = store.current_shift()  # the same connection: read inside this transaction
    if shift is not None and shift.id == h["shift_id"] and shift.officer != store.actor:
        store.end_shift_in(conn, shift.id)
    store.start_shift_in(conn, store.actor)


def _item_and_handover(conn: sqlite3.Connection, item_id: int) -> tuple[Row, Row]:
    item = _row(conn, "SELECT * FROM handover_items WHERE id = ?", (item_id,))
    if item is None:
        raise NotFound(f"handover item {item_id} does not exist")
    return item, _handover(conn, int(item["handover_id"]))


def _check_version(h: Row, expected_version: int | None) -> None:
    if expected_version is not None and h["version"] != expected_version:
        raise StaleEdit(
            f"handover #{h['id']} was changed by someone else (version {h['version']}, "
            f"you had {expected_version}); reload and retry"
        )


# -- the brief --------------------------------------------------------------------------


def _brief(
    conn: sqlite3.Connection,
    *,
    covers_from: str,
    covers_to: str,
    since_event_id: int,
    stale_after_hours: float,
) -> Brief:
    """What happened in the window, from the events log, plus the desk's state now."""
    window = "e.at >= ? AND e.at <= ? AND e.id > ?"
    w = (covers_from, covers_to, since_event_id)

    def section(
        key: str, title: str, count_sql: str, list_sql: str, params: tuple[Any, ...], line: Any
    ) -> Section:
        total = int(conn.execute(count_sql, params).fetchone()[0])
        rows = _rows(conn, list_sql + f" LIMIT {LIST_CAP}", params) if total else []
        return Section(key, title, total, tuple(line(r) for r in rows))

    sections: list[Section] = []
    sections.append(
        section(
            "shifts",
            "Shifts",
            f"SELECT count(*) FROM events e WHERE {window} AND e.entity = 'shift'",
            f"SELECT e.* FROM events e WHERE {window} AND e.entity = 'shift' ORDER BY e.at, e.id",
            w,
            _shift_line,
        )
    )
    new_req = f"FROM events e JOIN requests r ON r.id = e.entity_id WHERE {window} " + (
        "AND e.entity = 'request' AND e.action = 'create'"
    )
    sections.append(
        section(
            "new_requests",
            "New requests, most pressing first",
            f"SELECT count(*) {new_req}",
            f"SELECT e.at, e.actor, r.* {new_req} ORDER BY r.priority_rank, e.at, r.id",
            w,
            _new_request_line,
        )
    )
    changes = (
        f"FROM events e WHERE {window} AND e.entity = 'request' "
        "AND e.action IN ('status', 'acknowledge') AND json_extract(e.after, '$.status') "
        "IS NOT NULL"
    )
    sections.append(
        section(
            "request_status",
            "Request status changes, latest first",
            f"SELECT count(*) {changes}",
            f"SELECT e.* {changes} ORDER BY e.at DESC, e.id DESC",
            w,
            _status_line("request"),
        )
    )
    new_leads = f"FROM events e JOIN leads l ON l.id = e.entity_id WHERE {window} " + (
        "AND e.entity = 'lead' AND e.action = 'create'"
    )
    sections.append(
        section(
            "new_leads",
            "New leads",
            f"SELECT count(*) {new_leads}",
            f"SELECT e.at, e.actor, l.* {new_leads} ORDER BY e.at, l.id",
            w,
            _new_lead_line,
        )
    )
    for key, title, test in (
        ("leads_advanced", "Leads advanced, latest first", "<> 'dropped'"),
        ("leads_dropped", "Leads dropped, latest first", "= 'dropped'"),
    ):
        moved = (
            f"FROM events e WHERE {window} AND e.entity = 'lead' AND e.action = 'status' "
            f"AND json_extract(e.after, '$.status') {test}"
        )
        sections.append(
            section(
                key,
                title,
                f"SELECT count(*) {moved}",
                f"SELECT e.* {moved} ORDER BY e.at DESC, e.id DESC",
                w,
                _status_line("lead"),
            )
        )
    supplies = "FROM supplies WHERE at >= ? AND at <= ?"
    sections.append(
        section(
            "supplies",
            "Supplies received and distributed",
            f"SELECT count(*) {supplies}",
            f"SELECT * {supplies} ORDER BY at, id",
            (covers_from, covers_to),
            _supply_line,
        )
    )
    overdue_req = (
        f"FROM requests WHERE status IN ({_REQ_MARKS}) AND due_by IS NOT NULL AND due_by < ?"
    )
    overdue_lead = (
        f"FROM leads WHERE status IN ({_LEAD_MARKS}) AND next_action_at IS NOT NULL "
        "AND next_action_at < ?"
    )
    sections.append(
        section(
            "overdue",
            "Overdue now (requests past due, leads past their next action)",
            f"SELECT (SELECT count(*) {overdue_req}) + (SELECT count(*) {overdue_lead})",
            f"SELECT 'request' AS kind, id, org AS who, item, due_by AS at, assignee, status "
            f"{overdue_req} UNION ALL SELECT 'lead', id, supplier, item, next_action_at, "
            f"assignee, status {overdue_lead} ORDER BY at, kind, id",
            (*_OPEN_REQ, covers_to, *_OPEN_LEAD, covers_to),
            _overdue_line,
        )
    )
    stale_before = to_iso(from_iso(covers_to) - timedelta(hours=stale_after_hours))
    stale_req = (
        f"FROM requests WHERE status IN ({_REQ_MARKS}) AND updated_at < ? "
        "AND NOT (due_by IS NOT NULL AND due_by < ?)"
    )
    stale_lead = (
        f"FROM leads WHERE status IN ({_LEAD_MARKS}) AND updated_at < ? "
        "AND NOT (next_action_at IS NOT NULL AND next_action_at < ?)"
    )
    sections.append(
        section(
            "stale",
            f"Stale: open, untouched for {stale_after_hours:g} h or more",
            f"SELECT (SELECT count(*) {stale_req}) + (SELECT count(*) {stale_lead})",
            f"SELECT 'request' AS kind, id, org AS who, item, updated_at AS at, assignee, "
            f"status {stale_req} UNION ALL SELECT 'lead', id, supplier, item, updated_at, "
            f"assignee, status {stale_lead} ORDER BY at, kind, id",
            (*_OPEN_REQ, stale_before, covers_to, *_OPEN_LEAD, stale_before, covers_to),
            _stale_line,
        )
    )
    # One definition of failing, the header's and `status`'s: a source with
    # ``failing_since`` set is failing until it recovers.
    failing = f"FROM sources WHERE {FAILING_SQL}"
    sections.append(
        section(
            "sources",
            "Failing sources",
            f"SELECT count(*) {failing}",
            f"SELECT * {failing} ORDER BY name",
            (),
            _source_line,
        )
    )
    # What lands in the next shift (and what is already late): the incoming officer must
    # know before it happens, not when the airport calls.
    ahead = to_iso(from_iso(covers_to) + timedelta(hours=NEXT_SHIFT_HOURS))
    landing = f"FROM arrivals WHERE state IN ({','.join('?' for _ in ARRIVAL_OPEN)}) AND eta < ?"
    sections.append(
        section(
            "arrivals",
            f"Arriving in the next {NEXT_SHIFT_HOURS} hours (and overdue)",
            f"SELECT count(*) {landing}",
            f"SELECT * {landing} ORDER BY eta, id",
            (*ARRIVAL_OPEN, ahead),
            _arrival_line,
        )
    )
    other = (
        f"FROM events e WHERE {window} AND e.entity NOT IN ('handover', 'shift', 'supply') "
        "AND NOT (e.entity IN ('request', 'lead') AND e.action IN ('create', 'status')) "
        "AND NOT (e.entity = 'request' AND e.action = 'acknowledge')"
    )
    sections.append(
        section(
            "other",
            "Other changes (assignments, notes, links, contacts…)",
            f"SELECT count(*) {other}",
            f"SELECT e.entity, e.action, count(*) AS n {other} GROUP BY e.entity, e.action "
            "ORDER BY n DESC, e.entity, e.action",
            w,
            lambda r: BriefLine(f"{r['entity']} {r['action']} × {r['n']}"),
        )
    )
    events = conn.execute(
        f"SELECT count(*) FROM events e WHERE {window} AND e.entity <> 'handover'", w
    ).fetchone()[0]
    open_requests = conn.execute(
        f"SELECT count(*) FROM requests WHERE status IN ({_REQ_MARKS})", _OPEN_REQ
    ).fetchone()[0]
    open_leads = conn.execute(
        f"SELECT count(*) FROM leads WHERE status IN ({_LEAD_MARKS})", _OPEN_LEAD
    ).fetchone()[0]
    return Brief(
        covers_from=covers_from,
        covers_to=covers_to,
        events=int(events),
        sections=tuple(sections),
        open_requests=int(open_requests),
        open_leads=int(open_leads),
    )


def _clean_brief(brief: Brief) -> Brief:
    """The brief's lines cleaned: they quote records, names and errors from the desk."""

    def line(entry: BriefLine) -> BriefLine:
        return replace(
            entry,
            text=clean_text(entry.text, UNLIMITED),
            ref=clean_text(entry.ref, UNLIMITED),
            actor=(clean_name(entry.actor) or None) if entry.actor else None,
        )

    return replace(
        brief,
        sections=tuple(
            replace(s, title=clean_text(s.title), lines=tuple(line(li) for li in s.lines))
            for s in brief.sections
        ),
    )


def _load(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _owner(assignee: Any) -> str:
    return f"owner {assignee}" if assignee else "unowned"


def _shift_line(e: Row) -> BriefLine:
    after = _load(e["after"])
    if e["action"] == "end":
        return BriefLine(f"shift #{e['entity_id']} ended", "", e["at"], e["actor"])
    if e["action"] == "takeover":
        text = f"{after.get('officer')} took over (shift #{after.get('taken_over_from')} ended)"
    else:
        text = f"{after.get('officer')} started shift #{e['entity_id']}"
    return BriefLine(text, "", e["at"], e["actor"])


def _new_request_line(r: Row) -> BriefLine:
    qty = _qty(r.get("quantity"), r.get("unit"))
    text = f"{r['priority']} · {r['org']}: {r['item']}{qty}"
    text += f" · now {r['status']}, {_owner(r['assignee'])}"
    return BriefLine(text, f"request #{r['id']}", r["at"], r["actor"])


def _new_lead_line(r: Row) -> BriefLine:
    qty = _qty(r.get("quantity"), r.get("unit"))
    country = f" ({r['country']})" if r.get("country") else ""
    text = f"{r['supplier']}{country}: {r['item']}{qty} · now {r['status']}"
    return BriefLine(text, f"lead #{r['id']}", r["at"], r["actor"])


def _status_line(entity: str) -> Any:
    def line(e: Row) -> BriefLine:
        before, after = _load(e["before"]), _load(e["after"])
        text = f"{before.get('status', '?')} → {after.get('status')}"
        if after.get("closure_reason"):
            text += f" ({after['closure_reason']})"
        return BriefLine(text, f"{entity} #{e['entity_id']}", e["at"], e["actor"])

    return line


def _supply_line(r: Row) -> BriefLine:
    qty = _qty(r.get("quantity"), r.get("unit"))
    party = (
        f" ({'from' if r['direction'] == 'received' else 'to'} {r['counterparty']})"
        if r.get("counterparty")
        else ""
    )
    return BriefLine(f"{r['direction']}: {r['item']}{qty}{party}", "", r["at"], r["actor"])


def _arrival_line(r: Row) -> BriefLine:
    from dutyboard.store.arrivals import describe

    holdups = [f"{k} {r[k]}" for k in ("permit", "customs") if r.get(k) == "pending"]
    text = describe(r) + (f" ({', '.join(holdups)})" if holdups else "")
    return BriefLine(text, ref=f"arrival #{r['id']}", at=str(r["eta"]))


def _overdue_line(r: Row) -> BriefLine:
    what = "due" if r["kind"] == "request" else "next action was due"
    text = f"{r['who']}: {r['item']} · {r['status']}, {_owner(r['assignee'])} · {what}"
    return BriefLine(text, f"{r['kind']} #{r['id']}", r["at"], None)


def _stale_line(r: Row) -> BriefLine:
    text = f"{r['who']}: {r['item']} · {r['status']}, {_owner(r['assignee'])} · last change"
    return BriefLine(text, f"{r['kind']} #{r['id']}", r["at"], None)


def _source_line(r: Row) -> BriefLine:
    return BriefLine(
        f"{r['name']} ({r['kind']}): {r['last_error'] or 'error'}",
        "",
        r["last_error_at"] or r["failing_since"],
        None,
    )


__all__ = [
    "ITEM_CAP",
    "Acknowledgement",
    "TakeOver",
    "acknowledge_all",
    "acknowledge_item",
    "add_item",
    "amend_handover",
    "ask_question",
    "current_draft_id",
    "draft_handover",
    "end_own_shift",
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
    "shift_on_duty",
    "sign_handover",
    "take_over",
]
