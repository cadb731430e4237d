"""Handover in the store: drafted from exactly the shift's events, signed and then final,
acknowledged item by item with ownership passing on, history across shifts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from dutyboard.domain.clock import to_iso
from dutyboard.domain.handover import LIST_CAP, HandoverLocked, PassTo
from dutyboard.domain.status import IllegalTransition
from dutyboard.store import ReadOnlyError, StaleEdit, Store, ValidationError
from dutyboard.store import handovers as ho
from dutyboard.store import shifts as sh
from tests.conftest import FIXED_NOW, FakeClock

T0 = FIXED_NOW - timedelta(hours=10)  # Li Na's shift starts


def local(iso: str) -> str:
    return iso[11:16]


def count_events(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def build_desk(store: Store, clock: FakeClock) -> dict[str, int]:
    """Some history before the shift, then Li Na's shift with a known set of events."""
    ids: dict[str, int] = {}
    clock.now = T0 - timedelta(hours=3)
    store.actor = "collector"
    ids["old"] = store.add_request({"org": "Erdao District Office", "item": "goggles",
                                    "priority": "low"})  # fmt: skip
    ids["done"] = store.add_request({"org": "Nanguan District Office", "item": "gloves"})
    ids["lead"] = store.add_lead(
        {"supplier": "Lanka Medical", "country": "LK", "item": "nitrile gloves",
         "next_action_at": to_iso(T0 + timedelta(hours=1))}
    )  # fmt: skip
    clock.now = T0 - timedelta(hours=2)
    store.actor = "Zhang Wei"
    store.acknowledge_request(ids["done"])
    store.set_request_status(ids["done"], "closed", reason="sent by the district")

    clock.now = T0
    store.actor = "Li Na"
    store.start_shift("Li Na")
    clock.now = T0 + timedelta(hours=1)
    ids["urgent"] = store.add_request(
        {"org": "Jilin University", "item": "KN95 masks", "quantity": 2000, "unit": "pcs",
         "priority": "urgent", "due_by": to_iso(T0 + timedelta(hours=5))}
    )  # fmt: skip
    clock.now = T0 + timedelta(hours=2)
    ids["normal"] = store.add_request({"org": "Chaoyang District Office", "item": "goggles"})
    store.acknowledge_request(ids["urgent"])  # takes it: owner Li Na
    store.set_lead_status(ids["lead"], "verifying", next_action_at=to_iso(T0 + timedelta(hours=1)))
    store.assign("leads", ids["lead"], "Li Na")
    clock.now = T0 + timedelta(hours=3)
    ids["dropped"] = store.add_lead({"supplier": "Ohio Respirator Works", "item": "N95 masks"})
    store.set_lead_status(ids["dropped"], "dropped", reason="price")
    store.add_note("requests", ids["normal"], "called back, will send list")
    clock.now = FIXED_NOW
    return ids


@pytest.fixture
def desk(store: Store, clock: FakeClock) -> dict[str, int]:
    return build_desk(store, clock)


@pytest.fixture
def zhang(db_path: Path, clock: FakeClock, desk: dict[str, int]) -> Iterator[Store]:
    other = Store.open(db_path, actor="Zhang Wei", clock=clock)
    yield other
    other.close()


def refs(section: object) -> list[str]:
    return [line.ref for line in section.lines]  # type: ignore[attr-defined]


def test_draft_holds_exactly_the_shifts_events_and_open_items(
    store: Store, desk: dict[str, int]
) -> None:
    in_window = store.conn.execute(
        "SELECT count(*) FROM events WHERE at >= ? AND entity <> 'handover'", (to_iso(T0),)
    ).fetchone()[0]
    handover_id = ho.draft_handover(store)
    assert ho.draft_handover(store) == handover_id  # asking again finds the same draft
    view = ho.handover_view(store, handover_id)
    brief = view.brief
    assert brief is not None
    assert (brief.covers_from, brief.covers_to) == (to_iso(T0), to_iso(FIXED_NOW))
    assert brief.events == in_window == 9
    assert [line.text for line in brief.section("shifts").lines] == ["Li Na started shift #1"]
    new = brief.section("new_requests")
    # Most pressing first; the request from before the shift is not "new" here.
    assert refs(new) == [f"request #{desk['urgent']}", f"request #{desk['normal']}"]
    assert new.total == 2 and "urgent · Jilin University: KN95 masks × 2,000 pcs" in (
        new.lines[0].text
    )
    status = brief.section("request_status")
    # The closed request changed before the shift: not in this brief.
    assert status.total == 1 and status.lines[0].text == "new → acknowledged"
    assert refs(brief.section("new_leads")) == [f"lead #{desk['dropped']}"]
    assert refs(brief.section("leads_advanced")) == [f"lead #{desk['lead']}"]
    assert brief.section("leads_advanced").lines[0].text == "new → verifying"
    assert brief.section("leads_dropped").lines[0].text == "new → dropped (price)"
    assert brief.section("supplies").total == 0  # a count, even when it is zero
    overdue = brief.section("overdue")
    assert sorted(refs(overdue)) == sorted([f"request #{desk['urgent']}", f"lead #{desk['lead']}"])
    assert brief.section("sources").total == 0
    other = brief.section("other")
    assert other.total == 2 and {line.text for line in other.lines} == {
        "lead assign × 1",
        "request note × 1",
    }
    assert (brief.open_requests, brief.open_leads) == (3, 1)

    items = {(i["entity"], i["entity_id"]): i for i in view.active_items}
    assert set(items) == {
        ("request", desk["old"]),
        ("request", desk["urgent"]),
        ("request", desk["normal"]),
        ("lead", desk["lead"]),
    }
    urgent = items[("request", desk["urgent"])]
    assert (urgent["owner"], urgent["next_step"], urgent["next_at"]) == (
        "Li Na",
        "due",
        to_iso(T0 + timedelta(hours=5)),
    )
    lead = items[("lead", desk["lead"])]
    assert (lead["owner"], lead["next_step"]) == ("Li Na", "next action")
    # The outgoing officer's own items come first.
    assert view.active_items[0]["entity_id"] == desk["urgent"]
    assert items[("request", desk["old"])]["owner"] is None


def test_signing_draws_the_brief_to_the_signature_and_freezes_it(
    store: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    handover_id = ho.draft_handover(store)
    clock.now = FIXED_NOW + timedelta(minutes=10)
    late = store.add_request({"org": "Kuancheng District Office", "item": "face shields"})
    clock.now = FIXED_NOW + timedelta(minutes=30)
    row = ho.sign_handover(store, handover_id, "Call the airport at 06:00.")
    assert (row["state"], row["signed_by"]) == ("signed", "Li Na")
    assert row["signed_at"] == to_iso(clock.now) == row["covers_to"]
    clock.now = FIXED_NOW + timedelta(minutes=40)
    store.add_request({"org": "Erdao District Office", "item": "thermometers"})
    brief = ho.handover_view(store, handover_id).brief
    assert brief is not None
    # The request before the signature is in; the one after is not: the brief is frozen.
    assert refs(brief.section("new_requests"))[-1] == f"request #{late}"
    assert brief.section("new_requests").total == 3


def test_a_signed_handover_cannot_be_changed(
    store: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    handover_id = ho.draft_handover(store)
    item_id = ho.handover_view(store, handover_id).active_items[0]["id"]
    ho.sign_handover(store, handover_id, "notes as signed")
    before_row = ho.get_handover(store, handover_id)
    before_items = store.handover_items(handover_id)
    before_events = count_events(store)
    attempts: list[Callable[[], object]] = [
        lambda: ho.set_notes(store, handover_id, "rewritten"),
        lambda: ho.add_item(store, handover_id, "request", desk["done"]),
        lambda: ho.add_item(store, handover_id, "note", summary="one more thing"),
        lambda: ho.remove_item(store, item_id),
        lambda: ho.restore_item(store, item_id),
        lambda: ho.refresh_draft(store, handover_id),
        lambda: ho.sign_handover(store, handover_id, "signed twice"),
    ]
    for attempt in attempts:
        with pytest.raises(HandoverLocked, match="is signed: a signed handover is never edited"):
            attempt()
    assert ho.get_handover(store, handover_id) == before_row
    assert store.handover_items(handover_id) == before_items
    assert count_events(store) == before_events  # nothing written, not even an event
    # Another writer going around the store is stopped by the schema's triggers.
    for sql in (
        "UPDATE handovers SET notes = 'x' WHERE id = ?",
        "UPDATE handover_items SET summary = 'x' WHERE handover_id = ?",
        "DELETE FROM handover_items WHERE handover_id = ?",
        "DELETE FROM handovers WHERE id = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="never"):
            store.conn.execute(sql, (handover_id,))
    # Amendments are new events; the handover itself stays as signed.
    ho.amend_handover(store, handover_id, "Airport moved the call to 07:00")
    assert ho.get_handover(store, handover_id) == before_row
    view = ho.handover_view(store, handover_id)
    assert [a["text"] for a in view.amendments] == ["Airport moved the call to 07:00"]


def test_acknowledge_item_by_item_passes_ownership_and_the_desk(
    store: Store, zhang: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    handover_id = ho.draft_handover(store)
    items = {
        (i["entity"], i["entity_id"]): i["id"]
        for i in ho.handover_view(store, handover_id).active_items
    }
    with pytest.raises(IllegalTransition, match="still a draft"):
        ho.acknowledge_item(zhang, items["request", desk["urgent"]])
    ho.sign_handover(store, handover_id)
    with pytest.raises(IllegalTransition, match="incoming officer acknowledges"):
        ho.acknowledge_item(store, items["request", desk["urgent"]])

    clock.now = FIXED_NOW + timedelta(minutes=5)
    result = ho.acknowledge_item(zhang, items["request", desk["urgent"]])
    assert (result.completed, result.passed) == (False, 1)
    request = zhang.get("requests", desk["urgent"])
    assert request["assignee"] == "Zhang Wei"
    last = zhang.history("request", desk["urgent"])[0]
    assert (last["action"], last["actor"]) == ("handover", "Zhang Wei")
    assert json.loads(last["before"]) == {"assignee": "Li Na"}
    assert json.loads(last["after"]) == {"assignee": "Zhang Wei"}
    row = ho.get_handover(zhang, handover_id)
    assert (row["state"], row["to_officer"]) == ("signed", "Zhang Wei")
    with pytest.raises(ValidationError, match="already acknowledged by Zhang Wei"):
        ho.acknowledge_item(zhang, items["request", desk["urgent"]])

    ho.ask_question(zhang, items["request", desk["normal"]], "Who at Chaoyang is the contact?")
    ho.ask_question(store, items["request", desk["normal"]], "Mr Wang, 138-0000")  # and its answer
    question = ho.handover_view(store, handover_id).items
    thread = next(
        i["question"]
        for i in question
        if i["entity_id"] == desk["normal"] and i["entity"] == "request"
    )
    assert thread.splitlines() == [
        "19:05 UTC Zhang Wei: Who at Chaoyang is the contact?",
        "19:05 UTC Li Na: Mr Wang, 138-0000",
    ]

    for key in ("old", "normal"):
        assert not ho.acknowledge_item(zhang, items["request", desk[key]]).completed
    result = ho.acknowledge_item(zhang, items["lead", desk["lead"]], pass_to=PassTo.POOL)
    assert result.completed
    assert zhang.get("leads", desk["lead"])["assignee"] is None  # to the pool, visibly
    row = ho.get_handover(store, handover_id)
    assert (row["state"], row["acknowledged_by"]) == ("acknowledged", "Zhang Wei")
    view = ho.handover_view(store, handover_id)
    assert view.acknowledged_items == 4
    lead_item = next(i for i in view.items if i["entity"] == "lead")
    assert lead_item["passed_to"] == ""  # passed, to nobody: the pool
    shift = store.current_shift()
    assert shift is not None and shift.officer == "Zhang Wei"
    shift_events = [
        (e["action"], e["actor"])
        for e in store._all("SELECT * FROM events WHERE entity = 'shift' ORDER BY id")
    ]
    assert shift_events[-2:] == [("end", "Zhang Wei"), ("start", "Zhang Wei")]
    with pytest.raises(HandoverLocked, match="already acknowledged"):
        ho.acknowledge_all(zhang, handover_id)
    with pytest.raises(HandoverLocked, match="amendment"):
        ho.ask_question(zhang, items["request", desk["old"]], "too late?")


def test_acknowledge_all_passes_every_open_record_of_the_outgoing_officer(
    store: Store, zhang: Store, desk: dict[str, int]
) -> None:
    extra = store.add_request({"org": "Kuancheng District Office", "item": "suits"})
    store.assign("requests", extra, "Li Na")
    handover_id = ho.draft_handover(store, item_cap=1)  # only one of each kind listed
    view = ho.handover_view(store, handover_id)
    assert (view.listed_requests, view.listed_leads) == (1, 1)
    assert view.brief is not None and view.brief.open_requests == 4
    ho.sign_handover(store, handover_id)
    result = ho.acknowledge_all(zhang, handover_id)
    assert result.completed and result.acknowledged == 2
    # Listed or not, nothing open stays with Li Na, who went home.
    assert store.get("requests", extra)["assignee"] == "Zhang Wei"
    assert store.get("requests", desk["urgent"])["assignee"] == "Zhang Wei"
    assert not store._all(
        "SELECT id FROM requests WHERE assignee = 'Li Na' AND status NOT IN "
        "('fulfilled', 'closed', 'rejected')"
    )
    passes = ho.handover_view(store, handover_id).passes
    assert [p["text"] for p in passes] == [
        "1 more requests and 0 more leads owned by Li Na passed to Zhang Wei"
    ]


def test_take_over_then_the_next_handover_covers_both_shifts(
    store: Store, zhang: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    clock.now = FIXED_NOW + timedelta(minutes=5)
    taken = sh.take_over(zhang)
    assert (taken.officer, taken.taken_from) == ("Zhang Wei", "Li Na")
    clock.now = FIXED_NOW + timedelta(minutes=20)
    mine = zhang.add_request({"org": "Erdao District Office", "item": "alcohol"})
    with pytest.raises(ValidationError, match="Zhang Wei is on duty"):
        ho.draft_handover(store)
    handover_id = ho.draft_handover(zhang)
    brief = ho.handover_view(zhang, handover_id).brief
    assert brief is not None and brief.covers_from == to_iso(T0)  # from Li Na's start
    assert refs(brief.section("new_requests")) == [
        f"request #{desk['urgent']}",
        f"request #{desk['normal']}",
        f"request #{mine}",
    ]
    shifts = [line.text for line in brief.section("shifts").lines]
    assert shifts == [
        "Li Na started shift #1",
        "shift #1 ended",
        "Zhang Wei took over (shift #1 ended)",
    ]


def test_next_draft_starts_where_the_last_signed_brief_ended(
    store: Store, zhang: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    first = ho.draft_handover(store)
    clock.now = FIXED_NOW + timedelta(minutes=10)
    ho.sign_handover(store, first)
    clock.now = FIXED_NOW + timedelta(minutes=15)
    between = store.add_request({"org": "Erdao District Office", "item": "masks"})
    with pytest.raises(ValidationError, match="waiting to be acknowledged"):
        ho.draft_handover(store)
    clock.now = FIXED_NOW + timedelta(minutes=20)
    ho.acknowledge_all(zhang, first)
    second = ho.draft_handover(zhang)
    brief = ho.handover_view(zhang, second).brief
    assert brief is not None and brief.covers_from == to_iso(FIXED_NOW + timedelta(minutes=10))
    # Li Na's request after her signature is handed over now, and nothing twice.
    assert refs(brief.section("new_requests")) == [f"request #{between}"]


def test_an_item_carried_over_shows_how_many_times(
    store: Store, zhang: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    officers = [store, zhang]
    for turn in range(3):
        outgoing, incoming = officers[turn % 2], officers[(turn + 1) % 2]
        clock.now += timedelta(hours=1)
        handover_id = ho.draft_handover(outgoing)
        clock.now += timedelta(minutes=5)
        ho.sign_handover(outgoing, handover_id)
        ho.acknowledge_all(incoming, handover_id)
    view = ho.handover_view(store, handover_id)
    item = next(i for i in view.items if i["entity_id"] == desk["old"] and i["entity"] == "request")
    assert item["carry_count"] == 2
    assert ho.item_carry_count(store, "request", desk["old"]) == 3
    assert ho.item_carry_count(store, "request", desk["old"], before_handover_id=handover_id) == 2
    history = ho.item_history(store, "request", desk["old"])
    assert [(h["from_officer"], h["acknowledged_by"]) for h in history] == [
        ("Li Na", "Zhang Wei"),
        ("Zhang Wei", "Li Na"),
        ("Li Na", "Zhang Wei"),
    ]
    assert "carried over twice" not in ho.handover_text(store, handover_id, local)
    assert "carried over 2 times" in ho.handover_text(store, handover_id, local)


def test_draft_editing_notes_items_and_refresh(
    store: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    handover_id = ho.draft_handover(store)
    version = ho.get_handover(store, handover_id)["version"]
    ho.set_notes(store, handover_id, "Charter permit pending", expected_version=version)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        ho.set_notes(store, handover_id, "mine", expected_version=version)
    old_item = next(
        i["id"]
        for i in ho.handover_view(store, handover_id).items
        if i["entity_id"] == desk["old"] and i["entity"] == "request"
    )
    ho.remove_item(store, old_item)
    note = ho.add_item(store, handover_id, "note", summary="Call airport", next_step="06:00")
    closed = ho.add_item(store, handover_id, "request", desk["done"], next_step="check invoice")
    with pytest.raises(ValidationError, match="already in this handover"):
        ho.add_item(store, handover_id, "request", desk["done"])
    with pytest.raises(ValidationError, match="request, a lead or a note"):
        ho.add_item(store, handover_id, "contact", 1)
    clock.now = FIXED_NOW + timedelta(minutes=5)
    fresh = store.add_request({"org": "Erdao District Office", "item": "masks"})
    assert ho.refresh_draft(store, handover_id) == 1  # the new one; never the removed one
    view = ho.handover_view(store, handover_id)
    active = {(i["entity"], i["entity_id"]) for i in view.active_items}
    assert ("request", desk["old"]) not in active
    assert {("request", fresh), ("request", desk["done"]), ("note", None)} <= active
    by_id = {i["id"]: i for i in view.items}
    assert (by_id[note]["summary"], by_id[note]["next_step"]) == ("Call airport", "06:00")
    assert by_id[closed]["status"] == "closed"
    ho.restore_item(store, old_item)
    assert len(ho.handover_view(store, handover_id).active_items) == len(active) + 1
    actions = [
        e["action"]
        for e in store._all("SELECT action FROM events WHERE entity = 'handover' ORDER BY id")
    ]
    assert actions == ["draft", "notes", "item_remove", "item_add", "item_add", "refresh",
                       "item_restore"]  # fmt: skip
    zhang = Store.open(store.location, actor="Zhang Wei", clock=clock)
    try:
        with pytest.raises(IllegalTransition, match="only Li Na can sign handover #1"):
            ho.sign_handover(zhang, handover_id)
        with pytest.raises(IllegalTransition, match="only Li Na can edit handover #1"):
            ho.set_notes(zhang, handover_id, "not mine to write")
        with pytest.raises(IllegalTransition, match="only Li Na can edit"):
            ho.remove_item(zhang, note)
    finally:
        zhang.close()


def test_drafting_needs_someone_on_duty_and_a_writable_store(
    store: Store, db_path: Path, clock: FakeClock
) -> None:
    with pytest.raises(ValidationError, match="nobody is on duty"):
        ho.draft_handover(store)
    store.start_shift("tester")
    leader = Store.open(db_path, readonly=True, actor="tester", clock=clock)
    try:
        with pytest.raises(ReadOnlyError):
            ho.draft_handover(leader)
        with pytest.raises(ReadOnlyError):
            sh.take_over(leader)
    finally:
        leader.close()
    handover_id = ho.draft_handover(store)
    view = ho.handover_view(store, handover_id)
    assert view.active_items == [] and view.brief is not None
    assert view.brief.section("new_requests").total == 0
    with pytest.raises(ValidationError, match="tester is on duty, not someone"):
        sh.end_own_shift(store, "someone")
    sh.end_own_shift(store, "tester")
    assert store.current_shift() is None


def test_history_search_and_markdown_export(
    store: Store, zhang: Store, clock: FakeClock, desk: dict[str, int]
) -> None:
    for n in range(LIST_CAP + 5):
        clock.now = FIXED_NOW - timedelta(minutes=60 - n)
        store.add_request({"org": f"Unit {n}", "item": "masks"})
    store.add_request({"org": "[Click](http://evil.example) *now*", "item": "masks",
                       "priority": "urgent"})  # fmt: skip
    clock.now = FIXED_NOW
    handover_id = ho.draft_handover(store)
    ho.sign_handover(store, handover_id, "Airport call at 06:00\n# not a heading")
    ho.acknowledge_all(zhang, handover_id)
    text = ho.handover_markdown(store, handover_id, local)
    assert text.startswith(f"## Handover #{handover_id}: Li Na → Zhang Wei\n")
    assert "\\[Click\\](http://evil.example) \\*now\\*" in text
    assert "[Click](" not in text
    assert "> \\# not a heading" in text  # the notes cannot make a heading
    assert f"### New requests, most pressing first ({LIST_CAP + 8})" in text
    assert "- … and 8 more" in text  # 28 new requests, 20 shown
    assert "### Supplies received and distributed (0)" in text
    assert "all clear" not in text.lower()
    assert "- [x] request #" in text

    assert [r["id"] for r in ho.handover_history(store, text="airport")] == [handover_id]
    assert [r["id"] for r in ho.handover_history(store, text="jilin")] == [handover_id]
    assert [r["id"] for r in ho.handover_history(store, text="zhang")] == [handover_id]
    assert ho.handover_history(store, text="100%") == []
    assert ho.handover_history(store, before_id=handover_id) == []


def test_the_brief_lists_what_lands_in_the_next_shift(tmp_path: Path) -> None:
    from dutyboard.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei", requests=20, leads=10)
    store = Store.open(path, actor="Zhang Wei", clock=FakeClock())
    try:
        view = ho.handover_view(store, ho.draft_handover(store))
        assert view.brief is not None
        arrivals = view.brief.section("arrivals")
        texts = [line.text for line in arrivals.lines]
        # The charter waiting on its flight permit, and the overdue gloves from Colombo.
        assert any("CZ8421" in t and "permit pending" in t for t in texts)
        assert any("UL880" in t for t in texts)
        assert arrivals.total >= len(arrivals.lines) > 0
    finally:
        store.close()
