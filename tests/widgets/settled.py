"""Wait until the demo dashboard has settled, for the apps run in a subprocess.

Import it after ``set_language``: it imports the widgets, whose labels translate at import.
"""

from __future__ import annotations

from typing import Any

from dutyboard.app import DutyboardApp
from widgets.common.header import DeskHeader
from widgets.common.table_panel import TablePanel


async def settled(app: DutyboardApp, pilot: Any) -> None:
    """Every panel loaded, the contacts ranked, the header counted, and no worker running
    for ten checks in a row (a loaded CI machine can take seconds for the first queries)."""
    quiet = 0
    for _ in range(300):
        await pilot.pause(0.05)
        ready = (
            all(p.table.loaded for p in app.query(TablePanel))
            and app.query_one("#contacts", TablePanel).table.spec.ranking
            and app.query_one(DeskHeader).desk_counts is not None
        )
        busy = any(w.is_running for w in app.workers)
        quiet = quiet + 1 if ready and not busy else 0
        if quiet >= 10:
            return
