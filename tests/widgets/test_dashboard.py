"""The dashboard driven through Textual's Pilot on a real demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.demo import build_demo
from dutyboard.store import Store
from tests.conftest import FIXED_NOW, FakeClock
from widgets.common.header import DeskHeader
from widgets.handover.panel import HandoverPanel


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path


def make_app(path: Path, role: str = "officer") -> DutyboardApp:
    store = Store.open(path, readonly=role == "leader", actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
    return DutyboardApp(store, config, role=role, clock=FakeClock())


def cell_text(table: DataTable[object], row: int, column: str) -> str:
    index = [c.value for c in table.columns].index(column)
    value = table.get_row_at(row)[index]
    return value.plain if isinstance(value, Text) else str(value)


async def settle(app: DutyboardApp, pilot: Pilot[None]) -> None:
    """Wait until no worker runs (a superseded exclusive worker is cancelled: fine)."""
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def test_four_panels_show_the_database(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = app.query_one("#requests DataTable", DataTable)
        open_count = app.store.count_requests()
        assert requests.row_count == open_count > 0
        assert cell_text(requests, 0, "Pri") == "URG"  # most pressing first
        first = app.store.open_requests(limit=1)[0]
        assert cell_text(requests, 0, "Unit") == first["org"]
        assert app.query_one("#requests").border_subtitle == f"{open_count:,}"

        leads = app.query_one("#leads DataTable", DataTable)
        stages = {cell_text(leads, i, "Stage") for i in range(leads.row_count)}
        assert "negotiating" in stages and "received" not in stages

        contacts = app.query_one("#contacts DataTable", DataTable)
        names = [cell_text(contacts, i, "Name") for i in range(contacts.row_count)]
        row = names.index("Nimal Perera")
        # 19:00 UTC is 00:30 next day in Colombo (UTC+05:30).
        assert cell_text(contacts, row, "Local") == "Wed 00:30"
        assert cell_text(contacts, row, "UTC±") == "+05:30"
        kathmandu = names.index("Sita Shrestha")
        assert cell_text(contacts, kathmandu, "UTC±") == "+05:45"

        handover = app.query_one(HandoverPanel)
        text = "\n".join(line.plain for line in handover.lines)
        assert "On duty: Zhang Wei" in text
        assert "Li Na → Zhang Wei" in text and "acknowledged" in text
        assert app.query_one(DeskHeader).on_duty == "Zhang Wei"


async def test_acknowledge_key_writes_through_the_store(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        panel = app.query_one("#requests")
        table = app.query_one("#requests DataTable", DataTable)
        new_rows = [i for i in range(table.row_count) if cell_text(table, i, "Status") == "new"]
        table.move_cursor(row=new_rows[0])
        request_id = panel.selected_id()  # type: ignore[attr-defined]
        await pilot.press("a")
        await settle(app, pilot)
        await settle(app, pilot)
        row = app.store.get("requests", request_id)
        assert (row["status"], row["assignee"]) == ("acknowledged", "Zhang Wei")
        # The cursor stays on the same record after the refresh.
        assert panel.selected_id() == request_id  # type: ignore[attr-defined]
        assert cell_text(table, table.cursor_row, "Status") == "acknowledged"


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


async def test_other_process_writes_appear_without_a_keypress(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#requests DataTable", DataTable)
        before = table.row_count
        other = Store.open(demo_db, actor="collector")
        other.add_request({"org": "[bold]Erdao[/] District", "item": "goggles",
                           "priority": "urgent"})  # fmt: skip
        other.close()
        for _ in range(30):
            await pilot.pause(0.1)
            await settle(app, pilot)
            if table.row_count == before + 1:
                break
        assert table.row_count == before + 1
        orgs = [cell_text(table, i, "Unit") for i in range(table.row_count)]
        assert "[bold]Erdao[/] District" in orgs  # shown literally, never as markup
