"""Simplified Chinese for issue 23: notification targets and channels (dutyboard.notify)."""

MESSAGES: dict[str, str] = {}
