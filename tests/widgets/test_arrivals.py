"""The arrivals panel through the Pilot: the clock passing an ETA and a deadline, keys that
mark an arrival and a unit done, the leader rule, detail, reminders, hostile text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input, OptionList

from dutyboard.config import Config
from dutyboard.desk import Desk
from dutyboard.domain.clock import to_iso
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from tests.conftest import FakeClock
from tests.widgets.pilot import settle
from widgets.arrivals.detail import ArrivalDetail, UnitHistoryScreen
from widgets.arrivals.panel import ArrivalsPanel, reminder_text
from widgets.common.desk import DeskChanged, connect_bus
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, FormDialog

# 16:30 on 2020-02-05 in Changchun: the shipment is due 16:50, the unit's report by 17:00.
T0 = datetime(2020, 2, 5, 8, 30, tzinfo=UTC)
DESK = "Asia/Shanghai"


class PanelApp(App[None]):
    """Just enough of the dashboard for the panel: store, role, clock, config, zone."""

    def __init__(self, store: Store, clock: FakeClock, role: str = "officer") -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.role = role
        self.config = Config(desk_name="Test desk", timezone=DESK, user="Zhang Wei")
        self.zone = ZoneInfo(DESK)
        self.desk = Desk(store, self.config, role=role, clock=clock)
        connect_bus(self.desk, self)
        self.refreshes = 0

    def compose(self) -> ComposeResult:
        yield ArrivalsPanel(id="arrivals")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ArrivalsPanel).focus()

    def on_desk_changed(self, message: DeskChanged) -> None:  # the dashboard's bus
        self.refreshes += 1
        self.query_one(ArrivalsPanel).reload()


@pytest.fixture
def desk(db_path: Path) -> tuple[Store, FakeClock]:
    return make_desk(db_path)


def make_desk(db_path: Path) -> tuple[Store, FakeClock]:
    """The charter flight CZ8421 due at 16:50 (permit pending), one unit due at 17:00."""
    clock = FakeClock(T0)
    store = Store.open(db_path, actor="Zhang Wei", clock=clock)
    arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "CZ8421",
            "item": "medical masks",
            "quantity": 1_900_000,
            "unit": "pcs",
            "origin_country": "HU",
            "origin_city": "Budapest",
            "eta": to_iso(T0 + timedelta(minutes=20)),
            "permit": "pending",
        },
    )
    rc.sync_units(store, [UnitSpec("Jilin University", parse_rule("daily by 17:00"), "school")])
    return store, clock


def cells(panel: ArrivalsPanel, table: str, index: int = 0) -> dict[str, str]:
    widget = panel.arrivals_table if table == "arrivals" else panel.rollcall_table
    labels = [str(c.label) for c in widget.columns.values()]  # English: the tests' language
    return dict(zip(labels, (c.plain for c in widget.get_row_at(index)), strict=True))


async def test_the_clock_makes_a_shipment_late_and_a_unit_missing(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        row = cells(panel, "arrivals")
        assert row["ETA"] == "16:50" and row["In"] == "in 20m"
        assert row["Origin time"] == "Wed 09:50 CET"
        assert (row["State"], row["Hold-ups"]) == ("expected", "permit pending")
        assert cells(panel, "rollcall")["State"] == "due"
        assert cells(panel, "rollcall")["Deadline"] == "17:00 (in 30m)"
        assert "LATE" not in str(panel.border_subtitle)

        clock.now = T0 + timedelta(minutes=35)  # 17:05 desk time
        panel.reload()
        await settle(app, pilot)
        row = cells(panel, "arrivals")
        assert row["In"] == "LATE 15m" and row["State"] == "expected"
        assert str(panel.border_subtitle) == "next 24h · 1 · 1 LATE"
        unit = cells(panel, "rollcall")
        assert (unit["State"], unit["Deadline"]) == ("MISSING", "17:00")
        title = app.query_one("#rollcall-title").render()
        assert "1 MISSING" in str(title)


async def test_a_narrow_panel_keeps_what_matters(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(66, 30)) as pilot:  # the dashboard's bottom-right corner
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        row = cells(panel, "arrivals")
        assert list(row) == ["ETA", "In", "State", "Ref", "What"]
        assert row["Ref"] == "CZ8421"  # a reference is never cut
        assert row["What"].startswith("permit? 1,900,000 pcs")
        # "Reported" gives way whole; the unit's name keeps the width.
        assert list(cells(panel, "rollcall")) == ["State", "Unit", "Deadline"]
        await pilot.resize_terminal(80, 30)
        await settle(app, pilot)
        assert list(cells(panel, "rollcall")) == ["State", "Unit", "Deadline", "Reported"]
        await pilot.resize_terminal(150, 30)
        await settle(app, pilot)
        assert cells(panel, "arrivals")["Hold-ups"] == "permit pending"
        assert cells(panel, "arrivals")["What"] == "1,900,000 pcs medical masks"


async def test_keys_mark_the_shipment_received_and_the_unit_reported(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    clock.now = T0 + timedelta(minutes=40)
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        assert panel.arrivals_table.has_focus
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)  # landing asks first
        await pilot.press("y")
        await settle(app, pilot)
        assert arr.get_arrival(store, 1)["state"] == "landed"
        assert cells(panel, "arrivals")["In"] == ""  # landed: no longer late
        await pilot.press("r")
        await settle(app, pilot)
        row = arr.get_arrival(store, 1)
        assert (row["state"], row["done_at"]) == ("received", to_iso(clock.now))
        assert app.refreshes == 2

        panel.rollcall_table.focus()
        await pilot.press("r")
        await settle(app, pilot)
        unit = rc.roll_call(store, clock.now, DESK)[0]
        assert (unit.state.value, unit.by_entity) == ("late", "manual")
        assert cells(panel, "rollcall")["State"] == "late"
        await pilot.press("r")  # already settled: refused with a notice, nothing changes
        await settle(app, pilot)
        assert store._one("SELECT count(*) AS n FROM roll_calls") == {"n": 1}


async def test_delay_with_a_new_eta_then_detail_shows_the_old_one(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-eta", Input).value = "2020-02-05 19:30"
        form.query_one("#field-note", Input).value = "permit not granted"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = arr.get_arrival(store, 1)
        assert (row["state"], row["eta"]) == ("delayed", "2020-02-05T11:30:00+00:00")
        panel = app.query_one(ArrivalsPanel)
        assert cells(panel, "arrivals")["ETA"] == "19:30"
        assert cells(panel, "arrivals")["State"] == "delayed"
        await pilot.press("enter")
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, ArrivalDetail)
        text = detail.plain()
        assert "eta: Wed 05 Feb 16:50 (08:50 UTC) → Wed 05 Feb 19:30 (11:30 UTC)" in text
        assert "permit not granted" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ArrivalDetail)


async def test_state_and_holdup_pickers_offer_legal_choices(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = [str(o.id) for o in dialog.query_one(OptionList).options]
        dialog.query_one(OptionList).highlighted = options.index("permit:granted")
        await pilot.press("enter")
        await settle(app, pilot)
        assert arr.get_arrival(store, 1)["permit"] == "granted"
        assert cells(app.query_one(ArrivalsPanel), "arrivals")["Hold-ups"] == "permit ok"
        await pilot.press("s")
        await settle(app, pilot)
        options = [str(o.id) for o in app.screen.query_one(OptionList).options]
        assert options == ["delayed", "landed", "received", "cancelled"]


async def test_enter_on_a_unit_shows_its_history(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    rc.mark_reported(store, "Jilin University", DESK, at=T0 - timedelta(days=1))
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ArrivalsPanel).rollcall_table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, UnitHistoryScreen)
        text = screen.plain()
        assert "Jilin University — daily by 17:00" in text
        assert "2020-02-04  reported" in text and "2020-02-05  due" in text


async def test_a_leader_has_no_write_keys(desk: tuple[Store, FakeClock], db_path: Path) -> None:
    _store, clock = desk
    leader = Store.open(db_path, readonly=True, actor="Leader", clock=clock)
    app = PanelApp(leader, clock, role="leader")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        keys = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
        assert not keys & {"l", "r", "d", "s", "h", "n", "N", "e"}
        assert {"j", "k", "g", "G", "slash"} <= keys  # reading keys stay
        await pilot.press("l", "r", "d", "N", "e")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog | ChoiceDialog | ConfirmDialog)
        assert arr.get_arrival(leader, 1)["state"] == "expected"
        panel.rollcall_table.focus()
        await pilot.press("r")
        await settle(app, pilot)
        assert leader._one("SELECT count(*) AS n FROM roll_calls") == {"n": 0}
    # The officer's own session does have them.
    officer = PanelApp(_store, clock)
    async with officer.run_test(size=(150, 30)) as pilot:
        await settle(officer, pilot)
        keys = {b.binding.key for b in officer.screen.active_bindings.values() if b.enabled}
        assert {"l", "r", "d", "s", "h", "n", "N", "e"} <= keys


def test_reminders_fire_once(desk: tuple[Store, FakeClock]) -> None:
    """What the dashboard's counts worker toasts: each due reminder once (claimed in the
    database by an officer's session), in desk time."""
    store, clock = desk
    config = Config(desk_name="Test desk", timezone=DESK)
    reminders = arr.Reminders(claim=True, before=timedelta(minutes=config.arrivals_remind_minutes))
    now = clock()
    texts = [reminder_text(row, now, ZoneInfo(DESK)) for row in reminders.due(store, now)]
    assert texts == ["CZ8421 · 1,900,000 pcs medical masks lands 16:50 (in 20m)"]
    assert reminders.due(store, now) == []


async def test_hostile_text_is_shown_as_typed(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    arr.add_arrival(
        store,
        {
            "kind": "traveller",
            "traveller": "[bold red]Eve[/] [@click=app.quit]x[/]",
            "origin_country": "GB",
            "eta": to_iso(T0 + timedelta(hours=1)),
            "extra": json.dumps({"note": "[b]"}),
        },
    )
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ArrivalsPanel)
        assert cells(panel, "arrivals", 1)["What"] == "[bold red]Eve[/] [@click=app.quit]x[/]"
        assert cells(panel, "arrivals", 1)["Origin time"] == "Wed 09:30 GMT"
        assert app.is_running


async def test_landing_asks_first_and_no_changes_nothing(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "CZ8421" in dialog.question and "landed" in dialog.question
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert arr.get_arrival(store, 1)["state"] == "expected"  # nothing written
        await pilot.press("l", "escape")
        await settle(app, pilot)
        assert arr.get_arrival(store, 1)["state"] == "expected"
        assert app.refreshes == 0
        await pilot.press("l", "y")
        await settle(app, pilot)
        assert arr.get_arrival(store, 1)["state"] == "landed"
        await pilot.press("l")  # landed already: a notice, no question
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
