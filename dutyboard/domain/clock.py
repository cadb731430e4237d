"""UTC time helpers. The store keeps every time as an ISO-8601 UTC string."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from dutyboard.i18n import _

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(dt: datetime) -> str:
    """Aware datetime → '2020-02-03T06:00:00+00:00' (sorts correctly as text)."""
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt!r}: times must carry a zone")
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_day(text: str, today: date) -> date:
    """A calendar day as people type it: 2020-02-03, 'today', 'yesterday', or -1, -2 …
    (days before ``today``, the desk's today). ValueError names the forms it knows."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word.startswith("-") and word[1:].isdigit() and len(word) <= 5:
        return today - timedelta(days=int(word[1:]))
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ValueError(
            _(
                "{text!r} is not a day like 2020-02-03 (or 'today', 'yesterday', -1 for a day back)"
            ).format(text=text)
        ) from None
