"""Handover items stay in the order the officer put them (issue 18 #6): an item added
after another goes right there, the order survives reopening the desk and carries into the
next draft; and the brief's failing sources follow the one rule the header uses."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from dutyboard.store import Store, ValidationError
from dutyboard.store import handovers as ho
from dutyboard.store.attention import attention
from dutyboard.store.handover_items import MIN_POSITION_GAP
from tests.conftest import FakeClock
from tests.store.test_handovers import build_desk


def order(store: Store, handover_id: int) -> list[int]:
    """The ids of the items still on the handover, as listed."""
    return [int(i["id"]) for i in ho.handover_view(store, handover_id).active_items]


def summaries(store: Store, handover_id: int) -> list[str]:
    return [str(i["summary"]) for i in ho.handover_view(store, handover_id).active_items]


@pytest.fixture
def draft(store: Store, clock: FakeClock) -> int:
    build_desk(store, clock)
    return ho.draft_handover(store)


def test_an_item_added_after_another_goes_right_after_it(store: Store, draft: int) -> None:
    first, second, *rest = order(store, draft)
    note = ho.add_item(store, draft, "note", summary="Charter permit", after_item_id=first)
    assert order(store, draft) == [first, note, second, *rest]
    # After the same item again: the newer one comes first, right under the cursor.
    call = ho.add_item(store, draft, "note", summary="Call airport", after_item_id=first)
    assert order(store, draft) == [first, call, note, second, *rest]
    # After the last item, and with no place given: at the end.
    last = ho.add_item(store, draft, "note", summary="Last", after_item_id=rest[-1])
    tail = ho.add_item(store, draft, "note", summary="Tail")
    assert order(store, draft) == [first, call, note, second, *rest, last, tail]
    event = store._all(
        "SELECT after FROM events WHERE entity = 'handover' AND action = 'item_add' "
        "ORDER BY id LIMIT 1"
    )[0]
    assert json.loads(event["after"])["after_item_id"] == first


def test_the_order_survives_reopening_and_is_the_same_everywhere(
    store: Store, draft: int, db_path: Path, clock: FakeClock
) -> None:
    first, *_ = order(store, draft)
    ho.add_item(store, draft, "note", summary="Charter permit pending", after_item_id=first)
    expected = summaries(store, draft)
    assert expected[1] == "Charter permit pending"
    store.close()
    reopened = Store.open(db_path, actor="Li Na", clock=clock)
    try:
        assert summaries(reopened, draft) == expected
        listed = [i["summary"] for i in ho.handover_items(reopened, draft) if not i["removed"]]
        assert listed == expected
        text = ho.handover_text(reopened, draft, lambda iso: iso[11:16])
        lines = [line for line in text.splitlines() if line.startswith("  [ ] ")]
        assert [line.split(": ", 1)[1].split(" · ")[0] for line in lines] == expected
        # Signing keeps it; the incoming officer acknowledges all in that order too.
        ho.sign_handover(reopened, draft)
    finally:
        reopened.close()
    zhang = Store.open(db_path, actor="Zhang Wei", clock=clock)
    try:
        assert summaries(zhang, draft) == expected
        ho.acknowledge_all(zhang, draft)
        acked = zhang._all(
            "SELECT json_extract(after, '$.item_id') AS item FROM events "
            "WHERE action = 'item_acknowledge' ORDER BY id"
        )
        assert [a["item"] for a in acked] == order(zhang, draft)
    finally:
        zhang.close()


def test_positions_too_close_are_renumbered_and_the_order_holds(store: Store, draft: int) -> None:
    first, second, *rest = order(store, draft)
    added = [
        ho.add_item(store, draft, "note", summary=f"note {n}", after_item_id=first)
        for n in range(60)  # each halves the gap under the first item: renumbered on the way
    ]
    assert order(store, draft) == [first, *reversed(added), second, *rest]
    positions = [float(i["position"]) for i in ho.handover_items(store, draft)]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert min(b - a for a, b in itertools.pairwise(positions)) >= MIN_POSITION_GAP


def test_a_removed_record_added_again_goes_where_the_cursor_is(store: Store, draft: int) -> None:
    first, second, third, *rest = order(store, draft)
    item = ho.handover_view(store, draft).items[2]
    ho.remove_item(store, third)
    assert order(store, draft) == [first, second, *rest]
    again = ho.add_item(store, draft, str(item["entity"]), int(item["entity_id"]))
    assert again == third and order(store, draft) == [first, second, third, *rest]  # its place
    ho.remove_item(store, third)
    ho.add_item(store, draft, str(item["entity"]), int(item["entity_id"]), after_item_id=first)
    assert order(store, draft) == [first, third, second, *rest]


def test_a_place_in_another_handover_is_refused(
    store: Store, draft: int, db_path: Path, clock: FakeClock
) -> None:
    with pytest.raises(ValidationError, match="item 9999 is not in handover #1"):
        ho.add_item(store, draft, "note", summary="x", after_item_id=9999)
    assert len(order(store, draft)) == 4  # nothing written


def test_items_written_without_a_position_keep_their_place(store: Store, draft: int) -> None:
    """A writer that knows no position (an older version, a script) leaves it NULL."""
    with store.transaction() as conn:
        conn.execute("UPDATE handover_items SET position = NULL")
        conn.execute(
            "INSERT INTO handover_items (handover_id, entity, summary) VALUES (?, 'note', 'old')",
            (draft,),
        )
    before = [int(i["id"]) for i in ho.handover_items(store, draft)]
    assert before == sorted(before)
    note = ho.add_item(store, draft, "note", summary="new", after_item_id=before[0])
    assert order(store, draft) == [before[0], note, *before[1:]]


def test_carried_items_keep_their_order_in_the_next_draft(
    store: Store, draft: int, db_path: Path, clock: FakeClock
) -> None:
    view = ho.handover_view(store, draft)
    records = [(str(i["entity"]), int(i["entity_id"])) for i in view.active_items]
    first, *_, last = order(store, draft)
    # Li Na moves the last record up under the first, and writes a note between.
    ho.remove_item(store, last)
    ho.add_item(store, draft, *records[-1], after_item_id=first)
    ho.add_item(store, draft, "note", summary="Airport at 06:00", after_item_id=last)
    arranged = [
        (str(i["entity"]), i["entity_id"]) for i in ho.handover_view(store, draft).active_items
    ]
    assert arranged[:3] == [records[0], records[-1], ("note", None)]
    ho.sign_handover(store, draft)
    zhang = Store.open(db_path, actor="Zhang Wei", clock=clock)
    try:
        ho.acknowledge_all(zhang, draft)
        fresh = zhang.add_request({"org": "Erdao District Office", "item": "alcohol"})
        second = ho.draft_handover(zhang)
        items = ho.handover_view(zhang, second).active_items
        carried = [(str(i["entity"]), i["entity_id"]) for i in items if i["carried_from"]]
        # Free-text items stay with their handover; the records keep Li Na's order.
        assert carried == [r for r in arranged if r[0] != "note"]
        assert [(str(i["entity"]), i["entity_id"]) for i in items] == [
            *carried,
            ("request", fresh),
        ]
        # A refresh appends what opened since, after everything already there.
        later = zhang.add_request({"org": "Nanguan District Office", "item": "masks"})
        assert ho.refresh_draft(zhang, second) == 1
        assert int(ho.handover_view(zhang, second).active_items[-1]["entity_id"]) == later
    finally:
        zhang.close()


def test_the_brief_counts_failing_sources_as_the_header_does(store: Store, draft: int) -> None:
    now = store.now()
    with store.transaction() as conn:
        for name, ok, error, since in (
            # A failed file keeps its source failing although a later scan went fine.
            ("units-drop", now, "2020-02-04T10:00:00+00:00", "2020-02-04T10:00:00+00:00"),
            # Recovered: the error is older than the last success and nothing is failing.
            ("consulate-feed", now, "2020-02-04T09:00:00+00:00", None),
            # A desk written before m090: the last error is newer than the last success.
            ("old-rule", "2020-02-04T08:00:00+00:00", "2020-02-04T09:00:00+00:00", None),
        ):
            conn.execute(
                "INSERT INTO sources (name, kind, location, last_ok_at, last_error_at, "
                "last_error, failing_since) VALUES (?, 'folder', '/in', ?, ?, 'bad row', ?)",
                (name, ok, error, since),
            )
    brief = ho.handover_view(store, draft).brief
    assert brief is not None
    sources = brief.section("sources")
    assert sources.total == attention(store, now).sources_failing == 2
    assert [line.text for line in sources.lines] == [
        "old-rule (folder): bad row",
        "units-drop (folder): bad row",
    ]
