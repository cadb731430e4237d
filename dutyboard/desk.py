"""The desk a session works at: what every panel, screen and dialog needs, in one object.

Widgets get the store, the config, the clock, the desk's zone and the session's role from
here, never by importing the App (DESIGN: one change bus); the rule of who may write is
written once, here. ``changed`` is the one bus: whatever wrote — a key, a form, a retry in
the quarantine screen — calls it, from any thread, and the App refreshes what is on
screen, the header and who is on duty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from dutyboard import files
from dutyboard.config import Config
from dutyboard.domain.clock import Clock, utcnow
from dutyboard.store import Store


def _nobody_listens() -> None:
    """A desk outside a dashboard (a test's panel host, a script): nothing to refresh."""


@dataclass(eq=False)
class Desk:
    store: Store
    config: Config
    role: str = "officer"  # "officer" or "leader" (read-only)
    clock: Clock = utcnow
    on_change: Callable[[], None] = _nobody_listens  # set by the App: the bus's far end
    zone: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.config.timezone)
        # A number typed in the desk's country reads without its +code (store.phone_region).
        self.store.phone_region = self.config.desk_phone_region
        self.store.desk_zone = self.config.timezone  # a notification's times (store.outbox)

    def now(self) -> datetime:
        return self.clock()

    @property
    def officer(self) -> bool:
        return self.role == "officer"

    @property
    def can_write(self) -> bool:
        """May this session change the database? An officer on a writable connection."""
        return self.officer and not self.store.readonly

    @property
    def can_write_files(self) -> bool:
        """May this session write files (exports, vCards, screenshots)? Never a leader's."""
        return self.officer and files.writes_forbidden() is None

    def changed(self) -> None:
        """This session wrote: refresh what shows it. Safe from any thread."""
        self.on_change()
