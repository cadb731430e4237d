"""Formatting helpers shared by panels. Data becomes rich Text, never markup."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text

from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.i18n import pgettext as pgettext  # widgets import it from here too

PRIORITY_STYLE = {
    "urgent": "bold white on red",
    "high": "bold yellow",
    "normal": "",
    "low": "dim",
}
PRIORITY_LABEL = {"urgent": "URG", "high": "HIGH", "normal": "norm", "low": "low"}

STATUS_STYLE = {
    "new": "bold cyan",
    "acknowledged": "cyan",
    "in_progress": "green",
    "partially_fulfilled": "green",
    "fulfilled": "dim green",
    "closed": "dim",
    "rejected": "dim red",
    "verifying": "cyan",
    "negotiating": "yellow",
    "ordered": "green",
    "in_transit": "bold green",
    "customs": "bold yellow",
    "received": "dim green",
    "dropped": "dim red",
}


def plain(value: object, style: str = "") -> Text:
    """Untrusted value → Text for a table cell. Brackets stay brackets (nothing is parsed
    as markup) and control characters are dropped here too, whatever the database holds:
    a row written by an older version or by hand must not reach the terminal raw."""
    if value is None:
        return Text("")
    text = clean_text(str(value).replace("\n", " ⏎ "), limit=1000)
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def shown(value: object) -> str:
    """Untrusted text for a detail view: controls cleaned, line breaks kept."""
    return clean_text(str(value), limit=100_000)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def audit_view(raw: str) -> str:
    """The original payload as received, with every control character made visible
    (``\\x1b``) instead of executed or silently dropped: the audit copy stays readable."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        raw,
    )


def quantity(value: object) -> Text:
    if value is None or value == "":
        return Text("")
    try:
        number = float(str(value))
    except ValueError:
        return plain(value)
    text = f"{int(number):,}" if number == int(number) else f"{number:,.2f}"
    return Text(text, justify="right")


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekday(moment: datetime) -> str:
    """'Tue' / '周二': strftime's %a would follow the C locale, not the interface."""
    return _(WEEKDAYS[moment.weekday()])


def day_hm(moment: datetime) -> str:
    return f"{weekday(moment)} {moment:%H:%M}"


def local_hm(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """An instant as wall-clock time in ``zone``: '15:40' today, 'Tue 15:40' otherwise."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M}" if local.date() == now.astimezone(zone).date() else day_hm(local)


def countdown(delta: timedelta) -> str:
    """'in 45m', 'in 2h 05m', 'in 3d 4h' (rounded up: never 'now' while time is left)."""
    minutes = max(0, math.ceil(delta.total_seconds() / 60))
    if minutes == 0:
        return _("now")
    return _("in {time}").format(time=_minutes_text(minutes))


def duration(delta: timedelta) -> str:
    """How long something has lasted: '45m', '2h 05m', '3d 4h' (whole minutes elapsed)."""
    return _minutes_text(max(0, int(delta.total_seconds() // 60)))


def _minutes_text(minutes: int) -> str:
    if minutes < 60:
        return _("{m}m").format(m=minutes)
    if minutes < 24 * 60:
        return _("{h}h {m:02d}m").format(h=minutes // 60, m=minutes % 60)
    return _("{d}d {h}h").format(d=minutes // 1440, h=minutes % 1440 // 60)


def ago(iso: str | None, now: datetime) -> str:
    """Compact age: '5m', '3h', '2d'."""
    if not iso:
        return ""
    seconds = int((now - from_iso(iso)).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 3600:
        text = f"{seconds // 60}m"
    elif seconds < 86400 * 2:
        text = f"{seconds // 3600}h"
    else:
        text = f"{seconds // 86400}d"
    return _("in {time}").format(time=text) if future else text


def status_label(status: str) -> str:
    """A status as people read it ('in progress'), in the interface language."""
    return _(status.replace("_", " "))


def status_text(status: str) -> Text:
    return Text(status_label(status), style=STATUS_STYLE.get(status, ""))


def priority_label(priority: str) -> str:
    return _(PRIORITY_LABEL.get(priority, priority))
