"""The supplies ledger in the store: entries with events, deliveries against requests,
receipts from leads, tallies, money per currency, per-day counts, paging."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import NotFound, ReadOnlyError, StaleEdit, Store, ValidationError
from dutyboard.store import arrivals as arr
from dutyboard.store import supplies as s
from dutyboard.store.schema import migrations
from tests.conftest import FakeClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def events(store: Store, entity: str, entity_id: int) -> list[tuple[str, dict[str, object]]]:
    rows = store.conn.execute(
        "SELECT action, after FROM events WHERE entity = ? AND entity_id = ? ORDER BY id",
        (entity, entity_id),
    ).fetchall()
    return [(r["action"], json.loads(r["after"]) if r["after"] else {}) for r in rows]


def request(store: Store, **fields: object) -> int:
    values: dict[str, object] = {
        "org": "Jilin University",
        "item": "KN95 masks",
        "quantity": 1_000,
        "unit": "pcs",
    }
    values.update(fields)
    return store.add_request(values)


def test_received_entry_has_its_snapshot_and_event(store: Store) -> None:
    entry = s.record_received(
        store, "医用外科口罩", 5, "万只", counterparty="Sendai (sister city)", notes="01:00"
    )
    row = dict(store.conn.execute("SELECT * FROM supplies WHERE id = ?", (entry,)).fetchone())
    assert row["direction"] == "received" and row["kind"] == "donation"
    assert (row["quantity"], row["unit"]) == (5, "万只")  # as typed
    assert (row["category"], row["base_quantity"], row["base_unit"]) == ("masks", 50_000, "pcs")
    assert row["actor"] == "tester" and row["recorded_at"] == store.now()
    [(action, after)] = events(store, "supply", entry)
    assert action == "receive"
    assert after["counterparty"] == "Sendai (sister city)" and after["base_quantity"] == 50_000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"item": " ", "quantity": 5}, "needs an item"),
        ({"item": "masks", "quantity": 0}, "positive"),
        ({"item": "masks", "quantity": -3}, "positive"),
        ({"item": "masks", "quantity": float("nan")}, "positive"),
        ({"item": "masks", "quantity": "12x"}, "must be a number"),
        ({"item": "masks", "quantity": 5, "amount": 10}, "currency as a 3-letter code"),
        ({"item": "masks", "quantity": 5, "amount": 10, "currency": "yuan"}, "3-letter"),
        ({"item": "masks", "quantity": 5, "currency": "USD"}, "without an amount"),
        ({"item": "masks", "quantity": 5, "kind": "gift"}, "not one of donation"),
        ({"item": "masks", "quantity": 5, "at": "yesterday"}, "not an ISO date"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        s.record_received(store, **kwargs)  # type: ignore[arg-type]
    assert store.conn.execute("SELECT count(*) FROM supplies").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_unknown_lead_or_request_is_refused(store: Store) -> None:
    with pytest.raises(NotFound, match="lead #9"):
        s.record_received(store, "masks", 5, lead_id=9)
    with pytest.raises(NotFound, match="request #9"):
        s.record_distributed(store, "masks", 5, counterparty="x", request_id=9)


def test_fulfil_request_partially_then_fully_through_the_status_machine(store: Store) -> None:
    rid = request(store)  # 1,000 pcs, status new
    first = s.fulfil_request(store, rid, 10, "boxes")  # 500 pcs
    assert (first.status, first.delivered, first.requested, first.outstanding) == (
        "partially_fulfilled",
        500,
        1_000,
        500,
    )
    row = store.get("requests", rid)
    assert row["status"] == "partially_fulfilled" and row["assignee"] == "tester"
    # new → acknowledged → in progress → partially fulfilled, each step logged.
    steps = [(a, e.get("status")) for a, e in events(store, "request", rid)][1:]
    assert steps == [
        ("acknowledge", "acknowledged"),
        ("status", "in_progress"),
        ("status", "partially_fulfilled"),
    ]
    entry = store.conn.execute("SELECT * FROM supplies WHERE id = ?", (first.entry_id,)).fetchone()
    assert (entry["direction"], entry["request_id"], entry["counterparty"], entry["item"]) == (
        "distributed",
        rid,
        "Jilin University",
        "KN95 masks",
    )
    second = s.fulfil_request(store, rid, 500)  # in the request's unit
    assert (second.status, second.delivered, second.outstanding) == ("fulfilled", 1_000, 0)
    with pytest.raises(ValidationError, match="fulfilled: nothing more"):
        s.fulfil_request(store, rid, 1)
    assert len(s.delivered_to_request(store, rid)) == 2


def test_fulfil_with_complete_and_from_in_progress(store: Store) -> None:
    rid = request(store, quantity=None)  # no quantity: cannot judge, the officer says
    store.acknowledge_request(rid)
    store.set_request_status(rid, "in_progress")
    assert s.fulfil_request(store, rid, 200).status == "partially_fulfilled"
    assert s.fulfil_request(store, rid, 50, complete=True).status == "fulfilled"
    other = request(store)
    store.acknowledge_request(other)
    store.set_request_status(other, "in_progress")
    # in progress → fulfilled directly when everything arrives at once.
    assert s.fulfil_request(store, other, 1_000).status == "fulfilled"
    assert [e.get("status") for _, e in events(store, "request", other)][-1] == "fulfilled"


def test_fulfil_refuses_stale_and_closed_and_rolls_back(store: Store) -> None:
    rid = request(store)
    with pytest.raises(StaleEdit):
        s.fulfil_request(store, rid, 10, expected_version=99)
    store.set_request_status(rid, "closed", reason="duplicate")
    with pytest.raises(ValidationError, match="closed"):
        s.fulfil_request(store, rid, 10)
    assert store.conn.execute("SELECT count(*) FROM supplies").fetchone()[0] == 0


def test_receive_lead_moves_it_to_received_with_the_price(store: Store) -> None:
    lid = store.add_lead(
        {
            "supplier": "Colombo Gloves Export",
            "item": "nitrile gloves",
            "quantity": 400,
            "unit": "boxes",
            "unit_price": 4.5,
            "currency": "USD",
        }
    )
    with pytest.raises(ValidationError, match="lead #1 is new"):
        s.receive_lead(store, lid)
    for stage in ("negotiating", "ordered"):
        store.set_lead_status(lid, stage)
    receipt = s.receive_lead(store, lid)
    assert receipt.lead_status == "received"
    entry = store.conn.execute(
        "SELECT * FROM supplies WHERE id = ?", (receipt.entry_id,)
    ).fetchone()
    assert (entry["kind"], entry["counterparty"], entry["lead_id"]) == (
        "purchase",
        "Colombo Gloves Export",
        lid,
    )
    assert (entry["base_quantity"], entry["base_unit"]) == (20_000, "pairs")
    assert (entry["amount"], entry["currency"]) == (1_800, "USD")
    stages = [e.get("status") for a, e in events(store, "lead", lid) if a == "status"]
    assert stages[-2:] == ["in_transit", "received"]
    # A later batch from a received lead is one more entry; the lead stays received.
    again = s.receive_lead(store, lid, 10, "boxes", final=False)
    assert again.lead_status == "received"


def test_a_partial_batch_leaves_the_lead_open(store: Store) -> None:
    lid = store.add_lead({"supplier": "Karachi Surgical Co.", "item": "goggles"})
    for stage in ("negotiating", "ordered", "in_transit"):
        store.set_lead_status(lid, stage)
    with pytest.raises(ValidationError, match="no quantity"):
        s.receive_lead(store, lid)
    receipt = s.receive_lead(store, lid, 300, "副", final=False)
    assert receipt.lead_status == "in_transit"
    assert store.get("leads", lid)["status"] == "in_transit"


def test_tallies_unmet_and_money(store: Store) -> None:
    s.record_received(store, "医用外科口罩", 5, "万只", counterparty="Sendai")
    s.record_received(
        store, "KN95 masks", 100, "boxes", kind="purchase", amount=600, currency="USD"
    )
    s.record_received(store, "nitrile gloves", 40, "boxes")
    s.record_funds(store, 5_000_000, "CNY", "Hunan overseas Chinese")
    s.record_funds(store, 8_500_000, "cny", "Zhuji")
    s.record_funds(store, 20_000, "USD", "Ohio")
    r1 = request(store, quantity=3_000)  # masks: 3,000 pcs asked
    r2 = request(store, item="一次性手套", quantity=1_000, unit="只")  # 500 pairs asked
    request(store, item="防护服", quantity=200, unit="套", status="fulfilled")  # not open
    s.fulfil_request(store, r1, 20, "boxes")  # 1,000 pcs → 2,000 still needed
    s.record_distributed(store, "surgical masks", 2_390, counterparty="14 units")
    by_key = {(t.category, t.unit): t for t in s.tallies(store)}
    masks = by_key[("masks", "pcs")]
    assert (masks.received, masks.distributed, masks.in_stock, masks.unmet) == (
        55_000,
        3_390,
        51_610,
        2_000,
    )
    gloves = by_key[("gloves", "pairs")]
    assert (gloves.received, gloves.in_stock, gloves.unmet) == (2_000, 2_000, 500)
    assert ("funds", "CNY") not in by_key  # money is not goods
    assert [t.category for t in s.tallies(store)] == ["masks", "gloves"]
    funds = s.money_totals(store)
    assert [(m.currency, m.amount) for m in funds.items()] == [
        ("CNY", Decimal("13500000")),
        ("USD", Decimal("20000")),
    ]
    spent = s.money_totals(store, funds=False, kind="purchase")
    assert [(m.currency, m.amount) for m in spent.items()] == [("USD", Decimal("600"))]
    assert r2  # its need counts in gloves.unmet above


def test_tallies_until_counts_only_earlier_entries(store: Store, clock: FakeClock) -> None:
    s.record_received(store, "masks", 100, at="2020-02-03T10:00:00+00:00")
    s.record_received(store, "masks", 50, at="2020-02-04T10:00:00+00:00")
    [before] = s.tallies(store, until="2020-02-04T00:00:00+00:00", with_unmet=False)
    assert before.received == 100
    assert [t.received for t in s.tallies(store)] == [150]


def test_daily_series_counts_local_days(store: Store, clock: FakeClock) -> None:
    # Desk days in Shanghai (UTC+8): 2020-02-04 local runs 02-03 16:00 → 02-04 16:00 UTC.
    for at in (
        "2020-02-03T15:59:00+00:00",
        "2020-02-03T16:00:00+00:00",
        "2020-02-04T18:00:00+00:00",
    ):
        clock.now = datetime.fromisoformat(at)
        rid = request(store)
        s.fulfil_request(store, rid, 1)
    clock.now = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)  # 03:00 on the 5th in Shanghai
    series = s.daily_series(store, clock.now, SHANGHAI, days=3)
    assert [d.isoformat() for d in series.days] == ["2020-02-03", "2020-02-04", "2020-02-05"]
    assert series.requests == [1, 1, 1]
    assert series.deliveries == [1, 1, 1]


def test_ledger_pages_by_key_in_time_order(store: Store) -> None:
    base = datetime(2020, 2, 3, tzinfo=UTC)
    for i in range(25):
        s.record_received(
            store, "masks" if i % 2 else "gloves", i + 1, at=base + timedelta(minutes=25 - i)
        )
    rows = list(s.iter_ledger(store, page_size=7))
    assert len(rows) == 25
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert s.ledger_count(store, text="glove") == 13
    assert s.ledger_count(store, direction="distributed") == 0
    page = s.ledger_page(store, (rows[9]["at"], rows[9]["id"]), 5)
    assert [r["id"] for r in page] == [r["id"] for r in rows[10:15]]


def test_a_leader_cannot_write(db_path: Path, store: Store) -> None:
    s.record_received(store, "masks", 5)
    leader = Store.open(db_path, readonly=True)
    try:
        with pytest.raises(ReadOnlyError):
            s.record_received(leader, "masks", 5)
        assert s.tallies(leader)[0].received == 5  # reads work
    finally:
        leader.close()


def test_arrival_hook_books_a_received_shipment_once(store: Store) -> None:
    lid = store.add_lead({"supplier": "Ohio Respirator Works", "item": "N95 masks"})
    for stage in ("negotiating", "ordered", "in_transit"):
        store.set_lead_status(lid, stage)
    aid = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "CA1046",
            "eta": "2020-02-04T17:00:00+00:00",
            "item": "N95 masks",
            "quantity": 40,
            "unit": "boxes",
            "lead_id": lid,
        },
    )
    # The ledger hook is registered by default: receiving books the goods once.
    arr.set_arrival_state(store, aid, "received")
    assert (
        store.conn.execute("SELECT count(*) FROM supplies WHERE arrival_id = ?", (aid,)).fetchone()[
            0
        ]
        == 1
    )
    entry = store.conn.execute("SELECT * FROM supplies WHERE arrival_id = ?", (aid,)).fetchone()
    assert (entry["base_quantity"], entry["counterparty"], entry["lead_id"]) == (
        2_000,
        "Ohio Respirator Works",
        lid,
    )
    assert store.get("leads", lid)["status"] == "received"
    with pytest.raises(ValidationError, match="already in"), store.transaction() as conn:
        s.ledger_from_arrival(store, conn, dict(arr.get_arrival(store, aid)))


def test_migration_backfills_entries_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m030_supplies_ledger")
    db.execute(
        "INSERT INTO supplies (at, direction, item, quantity, unit, actor) VALUES "
        "('2020-02-03T00:00:00+00:00', 'received', 'nitrile gloves', 10, 'boxes', 'old'), "
        "('2020-02-03T00:00:00+00:00', 'received', '口罩', 'many', NULL, 'old')"
    )
    db.conn.commit()
    db.close()
    store = Store.open(path)  # upgrades in place
    try:
        rows = store.conn.execute(
            "SELECT category, base_quantity, base_unit FROM supplies ORDER BY id"
        ).fetchall()
        assert tuple(rows[0]) == ("gloves", 500, "pairs")
        assert rows[1]["base_quantity"] is None  # not a number: left out of tallies
        assert [t.received for t in s.tallies(store)] == [500]
    finally:
        store.close()


def test_illegal_request_path_is_reported(store: Store) -> None:
    rid = request(store)
    store.set_request_status(rid, "rejected", reason="not ours")
    with pytest.raises((ValidationError, IllegalTransition)):
        s.fulfil_request(store, rid, 1)
