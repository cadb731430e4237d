"""Reporting rules, periods and their windows, deadlines across a DST change, streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dutyboard.domain.rollcall import (
    RollCallState,
    Rule,
    current_period,
    deadline_at,
    parse_rule,
    parse_units_config,
    period_of_report,
    state_at,
    streak,
    window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARIS = ZoneInfo("Europe/Paris")


def local(y: int, mo: int, d: int, h: int, mi: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("daily by 17:00", Rule("daily", time(17))),
        ("17:30", Rule("daily", time(17, 30))),
        ("every day by 5pm", Rule("daily", time(17))),
        ("weekdays by 12:00", Rule("weekdays", time(12))),
        ("weekly on Mon by 12:00", Rule("weekly", time(12), 0)),
        ("Friday 09:00", Rule("weekly", time(9), 4)),
        ("每天17:00前", Rule("daily", time(17))),
        ("每天下午5点前", Rule("daily", time(17))),
        ("每周一12:00前", Rule("weekly", time(12), 0)),
        ("工作日 18：00", Rule("weekdays", time(18))),
    ],
)
def test_rules_people_write(text: str, rule: Rule) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily", "needs one deadline time"),
        ("weekly by 12:00", "not on which day"),
        ("daily by 25:00", "impossible time"),
        ("fortnightly by 12:00", "not a rule I can read"),
        ("", "is empty"),
    ],
)
def test_rules_that_cannot_be_read_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(text)


def test_rule_text_round_trips() -> None:
    for text in ("daily by 17:00", "weekdays by 12:00", "weekly on Mon by 12:00"):
        assert parse_rule(text).text == text


def test_daily_unit_due_then_missing_at_its_deadline() -> None:
    rule = parse_rule("daily by 17:00")
    day = date(2020, 2, 5)
    deadline = deadline_at(rule, day, SHANGHAI)
    assert deadline == datetime(2020, 2, 5, 9, 0, tzinfo=UTC)
    assert state_at(rule, day, SHANGHAI, deadline - timedelta(seconds=1), None) is (
        RollCallState.DUE
    )
    assert state_at(rule, day, SHANGHAI, deadline, None) is RollCallState.MISSING
    assert state_at(rule, day, SHANGHAI, deadline, deadline) is RollCallState.REPORTED
    late = deadline + timedelta(minutes=1)
    assert state_at(rule, day, SHANGHAI, late, late) is RollCallState.LATE


def test_the_day_boundary_is_midnight_on_the_desk_clock() -> None:
    rule = parse_rule("daily by 17:00")
    # 23:59 desk time on the 5th is still the 5th's period (15:59 UTC)…
    before = local(2020, 2, 5, 23, 59)
    assert current_period(rule, before, SHANGHAI) == date(2020, 2, 5)
    assert state_at(rule, date(2020, 2, 5), SHANGHAI, before, None) is RollCallState.MISSING
    # …and a minute later the 6th's period opens, due again.
    after = local(2020, 2, 6, 0, 0)
    assert current_period(rule, after, SHANGHAI) == date(2020, 2, 6)
    assert state_at(rule, date(2020, 2, 6), SHANGHAI, after, None) is RollCallState.DUE
    assert window(rule, date(2020, 2, 6), SHANGHAI) == (after, local(2020, 2, 7, 0, 0))
    # A report at 00:10 settles the new day, not the missing one.
    assert period_of_report(rule, local(2020, 2, 6, 0, 10), SHANGHAI) == date(2020, 2, 6)


def test_a_unit_on_its_own_clock() -> None:
    rule = parse_rule("daily by 17:00")
    # 19:00 UTC on the 4th is 03:00 on the 5th in Shanghai but 20:00 on the 4th in Paris:
    # the Paris unit's day is still the 4th, and its 17:00 has passed.
    now = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)
    assert current_period(rule, now, PARIS) == date(2020, 2, 4)
    assert state_at(rule, date(2020, 2, 4), PARIS, now, None) is RollCallState.MISSING
    assert current_period(rule, now, SHANGHAI) == date(2020, 2, 5)


def test_deadline_across_the_european_dst_change() -> None:
    rule = parse_rule("daily by 17:00")
    # Paris springs forward on 2020-03-29: 17:00 is 16:00 UTC the day before, 15:00 after.
    assert deadline_at(rule, date(2020, 3, 28), PARIS) == datetime(2020, 3, 28, 16, tzinfo=UTC)
    assert deadline_at(rule, date(2020, 3, 29), PARIS) == datetime(2020, 3, 29, 15, tzinfo=UTC)
    start, end = window(rule, date(2020, 3, 29), PARIS)
    assert end - start == timedelta(hours=23)  # the short day


def test_weekly_and_weekday_periods() -> None:
    weekly = parse_rule("weekly on Mon by 12:00")
    tuesday, monday = date(2020, 2, 4), date(2020, 2, 10)
    assert weekly.period_for(tuesday) == monday
    assert weekly.period_for(monday) == monday
    start, end = window(weekly, monday, SHANGHAI)
    assert start == local(2020, 2, 4, 0, 0) and end == local(2020, 2, 11, 0, 0)
    assert weekly.periods_before(monday, 3) == [date(2020, 1, 27), date(2020, 2, 3), monday]
    weekdays = parse_rule("weekdays by 18:00")
    saturday = date(2020, 2, 8)
    assert weekdays.period_for(saturday) == monday  # the weekend's report is Monday's
    assert weekdays.previous_due(monday) == date(2020, 2, 7)


def test_streak_counts_back_from_the_newest_settled_period() -> None:
    d = [date(2020, 2, n) for n in range(1, 7)]
    s = streak(
        [
            (d[0], RollCallState.REPORTED),
            (d[1], RollCallState.MISSING),
            (d[2], RollCallState.REPORTED),
            (d[3], RollCallState.LATE),
            (d[4], RollCallState.REPORTED),
            (d[5], RollCallState.DUE),  # today, not yet due: neither counts nor breaks
        ]
    )
    assert (s.current, s.reported, s.late, s.missing, s.gaps) == (3, 3, 1, 1, (d[1],))
    assert streak([(d[0], RollCallState.MISSING)]).current == 0


def test_units_from_config() -> None:
    specs = parse_units_config(
        [
            {"name": "Jilin University", "rule": "daily by 17:00", "kind": "school"},
            {
                "name": "Overseas group – Europe",
                "rule": "daily by 20:00",
                "zone": "Europe/Paris",
                "kind": "overseas",
                "also": ["欧洲组"],
            },
        ]
    )
    assert specs[1].zone == "Europe/Paris" and specs[1].also == ("欧洲组",)
    assert specs[0].rule == Rule("daily", time(17))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"name": "x"}, "must be a list"),
        ([{"rule": "daily by 17:00"}], "unit 1: name must be a non-empty string"),
        ([{"name": "A", "rule": "sometimes"}], r"unit 1 \(A\): rule 'sometimes' needs one"),
        ([{"name": "A", "zone": "Mars/Base"}], "zone 'Mars/Base' is not a known IANA"),
        ([{"name": "A", "kind": "club"}], "kind 'club' is not one of"),
        ([{"name": "A", "colour": "red"}], "unknown key colour"),
        ([{"name": "A"}, {"name": " a "}], "listed twice"),
    ],
)
def test_bad_unit_config_names_the_unit_and_key(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_units_config(value)
