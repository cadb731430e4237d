"""Working patterns (hours and weekend days) and per-country defaults.

Pure domain code: no Textual, no Rich, no store. The country table below is what a duty
officer would otherwise have to remember ("don't call Riyadh on a Friday, do call Tel Aviv
on a Sunday"), so it is kept explicit and commented rather than derived from a library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

__all__ = [
    "COUNTRY_WEEKENDS",
    "DEFAULT_WEEKEND",
    "WEEKDAY_NAMES",
    "WorkPattern",
    "default_pattern",
    "parse_hours",
    "parse_weekend",
]

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

#: Short English day names, Monday=0. Fixed strings rather than ``strftime("%a")`` so
#: labels do not change with the host's locale.
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

DEFAULT_START = time(9, 0)
DEFAULT_END = time(18, 0)
DEFAULT_WEEKEND: frozenset[int] = frozenset({SAT, SUN})

_FRI_SAT = frozenset({FRI, SAT})

# Weekend days by ISO 3166-1 alpha-2 code, as in force in 2024 (government and most
# office work; private firms vary). Countries not listed use Saturday–Sunday.
# Where this table disagrees with the `holidays` library's own `weekend` attribute we
# follow the sources noted here, because the library's weekend is not what people keep:
#   AF  library says Fri–Sat; government offices close Thu–Fri (Thursday off since 2010).
#   NP  library says Sat–Sun; Nepal tried Sunday off from 2022-05-15 and reverted to a
#       Saturday-only weekend on 2022-06-15.
#   LY  library says Sat–Sun; Libya keeps Fri–Sat.
COUNTRY_WEEKENDS: dict[str, frozenset[int]] = {
    "AE": frozenset({SAT, SUN}),  # UAE moved from Fri–Sat on 2022-01-01 (Fri half-day)
    "AF": frozenset({THU, FRI}),
    "BD": _FRI_SAT,
    "BH": _FRI_SAT,  # since 2006
    "BN": frozenset({FRI, SUN}),  # Brunei: Friday and Sunday, Saturday is a working day
    "DZ": _FRI_SAT,  # since 2009
    "EG": _FRI_SAT,
    "IL": _FRI_SAT,  # Sunday is a normal working day
    "IQ": _FRI_SAT,
    "IR": frozenset({FRI}),  # Thursday is a half-day; treated as working
    "JO": _FRI_SAT,  # since 2000
    "KW": _FRI_SAT,  # since 2007
    "LY": _FRI_SAT,
    "MV": _FRI_SAT,
    "NP": frozenset({SAT}),  # Sunday is a working day
    "OM": _FRI_SAT,  # since 2013
    "QA": _FRI_SAT,  # since 2003
    "SA": _FRI_SAT,  # Saudi Arabia moved from Thu–Fri on 2013-06-29
    "SD": _FRI_SAT,
    "SY": _FRI_SAT,
    "YE": _FRI_SAT,  # since 2013
}

# Malaysian states (ISO 3166-2 MY codes and the usual names/abbreviations) that keep a
# Fri–Sat weekend; the rest of Malaysia uses Sat–Sun. Johor (01) kept Fri–Sat from 2014
# to 2024 but returned to Sat–Sun on 2025-01-01, so it is deliberately not listed.
_MY_FRI_SAT_STATES = frozenset(
    {"02", "KDH", "KEDAH", "03", "KTN", "KELANTAN", "11", "TRG", "TERENGGANU"}
)


@dataclass(frozen=True)
class WorkPattern:
    """When a contact is at work, in their own local wall-clock time.

    ``end`` is exclusive. Overnight patterns (end before start) are not supported; a desk
    that works until midnight uses ``time.max`` (``parse_hours`` accepts "24:00").
    """

    start: time = DEFAULT_START
    end: time = DEFAULT_END
    weekend: frozenset[int] = DEFAULT_WEEKEND

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            # Hours are wall-clock in the contact's zone; an attached tzinfo would be
            # silently ignored by the window arithmetic, so refuse it outright.
            raise ValueError("working hours must be naive local times (no tzinfo)")
        if not self.end > self.start:
            raise ValueError(
                f"working day must end after it starts (got {self.start:%H:%M}-{self.end:%H:%M})"
            )
        # Accept any iterable of ints from callers but store a frozenset so the pattern
        # stays hashable (it is part of cache keys and dataclass equality).
        weekend = frozenset(self.weekend)
        bad = sorted(d for d in weekend if not isinstance(d, int) or not 0 <= d <= 6)
        if bad:
            raise ValueError(f"weekend days must be 0–6 (Monday=0), got {bad}")
        object.__setattr__(self, "weekend", weekend)

    def is_weekend(self, weekday: int) -> bool:
        return weekday in self.weekend


def _weekend_for(country: str | None, subdivision: str | None) -> frozenset[int]:
    if not country:
        return DEFAULT_WEEKEND
    code = country.strip().upper()
    if code == "MY" and subdivision:
        sub = subdivision.strip().upper().removeprefix("MY-")
        return _FRI_SAT if sub in _MY_FRI_SAT_STATES else DEFAULT_WEEKEND
    return COUNTRY_WEEKENDS.get(code, DEFAULT_WEEKEND)


def default_pattern(country: str | None, subdivision: str | None = None) -> WorkPattern:
    """The usual office pattern for a country: 09:00–18:00 and that country's weekend.

    ``country`` is ISO 3166-1 alpha-2, case-insensitive; ``None`` or an unknown code gives
    Monday–Friday. ``subdivision`` only matters where weekends differ inside a country
    (Malaysia).
    """
    return WorkPattern(weekend=_weekend_for(country, subdivision))


_DAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
_DAY_ALIASES: dict[str, int] = {n: i for i, names in enumerate(_DAY_NAMES) for n in names}


def _parse_day(token: str, whole: str) -> int:
    t = token.strip().lower()
    if t.isdigit():
        n = int(t)
        if 0 <= n <= 6:
            return n
        raise ValueError(f"weekday number {n} in weekend {whole!r} is out of range 0–6 (Monday=0)")
    if t in _DAY_ALIASES:
        return _DAY_ALIASES[t]
    raise ValueError(
        f"unknown weekday {token.strip()!r} in weekend {whole!r}; "
        "use names like Fri,Sat or numbers 0–6 (Monday=0)"
    )


def parse_weekend(text: str) -> frozenset[int]:
    """Parse weekend days: "fri,sat", "5,6", "Fri-Sat", "Fri Sun", "" (no weekend).

    Ranges are inclusive and may wrap the week ("Sat-Mon"). Numbers use Monday=0, the
    Python ``weekday()`` convention.
    """
    days: set[int] = set()
    for part in re.split(r"[,;/+\s]+", text.strip()):
        if not part:
            continue
        if "-" in part or "–" in part:
            ends = re.split(r"[-–]", part)
            if len(ends) != 2 or not ends[0] or not ends[1]:
                raise ValueError(
                    f"bad weekday range {part!r} in weekend {text!r}; use e.g. Fri-Sat"
                )
            first, last = _parse_day(ends[0], text), _parse_day(ends[1], text)
            days.update((first + k) % 7 for k in range((last - first) % 7 + 1))
        else:
            days.add(_parse_day(part, text))
    return frozenset(days)


_HOURS_RE = re.compile(
    r"^\s*(\d{1,2}):?(\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}):?(\d{2})\s*$", re.IGNORECASE
)


def _clock(hour: str, minute: str, text: str, *, allow_24: bool) -> time:
    h, m = int(hour), int(minute)
    if allow_24 and h == 24 and m == 0:
        # "until midnight": the latest representable time keeps end-exclusive arithmetic
        # on the same local date.
        return time.max
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{hour}:{minute} in working hours {text!r} is not a valid time")
    return time(h, m)


def parse_hours(text: str) -> tuple[time, time]:
    """Parse working hours "09:00-17:30" (also "9:00-17:30", "0900-1730", "24:00" as end)."""
    m = _HOURS_RE.match(text)
    if m is None:
        raise ValueError(
            f"working hours {text!r} are not in the form HH:MM-HH:MM, e.g. 09:00-17:30"
        )
    start = _clock(m[1], m[2], text, allow_24=False)
    end = _clock(m[3], m[4], text, allow_24=True)
    if not end > start:
        raise ValueError(
            f"working hours {text!r} must end after they start; overnight hours are not supported"
        )
    return start, end
