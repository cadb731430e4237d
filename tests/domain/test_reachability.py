"""Reachability of overseas contacts: DST, odd offsets, weekends, holidays.

Every test passes an explicit ``now``; nothing reads the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.domain.reachability import (
    ClockChange,
    Party,
    Reachability,
    ReachState,
    UnknownZone,
    common_windows,
    format_countdown,
    format_offset,
    holiday_name,
    is_working_day,
    next_clock_change,
    reachability,
    sort_key,
    working_windows,
)
from dutyboard.domain.workweek import (
    WorkPattern,
    default_pattern,
    parse_hours,
    parse_weekend,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


H = timedelta(hours=1)
MON_FRI = WorkPattern()
EVERY_DAY = WorkPattern(weekend=frozenset())


# ----------------------------------------------------------------------------- DST


def test_us_spring_forward_2020_moves_the_monday_window_one_hour_earlier_in_utc() -> None:
    change = next_clock_change("America/New_York", utc(2020, 3, 3))
    assert change == ClockChange(utc(2020, 3, 8, 7), timedelta(hours=-5), timedelta(hours=-4))
    assert change.label() == "clocks go forward 1h at Sun 02:00"

    before = working_windows("America/New_York", utc(2020, 3, 6), utc(2020, 3, 7), MON_FRI)
    after = working_windows("America/New_York", utc(2020, 3, 9), utc(2020, 3, 10), MON_FRI)
    assert before == [(utc(2020, 3, 6, 14), utc(2020, 3, 6, 23))]
    assert after == [(utc(2020, 3, 9, 13), utc(2020, 3, 9, 22))]

    r = reachability("America/New_York", utc(2020, 3, 8, 20), country="US")  # Sunday
    assert r.state is ReachState.WEEKEND
    assert r.next_window_start == utc(2020, 3, 9, 13)
    assert r.window_end == utc(2020, 3, 9, 22)
    assert r.clock_change is None  # the change is behind us


def test_us_fall_back_2020_moves_the_monday_window_one_hour_later_in_utc() -> None:
    change = next_clock_change("America/New_York", utc(2020, 10, 30))
    assert change == ClockChange(utc(2020, 11, 1, 6), timedelta(hours=-4), timedelta(hours=-5))
    assert change.label() == "clocks go back 1h at Sun 02:00"

    r = reachability("America/New_York", utc(2020, 10, 31, 12), country="US")  # Saturday
    assert r.state is ReachState.WEEKEND
    assert r.next_window_start == utc(2020, 11, 2, 14)
    assert r.clock_change == change
    assert r.utc_offset == timedelta(hours=-4)


def test_eu_2020_transitions() -> None:
    spring = next_clock_change("Europe/Paris", utc(2020, 3, 25))
    autumn = next_clock_change("Europe/Paris", utc(2020, 10, 20))
    assert spring is not None and spring.at_utc == utc(2020, 3, 29, 1)
    assert spring.label() == "clocks go forward 1h at Sun 02:00"
    assert autumn is not None and autumn.at_utc == utc(2020, 10, 25, 1)
    assert autumn.label() == "clocks go back 1h at Sun 03:00"


def test_new_york_paris_overlap_while_only_the_us_has_changed() -> None:
    parties = [Party("America/New_York", MON_FRI), Party("Europe/Paris", MON_FRI)]

    def weekdays(first: int, last: int, month: int, start_h: int, end_h: int) -> list[object]:
        return [
            (utc(2020, month, d, start_h), utc(2020, month, d, end_h))
            for d in range(first, last + 1)
        ]

    # Both on winter time: NY 14–23 UTC, Paris 08–17 UTC.
    assert common_windows(parties, utc(2020, 3, 2), days=5) == weekdays(2, 6, 3, 14, 17)
    # 2020-03-09..03-27: NY on EDT (13–22 UTC), Paris still CET (08–17 UTC): 4 hours.
    got = common_windows(parties, utc(2020, 3, 9), days=19)
    assert got == weekdays(9, 13, 3, 13, 17) + weekdays(16, 20, 3, 13, 17) + weekdays(
        23, 27, 3, 13, 17
    )
    # Both on summer time: Paris 07–16 UTC.
    assert common_windows(parties, utc(2020, 3, 30), days=5) == weekdays(30, 31, 3, 13, 16) + [
        (utc(2020, 4, d, 13), utc(2020, 4, d, 16)) for d in (1, 2, 3)
    ]
    # min_length filters out overlaps too short for a call.
    assert common_windows(parties, utc(2020, 3, 9), days=5, min_length=5 * H) == []


def test_sydney_and_adelaide_2020_southern_hemisphere() -> None:
    syd_end = next_clock_change("Australia/Sydney", utc(2020, 4, 1))
    adl_end = next_clock_change("Australia/Adelaide", utc(2020, 4, 1))
    assert syd_end == ClockChange(utc(2020, 4, 4, 16), 11 * H, 10 * H)
    assert syd_end.label() == "clocks go back 1h at Sun 03:00"
    assert adl_end == ClockChange(
        utc(2020, 4, 4, 16, 30), timedelta(hours=10, minutes=30), timedelta(hours=9, minutes=30)
    )
    syd_start = next_clock_change("Australia/Sydney", utc(2020, 10, 1))
    assert syd_start is not None and syd_start.at_utc == utc(2020, 10, 3, 16)
    assert syd_start.label() == "clocks go forward 1h at Sun 02:00"

    # Friday before (AEDT/ACDT) and Monday after (AEST/ACST).
    syd = working_windows("Australia/Sydney", utc(2020, 4, 2, 12), utc(2020, 4, 6), MON_FRI)
    assert [s for s, _ in syd] == [utc(2020, 4, 2, 22), utc(2020, 4, 5, 23)]
    adl = working_windows("Australia/Adelaide", utc(2020, 4, 2, 12), utc(2020, 4, 6), MON_FRI)
    assert [s for s, _ in adl] == [utc(2020, 4, 2, 22, 30), utc(2020, 4, 5, 23, 30)]
    assert format_offset(reachability("Australia/Adelaide", utc(2020, 6, 1)).utc_offset) == (
        "UTC+09:30"
    )


def test_window_edges_in_the_dst_gap_and_overlap_are_resolved_robustly() -> None:
    # 02:30 does not exist in New York on 2020-03-08: the day starts when clocks jump.
    gap = WorkPattern(time(2, 30), time(4, 0), frozenset())
    assert working_windows("America/New_York", utc(2020, 3, 8), utc(2020, 3, 9), gap) == [
        (utc(2020, 3, 8, 7), utc(2020, 3, 8, 8))
    ]
    # 01:30 happens twice on 2020-11-01: a start takes the second, an end the first, so
    # the wall clock inside the window always reads within working hours.
    late_start = WorkPattern(time(1, 30), time(3, 0), frozenset())
    early_end = WorkPattern(time(0, 0), time(1, 30), frozenset())
    nov1 = (utc(2020, 11, 1), utc(2020, 11, 2))
    assert working_windows("America/New_York", *nov1, late_start) == [
        (utc(2020, 11, 1, 6, 30), utc(2020, 11, 1, 8))
    ]
    assert working_windows("America/New_York", *nov1, early_end) == [
        (utc(2020, 11, 1, 4), utc(2020, 11, 1, 5, 30))
    ]


# ------------------------------------------------------------- half-hour zones


@pytest.mark.parametrize(
    ("zone", "offset", "label", "opens_utc"),
    [
        ("Asia/Kolkata", timedelta(hours=5, minutes=30), "UTC+05:30", utc(2020, 6, 1, 3, 30)),
        ("Asia/Colombo", timedelta(hours=5, minutes=30), "UTC+05:30", utc(2020, 6, 1, 3, 30)),
        ("Asia/Kathmandu", timedelta(hours=5, minutes=45), "UTC+05:45", utc(2020, 6, 1, 3, 15)),
    ],
)
def test_odd_offsets_exact_to_the_minute(
    zone: str, offset: timedelta, label: str, opens_utc: datetime
) -> None:
    before = reachability(zone, opens_utc - timedelta(minutes=1), MON_FRI)
    assert before.local_time.replace(tzinfo=None) == datetime(2020, 6, 1, 8, 59)
    assert before.state is ReachState.OFF_HOURS
    assert before.next_window_start == opens_utc
    assert before.window_end == opens_utc + 9 * H
    assert before.utc_offset == offset
    assert format_offset(before.utc_offset) == label

    at = reachability(zone, opens_utc, MON_FRI)
    assert at.state is ReachState.WORKING
    assert at.local_time.replace(tzinfo=None) == datetime(2020, 6, 1, 9, 0)
    assert at.next_window_start is None
    assert at.window_end == opens_utc + 9 * H
    assert at.local_time.tzinfo == ZoneInfo(zone)


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(hours=5, minutes=30), "UTC+05:30"),
        (timedelta(hours=5, minutes=45), "UTC+05:45"),
        (timedelta(hours=-3), "UTC-03:00"),
        (timedelta(hours=-3, minutes=-30), "UTC-03:30"),
        (timedelta(0), "UTC±00:00"),
        (timedelta(hours=14), "UTC+14:00"),
        (timedelta(hours=12, minutes=45), "UTC+12:45"),
    ],
)
def test_format_offset(offset: timedelta, text: str) -> None:
    assert format_offset(offset) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "now"),
        (timedelta(seconds=-5), "now"),
        (timedelta(seconds=20), "in 1m"),
        (timedelta(minutes=45), "in 45m"),
        (timedelta(hours=2, minutes=5), "in 2h 05m"),
        (timedelta(hours=2, minutes=4, seconds=1), "in 2h 05m"),
        (timedelta(days=3, hours=4, minutes=59), "in 3d 4h"),
    ],
)
def test_format_countdown(delta: timedelta, text: str) -> None:
    assert format_countdown(delta) == text


# ------------------------------------------------------------- weekends, holidays


def test_country_weekends() -> None:
    fri_sat = frozenset({4, 5})
    for cc in ("SA", "IL", "BD", "EG", "DZ", "KW", "QA", "OM", "BH", "JO", "IQ", "SD", "YE"):
        assert default_pattern(cc).weekend == fri_sat, cc
    assert default_pattern("ly").weekend == fri_sat  # case-insensitive
    assert default_pattern("AE").weekend == frozenset({5, 6})
    assert default_pattern("IR").weekend == frozenset({4})
    assert default_pattern("AF").weekend == frozenset({3, 4})
    assert default_pattern("NP").weekend == frozenset({5})
    assert default_pattern("BN").weekend == frozenset({4, 6})
    assert default_pattern("MY").weekend == frozenset({5, 6})
    assert default_pattern("MY", "Kelantan").weekend == fri_sat
    assert default_pattern("MY", "MY-02").weekend == fri_sat
    assert default_pattern(None) == WorkPattern(time(9), time(18), frozenset({5, 6}))
    assert default_pattern("ZZ") == WorkPattern()


def test_friday_in_riyadh_and_tel_aviv_is_weekend_sunday_in_tel_aviv_is_work() -> None:
    fri = utc(2020, 2, 14, 8)  # 11:00 in Riyadh, 10:00 in Tel Aviv
    for zone, cc in (("Asia/Riyadh", "SA"), ("Asia/Jerusalem", "IL")):
        r = reachability(zone, fri, country=cc)
        assert r.state is ReachState.WEEKEND, zone
        assert r.holiday_name is None
        # Next window is Sunday 09:00 local.
        assert r.next_window_start is not None
        assert r.next_window_start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == (
            datetime(2020, 2, 16, 9, 0)
        )
    sun = reachability("Asia/Jerusalem", utc(2020, 2, 16, 8), country="IL")
    assert sun.state is ReachState.WORKING
    # The same Friday in Dubai (Sat–Sun weekend since 2022) is working when no country
    # weekend applies; the explicit pattern wins over the country default.
    assert reachability("Asia/Dubai", fri, MON_FRI, country="AE").state is ReachState.WORKING


def test_nepal_works_on_sunday_but_not_saturday() -> None:
    sun = reachability("Asia/Kathmandu", utc(2020, 2, 16, 4), country="NP")  # 09:45
    assert sun.state is ReachState.WORKING
    sat = reachability("Asia/Kathmandu", utc(2020, 2, 15, 4), country="NP")
    assert sat.state is ReachState.WEEKEND
    assert sat.next_window_start == utc(2020, 2, 16, 3, 15)


def test_new_year_in_the_us_is_a_holiday_with_its_name() -> None:
    r = reachability("America/Chicago", utc(2020, 1, 1, 16), country="us")
    assert r.state is ReachState.HOLIDAY
    assert r.holiday_name == "New Year's Day"
    assert r.next_window_start == utc(2020, 1, 2, 15)
    # Holiday outranks weekend: New Year 2022 fell on a Saturday.
    r22 = reachability("America/Chicago", utc(2022, 1, 1, 16), country="US")
    assert r22.state is ReachState.HOLIDAY


def test_chinese_new_year_2020_next_window_is_after_the_whole_run() -> None:
    # The library extends 2020's Spring Festival (COVID) to Sunday 2020-02-02, and marks
    # Friday 01-24 as a day off swapped with Sunday 01-19.
    names = {d: holiday_name("CN", None, date(2020, 1, d)) for d in range(24, 32)}
    assert all(names.values()), names
    assert "Spring Festival" in (names[25] or "")
    r = reachability("Asia/Shanghai", utc(2020, 1, 24, 3), country="CN")
    assert r.state is ReachState.HOLIDAY
    assert r.next_window_start == utc(2020, 2, 3, 1)  # Monday 09:00 CST
    assert format_countdown(r.next_window_start - utc(2020, 1, 24, 3)) == "in 9d 22h"
    # The make-up working Sunday before the holiday is a working day.
    assert reachability("Asia/Shanghai", utc(2020, 1, 19, 3), country="CN").state is (
        ReachState.WORKING
    )


def test_unknown_country_or_subdivision_does_not_crash() -> None:
    r = reachability("Asia/Colombo", utc(2020, 1, 1, 5), country="XX")
    assert r.state is ReachState.WORKING
    assert r.holiday_name is None
    assert holiday_name("XX", "YY", date(2020, 1, 1)) is None
    # An unknown subdivision still gets the national holidays; known ones are
    # case-insensitive.
    assert holiday_name("US", "ZZ", date(2020, 1, 1)) == "New Year's Day"
    assert holiday_name("US", "ca", date(2020, 3, 31)) == "Cesar Chavez Day"
    assert is_working_day(date(2020, 1, 2), country="XX")


# --------------------------------------------------------------- asleep, countdowns


def test_asleep_versus_off_hours() -> None:
    ny = "America/New_York"
    late = reachability(ny, utc(2020, 6, 2, 3))  # Mon 23:00 EDT
    assert late.state is ReachState.ASLEEP and not late.is_day
    evening = reachability(ny, utc(2020, 6, 1, 23, 30))  # Mon 19:30
    assert evening.state is ReachState.OFF_HOURS and not evening.is_day
    dawn = reachability(ny, utc(2020, 6, 2, 10, 30))  # Tue 06:30
    assert dawn.state is ReachState.ASLEEP
    early = reachability(ny, utc(2020, 6, 2, 11, 30))  # Tue 07:30
    assert early.state is ReachState.OFF_HOURS and early.is_day
    assert early.next_window_start == utc(2020, 6, 2, 13)
    # A custom night window.
    owl = reachability(ny, utc(2020, 6, 2, 3), night=(time(1, 0), time(6, 0)))
    assert owl.state is ReachState.OFF_HOURS


def test_next_clock_change_window() -> None:
    assert next_clock_change("America/New_York", utc(2020, 3, 20)) is None
    assert next_clock_change("America/New_York", utc(2020, 3, 3), within=timedelta(days=3)) is None
    assert next_clock_change("Asia/Kolkata", utc(2020, 3, 3)) is None
    # Lord Howe moves by half an hour.
    lh = next_clock_change("Australia/Lord_Howe", utc(2020, 4, 1))
    assert lh is not None and lh.at_utc == utc(2020, 4, 4, 15)
    assert lh.label() == "clocks go back 30m at Sun 02:00"


def test_sort_key_puts_reachable_first_then_soonest() -> None:
    now = utc(2020, 6, 1, 12)  # Monday
    rs = {
        z: reachability(z, now)
        for z in ("Asia/Tokyo", "Europe/London", "America/New_York", "Asia/Kolkata")
    }
    order = [z for z, _ in sorted(rs.items(), key=lambda kv: sort_key(kv[1]))]
    # London and Kolkata are working (Kolkata closes first), then New York opens at 13:00
    # UTC, then Tokyo tomorrow.
    assert order == ["Asia/Kolkata", "Europe/London", "America/New_York", "Asia/Tokyo"]


# -------------------------------------------------------------------------- errors


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reachability("Asia/Colombo", datetime(2020, 1, 1, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        working_windows("Asia/Colombo", datetime(2020, 1, 1), utc(2020, 1, 2), MON_FRI)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "America", "../../etc/passwd", "UTC+5"])
def test_unknown_zone_is_a_clear_error(zone: str) -> None:
    with pytest.raises(UnknownZone, match="unknown time zone"):
        reachability(zone, utc(2020, 1, 1))
    assert issubclass(UnknownZone, ValueError)


def test_parse_weekend() -> None:
    assert parse_weekend("fri,sat") == frozenset({4, 5})
    assert parse_weekend("5,6") == frozenset({5, 6})
    assert parse_weekend("Fri-Sat") == frozenset({4, 5})
    assert parse_weekend("Friday Sunday") == frozenset({4, 6})
    assert parse_weekend("Sat-Mon") == frozenset({5, 6, 0})
    assert parse_weekend("") == frozenset()
    with pytest.raises(ValueError, match="unknown weekday 'fry'"):
        parse_weekend("fry,sat")
    with pytest.raises(ValueError, match="out of range"):
        parse_weekend("7")
    with pytest.raises(ValueError, match="range"):
        parse_weekend("fri-")


def test_parse_hours_and_pattern_validation() -> None:
    assert parse_hours("09:00-17:30") == (time(9), time(17, 30))
    assert parse_hours(" 9:00 – 17:30 ") == (time(9), time(17, 30))
    assert parse_hours("0800-1600") == (time(8), time(16))
    assert parse_hours("08:00-24:00") == (time(8), time.max)
    for bad, msg in [
        ("9-5", "HH:MM-HH:MM"),
        ("18:00-09:00", "end after"),
        ("09:00-25:00", "not a valid time"),
        ("09:60-10:00", "not a valid time"),
    ]:
        with pytest.raises(ValueError, match=msg):
            parse_hours(bad)
    with pytest.raises(ValueError, match="end after"):
        WorkPattern(time(18), time(9))
    with pytest.raises(ValueError, match="0–6"):
        WorkPattern(weekend=frozenset({7}))


def test_domain_module_imports_no_ui() -> None:
    import dutyboard.domain.reachability as mod

    source = Path(mod.__file__).read_text(encoding="utf-8")
    for banned in ("textual", "rich", "widgets", "dutyboard.store"):
        assert f"import {banned}" not in source and f"from {banned}" not in source


# ---------------------------------------------------------------------- properties

TRICKY_ZONES = [
    "Pacific/Chatham",  # +12:45 / +13:45
    "Australia/Lord_Howe",  # 30-minute DST
    "America/St_Johns",  # -03:30
    "Asia/Tehran",  # +03:30, DST at midnight until 2022
    "Pacific/Kiritimati",  # +14
    "America/Sao_Paulo",  # DST at midnight until 2019
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "America/New_York",
    "Europe/Paris",
    "Europe/Dublin",  # negative DST in tzdata
    "Africa/Casablanca",  # DST suspended for Ramadan
    "America/Havana",  # DST at midnight
    "Asia/Gaza",  # irregular Saturday-midnight changes
    "Pacific/Apia",  # dropped DST in 2021
    "America/Santiago",
]

zones = st.sampled_from(TRICKY_ZONES)
instants = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2022, 12, 31, 23, 59), timezones=st.just(UTC)
)
# Patterns with edges on the hour/half-hour, including the small hours where DST gaps
# and overlaps sit.
wall_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))
PROPS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


pattern_st = (
    st.tuples(wall_times, wall_times, st.frozensets(st.integers(0, 6), max_size=3))
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: WorkPattern(min(t[0], t[1]), max(t[0], t[1]), t[2]))
)
any_pattern = st.one_of(st.just(MON_FRI), pattern_st)


def _check_reachability(zone: str, now: datetime, pattern: WorkPattern, r: Reachability) -> None:
    tz = ZoneInfo(zone)
    # The same instant: compared in UTC, since an aware time in a repeated hour (the
    # night clocks go back) never compares equal to one in another zone.
    assert r.local_time.astimezone(UTC) == now.astimezone(UTC) and r.local_time.tzinfo == tz
    if r.state is ReachState.WORKING:
        local = now.astimezone(tz)
        assert pattern.start <= local.time() < pattern.end
        assert local.weekday() not in pattern.weekend
        assert r.holiday_name is None
        assert r.next_window_start is None
        assert r.window_end is not None and r.window_end > now
    else:
        assert r.next_window_start is not None, "a window within 21 days"
        assert r.next_window_start > now
        assert r.window_end is not None and r.window_end > r.next_window_start
        again = reachability(zone, r.next_window_start, pattern)
        assert again.state is ReachState.WORKING
        assert again.window_end == r.window_end
        just_before = reachability(zone, r.next_window_start - timedelta(seconds=1), pattern)
        assert just_before.state is not ReachState.WORKING


@PROPS
@given(zones, instants)
def test_property_default_pattern(zone: str, now: datetime) -> None:
    _check_reachability(zone, now, MON_FRI, reachability(zone, now))


@PROPS
@given(zones, instants, pattern_st)
def test_property_any_pattern(zone: str, now: datetime, pattern: WorkPattern) -> None:
    _check_reachability(zone, now, pattern, reachability(zone, now, pattern))


@PROPS
@given(zones, instants, st.integers(0, 10 * 24 * 60), any_pattern)
def test_property_windows_are_within_single_working_days(
    zone: str, start: datetime, minutes: int, pattern: WorkPattern
) -> None:
    tz = ZoneInfo(zone)
    end = start + timedelta(minutes=minutes)
    windows = working_windows(zone, start, end, pattern)
    for (_, e), (s2, _) in pairwise(windows):
        assert e <= s2, "sorted and non-overlapping"
    for s, e in windows:
        assert start <= s < e <= end
        assert s.tzinfo == UTC and e.tzinfo == UTC
        # Start, a midpoint and the last instant all read as working hours on the same
        # local working day.
        points = [s, s + (e - s) / 2, e - timedelta(microseconds=1)]
        locals_ = [p.astimezone(tz) for p in points]
        assert len({loc.date() for loc in locals_}) == 1
        assert is_working_day(locals_[0].date(), pattern)
        for loc in locals_:
            assert pattern.start <= loc.time() < pattern.end
        assert reachability(zone, s + (e - s) / 2, pattern).state is ReachState.WORKING


@PROPS
@given(
    st.lists(st.tuples(zones, any_pattern), min_size=1, max_size=3),
    instants,
    st.integers(1, 7),
)
def test_property_common_windows_are_inside_everyones_windows(
    members: list[tuple[str, WorkPattern]], start: datetime, days: int
) -> None:
    parties = [Party(z, p) for z, p in members]
    end = start + timedelta(days=days)
    common = common_windows(parties, start, days=days, min_length=timedelta(minutes=30))
    for s, e in common:
        assert e - s >= timedelta(minutes=30)
    for p in parties:
        own = working_windows(p.zone, start, end, p.pattern)
        for s, e in common:
            assert any(ws <= s and e <= we for ws, we in own), (p, s, e)
    assert common == sorted(common)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [
            ("Asia/Shanghai", "CN"),
            ("Asia/Jerusalem", "IL"),
            ("Asia/Riyadh", "SA"),
            ("America/New_York", "US"),
            ("Asia/Kathmandu", "NP"),
            ("Asia/Colombo", "LK"),
        ]
    ),
    instants,
)
def test_property_with_country_calendars(zc: tuple[str, str], now: datetime) -> None:
    zone, cc = zc
    r = reachability(zone, now, country=cc)
    pattern = default_pattern(cc)
    local = now.astimezone(ZoneInfo(zone))
    if r.state is ReachState.WORKING:
        assert is_working_day(local.date(), pattern, country=cc)
        assert pattern.start <= local.time() < pattern.end
    else:
        if r.state is ReachState.HOLIDAY:
            assert r.holiday_name
        assert r.next_window_start is not None and r.next_window_start > now
        assert reachability(zone, r.next_window_start, country=cc).state is ReachState.WORKING


def test_holiday_names_follow_a_chinese_interface_where_the_library_has_them() -> None:
    """Chinese where the holidays package translates the country (China, Taiwan, Hong
    Kong); English elsewhere (Sri Lanka), never the country's own language by surprise."""
    from dutyboard import i18n

    i18n.set_language("zh_CN")
    try:
        assert holiday_name("CN", None, date(2020, 1, 25)) == "春节"
        assert holiday_name("HK", None, date(2020, 7, 1)) == "香港特别行政区成立纪念日"
        assert holiday_name("LK", None, date(2020, 2, 4)) == "Independence Day"
        r = reachability("Asia/Shanghai", utc(2020, 10, 1, 3), country="CN")
        assert r.holiday_name == "中秋节; 国庆节"  # both fell on 1 October 2020
    finally:
        i18n.set_language("en")
    assert holiday_name("CN", None, date(2020, 1, 25)) == "Chinese New Year (Spring Festival)"
