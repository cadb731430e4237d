"""An idle dashboard keeps every time-derived cell right to the minute (issue 18 #1).

Nothing is written and nothing re-queried: the app's clock (a FakeClock here) moves on,
and on its next minute every panel on screen redraws what it shows from the rows it has
(ages, "in 5h"/"LATE 3h", local times, next windows, ETAs, roll-call, the shift's
"since"). What is checked is what the widgets have *drawn* (their rendered lines, as
the compositor paints them), not what a fresh call of ``cells()`` would say.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.store import Store
from tests.conftest import FakeClock
from tests.widgets.pilot import settle
from widgets.arrivals.panel import ArrivalsPanel
from widgets.common.header import DeskHeader
from widgets.common.table_panel import TablePanel
from widgets.handover.panel import HandoverPanel


def live_app(path: Path, clock: FakeClock) -> DutyboardApp:
    """The dashboard with one clock for the app and its store (as in production)."""
    store = Store.open(path, actor="Zhang Wei", clock=clock)
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
    return DutyboardApp(store, config, clock=clock)


def drawn(widget: Widget) -> list[str]:
    """The lines the widget has drawn, as text: its render cache, as painted."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def table_lines(panel: TablePanel) -> list[str]:
    """What each visible row of a store-backed panel should read at the app's time now."""
    table = panel.table
    lines = []
    for index in range(
        table.first_visible, min(table.total, table.first_visible + table.body_height)
    ):
        row = table.row_at(index)
        assert row is not None
        lines.append(table._join(panel.cells(row)).plain.rstrip())
    return lines


def shows_rows(panel: TablePanel) -> bool:
    shown = "\n".join(drawn(panel.table))
    return all(line in shown for line in table_lines(panel))


async def until(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 4) -> None:
    """Wait (real time: the app's clock ticks once a second) until ``check()`` holds."""
    for _ in range(int(seconds * 10)):
        if check():
            return
        await pilot.pause(0.1)
    assert check(), "the screen did not follow the clock"


def count_calls(widget: Widget, name: str) -> list[int]:
    """Count calls of ``widget.name()`` (a re-query) from here on."""
    calls: list[int] = []
    original = getattr(widget, name)

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    setattr(widget, name, counting)
    return calls


async def test_tables_redraw_ages_countdowns_and_local_times_each_minute(
    demo_db: Path,
) -> None:
    clock = FakeClock()
    app = live_app(demo_db, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await until(pilot, lambda: app.query_one("#contacts", TablePanel).table.spec.ranking != ())
        await settle(app, pilot)
        panels = [
            app.query_one(f"#{name}", TablePanel) for name in ("requests", "leads", "contacts")
        ]
        for panel in panels:
            assert shows_rows(panel), panel.id
        generations = [p.table._generation for p in panels]
        first = {p.id: drawn(p.table) for p in panels}

        # One minute: a contact's local time moves by one minute, not twenty later.
        clock.now += timedelta(minutes=1)
        for panel in panels:
            await until(pilot, partial(shows_rows, panel))
        contacts = app.query_one("#contacts", TablePanel)
        assert drawn(contacts.table) != first["contacts"]

        # Fifty minutes more with nothing written: ages and countdowns move on.
        clock.now += timedelta(minutes=50)
        for panel in panels:
            await until(pilot, partial(shows_rows, panel))
        for panel in panels:
            assert drawn(panel.table) != first[panel.id], panel.id
        # Redrawn from the rows already loaded: no table was re-queried.
        assert [p.table._generation for p in panels] == generations


async def test_arrivals_roll_call_and_the_shift_follow_the_clock_without_a_query(
    demo_db: Path,
) -> None:
    clock = FakeClock()  # 03:00 desk time; CA968 lands 04:30, North America reports by 09:00
    app = live_app(demo_db, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        arrivals = app.query_one(ArrivalsPanel)
        handover = app.query_one(HandoverPanel)

        def arrival_line(reference: str) -> str:
            return next(line for line in drawn(arrivals.arrivals_table) if reference in line)

        def unit_line(name: str) -> str:
            return next(line for line in drawn(arrivals.rollcall_table) if name in line)

        unit = "North America"  # "Overseas students group – North America", cut in the middle
        assert "in 1h30" in arrival_line("CA968")
        assert "due" in unit_line(unit) and "09:00 (in 6h)" in unit_line(unit)
        loads = count_calls(arrivals, "reload")
        handover_loads = count_calls(handover, "reload")

        clock.now += timedelta(minutes=100)  # 04:40: CA968 is 10 minutes late
        await until(pilot, lambda: "LATE 10m" in arrival_line("CA968"))
        assert "09:00 (in 4h20)" in unit_line(unit)

        clock.now += timedelta(hours=4, minutes=25)  # 09:05: the deadline has passed
        await until(pilot, lambda: "MISSING" in unit_line(unit))
        assert "(in" not in unit_line(unit)
        title = str(app.query_one("#rollcall-title").render())
        assert "3 MISSING" in title  # two were missing already

        # The shift panel sat on a hidden tab meanwhile: shown, it is redrawn at once.
        await pilot.press("5")
        await settle(app, pilot)
        await until(pilot, lambda: any("since Tue 22:00 (11h 05m)" in x for x in drawn(handover)))
        # All of it from the rows already read.
        assert loads == [] and handover_loads == []


async def test_the_header_clock_ticks_every_second_and_its_world_clocks_each_minute(
    demo_db: Path,
) -> None:
    clock = FakeClock()
    store = Store.open(demo_db, actor="Zhang Wei", clock=clock)
    config = Config(
        desk_name="Test desk",
        timezone="Asia/Shanghai",
        user="Zhang Wei",
        clocks=("Asia/Shanghai", "Europe/Paris"),
    )
    app = DutyboardApp(store, config, clock=clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        header = app.query_one(DeskHeader)
        assert "Wed 03:00:00" in drawn(header)[0] and "Paris 20:00" in drawn(header)[1]
        clock.now += timedelta(seconds=7)
        await until(pilot, lambda: "Wed 03:00:07" in drawn(header)[0])
        clock.now += timedelta(minutes=1)
        await until(pilot, lambda: "Wed 03:01:07" in drawn(header)[0])
        await until(pilot, lambda: "Paris 20:01" in drawn(header)[1])
        assert "19:01 UTC" in drawn(header)[0]
