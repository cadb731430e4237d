"""Edit conflicts say what happened (issue 18): who did what to the record, and when,
instead of version numbers; a status move refused because the record changed under the
user says the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dutyboard import i18n
from dutyboard.domain.status import IllegalTransition
from dutyboard.locale import zh_CN
from dutyboard.store import StaleEdit, Store
from dutyboard.store.errors import CHANGE_NOUNS, CHANGE_TEMPLATES, MANY_CHANGES, ONE_CHANGE
from tests.conftest import FakeClock

DESK = ZoneInfo("Asia/Shanghai")
AT_0312 = datetime(2020, 2, 4, 19, 12, tzinfo=UTC)  # 03:12 on the 5th at the desk


def desk_hm(moment: datetime) -> str:
    return f"{moment.astimezone(DESK):%H:%M}"


@pytest.fixture
def two(db_path: Path) -> Iterator[tuple[Store, Store, FakeClock]]:
    """Zhang Wei's session and Li Na's, on one desk file."""
    clock = FakeClock(datetime(2020, 2, 4, 18, 0, tzinfo=UTC))
    zhang = Store.open(db_path, actor="Zhang Wei", clock=clock)
    li = Store.open(db_path, actor="Li Na", clock=clock)
    try:
        yield zhang, li, clock
    finally:
        zhang.close()
        li.close()


def refused(call: object) -> StaleEdit:
    assert callable(call)
    with pytest.raises(StaleEdit) as caught:
        call()
    return caught.value


def test_acknowledged_by_someone_else_first(two: tuple[Store, Store, FakeClock]) -> None:
    zhang, li, clock = two
    rid = zhang.add_request({"org": "Jilin University", "item": "KN95 masks"})
    seen = zhang.get("requests", rid)  # Zhang's screen: new, version 1
    clock.now = AT_0312
    li.acknowledge_request(rid)
    # Before: IllegalTransition "a request that is acknowledged cannot become acknowledged".
    exc = refused(lambda: zhang.acknowledge_request(rid, expected_version=seen["version"]))
    assert exc.change is not None
    assert (exc.change.actor, exc.change.action, exc.change.at) == (
        "Li Na",
        "acknowledge",
        "2020-02-04T19:12:00+00:00",
    )
    assert exc.change.describe(desk_hm) == (
        "Li Na acknowledged this request at 03:12; reopen it to see the change"
    )
    assert str(exc) == (
        f"request #{rid} was changed by someone else: "
        "Li Na acknowledged this request at 19:12 UTC; reopen it to see the change"
    )
    assert zhang.get("requests", rid)["assignee"] == "Li Na"  # nothing of Zhang's applied


def test_a_status_move_on_a_stale_view(two: tuple[Store, Store, FakeClock]) -> None:
    zhang, li, clock = two
    rid = zhang.add_request({"org": "Jilin University", "item": "KN95 masks"})
    zhang.acknowledge_request(rid)
    seen = zhang.get("requests", rid)
    clock.now = AT_0312
    li.set_request_status(rid, "in_progress")
    exc = refused(
        lambda: zhang.set_request_status(rid, "in_progress", expected_version=seen["version"])
    )
    assert exc.change is not None and exc.change.describe(desk_hm) == (
        "Li Na moved this request to in progress at 03:12; reopen it to see the change"
    )
    # A move that is illegal on a fresh view is still the status machine's refusal.
    fresh = zhang.get("requests", rid)
    with pytest.raises(IllegalTransition):
        zhang.set_request_status(rid, "new", expected_version=fresh["version"])


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("Li Na", "Li Na took this request at 03:12"),
        ("Wang Fang", "Li Na assigned this request to Wang Fang at 03:12"),
        (None, "Li Na put this request back in the unowned pool at 03:12"),
    ],
)
def test_assignments_in_words(
    two: tuple[Store, Store, FakeClock], who: str | None, words: str
) -> None:
    zhang, li, clock = two
    rid = zhang.add_request({"org": "Jilin University", "item": "KN95 masks"})
    zhang.assign("requests", rid, "Zhang Wei")
    seen = zhang.get("requests", rid)
    clock.now = AT_0312
    li.assign("requests", rid, who)
    exc = refused(lambda: zhang.add_note("requests", rid, "called back", expected_version=2))
    assert seen["version"] == 2
    assert exc.change is not None and exc.change.describe(desk_hm) == (
        f"{words}; reopen it to see the change"
    )


def test_several_changes_and_another_kind_of_record(two: tuple[Store, Store, FakeClock]) -> None:
    zhang, li, clock = two
    lead = zhang.add_lead({"supplier": "Karachi Surgical Co.", "item": "goggles"})
    seen = zhang.get("leads", lead)
    li.add_note("leads", lead, "price confirmed")
    clock.now = AT_0312
    li.assign("leads", lead, "Li Na")
    exc = refused(
        lambda: zhang.assign("leads", lead, "Zhang Wei", expected_version=seen["version"])
    )
    assert exc.change is not None and exc.change.describe(desk_hm) == (
        "Li Na took this lead at 03:12 (2 changes since you opened it); reopen it to see them"
    )


def test_in_chinese(two: tuple[Store, Store, FakeClock], monkeypatch: pytest.MonkeyPatch) -> None:
    zhang, li, clock = two
    rid = zhang.add_request({"org": "吉林大学", "item": "口罩"})
    clock.now = AT_0312
    li.acknowledge_request(rid)
    exc = refused(lambda: zhang.acknowledge_request(rid, expected_version=1))
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    previous = i18n.language()
    i18n.set_language("zh_CN")
    try:
        assert exc.change is not None
        assert exc.change.describe(desk_hm) == "Li Na 已于 03:12 确认此需求；请重新打开查看变更"
    finally:
        i18n.set_language(previous)


def test_every_wording_has_its_chinese() -> None:
    keys = [*CHANGE_TEMPLATES.values(), *CHANGE_NOUNS.values(), ONE_CHANGE, MANY_CHANGES]
    assert [k for k in [*keys, "someone"] if k not in zh_CN.MESSAGES] == []


def test_a_lead_moved_on_a_stale_view(two: tuple[Store, Store, FakeClock]) -> None:
    zhang, li, clock = two
    lead = zhang.add_lead({"supplier": "Lanka Medical", "item": "KN95 masks"})
    seen = zhang.get("leads", lead)
    clock.now = AT_0312
    li.set_lead_status(lead, "verifying")
    # Before: IllegalTransition, or the move applied over Li Na's: now the stale edit.
    exc = refused(
        lambda: zhang.set_lead_status(lead, "verifying", expected_version=seen["version"])
    )
    assert exc.change is not None and exc.change.actor == "Li Na"
    assert "Li Na" in exc.change.describe(desk_hm) and "03:12" in exc.change.describe(desk_hm)
