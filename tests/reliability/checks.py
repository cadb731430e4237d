"""Invariants read straight from the SQLite file, with nothing but ``sqlite3``.

They are what "no lost update" and "no half-applied change" mean for the events log:

* every record has exactly one ``create`` event, and its ``version`` is one more than
  the number of update events it has (an update and its event commit together);
* replaying a record's events, each update's *before* equals what the previous events
  left (no write was based on a value someone else had already changed), and the replay
  ends at the row as stored;
* a handover is wholly draft or wholly signed (or acknowledged) with exactly the events
  that go with that state.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Fields whose whole history the tests replay (officers' edits and the handover's passes).
TRACKED = ("status", "assignee", "notes")
# Values a record has before any event set them (the schema's defaults).
DEFAULTS: dict[str, Any] = {"status": "new", "assignee": None, "notes": None}
# Events on a record that do not change the row (no version bump).
NOT_UPDATES = frozenset({"create", "possible_duplicate", "link"})
# The handover actions the sign-off loop performs, and the ones that bump its version.
HANDOVER_ACTIONS = frozenset({"draft", "notes", "sign", "item_acknowledge", "pass", "acknowledge"})
HANDOVER_BUMPS = frozenset({"notes", "sign", "acknowledge"})


@dataclass
class History:
    records: int = 0
    updates: int = 0
    by_actor: Counter[str] = field(default_factory=Counter)


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def _load(text: str | None) -> dict[str, Any]:
    return dict(json.loads(text)) if text else {}


def check_record_history(
    conn: sqlite3.Connection, table: str = "requests", entity: str = "request"
) -> History:
    """Assert the version and replay invariants for every row of ``table``."""
    rows = {int(r["id"]): dict(r) for r in conn.execute(f"SELECT * FROM {table}")}
    state: dict[int, dict[str, Any]] = {}
    updates: Counter[int] = Counter()
    history = History()
    events = conn.execute(
        "SELECT id, actor, entity_id, action, before, after FROM events "
        "WHERE entity = ? ORDER BY id",
        (entity,),
    )
    for event in events:
        record_id = int(event["entity_id"])
        action = str(event["action"])
        after = _load(event["after"])
        if action == "create":
            assert record_id not in state, f"{entity} #{record_id} created twice"
            state[record_id] = {key: after.get(key, DEFAULTS[key]) for key in TRACKED}
            continue
        if action in NOT_UPDATES:
            continue
        assert record_id in state, f"event #{event['id']}: {entity} #{record_id} never created"
        before = _load(event["before"])
        current = state[record_id]
        for key in TRACKED:
            if key in before:
                assert current[key] == before[key], (
                    f"lost update: event #{event['id']} ({action} by {event['actor']}) on "
                    f"{entity} #{record_id} saw {key}={before[key]!r}, but the previous "
                    f"events left {current[key]!r}"
                )
            if key in after:
                current[key] = after[key]
        updates[record_id] += 1
        history.updates += 1
        history.by_actor[str(event["actor"])] += 1
    assert set(state) == set(rows), (
        f"rows without a create event: {sorted(set(rows) - set(state))[:5]}; "
        f"create events without a row: {sorted(set(state) - set(rows))[:5]}"
    )
    for record_id, row in rows.items():
        assert row["version"] == updates[record_id] + 1, (
            f"{entity} #{record_id}: version {row['version']} but "
            f"{updates[record_id]} update events (half-applied change)"
        )
        replayed = state[record_id]
        stored = {key: row[key] for key in TRACKED}
        assert stored == replayed, f"{entity} #{record_id}: row {stored} != events {replayed}"
    history.records = len(rows)
    return history


def check_handovers(conn: sqlite3.Connection) -> Counter[str]:
    """Assert every handover is wholly in one state, with exactly its events.

    Returns how many handovers are in each state. An acknowledged handover's shift is
    closed: the acknowledgement and the change of officer commit together.
    """
    states: Counter[str] = Counter()
    for h in conn.execute("SELECT * FROM handovers ORDER BY id"):
        hid = int(h["id"])
        actions = Counter(
            str(r[0])
            for r in conn.execute(
                "SELECT action FROM events WHERE entity = 'handover' AND entity_id = ?", (hid,)
            )
        )
        assert set(actions) <= HANDOVER_ACTIONS, f"handover #{hid}: unexpected {actions}"
        assert actions["draft"] == 1, f"handover #{hid} has {actions['draft']} draft events"
        draft_event = conn.execute(
            "SELECT after FROM events WHERE entity = 'handover' AND entity_id = ? "
            "AND action = 'draft'",
            (hid,),
        ).fetchone()
        items = conn.execute(
            "SELECT count(*), count(acknowledged_at) FROM handover_items "
            "WHERE handover_id = ? AND removed = 0",
            (hid,),
        ).fetchone()
        assert _load(draft_event[0])["items"] == items[0], f"handover #{hid}: items half-drafted"
        bumps = sum(actions[a] for a in HANDOVER_BUMPS)
        assert h["version"] == 1 + bumps, f"handover #{hid}: version {h['version']}, {actions}"
        state = str(h["state"])
        states[state] += 1
        signed_fields = (h["signed_at"], h["signed_by"], h["brief"], h["covers_to"])
        if state == "draft":
            assert actions["sign"] == 0 and actions["acknowledge"] == 0, (hid, actions)
            assert signed_fields == (None, None, None, None), f"handover #{hid} half-signed"
            assert h["last_event_id"] is None and items[1] == 0
            continue
        assert actions["sign"] == 1, f"handover #{hid} is {state} with {actions['sign']} signs"
        assert None not in signed_fields and h["last_event_id"] is not None, hid
        sign_event = conn.execute(
            "SELECT after FROM events WHERE entity = 'handover' AND entity_id = ? "
            "AND action = 'sign'",
            (hid,),
        ).fetchone()
        signed = _load(sign_event[0])
        assert (signed["signed_at"], signed["items"]) == (h["signed_at"], items[0]), hid
        assert actions["item_acknowledge"] == items[1], f"handover #{hid}: {actions}, {items}"
        if state == "signed":
            assert actions["acknowledge"] == 0 and items[1] == 0, f"handover #{hid} half-acked"
            assert h["acknowledged_at"] is None
            continue
        assert state == "acknowledged", state
        assert actions["acknowledge"] == 1 and items[1] == items[0], f"handover #{hid}"
        assert h["acknowledged_at"] is not None and h["acknowledged_by"] is not None
        still_open = conn.execute(
            "SELECT count(*) FROM shifts WHERE id = ? AND ended_at IS NULL", (h["shift_id"],)
        ).fetchone()[0]
        assert not still_open, f"handover #{hid} is acknowledged but its shift is still open"
    return states


def check_shifts(conn: sqlite3.Connection) -> int:
    """At most one open shift; every shift started and (if ended) ended with its event."""
    open_shifts = conn.execute("SELECT count(*) FROM shifts WHERE ended_at IS NULL").fetchone()[0]
    assert open_shifts <= 1, f"{open_shifts} shifts open at once"
    for shift in conn.execute("SELECT id, ended_at FROM shifts"):
        actions = Counter(
            str(r[0])
            for r in conn.execute(
                "SELECT action FROM events WHERE entity = 'shift' AND entity_id = ?",
                (shift["id"],),
            )
        )
        assert actions["start"] + actions["takeover"] == 1, (shift["id"], actions)
        assert actions["end"] == (0 if shift["ended_at"] is None else 1), (shift["id"], actions)
    return int(conn.execute("SELECT count(*) FROM shifts").fetchone()[0])
