"""Following up leads (issue 18 #5): next action (t), status changes that clear "LATE",
goods received booked into the ledger, and several picked leads moved at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from dutyboard.app import DutyboardApp
from tests.widgets.test_dashboard import cell_text, loaded, make_app, panel, settle
from widgets.common.dialogs import ChoiceDialog, FormDialog
from widgets.leads.panel import LeadsPanel


@pytest.fixture
def app(demo_db: Path) -> DutyboardApp:
    return make_app(demo_db)


def first_index(app: DutyboardApp, test: object) -> int:
    leads = panel(app, "leads")
    for index in loaded(leads):
        row = leads.table.row_at(index)
        if row is not None and test(row):  # type: ignore[operator]
            return index
    raise AssertionError("no such lead on screen")


def late(app: DutyboardApp, index: int) -> bool:
    return cell_text(panel(app, "leads"), index, "Next").startswith("LATE")


async def choose(app: DutyboardApp, pilot: object, value: str) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    options = [str(o.id) for o in dialog.query_one(OptionList).options]
    dialog.query_one(OptionList).highlighted = options.index(value)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]
    return options


async def test_t_sets_when_and_what_and_late_goes_away(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        index = first_index(app, lambda r: r["next_action_at"] < "2020-02-04T19:00")
        leads.table.move_cursor(index)
        lead_id = leads.selected_id()
        assert late(app, index)
        await pilot.press("t")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        when = form.query_one("#field-when", Input)
        when.value = ""
        await pilot.press(*"tomorrow 09:00", "tab", *"call back about price", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog), getattr(app.screen, "error", "")
        row = app.store.get("leads", lead_id)  # type: ignore[arg-type]
        # 2020-02-04 19:00 UTC is 03:00 on the 5th in Shanghai: tomorrow is the 6th.
        assert row["next_action_at"] == "2020-02-06T01:00:00+00:00"
        assert row["notes"].splitlines()[-1].endswith("next action: call back about price")
        assert app.store.history("lead", row["id"])[0]["action"] == "next_action"

        # "+2h" is relative to the desk's clock.
        await pilot.press("t")
        await settle(app, pilot)
        app.screen.query_one("#field-when", Input).value = "+2h"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = app.store.get("leads", lead_id)  # type: ignore[arg-type]
        assert row["next_action_at"] == "2020-02-04T21:00:00+00:00"


async def test_a_status_change_clears_late(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        index = first_index(
            app,
            lambda r: r["next_action_at"] < "2020-02-04T19:00" and r["status"] == "verifying",
        )
        leads.table.move_cursor(index)
        lead_id = leads.selected_id()
        await pilot.press("s")
        await settle(app, pilot)
        await choose(app, pilot, "negotiating")
        row = app.store.get("leads", lead_id)  # type: ignore[arg-type]
        assert (row["status"], row["next_action_at"]) == ("negotiating", None)
        for i in loaded(leads):
            shown = leads.table.row_at(i)
            if shown is not None and shown["id"] == lead_id:
                assert not late(app, i)


async def test_received_asks_the_quantity_and_books_the_ledger(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        index = first_index(app, lambda r: r["status"] in ("customs", "in_transit"))
        leads.table.move_cursor(index)
        lead = leads.table.cursor_row
        assert lead is not None
        await pilot.press("s")
        await settle(app, pilot)
        await choose(app, pilot, "received")
        form = app.screen
        assert isinstance(form, FormDialog)
        field = form.query_one("#field-quantity", Input)
        assert float(field.value) == float(lead["quantity"])  # the lead's quantity by default
        field.value = "1200"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = app.store.get("leads", lead["id"])
        assert row["status"] == "received"
        entries = app.store.conn.execute(
            "SELECT quantity, direction, counterparty FROM supplies WHERE lead_id = ?",
            (lead["id"],),
        ).fetchall()
        assert [tuple(e) for e in entries] == [(1200, "received", lead["supplier"])]


async def test_picked_leads_move_together_and_stale_ones_are_refused(
    app: DutyboardApp,
) -> None:
    async with app.run_test(size=(160, 100)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        a = first_index(app, lambda r: r["status"] == "new")
        b = first_index(app, lambda r: r["status"] == "verifying")
        first = leads.table.row_at(a)
        assert first is not None
        c = first_index(app, lambda r: r["status"] == "new" and r["id"] != first["id"])
        ids = []
        for index in (a, b, c):
            leads.table.move_cursor(index)
            ids.append(leads.selected_id())
            await pilot.press("space")
            await settle(app, pilot)
        assert cell_text(leads, a, "Next").startswith("+")  # a visible mark
        assert "3 picked" in str(leads.border_subtitle)
        # Someone else changes the third lead after it was picked.
        app.store.add_note("leads", ids[2], "supplier called")  # type: ignore[arg-type]
        await pilot.press("s")
        await settle(app, pilot)
        options = await choose(app, pilot, "negotiating")
        assert options == ["negotiating", "dropped"]  # legal for new and verifying alike
        statuses = [app.store.get("leads", i)["status"] for i in ids]  # type: ignore[arg-type]
        assert statuses[:2] == ["negotiating", "negotiating"]
        assert statuses[2] == "new"
        messages = [str(n.message) for n in app._notifications]
        assert any("2 of 3 leads" in m and f"#{ids[2]}" in m and "stale" in m for m in messages)
        assert isinstance(leads, LeadsPanel) and not leads.picked
