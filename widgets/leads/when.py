"""A next-action time as the officer types it, in desk time: "tomorrow 09:00", "+2h",
"14:30", or any date/time a file could carry (ISO, '2月5日 9时'…) → UTC ISO."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dutyboard.domain import values
from dutyboard.domain.clock import to_iso
from dutyboard.i18n import _

_RELATIVE = re.compile(r"^\+\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$", re.I)
_DAY = re.compile(r"^(today|tomorrow|今天|明天)(?:\s+(\d{1,2})[:：](\d{2}))?$", re.I)
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")


def parse_when(text: str, now: datetime, zone: str) -> str:
    """``text`` typed at ``now`` in the desk's ``zone`` → UTC ISO; ValueError if unread."""
    typed = text.strip()
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    relative = _RELATIVE.match(typed)
    if relative and any(relative.groups()):
        days, hours, minutes = (int(g or 0) for g in relative.groups())
        return to_iso(now + timedelta(days=days, hours=hours, minutes=minutes))
    day = _DAY.match(typed)
    if day:
        offset = 1 if day.group(1).lower() in ("tomorrow", "明天") else 0
        hour, minute = (int(day.group(2)), int(day.group(3))) if day.group(2) else (9, 0)
        return _at(local.date() + timedelta(days=offset), hour, minute, tz)
    clock = _CLOCK.match(typed)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        stamp = _at(local.date(), hour, minute, tz)
        if datetime.fromisoformat(stamp) <= now:  # 08:00 typed at 22:00: tomorrow's
            stamp = _at(local.date() + timedelta(days=1), hour, minute, tz)
        return stamp
    return values.parse_datetime(typed, zone)


def _at(day: object, hour: int, minute: int, tz: ZoneInfo) -> str:
    try:
        moment = time(hour, minute)
    except ValueError:
        raise ValueError(_("is not a time of day")) from None
    return to_iso(datetime.combine(day, moment, tz))  # type: ignore[arg-type]


def when_check(now: Callable[[], datetime], zone: str) -> Callable[[str], str]:
    """A form check: the typed time → UTC ISO, read at the moment the form is saved."""

    def check(text: str) -> str:
        return parse_when(text, now(), zone)

    return check
