"""The planner's best partial window (issue 18): when no window fits everyone in the next
7 days, the window that reaches the most, and two calls that together reach everyone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import combinations

import pytest

from dutyboard.domain.reachability import Party, best_partial, common_windows, working_windows
from dutyboard.domain.workweek import WorkPattern

NINE_SIX = WorkPattern(time(9), time(18))
NEVER = WorkPattern(time(9), time(18), frozenset(range(7)))  # every day a weekend
MIN = timedelta(minutes=30)


def utc(day: int, hour: int = 0, month: int = 3) -> datetime:
    return datetime(2020, month, day, hour, tzinfo=UTC)


PARIS = Party("Europe/Paris", NINE_SIX)  # 08-17 UTC in early March
NEW_YORK = Party("America/New_York", NINE_SIX)  # 14-23 UTC (13-22 from 8 March)
TOKYO = Party("Asia/Tokyo", NINE_SIX)  # 00-09 UTC
SHANGHAI = Party("Asia/Shanghai", NINE_SIX)  # 01-10 UTC
COLOMBO = Party("Asia/Colombo", NINE_SIX)  # 03:30-12:30 UTC
SAO_PAULO = Party("America/Sao_Paulo", NINE_SIX)  # 12-21 UTC


def test_four_continents_best_window_and_two_calls() -> None:
    parties = [PARIS, NEW_YORK, TOKYO, SHANGHAI]
    start = utc(2, 1)  # Monday 2 March, 09:00 in Shanghai
    assert common_windows(parties, start, days=7) == []
    plan = best_partial(parties, start, days=7)
    assert plan.best is not None
    # Paris opens at 08:00 UTC, Tokyo closes at 09:00: one hour with three of four.
    assert (plan.best.start, plan.best.end) == (utc(2, 8), utc(2, 9))
    assert (plan.best.reached, plan.best.left_out) == ((0, 2, 3), (1,))
    assert plan.pair is not None
    first, second = plan.pair
    assert first == plan.best
    # New York with Paris from 09:00 New York time, the same day.
    assert (second.start, second.end, second.reached) == (utc(2, 14), utc(2, 17), (1,))


def test_the_officer_is_on_every_call() -> None:
    # After the US clocks went forward: Shanghai and New York never overlap.
    parties = [PARIS, NEW_YORK, SHANGHAI]
    plan = best_partial(parties, utc(9, 1), days=7, required=[2])
    assert plan.best is not None and 2 in plan.best.reached
    assert (plan.best.start, plan.best.end, plan.best.reached) == (utc(9, 8), utc(9, 10), (0, 2))
    assert plan.pair is None  # no call with New York includes the officer


def test_someone_never_at_work_is_left_out_and_no_pair_covers_them() -> None:
    away = Party("Europe/Paris", NEVER)
    plan = best_partial([TOKYO, SHANGHAI, away], utc(2, 0), days=7)
    assert plan.best is not None and plan.best.left_out == (2,)
    assert plan.pair is None


def test_a_call_has_two_ends() -> None:
    plan = best_partial([SHANGHAI, NEW_YORK], utc(9, 0), days=7)
    assert plan.best is None and plan.pair is None


SETS = [
    [PARIS, NEW_YORK, TOKYO, SHANGHAI],
    [COLOMBO, SAO_PAULO, TOKYO, NEW_YORK, PARIS],
    [SAO_PAULO, TOKYO, SHANGHAI, COLOMBO],
    [Party("Pacific/Auckland", NINE_SIX), PARIS, NEW_YORK, SHANGHAI],
]


@pytest.mark.parametrize("parties", SETS)
@pytest.mark.parametrize("start", [utc(2, 0), utc(6, 13), utc(27, 22, month=3)])
def test_nothing_reaches_more_and_the_windows_hold(parties: list[Party], start: datetime) -> None:
    """Checked by brute force: no larger group has a common window; everyone a window
    reaches is at work for all of it; the two calls cover everyone."""
    plan = best_partial(parties, start, days=7)
    assert plan.best is not None
    best = plan.best
    for size in range(len(best.reached) + 1, len(parties) + 1):
        for group in combinations(parties, size):
            assert common_windows(list(group), start, days=7) == [], group
    windows = [best, *(plan.pair or ())]
    for window in windows:
        assert window.length >= MIN
        assert start <= window.start < window.end <= start + timedelta(days=7)
        for index in window.reached:
            party = parties[index]
            own = working_windows(party.zone, start, start + timedelta(days=7), party.pattern)
            assert any(s <= window.start and window.end <= e for s, e in own), (party, window)
    if plan.pair is not None:
        first, second = plan.pair
        assert first.start <= second.start
        assert set(first.reached) | set(second.reached) == set(range(len(parties)))


def test_a_contact_never_at_work_costs_no_time() -> None:
    """A pattern with every day a weekend walked the calendar to the year 9999 (seconds
    on the UI thread for one contact); the search now stops at its horizon."""
    from time import perf_counter

    from dutyboard.domain.reachability import reachability

    began = perf_counter()
    assert working_windows("Europe/Paris", utc(2, 0), utc(9, 0), NEVER) == []
    assert reachability("Europe/Paris", utc(2, 10), NEVER).next_window_start is None
    assert perf_counter() - began < 0.5
