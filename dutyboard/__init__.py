"""dutyboard: a terminal dashboard for round-the-clock duty desks."""

__version__ = "0.1.0"
