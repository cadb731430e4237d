"""UTC time helpers. The store keeps every time as an ISO-8601 UTC string."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
