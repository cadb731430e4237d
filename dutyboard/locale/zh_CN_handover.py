"""Simplified Chinese for the handover screen and panel: draft, items, statuses."""

MESSAGES: dict[str, str] = {}
