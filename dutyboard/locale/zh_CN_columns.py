"""Simplified Chinese for the tables' layout at narrow widths: abbreviated headers and counts."""

MESSAGES: dict[str, str] = {}
