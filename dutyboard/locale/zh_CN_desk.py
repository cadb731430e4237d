"""Simplified Chinese for leads' next actions, contacts' roles, roll-call, the planner and edit conflicts."""

MESSAGES: dict[str, str] = {}
