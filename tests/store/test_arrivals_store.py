"""Arrivals and roll-call in the store, with a frozen clock."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dutyboard.domain.clock import to_iso
from dutyboard.domain.rollcall import RollCallState, UnitSpec, parse_rule
from dutyboard.domain.status import IllegalTransition
from dutyboard.store import ReadOnlyError, StaleEdit, Store, ValidationError
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from dutyboard.store.engine import Connection
from tests.conftest import FIXED_NOW, FakeClock

DESK = "Asia/Shanghai"


def shipment(eta: datetime, **more: Any) -> dict[str, Any]:
    return {
        "kind": "shipment",
        "reference": "CZ8421",
        "item": "medical masks",
        "quantity": 1_900_000,
        "unit": "pcs",
        "origin_country": "HU",
        "origin_city": "Budapest",
        "eta": to_iso(eta),
        **more,
    }


def events(store: Store, arrival_id: int) -> list[dict[str, Any]]:
    return [
        {**e, "before": json.loads(e["before"] or "null"), "after": json.loads(e["after"] or "{}")}
        for e in reversed(arr.arrival_history(store, arrival_id))
    ]


# -- arrivals ----------------------------------------------------------------------------------


def test_add_guesses_the_origin_zone_and_logs_the_creation(store: Store) -> None:
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=9), permit="pending"))
    row = arr.get_arrival(store, arrival_id)
    assert (row["origin_tz"], row["state"], row["permit"]) == (
        "Europe/Budapest",
        "expected",
        "pending",
    )
    assert row["first_eta"] == row["eta"] == "2020-02-05T04:00:00+00:00"
    assert [e["action"] for e in events(store, arrival_id)] == ["create"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "parcel", "eta": "2020-02-05T00:00:00+00:00"}, "kind must be"),
        ({"kind": "traveller", "eta": "2020-02-05T00:00:00+00:00"}, "name is required"),
        ({"kind": "shipment", "eta": "2020-02-05T00:00:00+00:00"}, "item or a flight"),
        ({"kind": "shipment", "item": "masks"}, "eta is required"),
        ({"kind": "shipment", "item": "masks", "eta": "tomorrow"}, "not an ISO date"),
        (
            {"kind": "shipment", "item": "m", "eta": "2020-02-05T00:00:00Z", "permit": "maybe"},
            "permit 'maybe' is not one of pending, granted",
        ),
        ({"kind": "shipment", "item": "m", "eta": "2020-02-05T00:00Z", "colour": 1}, "colour"),
    ],
)
def test_bad_arrivals_are_refused_clearly(
    store: Store, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        arr.add_arrival(store, fields)


def test_a_later_eta_delays_and_keeps_the_old_eta_in_the_log(store: Store) -> None:
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=2)))
    row = arr.update_arrival(store, arrival_id, {"eta": "2020-02-05T01:30:00+00:00"})
    assert (row["state"], row["eta"]) == ("delayed", "2020-02-05T01:30:00+00:00")
    update = events(store, arrival_id)[-1]
    assert update["action"] == "update"
    assert update["before"]["eta"] == "2020-02-04T21:00:00+00:00"
    assert update["after"]["eta"] == "2020-02-05T01:30:00+00:00"
    assert arr.get_arrival(store, arrival_id)["first_eta"] == "2020-02-04T21:00:00+00:00"


def test_delay_with_a_note_then_land_and_receive(store: Store, clock: FakeClock) -> None:
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=1)))
    arr.delay(store, arrival_id, "2020-02-04T22:00:00+00:00", note="permit not granted yet")
    arr.delay(store, arrival_id, "2020-02-04T23:00:00+00:00")  # moved again: still delayed
    row = arr.get_arrival(store, arrival_id)
    assert row["state"] == "delayed" and "permit not granted yet" in row["notes"]
    etas = [e["before"]["eta"] for e in events(store, arrival_id) if e["action"] == "delay"]
    assert etas == ["2020-02-04T20:00:00+00:00", "2020-02-04T22:00:00+00:00"]
    clock.now = FIXED_NOW + timedelta(hours=4)
    arr.set_arrival_state(store, arrival_id, "landed")
    with pytest.raises(IllegalTransition, match="landed cannot become delayed"):
        arr.delay(store, arrival_id, "2020-02-05T01:00:00+00:00")
    with pytest.raises(ValidationError, match="needs the new ETA"):
        arr.set_arrival_state(store, arrival_id, "delayed")
    done = arr.mark_done(store, arrival_id)
    assert (done["state"], done["landed_at"], done["done_at"]) == (
        "received",
        "2020-02-04T23:00:00+00:00",
        "2020-02-04T23:00:00+00:00",
    )


def test_receiving_runs_the_supplies_hook_in_the_same_transaction(store: Store) -> None:
    seen: list[tuple[int, bool]] = []

    def ledger(s: Store, conn: Connection, row: dict[str, Any]) -> None:
        seen.append((row["id"], conn.in_transaction))
        conn.execute(
            "INSERT INTO supplies (at, direction, item, quantity, unit, actor) "
            "VALUES (?, 'received', ?, ?, ?, ?)",
            (s.now(), row["item"], row["quantity"], row["unit"], s.actor),
        )

    # Only the test's hook here (the default one books into the real ledger).
    default = list(arr.RECEIVED_HOOKS)
    arr.RECEIVED_HOOKS[:] = []
    arr.on_received(ledger)
    try:
        arrival_id = arr.add_arrival(store, shipment(FIXED_NOW))
        arr.set_arrival_state(store, arrival_id, "received")
    finally:
        arr.RECEIVED_HOOKS[:] = default
    assert seen == [(arrival_id, True)]
    assert store._one("SELECT item, quantity FROM supplies") == {
        "item": "medical masks",
        "quantity": 1900000,
    }


def test_a_stale_edit_is_refused(store: Store) -> None:
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW))
    version = arr.get_arrival(store, arrival_id)["version"]
    arr.set_holdup(store, arrival_id, permit="granted")
    with pytest.raises(StaleEdit, match="changed by someone else"):
        arr.set_arrival_state(store, arrival_id, "landed", expected_version=version)


def test_the_panel_window_next_hours_overdue_and_recently_done(store: Store) -> None:
    ids = {
        "overdue": arr.add_arrival(store, shipment(FIXED_NOW - timedelta(days=2))),
        "soon": arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=2))),
        "tomorrow": arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=23))),
        "later": arr.add_arrival(store, shipment(FIXED_NOW + timedelta(hours=30))),
        "done": arr.add_arrival(store, shipment(FIXED_NOW - timedelta(hours=3))),
        "done_long_ago": arr.add_arrival(store, shipment(FIXED_NOW - timedelta(hours=9))),
    }
    arr.set_arrival_state(store, ids["done"], "received")
    arr.set_arrival_state(store, ids["done_long_ago"], "cancelled")
    window = arr.upcoming(store, FIXED_NOW, hours=24)
    assert [r["id"] for r in window.rows] == [
        ids["overdue"],
        ids["done"],
        ids["soon"],
        ids["tomorrow"],
    ]
    assert window.more == 0
    capped = arr.upcoming(store, FIXED_NOW, hours=24, limit=2)
    assert len(capped.rows) == 2 and capped.more == 2
    counts = arr.arrival_counts(store, FIXED_NOW, soon_hours=3)
    assert (counts.soon, counts.overdue, counts.landed) == (1, 1, 0)
    in_shift, total = arr.arrivals_between(
        store, to_iso(FIXED_NOW), to_iso(FIXED_NOW + timedelta(hours=12))
    )
    assert [r["id"] for r in in_shift] == [ids["soon"]] and total == 1


def test_a_reminder_fires_once_and_again_for_a_new_eta(store: Store) -> None:
    before = timedelta(minutes=60)
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW + timedelta(minutes=90)))
    assert arr.take_due_reminders(store, FIXED_NOW, before) == []
    at = FIXED_NOW + timedelta(minutes=31)
    fired = arr.take_due_reminders(store, at, before)
    assert [r["id"] for r in fired] == [arrival_id]
    assert arr.take_due_reminders(store, at, before) == []
    assert arr.take_due_reminders(store, at + timedelta(minutes=30), before) == []
    # A second dashboard on the same file does not fire it either.
    other = Store.open(store.location, actor="other", clock=FakeClock(at))
    try:
        assert arr.take_due_reminders(other, at, before) == []
    finally:
        other.close()
    arr.delay(store, arrival_id, to_iso(FIXED_NOW + timedelta(hours=5)))
    assert arr.take_due_reminders(store, at, before) == []
    refired = arr.take_due_reminders(store, FIXED_NOW + timedelta(hours=4, minutes=1), before)
    assert [r["id"] for r in refired] == [arrival_id]
    assert [e["action"] for e in events(store, arrival_id)].count("remind") == 2


def test_a_read_only_store_changes_nothing(store: Store, db_path: Path) -> None:
    arrival_id = arr.add_arrival(store, shipment(FIXED_NOW))
    leader = Store.open(db_path, readonly=True)
    try:
        with pytest.raises(ReadOnlyError):
            arr.set_arrival_state(leader, arrival_id, "landed")
        with pytest.raises(ReadOnlyError):
            rc.add_unit(leader, UnitSpec("X", parse_rule("daily by 17:00")))
        assert arr.upcoming(leader, FIXED_NOW).rows[0]["id"] == arrival_id
    finally:
        leader.close()


# -- roll-call ---------------------------------------------------------------------------------

UNITS = [
    UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school"),
    UnitSpec("FAW Group", parse_rule("daily by 12:00"), "enterprise", also=("一汽集团",)),
    UnitSpec("Europe group", parse_rule("daily by 17:00"), "overseas", zone="Europe/Paris"),
    UnitSpec("Jilin International Studies University", parse_rule("weekly on Mon by 12:00")),
]


def states(store: Store, now: datetime) -> dict[str, RollCallState]:
    return {r.name: r.state for r in rc.roll_call(store, now, DESK)}


def test_sync_adds_updates_and_deactivates(store: Store) -> None:
    assert rc.sync_units(store, UNITS) == 4
    assert rc.sync_units(store, UNITS) == 0
    changed = [UNITS[0], UnitSpec("FAW Group", parse_rule("daily by 11:00"), "enterprise")]
    assert rc.sync_units(store, changed) == 3  # FAW updated, two deactivated
    assert [u.name for u in rc.units(store)] == ["FAW Group", "Jilin University"]
    assert rc.find_unit(store, "faw group").rule.text == "daily by 11:00"
    assert len(rc.units(store, active_only=False)) == 4


def test_states_across_the_desk_day_and_a_unit_abroad(store: Store, clock: FakeClock) -> None:
    rc.sync_units(store, UNITS)
    # FIXED_NOW is 03:00 on the 5th in Shanghai, 20:00 on the 4th in Paris.
    assert states(store, FIXED_NOW) == {
        "FAW Group": RollCallState.DUE,
        "Jilin University": RollCallState.DUE,
        "Europe group": RollCallState.MISSING,
        "Jilin International Studies University": RollCallState.DUE,
    }
    assert rc.units_missing(store, FIXED_NOW, DESK) == 1
    noon = datetime(2020, 2, 5, 4, 0, tzinfo=UTC)  # 12:00 desk: FAW's deadline
    assert states(store, noon - timedelta(seconds=1))["FAW Group"] is RollCallState.DUE
    assert states(store, noon)["FAW Group"] is RollCallState.MISSING
    # Past desk midnight the 6th opens: everyone is due again (Paris too, by its morning).
    next_day = datetime(2020, 2, 5, 16, 0, tzinfo=UTC)  # 00:00 on the 6th in Shanghai
    assert states(store, next_day - timedelta(seconds=1))["Jilin University"] is (
        RollCallState.MISSING
    )
    assert states(store, next_day)["Jilin University"] is RollCallState.DUE
    assert rc.roll_call(store, next_day, DESK, day=date(2020, 2, 5))[0].state is (
        RollCallState.MISSING
    )


def test_a_request_from_the_unit_settles_it(store: Store, clock: FakeClock) -> None:
    rc.sync_units(store, UNITS)
    clock.now = datetime(2020, 2, 5, 1, 0, tzinfo=UTC)  # 09:00 desk
    store.add_request({"org": "FAW", "item": "masks"})  # not one of its names: no
    request_id = store.add_request({"org": "一汽集团", "item": "masks"})  # listed in "also"
    clock.now = datetime(2020, 2, 5, 10, 0, tzinfo=UTC)  # 18:00 desk: after the deadline
    store.add_request({"org": "Jilin University", "item": "gloves"})
    rows = {r.name: r for r in rc.roll_call(store, clock.now, DESK)}
    assert (rows["FAW Group"].state, rows["FAW Group"].by) == (
        RollCallState.REPORTED,
        f"request #{request_id}",
    )
    assert rows["Jilin University"].state is RollCallState.LATE
    assert not rows["FAW Group"].recorded
    assert rc.auto_settle(store, clock.now, DESK) == 2
    assert rc.auto_settle(store, clock.now, DESK) == 0
    again = {r.name: r for r in rc.roll_call(store, clock.now, DESK)}
    assert again["FAW Group"].recorded and again["FAW Group"].by == f"request #{request_id}"


def test_an_ingested_file_named_after_the_unit_settles_it(store: Store, clock: FakeClock) -> None:
    rc.sync_units(store, UNITS)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO ingest_runs (source, location, started_at, result) "
            "VALUES ('Jilin University', 'daily.xlsx', ?, 'ok')",
            (to_iso(FIXED_NOW),),
        )
    rows = {r.name: r for r in rc.roll_call(store, FIXED_NOW, DESK)}
    assert rows["Jilin University"].state is RollCallState.REPORTED
    assert rows["Jilin University"].by == "file (run #1)"


def test_manual_marks_late_or_on_time_once(store: Store, clock: FakeClock) -> None:
    rc.sync_units(store, UNITS)
    day = rc.mark_reported(store, "europe", DESK, note="by phone")
    assert (day.state, day.day, day.note) == (RollCallState.LATE, date(2020, 2, 4), "by phone")
    with pytest.raises(ValidationError, match="already late for 2020-02-04"):
        rc.mark_reported(store, "Europe group", DESK)
    on_time = rc.mark_reported(store, "Jilin University", DESK)
    assert on_time.state is RollCallState.REPORTED and on_time.day == date(2020, 2, 5)
    event = store.history("reporting_unit", on_time.unit_id)[0]
    assert event["action"] == "report" and json.loads(event["after"])["by_entity"] == "manual"
    with pytest.raises(ValidationError, match="matches several units"):
        rc.find_unit(store, "jilin")
    with pytest.raises(Exception, match="no reporting unit is called 'Harbin'"):
        rc.mark_reported(store, "Harbin", DESK)


def test_history_streak_and_gaps_since_the_unit_was_listed(store: Store, clock: FakeClock) -> None:
    clock.now = datetime(2020, 1, 31, 2, 0, tzinfo=UTC)  # listed on the 31st, 10:00 desk
    rc.sync_units(store, UNITS[:1])
    for day, hour in ((31, 8), (2, 8), (3, 10), (4, 5)):  # UTC hours: 16:00, 16:00, 18:00…
        month = 1 if day == 31 else 2
        at = datetime(2020, month, day, hour, 0, tzinfo=UTC)
        rc.mark_reported(store, "Jilin University", DESK, at=at)
    history = rc.unit_history(store, "Jilin University", FIXED_NOW, DESK, periods=14)
    assert [p.day.day for p in history.periods] == [31, 1, 2, 3, 4, 5]  # not before listing
    assert [p.state.value for p in history.periods] == [
        "reported",
        "missing",
        "reported",
        "late",
        "reported",
        "due",
    ]
    assert (history.streak.current, history.streak.gaps) == (3, (date(2020, 2, 1),))


# -- the demo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        FIXED_NOW,  # 03:00 desk time
        datetime(2020, 2, 4, 16, 20, tzinfo=UTC),  # 00:20 desk time
        datetime(2020, 2, 5, 9, 30, tzinfo=UTC),  # 17:30 desk time, a Wednesday
        datetime(2020, 2, 9, 15, 59, tzinfo=UTC),  # 23:59 on a Sunday
    ],
)
def test_demo_night_whatever_the_hour(tmp_path: Path, now: datetime) -> None:

    from dutyboard.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, now=now, officer="Zhang Wei", requests=40, leads=10)
    store = Store.open(path, actor="demo", clock=FakeClock(now))
    try:
        # build_demo has already called add_demo_arrivals for this "now".
        assert len(rc.units(store)) == 14
        missing = [
            r.name for r in rc.roll_call(store, now, DESK) if r.state is RollCallState.MISSING
        ]
        assert sorted(missing) == ["Continental Automotive Changchun", "German School Changchun"]
        window = arr.upcoming(store, now, hours=24)
        described = [arr.describe(r) for r in window.rows]
        assert "CZ8421 · 1,900,000 pcs medical masks" in described
        charter = next(r for r in window.rows if r["reference"] == "CZ8421")
        assert charter["permit"] == "pending"
        sister = next(r for r in window.rows if "sister-city" in str(r["item"]))
        assert datetime.fromisoformat(sister["eta"]).astimezone(ZoneInfo(DESK)).hour == 1
        countries = {r["origin_country"] for r in window.rows if r["kind"] == "traveller"}
        assert len(countries) == 12 and window.more == 0
        assert arr.arrival_counts(store, now).overdue == 1  # the gloves from Colombo
        header = arr.desk_counts(store, now, DESK)
        assert (header.units_missing, header.arrivals_overdue) == (2, 1)
        assert header.arrivals_soon == arr.arrival_counts(store, now, soon_hours=3).soon
    finally:
        store.close()
