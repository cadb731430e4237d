"""The leads panel's "Stage" sort: pipeline order, read from the m110 index, never sorted.

SQLite uses an index on an expression only for a query spelling the same expression, so
the view sorts by exactly ``LEAD_STAGE_ORDER_SQL``, the text m110 indexed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from dutyboard.domain.status import OPEN_LEAD_STATUSES, LeadStatus, lead_stage_index
from dutyboard.store import Store
from dutyboard.store import views as v
from dutyboard.store.sqltext import LEAD_STAGE_ORDER_SQL
from tests.store.query_plans import plans

PIPELINE = [
    "new",
    "verifying",
    "negotiating",
    "ordered",
    "in_transit",
    "customs",
    "received",
    "dropped",
]


@pytest.fixture
def leads(store: Store) -> Store:
    """Three leads per stage, added in reverse alphabetical order of their stages (so
    neither id nor alphabet gives pipeline order), and one of a status no version knows."""
    with store.transaction() as conn:
        for status in sorted(PIPELINE * 3, reverse=True):
            store.insert_record(
                conn, "leads", {"supplier": f"S-{status}", "item": "masks", "status": status}
            )
        store.insert_record(conn, "leads", {"supplier": "S-x", "item": "masks", "status": "zzz"})
    return store


def walk(store: Store, spec: v.ViewSpec, size: int, *, backward: bool = False) -> list[int]:
    """Every row of the view, page by page by key (backward: from the end)."""
    ids: list[int] = []
    key = None
    while True:
        rows = v.page(store, spec, key, size, backward=backward)
        if not rows:
            return ids
        ids = [*(r["id"] for r in rows), *ids] if backward else [*ids, *(r["id"] for r in rows)]
        key = v.key_of(spec, rows[0] if backward else rows[-1])


def stages(store: Store, ids: list[int]) -> list[str]:
    return [store.get("leads", i)["status"] for i in ids]


@pytest.mark.sqlite_only(
    "reads the index text from sqlite_master; test_pg_schema compares the twin"
)
def test_the_constant_is_the_pipeline_and_the_index_text(store: Store) -> None:
    from dutyboard.store import sqltext

    assert [s.value for s in LeadStatus] == PIPELINE == list(v.LEAD_STAGES)
    assert sqltext.LEAD_STAGE_ORDER_SQL is LEAD_STAGE_ORDER_SQL
    assert v.SORTS["leads"]["status"][1] == (LEAD_STAGE_ORDER_SQL,)
    ranks = {
        status: store.conn.execute(
            f"SELECT {LEAD_STAGE_ORDER_SQL} FROM (SELECT ? AS status) AS one", (status,)
        ).fetchone()[0]
        for status in [*PIPELINE, "zzz"]
    }
    assert ranks == {**{s: i for i, s in enumerate(PIPELINE)}, "zzz": len(PIPELINE)}
    # The domain's own order agrees on every stage the pipeline walks forward.
    for status in PIPELINE[:-1]:
        assert lead_stage_index(status) == ranks[status]
    (ddl,) = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'leads_stage_order'"
    ).fetchone()
    assert LEAD_STAGE_ORDER_SQL in ddl


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("open_only", [True, False])
def test_stage_sorts_in_pipeline_order(leads: Store, descending: bool, open_only: bool) -> None:
    spec = v.ViewSpec("leads", sort="status", descending=descending, open_only=open_only)
    expected_stages = PIPELINE[:6] if open_only else [*PIPELINE, "zzz"]
    expected = [s for s in expected_stages for _ in range(1 if s == "zzz" else 3)]
    if descending:
        expected.reverse()
    assert stages(leads, [r["id"] for r in v.page(leads, spec, None, 100)]) == expected
    assert v.count(leads, spec) == len(expected)
    # Page by page, either way, the same order, ties broken by id.
    for size in (1, 2, 5):
        forward = walk(leads, spec, size)
        assert stages(leads, forward) == expected
        assert walk(leads, spec, size, backward=True) == forward
    ids = walk(leads, spec, 4)
    for n, record_id in enumerate(ids):
        key = v.find(leads, spec, record_id)
        assert key is not None and v.position(leads, spec, key) == n
    assert v.anchors(leads, spec, 4) == [v.find(leads, spec, ids[n]) for n in range(0, len(ids), 4)]


def test_a_single_stage_filter_still_sorts_by_stage(leads: Store) -> None:
    spec = v.ViewSpec("leads", sort="status", statuses=frozenset({"customs", "new"}))
    assert stages(leads, walk(leads, spec, 2)) == ["new"] * 3 + ["customs"] * 3


@pytest.mark.sqlite_only("SQLite's query plans; test_pg_schema EXPLAINs PostgreSQL's")
@pytest.mark.parametrize("open_only", [True, False])
def test_stage_pages_read_the_stage_index_in_order(leads: Store, open_only: bool) -> None:
    spec = v.ViewSpec("leads", sort="status", open_only=open_only)
    key = v.key_of(spec, v.page(leads, spec, None, 4)[-1])
    for view in (spec, spec.with_(descending=True), spec.with_(text="masks")):
        steps = plans(
            leads,
            cast(
                Callable[[], object],
                lambda view=view: (
                    v.page(leads, view, None, 50),
                    v.page(leads, view, key, 50),
                    v.page(leads, view, key, 50, backward=True),
                ),
            ),
        )
        assert len(steps) == 3
        for sql, plan in steps:
            assert "USING INDEX leads_stage_order" in plan, (sql, plan)
            assert "TEMP B-TREE" not in plan, (sql, plan)
    if open_only:
        # The open stages are the index's first ranks: one range of it, not a walk past
        # every received and dropped lead (a page from the end, a position, the anchors).
        assert sorted(PIPELINE.index(s) for s in OPEN_LEAD_STATUSES) == list(range(6))
        for _, plan in plans(
            leads,
            lambda: (
                v.page(leads, spec, None, 50, backward=True),
                v.position(leads, spec, key),
                v.anchors(leads, spec, 500),
            ),
        ):
            assert "SEARCH leads USING INDEX leads_stage_order (<expr><?)" in plan, plan


def test_views_do_not_load_the_migration_library() -> None:
    """views.py reads the stage text from sqltext.py; schema.py (sqlite-utils) stays out."""
    code = (
        "import sys\n"
        "import dutyboard.store.views\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlite_utils', "
        "'dutyboard.store.schema'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "[]"
