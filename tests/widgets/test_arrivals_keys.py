"""The arrivals panel's keys as in every other panel (issue 18 #3): ``j`` ``k`` ``g``
``G`` move, ``/`` filters, and after ``4`` at 80×24 the keys ``1``–``6`` and the footer
still work; the palette finds "New arrival" from any panel."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from dutyboard.app import DutyboardApp
from dutyboard.domain.clock import to_iso
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from tests.conftest import FakeClock
from tests.widgets.pilot import make_app, settle
from tests.widgets.pilot import settle as settle_app
from tests.widgets.test_arrivals import T0, PanelApp, make_desk
from widgets.arrivals.form import ArrivalForm
from widgets.arrivals.panel import ArrivalsPanel


@pytest.fixture
def desk(db_path: Path) -> tuple[Store, FakeClock]:
    return make_desk(db_path)


def add_more(store: Store) -> None:
    """Four more arrivals after the desk's CZ8421 (16:50), one next week."""
    for minutes, fields in (
        (60, {"kind": "traveller", "traveller": "李明", "reference": "CA934"}),
        (90, {"kind": "shipment", "reference": "LH8400", "item": "protective suits"}),
        (150, {"kind": "shipment", "reference": "131-4420 7785", "item": "goggles"}),
        (7 * 24 * 60, {"kind": "shipment", "reference": "ET606", "item": "thermometers"}),
    ):
        arr.add_arrival(store, {**fields, "eta": to_iso(T0 + timedelta(minutes=minutes))})
    arr.delay(store, 3, to_iso(T0 + timedelta(minutes=120)))  # LH8400: delayed
    rc.sync_units(
        store,
        [
            UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school"),
            UnitSpec("German School Changchun", parse_rule("daily by 20:00"), "school"),
            UnitSpec("Northeast Normal University", parse_rule("daily by 21:00"), "school"),
        ],
    )


async def test_j_k_g_G_move_in_both_lists(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    add_more(store)
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        table = panel.arrivals_table
        assert len(panel.rows) == 4 and table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 3
        await pilot.press("g")
        assert table.cursor_row == 0
        panel.rollcall_table.focus()
        await pilot.pause()
        await pilot.press("G")
        assert panel.rollcall_table.cursor_row == 2
        await pilot.press("k", "g", "j")
        assert panel.rollcall_table.cursor_row == 1


async def test_slash_filters_by_reference_contents_origin_and_state(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    add_more(store)
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)

        async def shown(text: str) -> list[str]:
            panel.filter_input.value = text
            await settle(app, pilot)
            return [str(r["reference"]) for r in panel.rows]

        await pilot.press("slash")
        await pilot.pause()
        field = panel.filter_input
        assert isinstance(app.focused, Input) and app.focused is field
        await pilot.press("c", "z")  # typed into the filter, not run as keys
        await settle(app, pilot)
        assert [r["reference"] for r in panel.rows] == ["CZ8421"]
        assert str(panel.border_subtitle).startswith("“cz”, any ETA · 1")
        assert await shown("goggles") == ["131-4420 7785"]  # contents
        assert await shown("budapest") == ["CZ8421"]  # origin
        assert await shown("delayed") == ["LH8400"]  # state
        assert await shown("李明") == ["CA934"]  # a traveller, in Chinese
        assert await shown("ET606") == ["ET606"]  # next week: a filter looks past 24 h
        assert await shown("masks 16") == []  # every word must match
        await pilot.press("escape")
        await settle(app, pilot)
        assert not field.display and panel.arrivals_table.has_focus
        assert len(panel.rows) == 4 and panel.filter_text == ""
        # enter keeps the filter and goes back to the list; esc there clears it
        await pilot.press("slash", "l", "h", "enter")
        await settle(app, pilot)
        assert panel.arrivals_table.has_focus and [r["reference"] for r in panel.rows] == ["LH8400"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(panel.rows) == 4


def footer_keys(app: DutyboardApp) -> set[str]:
    return {key.key for key in app.query_one(Footer).query(FooterKey)}


def focused_panel(app: DutyboardApp) -> str | None:
    focused = app.focused
    if focused is None:
        return None
    for node in focused.ancestors_with_self:
        if node.id in ("requests", "leads", "contacts", "arrivals", "handover", "supplies"):
            return node.id
    return None


async def test_after_4_at_80x24_the_panel_keys_and_footer_work(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        await pilot.press("4")
        await settle_app(app, pilot)
        assert focused_panel(app) == "arrivals"
        assert {"l", "r", "d"} <= footer_keys(app)  # the arrivals' keys
        for key, name in (("1", "requests"), ("5", "handover"), ("6", "supplies"), ("2", "leads")):
            await pilot.press(key)
            await settle_app(app, pilot)
            assert focused_panel(app) == name, key
            active = [p.id for p in app.query(".panel.-active")]
            assert len(active) == 1, active
            assert footer_keys(app), key  # the footer shows that panel's keys
        assert "N" in footer_keys(app) and "l" in footer_keys(app)  # leads: New, Link
        await pilot.press("4")
        await settle_app(app, pilot)
        assert focused_panel(app) == "arrivals"
        assert {"l", "r", "d", "N", "e"} <= footer_keys(app)
        before = app.query_one(ArrivalsPanel).arrivals_table.cursor_row
        await pilot.press("j")
        assert app.query_one(ArrivalsPanel).arrivals_table.cursor_row == before + 1


async def test_the_palette_finds_new_arrival_from_any_panel(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_app(app, pilot)
        assert focused_panel(app) == "requests"
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "New arrival" in commands
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("New arrival") == 1
        commands["New arrival"].callback()
        await settle_app(app, pilot)
        assert isinstance(app.screen, ArrivalForm)
        await pilot.press("escape")
        await settle_app(app, pilot)
        await pilot.press("4")
        await settle_app(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("New arrival") == 1  # the key's entry is the same one
    leader = make_app(demo_db, role="leader")
    async with leader.run_test(size=(160, 48)) as pilot:
        await settle_app(leader, pilot)
        await pilot.press("4")
        await settle_app(leader, pilot)
        titles = [c.title for c in leader.get_system_commands(leader.screen)]
        assert "New arrival" not in titles and "Edit" not in titles
