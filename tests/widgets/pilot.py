"""Helpers for driving the dashboard through Textual's Pilot on a real database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.store import Store
from tests.conftest import FakeClock
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import VirtualTable


def make_app(path: Path, role: str = "officer") -> DutyboardApp:
    store = Store.open(path, readonly=role == "leader", actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
    return DutyboardApp(store, config, role=role, clock=FakeClock())


def cell_text(panel: TablePanel, index: int, column: str) -> str:
    """What the panel shows for the loaded row at ``index`` in ``column``."""
    row = panel.table.row_at(index)
    assert row is not None, f"row {index} is not loaded"
    labels = [c.label for c in panel.columns]
    return panel.cells(row)[labels.index(column)].plain


def loaded(panel: TablePanel) -> range:
    """Indexes of the rows on screen (all loaded after settle())."""
    table = panel.table
    return range(table.first_visible, min(table.total, table.first_visible + table.body_height))


async def settle(app: App[Any], pilot: Pilot[None]) -> None:
    """Wait until no worker runs (a superseded exclusive worker is cancelled: fine) and
    none is about to: the panels that follow the one in use after a change, a filter's
    count waiting for the letters to stop."""
    for _ in range(500):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        if any(w.is_running for w in app.workers):
            continue
        if getattr(app, "_follow_timer", None) is not None or any(
            table.count_pending
            for screen in app.screen_stack
            for table in screen.query(VirtualTable)
        ):
            await pilot.pause(0.02)
            continue
        return


def panel(app: DutyboardApp, name: str) -> TablePanel:
    return app.query_one(f"#{name}", TablePanel)
