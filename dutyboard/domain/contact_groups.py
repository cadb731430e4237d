"""Contacts grouped by what decides their reachability, and those groups ranked.

Thousands of contacts share a few dozen (zone, country, hours, weekend) profiles, so
reachability is computed once per profile, not per row, and the contacts view sorts by
the profile's rank ("reachable now first, then soonest reachable") in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any

from dutyboard.domain.reachability import (
    DEFAULT_NIGHT,
    Reachability,
    UnknownZone,
    reachability,
    sort_key,
)
from dutyboard.domain.workweek import WorkPattern, default_pattern, parse_hours, parse_weekend

# The SQL expression the store uses for the same key (see ContactProfile.key).
PROFILE_COLUMNS = ("tz", "country", "subdivision", "work_hours", "weekend")


@dataclass(frozen=True)
class ContactProfile:
    tz: str | None
    country: str | None
    subdivision: str | None = None
    work_hours: str | None = None
    weekend: str | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ContactProfile:
        return cls(*(row.get(c) or None for c in PROFILE_COLUMNS))

    @property
    def key(self) -> str:
        return "|".join(getattr(self, c) or "" for c in PROFILE_COLUMNS)

    def pattern(self) -> WorkPattern | None:
        """The contact's own hours/weekend over the country default; None if neither set
        (reachability then uses the country default)."""
        if not self.work_hours and not self.weekend:
            return None
        base = default_pattern(self.country, self.subdivision)
        start, end = base.start, base.end
        weekend = base.weekend
        try:
            if self.work_hours:
                start, end = parse_hours(self.work_hours)
            if self.weekend:
                weekend = parse_weekend(self.weekend)
        except ValueError:
            return None  # a bad override falls back to the default, never crashes a panel
        return WorkPattern(start=start, end=end, weekend=weekend)


@lru_cache(maxsize=4096)
def _reach(
    profile: ContactProfile, minute: datetime, night: tuple[time, time]
) -> Reachability | None:
    if not profile.tz:
        return None
    try:
        return reachability(
            profile.tz,
            minute,
            profile.pattern(),
            country=profile.country,
            subdivision=profile.subdivision,
            night=night,
        )
    except UnknownZone:
        return None


def reach(
    profile: ContactProfile, now: datetime, night: tuple[time, time] = DEFAULT_NIGHT
) -> Reachability | None:
    """Reachability of a profile at ``now`` (cached per minute); None for no/bad zone."""
    return _reach(profile, now.replace(second=0, microsecond=0), night)


def rank_profiles(
    profiles: Iterable[ContactProfile],
    now: datetime,
    night: tuple[time, time] = DEFAULT_NIGHT,
) -> list[str]:
    """Profile keys, reachable now first, then soonest reachable, unknown zones last."""

    def order(profile: ContactProfile) -> tuple[int, tuple[int, datetime] | None, str]:
        r = reach(profile, now, night)
        return (0, sort_key(r), profile.key) if r is not None else (1, None, profile.key)

    return [p.key for p in sorted(set(profiles), key=order)]
