"""Simplified Chinese for issue 23: the leader dashboard in a browser (`dutyboard serve`)."""

MESSAGES: dict[str, str] = {}
