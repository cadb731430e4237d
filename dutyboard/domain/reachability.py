"""Who can I call right now, and when can I reach X?

Pure domain code: no Textual, no Rich, no store. Every working window is built from
local wall-clock times in the contact's own zone (``zoneinfo``) and only then converted
to UTC, never by adding a fixed offset, so DST changes, half-hour and 45-minute zones
and zones that changed their offset outright all come out right.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from dutyboard.domain.workweek import WEEKDAY_NAMES, WorkPattern, default_pattern
from dutyboard.i18n import _, language

__all__ = [
    "DEFAULT_NIGHT",
    "DEFAULT_PATTERN",
    "CallPlan",
    "ClockChange",
    "PartialWindow",
    "Party",
    "ReachState",
    "Reachability",
    "UnknownZone",
    "best_partial",
    "common_windows",
    "format_countdown",
    "format_offset",
    "holiday_name",
    "is_working_day",
    "next_clock_change",
    "reachability",
    "sort_key",
    "working_windows",
]

DEFAULT_PATTERN = WorkPattern()
#: Local hours when a call would wake someone: (from, until), wrapping midnight.
DEFAULT_NIGHT: tuple[time, time] = (time(22, 0), time(7, 0))
#: Daylight for ``Reachability.is_day``: [07:00, 19:00) local.
DAY_START = time(7, 0)
DAY_END = time(19, 0)
#: How far ahead to look for the next window: long enough to get past holiday runs such
#: as Chinese New Year (2020 ran ten days with the COVID extension) or Golden Week.
SEARCH_HORIZON = timedelta(days=21)
CLOCK_CHANGE_HORIZON = timedelta(days=7)
_DEFAULT_MIN_COMMON = timedelta(minutes=30)
_SCAN_STEP = timedelta(hours=1)
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)

Interval = tuple[datetime, datetime]


class UnknownZone(ValueError):
    """A time-zone name that is not in the IANA database shipped with tzdata."""


class ReachState(StrEnum):
    WORKING = "working"
    OFF_HOURS = "off_hours"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ASLEEP = "asleep"


@dataclass(frozen=True)
class ClockChange:
    """One change of a zone's UTC offset (DST start/end or a permanent change)."""

    at_utc: datetime
    offset_before: timedelta
    offset_after: timedelta

    @property
    def delta(self) -> timedelta:
        return self.offset_after - self.offset_before

    @property
    def local_before(self) -> datetime:
        """Naive wall-clock time at which the clocks change, as read before the change.

        This is how people announce it ("at 02:00 clocks go forward to 03:00").
        """
        return (self.at_utc + self.offset_before).replace(tzinfo=None)

    def label(self) -> str:
        """E.g. "clocks go forward 1h at Sun 02:00" (local weekday and time)."""
        delta = self.delta
        direction = "forward" if delta > timedelta(0) else "back"
        wall = self.local_before
        return (
            f"clocks go {direction} {_amount(abs(delta))} at "
            f"{WEEKDAY_NAMES[wall.weekday()]} {wall:%H:%M}"
        )


@dataclass(frozen=True)
class Reachability:
    local_time: datetime
    utc_offset: timedelta
    is_day: bool
    state: ReachState
    holiday_name: str | None
    next_window_start: datetime | None
    window_end: datetime | None
    clock_change: ClockChange | None

    @property
    def reachable(self) -> bool:
        return self.state is ReachState.WORKING


@dataclass(frozen=True)
class Party:
    """One side of a call. ``pattern=None`` means the country's usual pattern."""

    zone: str
    pattern: WorkPattern | None = None
    country: str | None = None
    subdivision: str | None = None


# --------------------------------------------------------------------------- zones


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    # ZoneInfo raises a mix of ZoneInfoNotFoundError, ValueError (path-like keys) and
    # IsADirectoryError ("America"); callers get one clear error type instead.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise UnknownZone(
            _("unknown time zone {name!r}: use an IANA name such as 'Asia/Colombo'").format(
                name=name
            )
        ) from exc


def _require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(UTC)


def _offset(tz: tzinfo, instant: datetime) -> timedelta:
    off = instant.astimezone(tz).utcoffset()
    assert off is not None  # ZoneInfo always yields an offset for an aware datetime
    return off


def _find_change(tz: tzinfo, lo: datetime, hi: datetime) -> datetime:
    """The instant in (lo, hi] where the offset stops being the offset at ``lo``.

    Bisects on whole seconds: tzdata transitions fall on whole seconds.
    """
    before = _offset(tz, lo)
    lo_s = math.floor(lo.timestamp())
    hi_s = math.ceil(hi.timestamp())
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _offset(tz, datetime.fromtimestamp(mid, UTC)) == before:
            lo_s = mid
        else:
            hi_s = mid
    return datetime.fromtimestamp(hi_s, UTC)


def _resolve(tz: tzinfo, day: date, wall: time, *, later: bool) -> datetime:
    """Map a local wall-clock time on ``day`` to a UTC instant.

    * normal time: the one instant;
    * ambiguous (clocks went back): ``later`` picks the second occurrence. Window starts
      use the later and ends the earlier one, so every instant inside a window reads as a
      wall time within working hours;
    * nonexistent (clocks went forward over it): the instant of the jump, i.e. the first
      moment the wall clock reads later than ``wall``.
    """
    naive = datetime.combine(day, wall)
    u0 = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    u1 = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if u0 == u1:
        return u0
    lo, hi = min(u0, u1), max(u0, u1)
    if u0.astimezone(tz).replace(tzinfo=None) == naive:
        return hi if later else lo
    return _find_change(tz, lo, hi)


def _pattern(
    pattern: WorkPattern | None, country: str | None, subdivision: str | None
) -> WorkPattern:
    # Without an explicit pattern a Riyadh contact must not look reachable on a Friday
    # just because the caller forgot to pass one: fall back to the country's default.
    return pattern if pattern is not None else default_pattern(country, subdivision)


# ------------------------------------------------------------------------ holidays


@lru_cache(maxsize=1024)
def _holidays(
    country: str, subdivision: str | None, year: int, chinese: bool = False
) -> holidays.HolidayBase | None:
    """The calendar, its names in English, or in Chinese (``chinese``: the interface is
    Chinese) where the library has them for that country (China, Taiwan, Hong Kong,
    Macau…; elsewhere English, never the country's own language by surprise)."""

    def build(subdiv: str | None) -> holidays.HolidayBase:
        # Names otherwise follow the host's LANG, which would make the board (and tests)
        # differ between machines. The library keeps the original names for entities
        # without an English translation.
        english = holidays.country_holidays(
            country, subdiv=subdiv, years=year, expand=False, language="en_US"
        )
        if not chinese or "zh_CN" not in english.supported_languages:
            return english
        return holidays.country_holidays(
            country, subdiv=subdiv, years=year, expand=False, language="zh_CN"
        )

    # Unknown country: we know no holidays there, which must not stop the board from
    # answering. Unknown subdivision: retry upper-cased (the library's codes are
    # case-sensitive, "CA" not "ca"), then fall back to the national holidays, which
    # still apply there.
    attempts: list[str | None] = [subdivision]
    if subdivision is not None:
        attempts += [subdivision.upper(), None]
    for subdiv in attempts:
        try:
            return build(subdiv)
        except NotImplementedError:
            continue
    return None


def _calendar(
    country: str | None, subdivision: str | None, day: date
) -> holidays.HolidayBase | None:
    if not country:
        return None
    sub = subdivision.strip() if subdivision else None
    return _holidays(country.strip().upper(), sub or None, day.year, language() == "zh_CN")


def holiday_name(country: str | None, subdivision: str | None, day: date) -> str | None:
    """Name of the public holiday on ``day`` (a local date), or None."""
    cal = _calendar(country, subdivision, day)
    if cal is None:
        return None
    name = cal.get(day)
    return str(name) if name else None


def _day_status(
    day: date, pattern: WorkPattern, country: str | None, subdivision: str | None
) -> tuple[str | None, bool]:
    """(holiday name, is weekend) for a local date."""
    cal = _calendar(country, subdivision, day)
    name = cal.get(day) if cal is not None else None
    weekend = pattern.is_weekend(day.weekday())
    if weekend and cal is not None and day in cal.weekend_workdays:
        # Official make-up working days on a weekend (China's 调休, Russia's transfers):
        # people are at their desks, so the day is not a weekend for reachability.
        weekend = False
    return (str(name) if name else None), weekend


def is_working_day(
    day: date,
    pattern: WorkPattern | None = None,
    *,
    country: str | None = None,
    subdivision: str | None = None,
) -> bool:
    """A local date is a working day: not a holiday and not a weekend day.

    ``pattern=None`` uses the country's default pattern.
    """
    pat = _pattern(pattern, country, subdivision)
    name, weekend = _day_status(day, pat, country, subdivision)
    return name is None and not weekend


# ------------------------------------------------------------------------- windows


def _day_window(
    tz: tzinfo, day: date, pattern: WorkPattern, country: str | None, subdivision: str | None
) -> Interval | None:
    if not is_working_day(day, pattern, country=country, subdivision=subdivision):
        return None
    start = _resolve(tz, day, pattern.start, later=True)
    end = _resolve(tz, day, pattern.end, later=False)
    # Empty when the whole working day fell into a skipped stretch (e.g. Pacific/Apia
    # dropping 2011-12-30).
    return (start, end) if end > start else None


def _iter_windows(
    tz: tzinfo,
    first_day: date,
    pattern: WorkPattern,
    country: str | None,
    subdivision: str | None,
    last_day: date = date.max,
) -> Iterator[Interval]:
    """Unclipped working windows from ``first_day`` to ``last_day``, in order, without
    overlaps. Callers pass ``last_day``: a pattern with no working day at all (every day
    a weekend) would otherwise walk the calendar to the year 9999, seconds of CPU."""
    day = first_day
    last_end: datetime | None = None
    while day <= last_day:
        window = _day_window(tz, day, pattern, country, subdivision)
        if window is not None:
            start, end = window
            # Guard against a zone stepping back over a date line (never in modern
            # tzdata, but cheap) so callers can rely on sorted, disjoint intervals.
            if last_end is not None and start < last_end:
                start = last_end
            if end > start:
                last_end = end
                yield start, end
        try:
            day += timedelta(days=1)
        except OverflowError:
            return


def working_windows(
    zone: str,
    start: datetime,
    end: datetime,
    pattern: WorkPattern | None = None,
    *,
    country: str | None = None,
    subdivision: str | None = None,
) -> list[Interval]:
    """Working intervals of a contact, as aware UTC pairs clipped to [start, end).

    ``pattern=None`` uses the country's default pattern.
    """
    tz = _zone(zone)
    pattern = _pattern(pattern, country, subdivision)
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    if end_utc <= start_utc:
        return []
    # One day of margin: a local date's window can begin before ``start`` in UTC, and a
    # fall-back across midnight can make local dates briefly run backwards.
    first_day = start_utc.astimezone(tz).date() - timedelta(days=1)
    last_day = end_utc.astimezone(tz).date() + timedelta(days=1)
    out: list[Interval] = []
    for s, e in _iter_windows(tz, first_day, pattern, country, subdivision, last_day):
        if s >= end_utc:
            break
        if e <= start_utc:
            continue
        out.append((max(s, start_utc), min(e, end_utc)))
    return out


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return out


def common_windows(
    parties: Sequence[Party],
    start: datetime,
    days: int = 7,
    min_length: timedelta = _DEFAULT_MIN_COMMON,
) -> list[Interval]:
    """Intervals in [start, start + days) when every party is in working hours.

    Only intervals of at least ``min_length`` are kept (a 5-minute overlap is no use
    for a call). No parties gives no windows.
    """
    if not parties:
        return []
    start_utc = _require_aware(start, "start")
    end_utc = start_utc + timedelta(days=days)
    common: list[Interval] | None = None
    for p in parties:
        windows = working_windows(
            p.zone, start_utc, end_utc, p.pattern, country=p.country, subdivision=p.subdivision
        )
        common = windows if common is None else _intersect(common, windows)
        if not common:
            return []
    assert common is not None
    return [(s, e) for s, e in common if e - s >= min_length]


# ------------------------------------------------------------- when no window fits all


@dataclass(frozen=True)
class PartialWindow:
    """A window when some of the parties are at work: who it reaches and who it leaves
    out (indices into the parties given, in their order)."""

    start: datetime
    end: datetime
    reached: tuple[int, ...]
    left_out: tuple[int, ...]

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class CallPlan:
    """What to propose when no window fits everyone.

    ``best``: the window reaching the most parties (soonest among equals, then longest);
    ``pair``: two windows that together reach everyone, in time order (the pair whose
    second call can start soonest), the second's ``reached`` naming only those the first
    left out (and the ``required`` parties).
    Either may be None.
    """

    best: PartialWindow | None
    pair: tuple[PartialWindow, PartialWindow] | None


def best_partial(
    parties: Sequence[Party],
    start: datetime,
    days: int = 7,
    min_length: timedelta = _DEFAULT_MIN_COMMON,
    *,
    required: Sequence[int] = (),
) -> CallPlan:
    """When :func:`common_windows` finds nothing: the best partial window and a plan of
    two calls covering everyone, over [start, start + days).

    A window must be at least ``min_length`` long for everyone it reaches, reach at
    least two parties (a call has two ends) and include every party in ``required``
    (the officer, who is on both calls).
    """
    n = len(parties)
    everyone = (1 << n) - 1
    must = 0
    for index in required:
        must |= 1 << index
    start_utc = _require_aware(start, "start")
    end_utc = start_utc + timedelta(days=days)
    # Sweep: split the horizon where anyone starts or stops work; each piece has one set
    # of parties at work (a bit mask).
    changes: dict[datetime, int] = {}
    for index, p in enumerate(parties):
        bit = 1 << index
        for s, e in working_windows(
            p.zone, start_utc, end_utc, p.pattern, country=p.country, subdivision=p.subdivision
        ):
            changes[s] = changes.get(s, 0) ^ bit
            changes[e] = changes.get(e, 0) ^ bit
    points = sorted(changes)
    pieces: list[tuple[datetime, datetime, int]] = []
    mask = 0
    for here, after in pairwise(points):
        mask ^= changes[here]
        if mask:
            pieces.append((here, after, mask))
    # For each set of parties, its first window (the longest one starting then): from
    # each piece, extend while the same people (or fewer) are still all at work.
    first: dict[int, tuple[datetime, datetime]] = {}
    for i, (lo, _hi, mask_i) in enumerate(pieces):
        together = mask_i
        for j in range(i, len(pieces)):
            piece_lo, piece_hi, mask_j = pieces[j]
            if j > i and piece_lo != pieces[j - 1][1]:
                break  # a gap: nobody at work in between
            together &= mask_j
            if together & must != must or together.bit_count() < 2:
                break
            if piece_hi - lo >= min_length:
                known = first.get(together)
                if known is None or (lo, -(piece_hi - lo).total_seconds()) < (
                    known[0],
                    -(known[1] - known[0]).total_seconds(),
                ):
                    first[together] = (lo, piece_hi)

    def window(reached: int, span: tuple[datetime, datetime]) -> PartialWindow:
        return PartialWindow(
            span[0],
            span[1],
            tuple(i for i in range(n) if reached >> i & 1),
            tuple(i for i in range(n) if not reached >> i & 1),
        )

    if not first:
        return CallPlan(None, None)
    best_set = min(
        first,
        key=lambda m: (-m.bit_count(), first[m][0], -(first[m][1] - first[m][0]).total_seconds()),
    )
    # Two calls: the pair whose second call can start soonest; among those, the one
    # whose first call reaches the most (fewer left for later), then the sooner first.
    pair: tuple[PartialWindow, PartialWindow] | None = None
    rank: tuple[datetime, int, datetime] | None = None
    sets = sorted(first, key=lambda m: first[m][0])
    for a_index, a in enumerate(sets):
        for b in sets[a_index + 1 :]:
            if a | b != everyone or a == everyone or b == everyone:
                continue
            one, two = sorted((a, b), key=lambda m: first[m][0])
            this = (first[two][0], -one.bit_count(), first[one][0])
            if rank is None or this < rank:
                rank = this
                pair = (window(one, first[one]), window(two & ~one | must, first[two]))
    return CallPlan(window(best_set, first[best_set]), pair)


# ---------------------------------------------------------------------- clock change


def next_clock_change(
    zone: str, now: datetime, within: timedelta = CLOCK_CHANGE_HORIZON
) -> ClockChange | None:
    """The next change of the zone's UTC offset after ``now`` and within ``within``."""
    tz = _zone(zone)
    now_utc = _require_aware(now, "now")
    if within <= timedelta(0):
        return None
    limit = now_utc + within
    # Hourly probes cannot miss a change: no zone changes its offset twice in an hour.
    prev = now_utc
    prev_off = _offset(tz, prev)
    while prev < limit:
        probe = min(prev + _SCAN_STEP, limit)
        off = _offset(tz, probe)
        if off != prev_off:
            at = _find_change(tz, prev, probe)
            return ClockChange(at_utc=at, offset_before=prev_off, offset_after=off)
        prev, prev_off = probe, off
    return None


# ---------------------------------------------------------------------- reachability


def _in_range(t: time, start: time, end: time) -> bool:
    """Is ``t`` in [start, end), where the range may wrap midnight."""
    if start <= end:
        return start <= t < end
    return t >= start or t < end


def reachability(
    zone: str,
    now: datetime,
    pattern: WorkPattern | None = None,
    *,
    country: str | None = None,
    subdivision: str | None = None,
    night: tuple[time, time] = DEFAULT_NIGHT,
) -> Reachability:
    """Can this contact be called at ``now``, and if not, from when?

    Precedence: HOLIDAY > WEEKEND > WORKING > ASLEEP > OFF_HOURS. WORKING means ``now``
    is inside one of the windows ``working_windows`` returns, so the two never disagree.
    ``pattern=None`` uses the country's default pattern (``default_pattern``).
    """
    tz = _zone(zone)
    pattern = _pattern(pattern, country, subdivision)
    now_utc = _require_aware(now, "now")
    local = now_utc.astimezone(tz)
    offset = local.utcoffset()
    assert offset is not None
    wall = local.time()

    current: Interval | None = None
    upcoming: Interval | None = None
    horizon = now_utc + SEARCH_HORIZON
    first_day = local.date() - timedelta(days=1)
    last_day = horizon.astimezone(tz).date() + timedelta(days=1)
    for s, e in _iter_windows(tz, first_day, pattern, country, subdivision, last_day):
        if e <= now_utc:
            continue
        if s <= now_utc:
            current = (s, e)
        elif s <= horizon:
            upcoming = (s, e)
        break

    name, weekend = _day_status(local.date(), pattern, country, subdivision)
    if name is not None:
        state = ReachState.HOLIDAY
    elif weekend:
        state = ReachState.WEEKEND
    elif current is not None:
        state = ReachState.WORKING
    elif _in_range(wall, *night):
        state = ReachState.ASLEEP
    else:
        state = ReachState.OFF_HOURS

    return Reachability(
        local_time=local,
        utc_offset=offset,
        is_day=DAY_START <= wall < DAY_END,
        state=state,
        holiday_name=name,
        next_window_start=None if current is not None else (upcoming[0] if upcoming else None),
        window_end=current[1] if current is not None else (upcoming[1] if upcoming else None),
        clock_change=next_clock_change(zone, now_utc),
    )


# ------------------------------------------------------------------------ formatting


def _amount(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours}h{mins:02d}m"
    return f"{hours}h" if hours else f"{mins}m"


def format_offset(offset: timedelta) -> str:
    """Offset as "UTC+05:30", "UTC-03:00", "UTC±00:00"; seconds only if present (LMT)."""
    total = int(offset.total_seconds())
    if total == 0:
        return "UTC±00:00"
    sign = "+" if total > 0 else "-"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def format_countdown(delta: timedelta) -> str:
    """Time until something, as "now", "in 45m", "in 2h 05m" or "in 3d 4h".

    Minutes are rounded up so a countdown never says "now" while time is left.
    """
    seconds = delta.total_seconds()
    if seconds <= 0:
        return "now"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"in {minutes}m"
    if minutes < 24 * 60:
        hours, mins = divmod(minutes, 60)
        return f"in {hours}h {mins:02d}m"
    days, rest = divmod(minutes, 24 * 60)
    return f"in {days}d {rest // 60}h"


def sort_key(r: Reachability) -> tuple[int, datetime]:
    """Reachable now first (soonest to leave first, call them before they go), then by
    soonest next window; contacts with no window in the horizon last."""
    if r.state is ReachState.WORKING:
        return (0, r.window_end or _FAR_FUTURE)
    return (1, r.next_window_start or _FAR_FUTURE)
