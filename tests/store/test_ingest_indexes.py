"""The hash and assignee indexes hold only the rows their lookups can find (m070).

An imported row with an external id, nobody's yet, must not pay for either index, and every
lookup that needs them must still use them: SQLite takes a partial index only when the
query implies its WHERE term."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.store_sink import write_result
from dutyboard.store import Store
from dutyboard.store import views as v
from dutyboard.store.schema import migrations
from tests.store.query_plans import plans

CSV = "单位,物资,数量\n第一医院,口罩,100\n第二医院,手套,200\n".encode()
CSV_WITH_IDS = "编号,单位,物资,数量\nA1,第一医院,口罩,100\nA2,第二医院,手套,200\n".encode()


def index_entries(store: Store, index: str) -> int:
    """How many entries the index holds (its leaf cells, read by the dbstat table)."""
    return int(
        store.conn.execute(
            "SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ? AND pagetype = 'leaf'",
            (index,),
        ).fetchone()[0]
    )


def ingest(store: Store, data: bytes, kind: str = "requests") -> list[tuple[str, str]]:
    parsed = parse_bytes(data, "units.csv", kind)  # type: ignore[arg-type]
    return plans(store, lambda: write_result(store, parsed, source="units", location="units.csv"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "desk.db", actor="Zhang Wei")


def test_rows_with_an_external_id_stay_out_of_the_hash_index(store: Store) -> None:
    ingest(store, CSV_WITH_IDS)
    ingest(store, CSV)
    assert store.count_requests() == 4
    assert index_entries(store, "requests_hash") == 2  # only the two without an id


def test_the_hash_lookup_of_a_second_read_uses_the_partial_index(store: Store) -> None:
    ingest(store, CSV)
    sent = ingest(store, CSV)
    lookups = [plan for sql, plan in sent if "content_hash IN" in sql]
    assert lookups, "the second read looked nothing up by hash"
    for plan in lookups:
        assert "USING INDEX requests_hash" in plan or "COVERING INDEX requests_hash" in plan
    assert store.count_requests() == 2  # and it found both: nothing added twice


def test_only_owned_requests_are_in_the_assignee_index(store: Store) -> None:
    ingest(store, CSV_WITH_IDS)
    first = store.open_requests()[0]["id"]
    assert index_entries(store, "requests_assignee") == 0
    store.assign("requests", first, "Li Na")
    assert index_entries(store, "requests_assignee") == 1


def test_lookups_by_assignee_use_the_partial_index(store: Store) -> None:
    ingest(store, CSV_WITH_IDS)
    store.assign("requests", store.open_requests()[0]["id"], "Li Na")
    mine = plans(store, lambda: v.page(store, v.ViewSpec("requests", assignee="Li Na"), None, 50))
    assert "requests_assignee" in mine[0][1], mine
    # The shape of the handover's "everything the outgoing officer still owns" query.
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM requests WHERE assignee = ? "
        "AND status IN ('new', 'acknowledged') ORDER BY id",
        ("Li Na",),
    ).fetchone()[3]
    assert "INDEX requests_assignee" in plan, plan


def test_an_older_database_gets_the_partial_indexes_in_place(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    db = Database(path)
    migrations.apply(db, stop_before="m070_ingest_partial_indexes")
    db.close()
    old = Store.open(path, actor="Zhang Wei")  # opening applies m070
    try:
        ddl = dict(old.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        for table in ("requests", "leads", "contacts"):
            assert ddl[f"{table}_hash"].rstrip().endswith("WHERE external_id IS NULL")
        assert ddl["requests_assignee"].rstrip().endswith("WHERE assignee IS NOT NULL")
        assert "m070_ingest_partial_indexes" in old.schema_version()
    finally:
        old.close()
