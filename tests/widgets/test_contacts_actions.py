"""Contacts panel: a contact attempt in one key, the planner, ordering over time."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from dutyboard.domain.reachability import common_windows
from dutyboard.store import Store
from tests.widgets.pilot import cell_text, loaded, make_app, panel, settle
from widgets.common.dialogs import FormDialog
from widgets.contacts.panel import ContactsPanel
from widgets.contacts.planner import PlannerScreen, parties


async def test_contact_attempt_in_one_key(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        contacts = panel(app, "contacts")
        contact_id = contacts.selected_id()
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-outcome").value = "no"  # type: ignore[attr-defined]
        app.screen.query_one("#field-note").value = "try WeChat"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        history = app.store.history("contact", contact_id)  # type: ignore[arg-type]
        assert history[0]["action"] == "contact_attempt"
        assert json.loads(str(history[0]["after"]))["outcome"] == "no answer"
        assert app.store.get("contacts", contact_id)["last_contacted"]  # type: ignore[arg-type]


async def test_planner_lists_the_common_windows(demo_db: Path) -> None:
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
        expected = common_windows(parties(planner.rows), app.clock(), days=7)
        assert planner.windows == expected and expected
        # Paris and New York overlap 09:00-12:00 New York time on weekdays.
        assert all((end - start) <= timedelta(hours=3) for start, end in expected)


async def test_reachable_ordering_changes_as_the_clock_moves(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        contacts = panel(app, "contacts")
        first = [cell_text(contacts, i, "Name") for i in loaded(contacts)][:3]
        assert "Emily Chen" in [cell_text(contacts, i, "Name") for i in loaded(contacts)][:10]
        app.clock.now += timedelta(hours=12)  # type: ignore[attr-defined]  # 07:00 UTC Wed
        assert isinstance(contacts, ContactsPanel)
        contacts.refresh_ranking()
        await settle(app, pilot)
        later = [cell_text(contacts, i, "Name") for i in loaded(contacts)]
        assert later[:3] != first
        calls = [cell_text(contacts, i, "Now") for i in loaded(contacts)]
        names_calling = [n for n, c in zip(later, calls, strict=True) if c == "CALL"]
        # 15:00 in Beijing/Singapore, 12:30 in Colombo: Asia is at work, New York asleep.
        assert "Nimal Perera" in names_calling and "Emily Chen" not in names_calling


async def test_the_filter_finds_a_contact_by_role_note_or_chat_id(demo_db: Path) -> None:
    store = Store.open(demo_db, actor="Li Na")
    try:
        store.add_contact(
            {
                "name": "Ravi Kumar",
                "tz": "Asia/Kolkata",
                "role": "Honorary consul",
                "notes": "knows the Chennai glove exporters",
                "wechat": "ravi_k88",
                "extra": {"Telegram": "@ravi_relief"},
            }
        )
    finally:
        store.close()
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        contacts = panel(app, "contacts")
        for text in ("Honorary", "Chennai", "ravi_k88", "@ravi_relief"):
            await pilot.press("slash", *text, "enter")
            await settle(app, pilot)
            names = [cell_text(contacts, i, "Name") for i in loaded(contacts)]
            assert names == ["Ravi Kumar"], (text, names)
            await pilot.press("slash")
            await pilot.press("escape")
            await settle(app, pilot)
            assert contacts.table.spec.text == ""
