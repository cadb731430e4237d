"""Contacts by reachability, and the header's attention line with its notifications."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dutyboard.domain.clock import to_iso
from dutyboard.store import Store
from dutyboard.store.attention import attention
from tests.conftest import FIXED_NOW
from tests.widgets.pilot import cell_text, loaded, make_app, panel, settle
from widgets.common.header import DeskHeader


async def test_reachable_contacts_come_first_with_their_next_window(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        contacts = panel(app, "contacts")
        assert contacts.table.spec.sort == "reach"
        states = [cell_text(contacts, i, "Now") for i in loaded(contacts)]
        # 19:00 UTC on a Tuesday: the Americas are at work, Asia is asleep.
        callable_now = states.count("CALL")
        assert callable_now > 0
        assert states[:callable_now] == ["CALL"] * callable_now
        names = [cell_text(contacts, i, "Name") for i in loaded(contacts)]
        assert "Emily Chen" in names[:callable_now]  # New York, 14:00
        assert "Nimal Perera" not in names[:callable_now]  # Colombo, 00:30
        emily = names.index("Emily Chen")
        # Her day ends at 18:00 New York = 07:00 in Changchun, where it is Wed 03:00.
        assert cell_text(contacts, emily, "Next window") == "until 07:00"

        contacts.table.set_spec(contacts.table.spec.with_(text="Nimal"))
        await settle(app, pilot)
        assert cell_text(contacts, 0, "Now") == "zzz"
        # His own hours (08:00-16:00, set in the demo) open at 08:00 Colombo = 10:30 here.
        assert cell_text(contacts, 0, "Next window") == "10:30 in 7h 30m"


async def test_header_counts_match_the_database(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        header = app.query_one(DeskHeader)
        expected = attention(app.store, to_iso(FIXED_NOW))
        assert header.attention == expected
        line = header.attention_line().plain
        assert f"NEW {expected.new}" in line and f"LATE {expected.overdue}" in line
        assert "feeds failing 0" in line  # a count is a count, never "all clear"


async def test_a_new_urgent_request_elsewhere_raises_a_notification(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        other = Store.open(demo_db, actor="collector")
        other.add_request(
            {
                "org": "Erdao [red]District[/]",
                "item": "N95 masks",
                "priority": "urgent",
                "due_by": to_iso(FIXED_NOW + timedelta(hours=2)),
            }
        )
        other.close()
        for _ in range(30):
            await pilot.pause(0.1)
            messages = [str(n.message) for n in app._notifications]
            if any("URGENT" in m for m in messages):
                break
        alert = next(m for m in messages if "URGENT" in m)
        assert "Erdao [red]District[/] — N95 masks" in alert
