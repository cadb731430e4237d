"""The contacts panel's "reachable first" order, walked profile by profile.

Pages, positions and backward pages must give exactly the order of one ORDER BY over the
ranking CASE (what the panel showed before), while each query reads one ordered range of
the profile index instead of sorting every contact."""

from __future__ import annotations

import random

import pytest

from dutyboard.demo import build_demo
from dutyboard.domain.contact_groups import ContactProfile, rank_profiles
from dutyboard.store import Row, Store
from dutyboard.store import views as v
from tests.conftest import FIXED_NOW
from tests.store.query_plans import plans

PAGE = 7  # small pages: every walk crosses several profile groups


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("contacts") / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    store = Store.open(path, actor="Zhang Wei")
    rng = random.Random(7)
    zones = [("Asia/Colombo", "LK"), ("Europe/Paris", "FR"), (None, None), ("Asia/Tokyo", "JP")]
    with store.transaction() as conn:  # same names in several profiles, and no zone at all
        for i in range(60):
            tz, country = rng.choice(zones)
            conn.execute(
                "INSERT INTO contacts (name, tz, country, created_at, updated_at) "
                "VALUES (?, ?, ?, 'x', 'x')",
                (rng.choice(["Ana", "Bo", "Chen", "李明", "Zoe"]) + f" {i % 5}", tz, country),
            )
    return store


def ranking(store: Store, leave_out: int = 0) -> tuple[str, ...]:
    profiles = [ContactProfile.of(r) for r in v.contact_profiles(store)]
    ranked = tuple(rank_profiles(profiles, FIXED_NOW))
    if leave_out < 0:  # a key twice (two profiles may spell the same key): first rank wins
        return (*ranked[:3], ranked[1], *ranked[3:])
    return ranked[: len(ranked) - leave_out]  # left out: the unranked group at the end


def sorted_at_once(store: Store, spec: v.ViewSpec) -> list[int]:
    where, params = v._where(store, spec)
    direction = "DESC" if spec.descending else "ASC"
    order = ", ".join(f"{e} {direction}" for e in spec.sort_exprs)
    sql = f"SELECT id FROM contacts WHERE {where} ORDER BY {order}"
    return [int(r[0]) for r in store.conn.execute(sql, params)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text", ["", "Chen"])
@pytest.mark.parametrize("leave_out", [0, 3, -1])  # -1: one profile listed twice
def test_walks_give_the_one_sort_order(
    store: Store, descending: bool, text: str, leave_out: int
) -> None:
    spec = v.ViewSpec(
        "contacts", descending=descending, text=text, ranking=ranking(store, leave_out)
    )
    expected = sorted_at_once(store, spec)
    assert len(expected) > PAGE

    forward: list[Row] = []
    key = None
    while page := v.page(store, spec, key, PAGE):
        forward += page
        key = v.key_of(spec, page[-1])
    assert [r["id"] for r in forward] == expected

    backward: list[Row] = []
    key = None
    while page := v.page(store, spec, key, PAGE, backward=True):
        backward = page + backward
        key = v.key_of(spec, page[0])
    assert [r["id"] for r in backward] == expected

    for index in (0, 5, len(forward) // 2, len(forward) - 1):
        key = v.key_of(spec, forward[index])
        assert v.position(store, spec, key) == index
        assert v.page(store, spec, key, 3, inclusive=True) == forward[index : index + 3]
        assert v.find(store, spec, forward[index]["id"]) == key
    assert v.count(store, spec) == len(expected)


def test_each_walk_reads_the_profile_index_without_sorting(store: Store) -> None:
    spec = v.ViewSpec("contacts", ranking=ranking(store, 1))
    steps = plans(
        store,
        lambda: v.position(store, spec, v.key_of(spec, v.page(store, spec, None, 500)[-1])),
    )
    assert len(steps) > 2
    for sql, plan in steps:
        assert "contacts_profile_name" in plan, plan
        # A ranked profile is one ordered index range. The unranked rest (profiles that
        # appeared since the ranking, minutes at most) is the one group read whole.
        if " NOT IN " not in sql:
            assert "SEARCH" in plan and "TEMP B-TREE" not in plan, plan


def anchors_at_once(store: Store, spec: v.ViewSpec, every: int) -> list[tuple[object, ...]]:
    ids = sorted_at_once(store, spec)
    keys = ", ".join(spec.sort_exprs)
    return [
        tuple(store.conn.execute(f"SELECT {keys} FROM contacts WHERE id = ?", (i,)).fetchone())
        for i in ids[::every]
    ]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text", ["", "Chen"])
@pytest.mark.parametrize("leave_out", [0, 3, -1])
@pytest.mark.parametrize("every", [1, 4, 500])
def test_jump_anchors_give_the_one_sort_order(
    store: Store, descending: bool, text: str, leave_out: int, every: int
) -> None:
    spec = v.ViewSpec(
        "contacts", descending=descending, text=text, ranking=ranking(store, leave_out)
    )
    found = v.anchors(store, spec, every)
    assert found == anchors_at_once(store, spec, every)
    for index, key in enumerate(found):  # each anchor is where a jump lands
        assert v.position(store, spec, key) == index * every


def test_jump_anchors_read_the_profile_index_without_sorting(store: Store) -> None:
    spec = v.ViewSpec("contacts", ranking=ranking(store, 1))
    steps = plans(store, lambda: v.anchors(store, spec, 10))
    assert steps
    for sql, plan in steps:
        assert "contacts_profile_name" in plan, plan
        if " NOT IN " not in sql:
            # Numbered in index order; only the final ORDER BY (one row in ten) is sorted.
            numbering = plan.split("SCAN (subquery-1)")[0]
            assert "SEARCH" in numbering and "TEMP B-TREE" not in numbering, plan
