"""The arrival form through the Pilot (issue 18 #3): ``N`` enters a shipment or a
traveller, ``e`` edits the selected one; bad input is an error in the form, never a
crash; the lead is found by number or supplier off the event loop; an edit carries the
version it was opened on."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from textual.widgets import Input, OptionList

from dutyboard.domain.clock import to_iso
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from tests.conftest import FakeClock
from tests.widgets.pilot import settle
from tests.widgets.test_arrivals import PanelApp, cells, make_desk
from widgets.arrivals.form import ArrivalForm
from widgets.arrivals.panel import ArrivalsPanel
from widgets.common.dialogs import ChoiceDialog


@pytest.fixture
def desk(db_path: Path) -> tuple[Store, FakeClock]:
    return make_desk(db_path)


def fill(form: ArrivalForm, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value


def arrivals(store: Store) -> list[dict[str, Any]]:
    return store._all("SELECT * FROM arrivals ORDER BY id")


async def test_n_enters_a_shipment_with_its_lead_zone_and_holdups(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    lead = store.add_lead({"supplier": "Sister City Trading Co", "item": "masks"})
    app = PanelApp(store, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ArrivalForm)
        assert form.query_one("#field-kind", Input).value == "goods"
        fill(
            form,
            reference="mu 2046",
            item="KN95 masks",
            quantity="50,000 pcs",
            origin_city="Sendai",
            origin_country="日本",
            eta="2020-02-06 01:00",  # desk time
            lead="sister city",
            customs="待清关",
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ArrivalForm)
        row = arrivals(store)[-1]
        assert row["kind"] == "shipment" and row["reference"] == "MU2046"
        assert (row["item"], row["quantity"], row["unit"]) == ("KN95 masks", 50000, "pcs")
        assert (row["origin_country"], row["origin_tz"]) == ("JP", "Asia/Tokyo")  # guessed
        assert row["eta"] == "2020-02-05T17:00:00+00:00"
        assert (row["lead_id"], row["customs"], row["permit"]) == (lead, "pending", None)
        created = arr.arrival_history(store, int(row["id"]))[-1]
        assert (created["action"], created["actor"]) == ("create", "Zhang Wei")
        assert app.refreshes == 1
        panel = app.query_one(ArrivalsPanel)
        shown = cells(panel, "arrivals", 1)
        assert (shown["Ref"], shown["What"]) == ("MU2046", "50,000 pcs KN95 masks")


async def test_a_person_and_bad_input_are_errors_in_the_form(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    before = arrivals(store)
    app = PanelApp(store, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ArrivalForm)
        fill(form, kind="person", reference="CA934", eta="whenever")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cast(object, app.screen) is form and "ETA" in form.error  # not a crash: an error
        fill(form, eta="+2h")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cast(object, app.screen) is form and "traveller's name" in form.error
        fill(form, traveller="李明", origin_country="Narnia")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cast(object, app.screen) is form and "Origin country" in form.error
        fill(form, origin_country="FR", permit="maybe")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert cast(object, app.screen) is form and "permit state" in form.error
        assert arrivals(store) == before  # nothing saved meanwhile
        fill(form, permit="")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = arrivals(store)[-1]
        assert (row["kind"], row["traveller"], row["reference"]) == ("traveller", "李明", "CA934")
        assert row["eta"] == to_iso(clock.now + timedelta(hours=2))
        assert row["origin_tz"] == "Europe/Paris"


async def test_a_lead_not_found_or_not_one_asks_again(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    first = store.add_lead({"supplier": "Colombo Medical Supplies", "item": "gloves"})
    second = store.add_lead({"supplier": "Colombo Medical Traders", "item": "goggles"})
    app = PanelApp(store, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ArrivalForm)
        fill(form, item="gloves", eta="2020-02-06 08:00", lead="Kandy")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        again = app.screen
        assert isinstance(again, ArrivalForm) and again is not form  # what was typed, kept
        assert again.query_one("#field-item", Input).value == "gloves"
        assert "no lead" in again.error and "Kandy" in again.error
        fill(again, lead="colombo medical")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        choice = app.screen
        assert isinstance(choice, ChoiceDialog)  # two leads: which one?
        options = [str(o.id) for o in choice.query_one(OptionList).options]
        assert options == [str(second), str(first)]
        choice.query_one(OptionList).highlighted = options.index(str(first))
        await pilot.press("enter")
        await settle(app, pilot)
        row = arrivals(store)[-1]
        assert (row["item"], row["lead_id"]) == ("gloves", first)
        await pilot.press("N")
        await settle(app, pilot)
        fill(app.screen, item="goggles", eta="2020-02-06 09:00", lead=f"#{second}")  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert arrivals(store)[-1]["lead_id"] == second


async def test_e_edits_what_changed_and_a_stale_edit_is_refused(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ArrivalForm)
        shown = {f.name: form.query_one(f"#field-{f.name}", Input).value for f in form.fields}
        assert shown["reference"] == "CZ8421" and shown["quantity"] == "1,900,000"
        assert shown["eta"] == "2020-02-05 16:50" and shown["permit"] == "pending"
        assert shown["origin_country"] == "HU" and shown["origin_tz"] == "Europe/Budapest"
        fill(form, eta="2020-02-05 19:30", permit="granted")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = arr.get_arrival(store, 1)
        assert (row["eta"], row["state"], row["permit"]) == (
            "2020-02-05T11:30:00+00:00",
            "delayed",  # a later ETA: delayed, the old one kept in the history
            "granted",
        )
        update = arr.arrival_history(store, 1)[0]
        assert set(json.loads(update["after"])) >= {"eta", "permit"}
        assert "item" not in json.loads(update["after"])  # only what changed
        assert json.loads(update["before"])["eta"] == "2020-02-05T08:50:00+00:00"

        # Someone else changes it while the form is open: the save is refused.
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ArrivalForm)
        arr.add_arrival_note(store, 1, "customs called")
        fill(form, item="surgical masks")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert arr.get_arrival(store, 1)["item"] == "medical masks"
        said = [n.message for n in app._notifications]
        assert any("changed by someone else" in m for m in said), said


async def test_moving_the_origin_guesses_its_zone_again(desk: tuple[Store, FakeClock]) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        fill(app.screen, origin_country="Sri Lanka", origin_city="Colombo")  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = arr.get_arrival(store, 1)
        assert (row["origin_country"], row["origin_tz"]) == ("LK", "Asia/Colombo")
        assert (
            cells(app.query_one(ArrivalsPanel), "arrivals")["Origin time"] == "Wed 14:20 UTC+5:30"
        )


async def test_a_leader_has_no_form(desk: tuple[Store, FakeClock], db_path: Path) -> None:
    _store, clock = desk
    leader = Store.open(db_path, readonly=True, actor="Leader", clock=clock)
    app = PanelApp(leader, clock, role="leader")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(ArrivalsPanel).ask_new()  # the palette's entry, called anyway
        await settle(app, pilot)
        assert not isinstance(app.screen, ArrivalForm)


async def test_hostile_text_typed_in_the_form_is_stored_and_shown_inert(
    desk: tuple[Store, FakeClock],
) -> None:
    store, clock = desk
    app = PanelApp(store, clock)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        fill(app.screen, item="[bold red]masks[/] \x1b[2J[@click=app.quit]x[/]", eta="+1h")  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = arrivals(store)[-1]
        assert row["item"] == "[bold red]masks[/] [@click=app.quit]x[/]"  # escape gone
        shown = cells(app.query_one(ArrivalsPanel), "arrivals", 1)
        assert shown["What"] == "[bold red]masks[/] [@click=app.quit]x[/]"
        assert app.is_running
