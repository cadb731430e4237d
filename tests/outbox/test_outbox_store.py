"""The outbox in the store (issue 23), on both engines: a notification is written in the
transaction of the event that causes it, or not at all; a key is one notification; a
signed or acknowledged handover is one each; an existing desk gets the tables in place."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlite_utils import Database

from dutyboard.store import StaleEdit, Store, pg_schema
from dutyboard.store import handovers as ho
from dutyboard.store import outbox as box
from dutyboard.store.connection import SCHEMA_VERSION
from dutyboard.store.schema import migrations
from tests.conftest import FIXED_NOW, FakeClock
from tests.pgserver import PgServer


def count(store: Store, table: str = "outbox") -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_enqueue_is_part_of_the_causing_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        request = store.insert_record(
            conn, "requests", {"org": "Jilin University", "item": "masks"}
        )
        assert box.enqueue(conn, store, "handover_signed", "k:1", "t", "b") is not None
        raise RuntimeError("the write fails after the enqueue")
    assert count(store) == 0 and count(store, "requests") == 0  # nothing of it stayed
    with store.transaction() as conn:
        request = store.insert_record(
            conn, "requests", {"org": "Jilin University", "item": "masks"}
        )
        first = box.enqueue(
            conn, store, "handover_signed", "k:1", "Title\x1b[31m", "Body", payload={"a": 1}
        )
    assert first is not None and request > 0
    # The same key again, in another transaction: nothing written, no error.
    with store.transaction() as conn:
        assert box.enqueue(conn, store, "handover_signed", "k:1", "other", "other") is None
    assert count(store) == 1
    row = box.get_notification(store, "k:1")
    assert row is not None and row["title"] == "Title" and row["payload"] == '{"a":1}'
    assert len(row["uid"]) == 32 and row["routed_at"] is None
    assert box.missing_keys(store, ["k:1", "k:2", "k:2"]) == ["k:2"]
    assert box.waiting(store) == box.Waiting(1, row["created_at"])


def _signed_handover(store: Store, clock: FakeClock) -> int:
    store.actor = "Li Na"
    clock.now = FIXED_NOW - timedelta(hours=8)
    store.start_shift("Li Na")
    clock.now = FIXED_NOW - timedelta(hours=2)
    store.add_request({"org": "Jilin University", "item": "KN95 masks", "priority": "urgent"})
    clock.now = FIXED_NOW
    handover = ho.draft_handover(store)
    ho.sign_handover(store, handover, "Quiet night [click](x)", to_officer="Zhang Wei")
    return handover


def test_signing_a_handover_enqueues_one_notification_with_its_brief(
    store: Store, clock: FakeClock
) -> None:
    store.desk_zone = "Asia/Shanghai"
    handover = _signed_handover(store, clock)
    rows = store._all("SELECT * FROM outbox ORDER BY id")
    assert [r["key"] for r in rows] == [f"handover_signed:{handover}"]
    signed = rows[0]
    assert signed["event"] == "handover_signed"
    assert signed["title"] == f"Handover #{handover} signed by Li Na"
    # The brief as `dutyboard handover show` has it, times in the desk's zone.
    assert f"Handover #{handover}: Li Na → Zhang Wei" in signed["body"]
    assert "Signed: 2020-02-05 03:00 (19:00 UTC) by Li Na" in signed["body"]
    assert "Quiet night [click](x)" in signed["body"] and "KN95 masks" in signed["body"]
    assert signed["created_at"] == "2020-02-04T19:00:00+00:00"

    # Acknowledged by the incoming officer: one more, once.
    store.actor = "Zhang Wei"
    clock.now = FIXED_NOW + timedelta(minutes=5)
    ho.acknowledge_all(store, handover)
    keys = [r["key"] for r in store._all("SELECT key FROM outbox ORDER BY id")]
    assert keys == [f"handover_signed:{handover}", f"handover_acknowledged:{handover}"]
    acked = box.get_notification(store, f"handover_acknowledged:{handover}")
    assert acked is not None and acked["title"] == f"Handover #{handover} acknowledged by Zhang Wei"
    assert "Acknowledged: 2020-02-05 03:05 (19:05 UTC) by Zhang Wei" in acked["body"]


def test_an_acknowledgement_item_by_item_notifies_when_the_last_is_done(
    store: Store, clock: FakeClock
) -> None:
    handover = _signed_handover(store, clock)
    items = [i for i in ho.handover_items(store, handover) if not i["removed"]]
    assert len(items) >= 1
    store.actor = "Zhang Wei"
    for item in items:
        assert box.get_notification(store, f"handover_acknowledged:{handover}") is None
        ho.acknowledge_item(store, int(item["id"]))
    assert box.get_notification(store, f"handover_acknowledged:{handover}") is not None
    assert count(store) == 2


def test_a_refused_signature_leaves_no_notification(store: Store, clock: FakeClock) -> None:
    store.actor = "Li Na"
    store.start_shift("Li Na")
    handover = ho.draft_handover(store)
    version = int(ho.get_handover(store, handover)["version"])
    with pytest.raises(StaleEdit):
        ho.sign_handover(store, handover, expected_version=version + 1)
    assert count(store) == 0
    ho.sign_handover(store, handover, expected_version=version)
    assert count(store) == 1


def test_without_a_desk_zone_the_times_are_utc(store: Store, clock: FakeClock) -> None:
    handover = _signed_handover(store, clock)
    row = box.get_notification(store, f"handover_signed:{handover}")
    assert row is not None and "Signed: 2020-02-04 19:00 UTC by Li Na" in row["body"]


# -- upgrading a desk in place --------------------------------------------------------------


@pytest.mark.sqlite_only(reason="a SQLite file made by the version before m140")
def test_a_sqlite_desk_from_before_m140_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m140_outbox")
    db.execute(
        "INSERT INTO requests (received_at, org, item, created_at, updated_at) "
        "VALUES ('2020-02-04T10:00:00+00:00', 'Jilin University', 'masks', 'x', 'x')"
    )
    db.conn.commit()
    db.close()
    store = Store.open(path, clock=FakeClock())  # an officer's open upgrades it
    try:
        assert store.schema_version() == list(SCHEMA_VERSION)
        assert store.schema_version()[-1] == "m140_outbox"
        assert count(store, "requests") == 1 and count(store) == 0
        with store.transaction() as conn:
            box.enqueue(conn, store, "nobody_on_duty", "nobody_on_duty:x", "t", "b")
        assert count(store) == 1
    finally:
        store.close()
    raw = sqlite3.connect(path)
    try:
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        raw.close()
    assert {"outbox_unrouted", "outbox_deliveries_due", "outbox_deliveries_target"} <= names


def test_a_postgresql_desk_from_before_m140_is_upgraded_in_place(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.url(pg_server.fresh_database())
    with psycopg.connect(url, autocommit=True) as conn:
        with monkeypatch.context() as patched:  # the schema as the version before m140 made it
            patched.setattr(pg_schema, "STEPS", (pg_schema.BASELINE, pg_schema.M130))
            pg_schema.create_schema(conn)
        conn.execute(
            "INSERT INTO requests (received_at, org, item, created_at, updated_at) "
            "VALUES ('2020-02-04T10:00:00+00:00', 'Jilin University', 'masks', 'x', 'x')"
        )
        assert pg_schema.create_schema(conn) == ["m140_outbox"]
        assert pg_schema.schema_version(conn) == list(SCHEMA_VERSION)
        assert conn.execute("SELECT count(*) FROM requests").fetchone() == (1,)
        conn.execute(
            "INSERT INTO outbox (uid, event, key, title, body, created_at) "
            "VALUES ('u', 'e', 'k', 't', 'b', 'now')"
        )
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "INSERT INTO outbox (uid, event, key, title, body, created_at) "
                "VALUES ('v', 'e', 'k', 't', 'b', 'now')"
            )


# -- what is due is read from an index ------------------------------------------------------


@pytest.mark.sqlite_only(reason="SQLite's query plans; PostgreSQL's plans a tiny table as a scan")
def test_the_sender_reads_what_is_due_from_indexes(store: Store) -> None:
    def plan(sql: str, params: tuple[object, ...]) -> str:
        rows = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return " / ".join(str(r[3]) for r in rows)

    due = plan(
        "SELECT d.outbox_id FROM outbox_deliveries d JOIN outbox o ON o.id = d.outbox_id "
        "WHERE d.target = ? AND d.state = 'pending' AND d.next_at <= ? "
        "ORDER BY d.next_at, d.outbox_id LIMIT ?",
        ("t", "z", 5),
    )
    assert "USING INDEX outbox_deliveries_target (target=? AND state=? AND next_at<?)" in due
    unrouted = plan(
        "SELECT id FROM outbox WHERE routed_at IS NULL ORDER BY created_at, id LIMIT ?", (5,)
    )
    assert "outbox_unrouted" in unrouted and "TEMP B-TREE" not in unrouted
    counts = plan(
        "SELECT d.target, d.state, count(*) FROM outbox_deliveries d "
        "JOIN outbox o ON o.id = d.outbox_id WHERE d.state IN ('pending', 'failed') "
        "OR (d.state = 'gave_up' AND o.created_at >= ?) GROUP BY d.target, d.state",
        ("x",),
    )
    assert "SCAN d" not in counts or "COVERING INDEX" in counts, counts
