"""The unit roll-call: who owes a report, by when, and whether it came.

A reporting unit has a rule — "daily by 17:00", "weekdays by 12:00", "weekly on Mon by
12:00" — read on the unit's own clock (its zone, or the desk's when it has none). The
rule's *due dates* are the dates a report is owed; each due date D is one *period*,
whose window runs from the day after the previous due date to the end of D (a daily
unit's window is the calendar day D; a weekly unit's is the seven days ending on D). The
day boundary is midnight in the unit's zone, which for the desk's own units is the desk's
midnight.

In a period: a report before the deadline is *reported*, one after it *late*; with no
report the period is *due* until the deadline and *missing* from then on.

A unit owes nothing for a period that closed before it was put on the list (configured or
added): such a period is *not yet on the roll* (:func:`owed`), never missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dutyboard.i18n import _

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_WORDS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("mon", "monday", "一", "1"),
        ("tue", "tues", "tuesday", "二", "2"),
        ("wed", "weds", "wednesday", "三", "3"),
        ("thu", "thur", "thurs", "thursday", "四", "4"),
        ("fri", "friday", "五", "5"),
        ("sat", "saturday", "六", "6"),
        ("sun", "sunday", "日", "天", "7"),
    )
):
    for _name in _names:
        _WEEKDAY_WORDS[_name] = _i


class RollCallState(StrEnum):
    REPORTED = "reported"
    LATE = "late"  # reported after the deadline
    DUE = "due"  # not yet reported, deadline still ahead
    MISSING = "missing"  # not reported and the deadline has passed


SETTLED = frozenset({RollCallState.REPORTED, RollCallState.LATE})
UNIT_KINDS = ("school", "institute", "enterprise", "district", "overseas", "unit")
#: The note a report marked by hand gets when the officer gives none: a report the desk
#: marks itself is one it took on the phone (files and requests settle a unit on their
#: own). Stored in English, like every note the store writes; shown through ``_()``.
BY_PHONE = "by phone"


@dataclass(frozen=True)
class Rule:
    """When a report is owed. ``every``: daily, weekdays (Mon–Fri) or weekly."""

    every: str
    deadline: time
    weekday: int | None = None  # weekly only, Monday = 0

    def __post_init__(self) -> None:
        if self.every not in ("daily", "weekdays", "weekly"):
            raise ValueError(f"unknown rule {self.every!r}")
        if (self.every == "weekly") != (self.weekday is not None):
            raise ValueError("a weekly rule needs a weekday (and only a weekly rule has one)")

    @property
    def text(self) -> str:
        hm = f"{self.deadline:%H:%M}"
        if self.every == "weekly":
            assert self.weekday is not None
            return f"weekly on {WEEKDAYS[self.weekday]} by {hm}"
        return f"{self.every} by {hm}"

    def is_due_date(self, day: date) -> bool:
        if self.every == "daily":
            return True
        if self.every == "weekdays":
            return day.weekday() < 5
        return day.weekday() == self.weekday

    def period_for(self, day: date) -> date:
        """The due date whose window holds ``day``: the first due date on or after it."""
        for step in range(8):
            candidate = day + timedelta(days=step)
            if self.is_due_date(candidate):
                return candidate
        raise AssertionError("every rule has a due date within a week")

    def previous_due(self, due: date) -> date:
        for step in range(1, 8):
            candidate = due - timedelta(days=step)
            if self.is_due_date(candidate):
                return candidate
        raise AssertionError("every rule has a due date within a week")

    def periods_before(self, due: date, count: int) -> list[date]:
        """``count`` due dates ending with ``due``, oldest first."""
        out = [due]
        while len(out) < count:
            out.append(self.previous_due(out[-1]))
        return out[::-1]


_TIME = re.compile(r"(\d{1,2})(?:\s*[:：点时]\s*(\d{2})?)?\s*(?:分)?\s*(am|pm|上午|下午)?", re.I)


def parse_rule(text: str) -> Rule:
    """'daily by 17:00', '17:00', 'weekdays by 12:00', 'weekly on Mon by 12:00',
    'Mon 12:00', '每天17:00前', '每周一12:00前', '工作日12:00前'."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    lowered = raw.casefold()
    if not lowered:
        raise ValueError(_("is empty; write e.g. 'daily by 17:00' or 'weekly on Mon by 12:00'"))
    times = list(_TIME.finditer(lowered))
    times = [m for m in times if m.group(2) or re.search(r"[点时]", m.group(0)) or m.group(3)]
    if len(times) != 1:
        raise ValueError(
            _(
                "{rule!r} needs one deadline time such as 17:00 "
                "(e.g. 'daily by 17:00' or 'weekly on Mon by 12:00')"
            ).format(rule=raw)
        )
    match = times[0]
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    ampm = (match.group(3) or "").lower()
    if not ampm and re.search(r"(下午|晚上)\s*$", lowered[: match.start()]):
        ampm = "pm"
    if ampm in ("pm", "下午") and hour < 12:
        hour += 12
    elif ampm in ("am", "上午") and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        hour, minute = 23, 59
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(_("{rule!r} has an impossible time of day").format(rule=raw))
    deadline = time(hour, minute)
    rest = (lowered[: match.start()] + " " + lowered[match.end() :]).strip()
    weekday = _find_weekday(rest)
    if re.search(r"weekdays|workdays|工作日", rest):
        return Rule("weekdays", deadline)
    if weekday is not None:
        return Rule("weekly", deadline, weekday)
    if re.search(r"weekly|每周|每星期", rest):
        raise ValueError(
            _("{rule!r} says weekly but not on which day (e.g. 'weekly on Mon by 12:00')").format(
                rule=raw
            )
        )
    words = set(re.findall(r"[a-z]+", rest)) - {
        "daily",
        "every",
        "day",
        "by",
        "before",
        "at",
        "on",
        "local",
    }
    if words:
        raise ValueError(
            _(
                "{rule!r} is not a rule I can read; write 'daily by 17:00', "
                "'weekdays by 12:00' or 'weekly on Mon by 12:00'"
            ).format(rule=raw)
        )
    return Rule("daily", deadline)


def _find_weekday(text: str) -> int | None:
    for word in re.findall(r"[a-z]+", text):
        if word in _WEEKDAY_WORDS and not word.isdigit():
            return _WEEKDAY_WORDS[word]
    zh = re.search(r"(?:周|星期|礼拜)([一二三四五六日天1-7])", text)
    if zh:
        return _WEEKDAY_WORDS[zh.group(1)]
    return None


# -- instants of a period -----------------------------------------------------------------


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # Where a zone skips midnight (a DST change at 00:00), the wall time is normalised.
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def deadline_at(rule: Rule, due: date, zone: ZoneInfo) -> datetime:
    """The deadline of the period ``due`` as a UTC instant (the unit's wall clock)."""
    return datetime.combine(due, rule.deadline, tzinfo=zone).astimezone(UTC)


def window(rule: Rule, due: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the period ``due`` in UTC: midnights in the unit's zone."""
    start = rule.previous_due(due) + timedelta(days=1)
    return _midnight(start, zone), _midnight(due + timedelta(days=1), zone)


def current_period(rule: Rule, now: datetime, zone: ZoneInfo) -> date:
    """The period open at ``now`` (by the unit's local date)."""
    return rule.period_for(now.astimezone(zone).date())


def settled_state(rule: Rule, due: date, zone: ZoneInfo, at: datetime) -> RollCallState:
    """Reported or late, for a report at ``at`` in the period ``due``."""
    return RollCallState.REPORTED if at <= deadline_at(rule, due, zone) else RollCallState.LATE


def state_at(
    rule: Rule, due: date, zone: ZoneInfo, now: datetime, reported_at: datetime | None
) -> RollCallState:
    """The state of period ``due`` seen at ``now``."""
    if reported_at is not None:
        return settled_state(rule, due, zone, reported_at)
    return RollCallState.DUE if now < deadline_at(rule, due, zone) else RollCallState.MISSING


def period_of_report(rule: Rule, at: datetime, zone: ZoneInfo) -> date:
    """The period a report made at ``at`` settles: the one whose window holds it."""
    return rule.period_for(at.astimezone(zone).date())


def owed(rule: Rule, due: date, zone: ZoneInfo, listed_at: datetime | None) -> bool:
    """Whether the period ``due`` is owed by a unit put on the list at ``listed_at``: only
    if its window was still open then. A unit added at 18:00 owes that day's report (late
    from the start, if its deadline has passed); it owes nothing for the days before."""
    return listed_at is None or window(rule, due, zone)[1] > listed_at


def first_owed(rule: Rule, listed_at: datetime, zone: ZoneInfo) -> date:
    """The first period a unit put on the list at ``listed_at`` owes."""
    return period_of_report(rule, listed_at, zone)


# -- streaks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """Over a run of periods, oldest first: the current streak and the gaps."""

    current: int  # consecutive settled periods ending at the newest closed or settled one
    reported: int
    late: int
    missing: int
    gaps: tuple[date, ...]  # periods with no report, oldest first


def streak(periods: Sequence[tuple[date, RollCallState]]) -> Streak:
    """Count a unit's record. A period still *due* neither extends nor breaks the streak."""
    gaps = tuple(d for d, s in periods if s is RollCallState.MISSING)
    current = 0
    for _day, state in reversed(periods):
        if state is RollCallState.DUE:
            continue
        if state in SETTLED:
            current += 1
        else:
            break
    return Streak(
        current=current,
        reported=sum(1 for _, s in periods if s is RollCallState.REPORTED),
        late=sum(1 for _, s in periods if s is RollCallState.LATE),
        missing=len(gaps),
        gaps=gaps,
    )


# -- units from configuration --------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    """A reporting unit as configured: ``[[rollcall.units]]`` in config.toml."""

    name: str
    rule: Rule
    kind: str = "unit"
    zone: str | None = None  # IANA; None = the desk's zone
    also: tuple[str, ...] = field(default_factory=tuple)  # other names its records carry


_UNIT_KEYS = ("name", "rule", "kind", "zone", "also")


def parse_zone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be an IANA time zone such as 'Europe/Paris'"))
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("{zone!r} is not a known IANA time zone").format(zone=value)) from None
    return value.strip()


def parse_unit(value: Any, where: str = "unit") -> UnitSpec:
    """One unit table: {name = "...", rule = "daily by 17:00", kind, zone, also = [...]}."""
    if not isinstance(value, Mapping):
        raise ValueError(_("{where} must be a table with name and rule").format(where=where))
    unknown = sorted(set(value) - set(_UNIT_KEYS))
    if unknown:
        raise ValueError(
            _("{where}: unknown key {key} (known: {known})").format(
                where=where, key=unknown[0], known=", ".join(_UNIT_KEYS)
            )
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(_("{where}: name must be a non-empty string").format(where=where))
    label = _("{where} ({name})").format(where=where, name=name.strip())
    rule_text = value.get("rule", "daily by 17:00")
    if not isinstance(rule_text, str):
        raise ValueError(
            _("{where}: rule must be a string such as 'daily by 17:00'").format(where=label)
        )
    try:
        rule = parse_rule(rule_text)
    except ValueError as exc:
        raise ValueError(_("{where}: rule {error}").format(where=label, error=exc)) from None
    kind = value.get("kind", "unit")
    if kind not in UNIT_KINDS:
        raise ValueError(
            _("{where}: kind {kind!r} is not one of {choices}").format(
                where=label, kind=kind, choices=", ".join(UNIT_KINDS)
            )
        )
    zone = value.get("zone")
    if zone is not None:
        try:
            zone = parse_zone(zone)
        except ValueError as exc:
            raise ValueError(_("{where}: zone {error}").format(where=label, error=exc)) from None
    also = value.get("also", [])
    if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
        raise ValueError(_("{where}: also must be a list of names").format(where=label))
    return UnitSpec(name.strip(), rule, kind, zone, tuple(a.strip() for a in also))


def parse_units_config(value: Any) -> tuple[UnitSpec, ...]:
    """``rollcall.units``: a list of unit tables; names must be unique."""
    if not isinstance(value, list):
        raise ValueError(_("must be a list of tables ([[rollcall.units]])"))
    specs = tuple(
        parse_unit(item, _("unit {n}").format(n=index)) for index, item in enumerate(value, 1)
    )
    seen: set[str] = set()
    for spec in specs:
        key = match_key(spec.name)
        if key in seen:
            raise ValueError(_("unit {name!r} is listed twice").format(name=spec.name))
        seen.add(key)
    return specs


def match_key(name: str) -> str:
    """How names are compared when a record settles a unit: case, width and spaces aside."""
    normal = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(normal.split())


def names_of(spec_name: str, also: Iterable[str]) -> list[str]:
    return [spec_name, *also]
