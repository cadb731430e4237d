"""Simplified Chinese for intake (issue 22): spreadsheets read through calamine."""

MESSAGES: dict[str, str] = {}
