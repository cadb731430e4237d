"""Roll-call should-works (issue 18): days before a unit was listed are not missing; a
report the desk marks itself is noted "by phone"; a sync replaces the demo's units."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dutyboard.domain.rollcall import BY_PHONE, RollCallState, UnitSpec, owed, parse_rule
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from tests.conftest import FIXED_NOW, FakeClock

DESK = "Asia/Shanghai"
# Listed on the 5th at 10:00 desk time (02:00 UTC); deadline 17:00 every day.
LISTED = datetime(2020, 2, 5, 2, 0, tzinfo=UTC)
JILIN = UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school")
FAW = UnitSpec("FAW Group", parse_rule("daily by 12:00"), "enterprise")


def listed_on_the_5th(store: Store, clock: FakeClock) -> None:
    clock.now = datetime(2020, 2, 1, 2, 0, tzinfo=UTC)
    rc.sync_units(store, [FAW])  # on the list since the 1st
    clock.now = LISTED
    rc.sync_units(store, [FAW, JILIN])


# -- (a) not yet on the roll -------------------------------------------------------------------


def test_a_day_before_the_unit_was_listed_is_not_missing(store: Store, clock: FakeClock) -> None:
    listed_on_the_5th(store, clock)
    now = datetime(2020, 2, 5, 12, 0, tzinfo=UTC)  # 20:00 on the 5th
    clock.now = now
    view = rc.roll_call_view(store, now, DESK, day=date(2020, 2, 3))
    assert [(d.name, d.state) for d in view.days] == [("FAW Group", RollCallState.MISSING)]
    assert [u.name for u in view.not_yet] == ["Jilin University"]
    assert view.not_yet[0].first_owed(DESK) == date(2020, 2, 5)
    # The same through roll_call: the unit is left out, so nothing counts it as missing.
    names = [d.name for d in rc.roll_call(store, now, DESK, day=date(2020, 2, 4))]
    assert names == ["FAW Group"]
    # The day it was listed it owes (17:00 passed with no report: missing).
    today = {d.name: d.state for d in rc.roll_call(store, now, DESK)}
    assert today == {"FAW Group": RollCallState.MISSING, "Jilin University": RollCallState.MISSING}
    assert rc.units_missing(store, now, DESK) == 2


def test_listed_after_the_deadline_still_owes_that_day(store: Store, clock: FakeClock) -> None:
    """The rule is the window, as the history already had it: added at 18:00, the day's
    report is owed (late from the start); the days before are not."""
    clock.now = datetime(2020, 2, 5, 10, 0, tzinfo=UTC)  # 18:00 desk
    rc.sync_units(store, [JILIN])
    unit = rc.find_unit(store, "Jilin University")
    assert unit.owes(date(2020, 2, 5), DESK) and not unit.owes(date(2020, 2, 4), DESK)
    zone = unit.tz(DESK)
    assert owed(unit.rule, date(2020, 2, 5), zone, None)  # no listing time: owed


def test_a_report_recorded_for_an_earlier_day_is_still_shown(
    store: Store, clock: FakeClock
) -> None:
    listed_on_the_5th(store, clock)
    rc.mark_reported(store, "Jilin University", DESK, day=date(2020, 2, 3), note="late fax")
    view = rc.roll_call_view(store, clock.now, DESK, day=date(2020, 2, 3))
    jilin = next(d for d in view.days if d.name == "Jilin University")
    assert jilin.state is RollCallState.LATE and not view.not_yet


def test_the_history_leaves_out_the_same_days(store: Store, clock: FakeClock) -> None:
    listed_on_the_5th(store, clock)
    now = datetime(2020, 2, 6, 12, 0, tzinfo=UTC)
    history = rc.unit_history(store, "Jilin University", now, DESK, periods=7)
    assert [p.day.day for p in history.periods] == [5, 6]
    assert history.streak.gaps == (date(2020, 2, 5), date(2020, 2, 6))  # 20:00 on the 6th


# -- (c) by phone --------------------------------------------------------------------------


@pytest.mark.parametrize("note", [None, "", "  ", "marked on the dashboard"])
def test_a_manual_mark_without_a_note_is_by_phone(
    store: Store, clock: FakeClock, note: str | None
) -> None:
    rc.sync_units(store, [JILIN])
    day = rc.mark_reported(store, "Jilin University", DESK, note=note)
    assert day.note == BY_PHONE == "by phone"
    shown = {d.name: d for d in rc.roll_call(store, FIXED_NOW, DESK)}["Jilin University"]
    assert (shown.note, shown.by) == ("by phone", "manual")
    event = store.history("reporting_unit", day.unit_id)[0]
    assert json.loads(event["after"])["note"] == "by phone"


def test_a_given_note_or_another_source_is_kept(store: Store, clock: FakeClock) -> None:
    rc.sync_units(store, [JILIN, FAW])
    assert rc.mark_reported(store, "Jilin", DESK, note="form via WeChat").note == "form via WeChat"
    by_request = rc.mark_reported(store, "FAW", DESK, by_entity="request", by_id=7)
    assert by_request.note is None


# -- (d) a sync replaces the demo's units ------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from dutyboard.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei", requests=20, leads=10)
    return path


def test_sync_replaces_the_demo_units_and_their_reports(demo: Path) -> None:
    clock = FakeClock(FIXED_NOW + timedelta(hours=1))
    store = Store.open(demo, actor="Zhang Wei", clock=clock)
    try:
        assert len(rc.units(store)) == 14
        demo_reports = store._one("SELECT count(*) AS n FROM roll_calls")
        assert demo_reports is not None and demo_reports["n"] > 0
        rc.add_unit(store, UnitSpec("Erdao District Office", parse_rule("daily by 18:00")))
        configured = [
            JILIN,  # also a demo unit: it becomes the desk's own
            UnitSpec("Changchun Foreign Experts Bureau", parse_rule("daily by 16:00")),
        ]
        result = rc.sync_config_units(store, configured)
        names = [u.name for u in rc.units(store)]
        assert names == [
            "Changchun Foreign Experts Bureau",
            "Erdao District Office",  # added by hand: a real unit, never removed
            "Jilin University",
        ]
        assert len(result.demo_removed) == 13 and result.demo_kept == ("Jilin University",)
        assert result.demo_reports == demo_reports["n"] and result.deactivated == ()
        assert len(rc.units(store, active_only=False)) == 3  # the demo's gone, not hidden
        assert store._one("SELECT count(*) AS n FROM roll_calls") == {"n": 0}
        jilin = rc.find_unit(store, "Jilin University")
        assert jilin.created_at == store.now()  # listed from now: no demo days owed
        deleted = store._all("SELECT * FROM events WHERE action = 'delete'")
        assert len(deleted) == 13
        # Missing counts only the configured units now (none of the demo's two).
        assert arr.desk_counts(store, clock.now, DESK).units_missing == 0
        # Again: nothing left to replace.
        again = rc.sync_config_units(store, configured)
        assert (again.changed, again.demo_removed, again.demo_kept) == (0, (), ())
    finally:
        store.close()


def test_real_units_are_deactivated_by_name_never_removed(store: Store) -> None:
    rc.sync_config_units(store, [JILIN, FAW])
    result = rc.sync_config_units(store, [JILIN])
    assert result.deactivated == ("FAW Group",) and result.demo_removed == ()
    assert {u.name for u in rc.units(store, active_only=False)} == {"Jilin University", "FAW Group"}


def test_the_plain_sync_keeps_the_demo_units(demo: Path) -> None:
    """The dashboard's start-up sync and `rollcall mark` add; only `rollcall sync`
    replaces (and says so)."""
    store = Store.open(demo, actor="Zhang Wei", clock=FakeClock(FIXED_NOW))
    try:
        rc.sync_units(store, [UnitSpec("Changchun Foreign Experts Bureau", JILIN.rule)])
        assert len(rc.units(store)) == 15
    finally:
        store.close()
