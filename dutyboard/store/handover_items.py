"""A handover's items: where each stands in the officer's order, and what it says of its
record (a snapshot of the request or lead, taken when drafted and on each refresh).

The order (m100): ``position`` is a real, so an item goes between two others at the
midpoint of theirs; ties (and items written without a position) fall back to the id.
Every listing of one handover's items uses :data:`ITEM_ORDER`. These run inside the
caller's write transaction (:mod:`dutyboard.store.handovers`).
"""

from __future__ import annotations

from typing import Any

from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.i18n import _
from dutyboard.store.brief import quantity_text
from dutyboard.store.engine import Connection
from dutyboard.store.errors import ValidationError
from dutyboard.store.store import Row, clean_fields, clean_name

RECORD_TABLES = {"request": "requests", "lead": "leads"}

# A handover's items in the officer's order (m100): ``position`` is a real, so an item
# goes between two others at the midpoint of theirs; ties (and items written without a
# position) fall back to the id. Every listing of one handover's items uses this order.
ITEM_ORDER = "ORDER BY position, id"
# Each item put at one place halves the gap there; before a gap would fall below this
# (after ~20 such items) the handover is renumbered 1, 2, 3…, long before a double runs
# out of distinct midpoints (~50 halvings).
MIN_POSITION_GAP = 1e-6


def _row(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
    found = conn.execute(sql, params).fetchone()
    return dict(found) if found is not None else None


def _rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def carried_item(conn: Connection, handover_id: int, entity: str, record_id: int) -> Row | None:
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


def _fill_positions(conn: Connection, handover_id: int) -> None:
    """Items written without a position (by an older writer) take their id, as the
    migration gave the rest: they stay where their id put them."""
    conn.execute(
        "UPDATE handover_items SET position = id WHERE handover_id = ? AND position IS NULL",
        (handover_id,),
    )


def end_position(conn: Connection, handover_id: int) -> float:
    """A position after every item of the handover (removed ones included)."""
    _fill_positions(conn, handover_id)
    last = conn.execute(
        "SELECT max(position) FROM handover_items WHERE handover_id = ?", (handover_id,)
    ).fetchone()[0]
    return float(last) + 1.0 if last is not None else 1.0


def position_after(conn: Connection, handover_id: int, after_item_id: int) -> float:
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
            raise ValidationError(
                _("item {item} is not in handover #{id}").format(item=after_item_id, id=handover_id)
            )
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


def _renumber(conn: Connection, handover_id: int) -> None:
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
    qty = quantity_text(record.get("quantity"), record.get("unit"))
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


def insert_item(
    conn: Connection,
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


def update_snapshots(conn: Connection, handover_id: int) -> None:
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


__all__ = [
    "ITEM_ORDER",
    "MIN_POSITION_GAP",
    "RECORD_TABLES",
    "carried_item",
    "end_position",
    "insert_item",
    "position_after",
    "update_snapshots",
]
