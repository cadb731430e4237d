"""Actions on the panels, driven by keys through the Pilot, checked in the database."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from textual.widgets import Input, OptionList

from dutyboard.app import DutyboardApp
from tests.widgets.pilot import cell_text, loaded, make_app, panel, settle
from widgets.common.detail import DetailScreen
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, FormDialog


@pytest.fixture
def app(demo_db: Path) -> DutyboardApp:
    return make_app(demo_db)


def first_with(app: DutyboardApp, name: str, column: str, value: str) -> int:
    p = panel(app, name)
    for index in loaded(p):
        if cell_text(p, index, column) == value:
            return index
    raise AssertionError(f"no {value!r} in {name}.{column}")


async def test_status_offers_only_legal_moves_and_asks_a_reason(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        requests.table.move_cursor(first_with(app, "requests", "Status", "new"))
        request_id = requests.selected_id()
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = [str(o.id) for o in dialog.query_one(OptionList).options]
        assert options == ["acknowledged", "closed", "rejected"]
        dialog.query_one(OptionList).highlighted = options.index("rejected")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # empty reason: refused in the form
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.error == "Reason is required"
        await pilot.press(*"duplicate", "enter")
        await settle(app, pilot)
        row = app.store.get("requests", request_id)  # type: ignore[arg-type]
        assert row["status"] == "rejected"
        assert "rejected: duplicate" in row["notes"]


async def test_drop_a_lead_with_a_closure_reason(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        lead_id = leads.selected_id()
        await pilot.press("s")
        await settle(app, pilot)
        options = [str(o.id) for o in app.screen.query_one(OptionList).options]
        assert options[-1] == "dropped"
        app.screen.query_one(OptionList).highlighted = len(options) - 1
        await pilot.press("enter")
        await settle(app, pilot)
        reasons = [str(o.id) for o in app.screen.query_one(OptionList).options]
        app.screen.query_one(OptionList).highlighted = reasons.index("certification")
        await pilot.press("enter")
        await settle(app, pilot)
        row = app.store.get("leads", lead_id)  # type: ignore[arg-type]
        assert (row["status"], row["closure_reason"]) == ("dropped", "certification")


async def test_new_request_form_validates_then_saves(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        before = app.store.count_requests()
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-org", Input).value = "吉林大学 [@click=app.quit]"
        form.query_one("#field-item", Input).value = "N95 口罩"
        form.query_one("#field-quantity", Input).value = "12x"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert form.error == "Quantity: is not a number"
        form.query_one("#field-quantity", Input).value = "1.5万"
        form.query_one("#field-priority", Input).value = "特急"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.store.count_requests() == before + 1
        row = app.store.open_requests(limit=1)[0]  # urgent + newest sorts among the first
        rows = [r for r in app.store.open_requests(limit=500) if r["item"] == "N95 口罩"]
        assert len(rows) == 1 and row
        assert rows[0]["quantity"] == 15000 and rows[0]["priority"] == "urgent"
        assert rows[0]["org"] == "吉林大学 [@click=app.quit]"  # stored literally
        assert app.is_running  # the markup in the name did not run an action


async def test_esc_on_a_form_with_typed_text_asks_before_dropping_it(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await pilot.press(*"Jilin 12")  # digits typed into a field stay text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)  # before: the form closed, text gone
        await pilot.press("n")
        await settle(app, pilot)
        assert cast(object, app.screen) is form
        assert form.query_one("#field-org", Input).value == "Jilin 12"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog | ConfirmDialog)
        await pilot.press("N")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog | ConfirmDialog)


async def test_filter_in_chinese_and_quick_filters(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        await pilot.press("slash", *"防护服")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert requests.table.total > 0
        assert {cell_text(requests, i, "Item") for i in loaded(requests)} == {"防护服"}
        assert "“防护服”" in str(requests.border_subtitle)
        await pilot.press("escape")
        await settle(app, pilot)
        assert requests.table.spec.text == ""
        total = requests.table.total
        await pilot.press("f")  # open → mine
        await settle(app, pilot)
        mine = {cell_text(requests, i, "Owner") for i in loaded(requests)}
        assert mine <= {"Zhang Wei"}
        await pilot.press("f")  # mine → urgent
        await settle(app, pilot)
        assert {cell_text(requests, i, "Pri") for i in loaded(requests)} == {"URG"}
        assert requests.table.total < total


async def test_detail_shows_fields_history_and_links(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        index = first_with(app, "requests", "Status", "in progress")
        requests.table.move_cursor(index)
        request_id = requests.selected_id()
        assert request_id is not None
        app.store.link_lead_request(1, request_id, 300)
        await pilot.press("enter")
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        text = detail.plain()
        assert "acknowledge" in text and "in_progress" in text
        assert "#1 " in text and "× 300" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)


async def test_a_stale_edit_is_refused(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        requests.table.move_cursor(first_with(app, "requests", "Status", "new"))
        request_id = requests.selected_id()
        assert request_id is not None
        # Someone else assigns it while the officer looks at the old row.
        other = type(app.store).open(app.store.location, actor="Li Na")
        other.assign("requests", request_id, "Li Na")
        other.close()
        await pilot.press("a")
        await settle(app, pilot)
        row = app.store.get("requests", request_id)
        assert (row["status"], row["assignee"]) == ("new", "Li Na")


async def test_every_footer_action_is_in_the_palette(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for action in ("Ack", "Status", "Note", "New", "Filter", "Detail", "Mine", "Assign"):
            assert action in titles
