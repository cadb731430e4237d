"""The panels' default views read in order from their indexes, never sorting a table.

SQLite uses a partial index only when the query repeats the index's WHERE term, so the
migration's literal terms and ``views.open_status_sql`` must agree; a status added to the
domain without a new migration would make every page sort the whole table again."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from sqlite_utils import Database

from dutyboard.store import Store
from dutyboard.store import views as v
from dutyboard.store.schema import migrations
from tests.store.query_plans import plans


@pytest.mark.parametrize(
    ("table", "index"),
    [("requests", "requests_open_pressing"), ("leads", "leads_open_next")],
)
def test_default_view_pages_come_from_the_partial_index(
    tmp_path: Path, table: v.Table, index: str
) -> None:
    store = Store.open(tmp_path / "desk.db", actor="Zhang Wei")
    try:
        (ddl,) = store.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
        ).fetchone()
        where = re.search(r"WHERE (status IN \([^)]*\))", ddl)
        assert where is not None and where.group(1) == v.open_status_sql(table)
        spec = v.ViewSpec(table)
        key = (0, "2020-02-04T00:00:00Z", 1) if table == "requests" else ("2020-02-04", 1)
        for view in (spec, spec.with_(text="Jilin"), spec.with_(descending=True)):
            steps = [
                plan
                for _, plan in plans(
                    store,
                    cast(
                        Callable[[], object],
                        lambda view=view: (
                            v.page(store, view, None, 50),
                            v.page(store, view, key, 50),
                            v.page(store, view, key, 50, backward=True),
                            v.position(store, view, key),
                            v.anchors(store, view, 500),
                        ),
                    ),
                )
            ]
            assert len(steps) == 5
            for plan in steps:
                assert f"{table} USING INDEX {index}" in plan, plan
            # Pages and positions read in index order; only the anchors' final ORDER BY
            # (one key in 500, out of the window function) is sorted.
            for plan in steps[:4]:
                assert "TEMP B-TREE" not in plan, plan
        # "Mine" keeps the planner's choice: one officer's records, by the assignee index.
        mine = plans(store, lambda: v.page(store, spec.with_(assignee="Li Na"), None, 50))
        assert index not in mine[0][1]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("migration", "indexes"),
    [
        ("m050_open_record_indexes", {"requests_open_pressing", "leads_open_next"}),
        ("m060_contact_profile_index", {"contacts_profile_name"}),
    ],
)
def test_an_older_database_gains_the_indexes_in_place(
    tmp_path: Path, migration: str, indexes: set[str]
) -> None:
    path = tmp_path / "desk.db"
    db = Database(path)
    migrations.apply(db, stop_before=migration)
    db.close()
    store = Store.open(path, actor="Zhang Wei")
    try:
        names = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert indexes <= names
        assert migration in store.schema_version()
        assert v.page(store, v.ViewSpec("requests"), None, 10) == []
    finally:
        store.close()
