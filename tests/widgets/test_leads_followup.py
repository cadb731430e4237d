"""Following up leads (issue 18 #5): next action (t), status changes that clear "LATE",
goods received booked into the ledger, and several picked leads moved at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from dutyboard.app import DutyboardApp
from dutyboard.store import Store
from tests.widgets.pilot import cell_text, loaded, make_app, panel, settle
from widgets.common.detail import DetailScreen
from widgets.common.dialogs import ChoiceDialog, FormDialog
from widgets.leads.panel import LeadsPanel

PAST = "2020-02-04T15:00:00+00:00"  # four hours before the desk's clock: LATE


def make_late(path: Path, status: str) -> int:
    """A lead of ``status`` chased four hours ago, set up in the desk before the app runs
    (whatever the demo's own leads say)."""
    store = Store.open(path, actor="Li Na")
    try:
        lead_id = store.add_lead({"supplier": "Hayleys", "item": "nitrile gloves"})
        for stage in ("verifying", "negotiating")[
            : ("new", "verifying", "negotiating").index(status)
        ]:
            store.set_lead_status(lead_id, stage)
        store.set_next_action(lead_id, PAST, "call Nimal about the EN 455 report")
        return lead_id
    finally:
        store.close()


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


async def test_t_sets_when_and_what_and_late_goes_away(demo_db: Path) -> None:
    lead_id = make_late(demo_db, "verifying")
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        index = first_index(app, lambda r: r["id"] == lead_id)
        leads.table.move_cursor(index)
        assert late(app, index)
        assert cell_text(leads, index, "To do") == "call Nimal about the EN 455 report"
        await pilot.press("t")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        when = form.query_one("#field-when", Input)
        what = form.query_one("#field-what", Input)
        assert what.value == "call Nimal about the EN 455 report"  # the current what
        when.value = ""
        what.value = ""
        await pilot.press(*"tomorrow 09:00", "tab", *"call back about [b]price[/b]", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog), getattr(app.screen, "error", "")
        row = app.store.get("leads", lead_id)
        # 2020-02-04 19:00 UTC is 03:00 on the 5th in Shanghai: tomorrow is the 6th.
        assert row["next_action_at"] == "2020-02-06T01:00:00+00:00"
        assert row["next_action"] == "call back about [b]price[/b]"
        assert not row["notes"]  # the what is the lead's next action, not a note line
        assert app.store.history("lead", row["id"])[0]["action"] == "next_action"
        index = first_index(app, lambda r: r["id"] == lead_id)
        assert not late(app, index)
        # Shown as typed: brackets are text, never markup.
        assert cell_text(leads, index, "To do") == "call back about [b]price[/b]"

        # The detail shows it too.
        await pilot.press("enter")
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert "call back about [b]price[/b]" in detail.plain()
        await pilot.press("escape")
        await settle(app, pilot)

        # "+2h" is relative to the desk's clock; the what stays unless it is emptied.
        await pilot.press("t")
        await settle(app, pilot)
        app.screen.query_one("#field-when", Input).value = "+2h"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = app.store.get("leads", lead_id)
        assert row["next_action_at"] == "2020-02-04T21:00:00+00:00"
        assert row["next_action"] == "call back about [b]price[/b]"
        await pilot.press("t")
        await settle(app, pilot)
        app.screen.query_one("#field-when", Input).value = ""
        app.screen.query_one("#field-what", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = app.store.get("leads", lead_id)
        assert (row["next_action_at"], row["next_action"]) == (None, None)


async def test_a_status_change_clears_late(demo_db: Path) -> None:
    lead_id = make_late(demo_db, "verifying")
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        index = first_index(app, lambda r: r["id"] == lead_id)
        assert late(app, index)
        leads.table.move_cursor(index)
        await pilot.press("s")
        await settle(app, pilot)
        await choose(app, pilot, "negotiating")
        row = app.store.get("leads", lead_id)
        assert (row["status"], row["next_action_at"], row["next_action"]) == (
            "negotiating",
            None,
            None,
        )
        for i in loaded(leads):
            shown = leads.table.row_at(i)
            if shown is not None and shown["id"] == lead_id:
                assert not late(app, i)
                assert cell_text(leads, i, "To do") == ""


async def test_the_stage_sort_is_the_pipeline(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        leads.sort_by("status")
        leads.sort_by("status")  # again: last stage first, where the goods are nearest
        await settle(app, pilot)
        shown = [cell_text(leads, i, "Stage") for i in loaded(leads)]
        pipeline = ["new", "verifying", "negotiating", "ordered", "in transit", "customs"]
        ranks = [pipeline.index(stage) for stage in shown]
        assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) > 2, shown
        assert shown[0] == "customs"  # alphabetically it would be "verifying"


async def test_received_asks_the_quantity_and_books_the_ledger(app: DutyboardApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        leads = panel(app, "leads")
        leads.sort_by("status")
        leads.sort_by("status")  # the last stages first: goods in customs and in transit
        await settle(app, pilot)
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
