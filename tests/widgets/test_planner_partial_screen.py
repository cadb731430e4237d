"""The planner screen when no window fits everyone (issue 18): it proposes the best
partial window, says who is left out and their local time then, and two calls."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from textual.app import App

from dutyboard.domain.reachability import Party
from tests.widgets.pilot import make_app, panel, settle
from widgets.common.fmt import day_hm
from widgets.contacts.planner import PlannerScreen

DESK = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2020, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

ROWS = [
    {"id": 1, "name": "Sophie Martin", "tz": "Europe/Paris", "work_hours": "09:00-18:00"},
    {"id": 2, "name": "Emily Chen", "tz": "America/New_York", "work_hours": "09:00-18:00"},
    {"id": 3, "name": "Tanaka [b]Ken[/b]", "tz": "Asia/Tokyo", "work_hours": "09:00-18:00"},
    {"id": 4, "name": "Wang Fang", "tz": "Asia/Shanghai", "work_hours": "09:00-18:00"},
    {"id": 5, "name": "No Zone"},
]


def desk_time(moment: datetime) -> str:
    return day_hm(moment.astimezone(DESK))


def text_of(screen: PlannerScreen) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen._content())
    return console.export_text()


class PlannerApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(PlannerScreen(ROWS, MONDAY, desk_time))


async def test_the_best_partial_window_and_two_calls() -> None:
    app = PlannerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        assert screen.windows == [] and screen.plan is not None
        assert screen.plan.best is not None and screen.plan.best.left_out == (1,)
        text = text_of(screen)
    assert "No common window in the next 7 days." in text
    assert "Best partial window, reaching 3 of 4:" in text
    assert "Mon 16:00 – Mon 17:00   (1.0 h)" in text  # 08:00-09:00 UTC, in desk time
    assert "with Sophie Martin, Tanaka [b]Ken[/b], Wang Fang" in text  # brackets as typed
    assert "left out: Emily Chen (Mon 03:00 there)" in text  # New York, 08:00 UTC
    assert "Or two calls that together reach everyone:" in text
    assert "  1. Mon 16:00 – Mon 17:00   (1.0 h)  Sophie Martin, Tanaka [b]Ken[/b], Wang Fang" in (
        text
    )
    assert "  2. Mon 22:00 – Tue 01:00   (3.0 h)  Emily Chen" in text
    assert "No time zone known, not planned: No Zone" in text


async def test_with_the_officer_every_call_includes_you() -> None:
    rows = ROWS[:2]  # Paris and New York, and the officer in Shanghai
    screen = PlannerScreen(rows, MONDAY, desk_time, Party("Asia/Shanghai"))
    text = text_of(screen)
    assert screen.plan is not None and screen.plan.best is not None
    assert "with Sophie Martin, you" in text and "left out: Emily Chen" in text


async def test_from_the_contacts_panel(demo_db: Path) -> None:
    """The planner opened with P on picked contacts still lists common windows when
    there are some (the partial proposal only comes when there are none)."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        contacts = panel(app, "contacts")
        for word in ("Sophie", "Emily"):
            contacts.table.set_spec(contacts.table.spec.with_(text=word))
            await settle(app, pilot)
            contacts.table.focus()
            await pilot.press("space")
        await pilot.press("P")
        await settle(app, pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        assert planner.windows and planner.plan is None
