"""The store against a real SQLite file: settings, migrations, events, roles."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import (
    NotFound,
    ReadOnlyError,
    SchemaTooNew,
    SchemaTooOld,
    StaleEdit,
    Store,
    StoreError,
    ValidationError,
)
from dutyboard.store.schema import all_migration_names, migrations
from tests.conftest import FakeClock

REQUEST = {"org": "Jilin University", "item": "KN95 masks", "quantity": 2000, "unit": "pcs"}


def events(store: Store) -> list[dict[str, object]]:
    return [dict(r) for r in store.conn.execute("SELECT * FROM events ORDER BY id")]


def test_new_database_is_private_and_uses_wal_full_sync(store: Store, db_path: Path) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version() == all_migration_names()


@pytest.mark.sqlite_only("SQLite's catalogue; test_pg_schema compares PostgreSQL's to it")
def test_schema_has_every_table_of_the_design(store: Store) -> None:
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for name in (
        "requests", "leads", "lead_requests", "contacts", "supplies", "shifts", "handovers",
        "handover_items", "events", "sources", "ingest_runs", "quarantine",
    ):  # fmt: skip
        assert name in tables


def test_old_database_upgrades_in_place_keeping_its_rows(db_path: Path) -> None:
    # Build a database as the first release left it: only m001 applied.
    db = Database(db_path)
    first, second = all_migration_names()[:2]
    migrations.apply(db, stop_before=second)
    db.execute(
        "INSERT INTO requests (received_at, org, item, priority, status, created_at, updated_at)"
        " VALUES ('2020-02-03T01:00:00+00:00', 'Old unit', 'gloves', 'high', 'new', 'x', 'x')"
    )
    db.conn.commit()
    assert [m.name for m in migrations.applied(db)] == [first]
    db.close()

    store = Store.open(db_path)
    assert store.schema_version() == all_migration_names()
    indexes = {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert "requests_status_priority" in indexes
    assert store.open_requests()[0]["org"] == "Old unit"
    store.close()


def test_read_only_refuses_an_old_schema_and_a_newer_one(db_path: Path) -> None:
    db = Database(db_path)
    migrations.apply(db, stop_before=all_migration_names()[1])
    db.close()
    with pytest.raises(SchemaTooOld, match="needs a schema upgrade"):
        Store.open(db_path, readonly=True)
    Store.open(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('dutyboard', 'm999_future', 'x')"
    )
    raw.commit()
    raw.close()
    with pytest.raises(SchemaTooNew, match="m999_future"):
        Store.open(db_path)


def test_every_write_appends_an_event_in_the_same_transaction(store: Store) -> None:
    rid = store.add_request(REQUEST)
    store.acknowledge_request(rid)
    store.set_request_status(rid, "in_progress")
    store.add_note("requests", rid, "supplier called back")
    store.assign("requests", rid, "Li Na")
    log = events(store)
    assert [e["action"] for e in log] == ["create", "acknowledge", "status", "note", "assign"]
    assert all(e["actor"] == "tester" and e["entity_id"] == rid for e in log)
    assert json.loads(str(log[1]["before"])) == {"status": "new", "assignee": None}
    assert json.loads(str(log[1]["after"])) == {"status": "acknowledged", "assignee": "tester"}
    assert json.loads(str(log[4]["after"])) == {"assignee": "Li Na"}
    assert store.get("requests", rid)["version"] == 5


def test_a_failed_write_leaves_neither_row_nor_event(store: Store) -> None:
    rid = store.add_request(REQUEST)
    with pytest.raises(IllegalTransition):
        store.set_request_status(rid, "fulfilled")
    with pytest.raises(ValidationError, match="org is required"):
        store.add_request({"item": "masks"})
    with pytest.raises(ValidationError, match="priority 'asap'"):
        store.add_request({**REQUEST, "priority": "asap"})
    with pytest.raises(ValidationError, match="unknown field"):
        store.add_request({**REQUEST, "org; DROP TABLE requests": 1})
    assert store.get("requests", rid)["status"] == "new"
    assert len(events(store)) == 1
    assert store.count_requests() == 1


def test_stale_edit_is_refused_not_applied(store: Store) -> None:
    rid = store.add_request(REQUEST)
    version = store.get("requests", rid)["version"]
    store.assign("requests", rid, "Wang Fang")  # someone else's edit
    with pytest.raises(StaleEdit, match="changed by someone else"):
        store.acknowledge_request(rid, expected_version=version)
    assert store.get("requests", rid)["status"] == "new"


def test_events_carry_the_clock_time(store: Store, clock: FakeClock) -> None:
    rid = store.add_request(REQUEST)
    clock.now += timedelta(minutes=7)
    store.acknowledge_request(rid)
    log = events(store)
    assert log[0]["at"] == "2020-02-04T19:00:00+00:00"
    assert log[1]["at"] == "2020-02-04T19:07:00+00:00"


def test_read_only_connection_cannot_write_even_with_raw_sql(store: Store, db_path: Path) -> None:
    rid = store.add_request(REQUEST)
    leader = Store.open(db_path, readonly=True, actor="leader")
    assert leader.get("requests", rid)["org"] == "Jilin University"
    with pytest.raises(ReadOnlyError):
        leader.acknowledge_request(rid)
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|read only"):
        leader.conn.execute("UPDATE requests SET status = 'closed'")
    leader.close()
    assert store.get("requests", rid)["status"] == "new"


def test_read_only_open_of_missing_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(path, readonly=True)
    assert not path.exists()


def test_not_a_database_gives_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite\n" * 100)
    with pytest.raises(StoreError, match="not a dutyboard database"):
        Store.open(path)


def test_data_version_sees_other_connections(store: Store, db_path: Path) -> None:
    other = Store.open(db_path, actor="other")
    before = store.data_version()
    store.add_request(REQUEST)  # own write: our data_version does not move
    assert store.data_version() == before
    other.add_request({**REQUEST, "org": "Erdao District Office"})
    assert store.data_version() != before
    other.close()


def test_leads_and_shifts(store: Store) -> None:
    lid = store.add_lead({"supplier": "Lanka Medical", "item": "gloves", "country": "LK"})
    store.set_lead_status(lid, "verifying")
    with pytest.raises(IllegalTransition, match="closure reason"):
        store.set_lead_status(lid, "dropped")
    store.set_lead_status(lid, "dropped", reason="no_stock")
    assert store.get("leads", lid)["closure_reason"] == "no_stock"
    with pytest.raises(NotFound):
        store.set_lead_status(999, "verifying")

    first = store.start_shift("Li Na")
    assert store.start_shift("Li Na") == first  # starting twice is harmless
    second = store.start_shift("Zhang Wei")  # take-over ends the other shift
    shift = store.current_shift()
    assert shift is not None and shift.id == second and shift.officer == "Zhang Wei"
    actions = [e["action"] for e in events(store) if e["entity"] == "shift"]
    assert actions == ["start", "end", "takeover"]


def test_open_requests_are_ordered_most_pressing_first(store: Store, clock: FakeClock) -> None:
    for org, priority in [("a", "low"), ("b", "urgent"), ("c", "normal"), ("d", "urgent")]:
        clock.now += timedelta(minutes=1)
        store.add_request({**REQUEST, "org": org, "priority": priority})
    closed = store.add_request({**REQUEST, "org": "e", "priority": "urgent"})
    with pytest.raises(ValidationError, match="say why"):
        store.set_request_status(closed, "rejected")
    store.set_request_status(closed, "rejected", reason="duplicate of #2")
    assert "rejected: duplicate of #2" in store.get("requests", closed)["notes"]
    assert [r["org"] for r in store.open_requests()] == ["b", "d", "c", "a"]
    assert store.count_requests() == 4


def test_link_lead_to_request_with_a_quantity(store: Store) -> None:
    rid = store.add_request(REQUEST)
    lid = store.add_lead({"supplier": "Lanka Medical", "item": "KN95 masks"})
    store.link_lead_request(lid, rid, 1500)
    store.link_lead_request(lid, rid, 2000)  # relinking updates the quantity
    assert store.links("requests", rid) == [
        {"id": lid, "name": "Lanka Medical", "item": "KN95 masks", "status": "new",
         "quantity": 2000}
    ]  # fmt: skip
    assert store.links("leads", lid)[0]["name"] == "Jilin University"
    link_events = [e for e in events(store) if e["action"] == "link"]
    assert len(link_events) == 4  # one per side, twice
    assert json.loads(str(link_events[-1]["before"])) == {"quantity": 1500}
    with pytest.raises(ValidationError, match="positive"):
        store.link_lead_request(lid, rid, 0)
    with pytest.raises(NotFound):
        store.link_lead_request(lid, 999, 5)


def test_assign_refuses_contacts_and_blank_means_unowned(store: Store) -> None:
    rid = store.add_request(REQUEST)
    store.assign("requests", rid, "Li Na")
    assert store.assign("requests", rid, "  ")["assignee"] is None
    with pytest.raises(ValidationError):
        store.assign("contacts", 1, "x")


def test_schema_version_constant_matches_the_migrations() -> None:
    from dutyboard.store.connection import SCHEMA_VERSION

    assert list(SCHEMA_VERSION) == all_migration_names()
