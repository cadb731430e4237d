"""Formatting helpers shared by panels. Data becomes rich Text, never markup."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from dutyboard.domain.clock import from_iso

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
    """Untrusted value → Text. Brackets stay brackets; nothing is parsed as markup."""
    if value is None:
        return Text("")
    return Text(str(value).replace("\n", " ⏎ "), style=style, no_wrap=True, overflow="ellipsis")


def quantity(value: object) -> Text:
    if value is None or value == "":
        return Text("")
    try:
        number = float(str(value))
    except ValueError:
        return plain(value)
    text = f"{int(number):,}" if number == int(number) else f"{number:,.2f}"
    return Text(text, justify="right")


def local_hm(iso: str | None, zone: ZoneInfo) -> str:
    if not iso:
        return ""
    return from_iso(iso).astimezone(zone).strftime("%H:%M")


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
    return f"in {text}" if future else text


def status_text(status: str) -> Text:
    return Text(status.replace("_", " "), style=STATUS_STYLE.get(status, ""))
