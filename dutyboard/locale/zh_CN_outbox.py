"""Simplified Chinese for issue 23: the outbox, its sender and `dutyboard notify`."""

MESSAGES: dict[str, str] = {}
