"""Simplified Chinese for arrivals and the roll-call: the shipment form, states, reminders."""

MESSAGES: dict[str, str] = {}
