"""The dashboard driven through Textual's Pilot on a real demo database."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from tests.widgets.pilot import cell_text, loaded, make_app, panel, settle
from widgets.common.header import DeskHeader
from widgets.handover.panel import HandoverPanel


async def test_four_panels_show_the_database(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        open_count = app.store.count_requests()
        assert requests.table.total == open_count > 0
        assert cell_text(requests, 0, "Pri") == "URG"  # most pressing first
        first = app.store.open_requests(limit=1)[0]
        assert cell_text(requests, 0, "Unit") == first["org"]
        assert requests.border_subtitle == f"{open_count:,} · by most pressing"
        # Only the rows near the viewport are in memory, never the whole table.
        assert len(loaded(requests)) < open_count

        leads = panel(app, "leads")
        stages = {cell_text(leads, i, "Stage") for i in loaded(leads)}
        assert stages and "received" not in stages and "dropped" not in stages

        contacts = panel(app, "contacts")
        contacts.table.set_spec(contacts.table.spec.with_(text="Nimal"))
        await settle(app, pilot)
        assert contacts.table.total == 1
        assert cell_text(contacts, 0, "Name") == "Nimal Perera"
        # 19:00 UTC is 00:30 next day in Colombo (UTC+05:30).
        assert cell_text(contacts, 0, "Local") == "Wed 00:30 ☾"
        assert cell_text(contacts, 0, "UTC±") == "+05:30"
        contacts.table.set_spec(contacts.table.spec.with_(text="Kathmandu"))
        await settle(app, pilot)
        assert cell_text(contacts, 0, "UTC±") == "+05:45"

        handover = app.query_one(HandoverPanel)
        text = "\n".join(line.plain for line in handover.lines)
        assert "On duty: Zhang Wei" in text
        assert "Li Na → Zhang Wei" in text and "acknowledged" in text
        assert app.query_one(DeskHeader).on_duty == "Zhang Wei"


async def test_acknowledge_key_writes_through_the_store(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        new_rows = [i for i in loaded(requests) if cell_text(requests, i, "Status") == "new"]
        requests.table.move_cursor(new_rows[0])
        request_id = requests.selected_id()
        assert request_id is not None
        await pilot.press("a")
        await settle(app, pilot)
        await settle(app, pilot)
        row = app.store.get("requests", request_id)
        assert (row["status"], row["assignee"]) == ("acknowledged", "Zhang Wei")
        # The cursor stays on the same record after the refresh.
        assert requests.selected_id() == request_id
        assert cell_text(requests, requests.table.cursor, "Status") == "acknowledged"


async def test_leader_has_no_write_keys_and_changes_nothing(demo_db: Path) -> None:
    app = make_app(demo_db, role="leader")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = app.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        shown = {b.binding.key for b in app.active_bindings.values() if b.enabled}
        assert "a" not in shown and "m" not in shown
        await pilot.press("a", "m")
        await settle(app, pilot)
        after = app.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert after == before
        assert "READ-ONLY" in app.query_one(DeskHeader).render().plain
        assert app.animation_level == "none"  # nothing to redraw over a thin link


async def test_other_process_writes_appear_without_a_keypress(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        requests.table.move_cursor(5)
        selected = requests.selected_id()
        before = requests.table.total
        # A real second process writes, as the collector or another officer would.
        script = (
            "import sys; from dutyboard.store import Store; "
            "s = Store.open(sys.argv[1], actor='collector'); "
            "s.add_request({'org': '[bold]Erdao[/] District', 'item': 'goggles', "
            "'priority': 'urgent'}); s.close()"
        )
        subprocess.run([sys.executable, "-c", script, str(demo_db)], check=True, timeout=30)
        for _ in range(30):
            await pilot.pause(0.1)
            await settle(app, pilot)
            if requests.table.total == before + 1:
                break
        assert requests.table.total == before + 1
        # Wherever the new urgent row sorts, the cursor stays on its record.
        assert requests.selected_id() == selected
        requests.table.move_cursor(0)
        await settle(app, pilot)
        orgs = [cell_text(requests, i, "Unit") for i in loaded(requests)]
        assert "[bold]Erdao[/] District" in orgs  # shown literally, never as markup


async def test_start_up_objects_stay_out_of_full_collections_while_the_app_runs(
    demo_db: Path,
) -> None:
    # A full collection walked ~100,000 start-up objects (~40 ms on the UI thread at 1M
    # requests, about once a dozen filters); frozen, it walks only what came since.
    gc.unfreeze()
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
        assert gc.get_freeze_count() > 10_000
        assert len(gc.get_objects()) < gc.get_freeze_count()
    assert gc.get_freeze_count() == 0  # handed back when the app ends
