"""Snapshot tests of every panel at 80×24 (one panel at a time) and 160×48.

The demo database and the clock are fixed, so the screens are the same on every run.
Regenerate after an intended change with ``pytest tests/widgets/test_snapshots.py
--snapshot-update`` and look at the SVGs in ``tests/widgets/__snapshots__`` before
committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dutyboard.app import DutyboardApp
from tests.widgets.pilot import make_app, settle
from widgets.common.header import DeskHeader
from widgets.common.table_panel import TablePanel


def ready(app: DutyboardApp) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait until every panel has loaded, the contacts are ranked, the header has its
    counts, and no worker has run for a while: a loaded machine must not change the
    picture, only the wait."""

    async def run_before(pilot: Pilot[None]) -> None:
        quiet = 0
        for _ in range(300):
            await settle(app, pilot)
            await pilot.pause(0.05)
            done = (
                all(p.table.loaded for p in app.query(TablePanel))
                and app.query_one("#contacts", TablePanel).table.spec.ranking
                and app.query_one(DeskHeader).desk_counts is not None
                and not any(w.is_running for w in app.workers)
            )
            quiet = quiet + 1 if done else 0
            if quiet >= 6:
                return

    return run_before


def test_dashboard_wide(demo_db: Path, snap_compare: Callable[..., bool]) -> None:
    app = make_app(demo_db)
    assert snap_compare(app, terminal_size=(160, 48), run_before=ready(app))


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
def test_each_panel_at_80x24(demo_db: Path, snap_compare: Callable[..., bool], key: str) -> None:
    app = make_app(demo_db)

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(app)(pilot)
        await pilot.press(key)
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_leader_at_80x24(demo_db: Path, snap_compare: Callable[..., bool]) -> None:
    app = make_app(demo_db, role="leader")
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready(app))
