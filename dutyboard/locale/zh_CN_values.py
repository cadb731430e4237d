"""Simplified Chinese for intake (issue 22): Chinese numerals, phone numbers and countries."""

MESSAGES: dict[str, str] = {}
