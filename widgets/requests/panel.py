"""The incoming request queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from dutyboard.domain.clock import from_iso
from dutyboard.store import Row
from widgets.common.fmt import PRIORITY_LABEL, PRIORITY_STYLE, ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


class RequestsPanel(TablePanel):
    title = "1 Requests"
    table_name = "requests"
    columns = (
        ColumnSpec("Pri", 4, sort="pressing"),
        ColumnSpec("Due", 8, sort="due"),
        ColumnSpec("Unit", 14, flex=True, sort="org"),
        ColumnSpec("Item", 12, flex=True, sort="item"),
        ColumnSpec("Qty", 8, justify="right", sort="quantity"),
        ColumnSpec("Status", 12, sort="status"),
        ColumnSpec("Owner", 8, sort="assignee"),
        ColumnSpec("Age", 4, sort="received"),
    )

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.dutyboard.clock()
        priority = str(row["priority"])
        return (
            Text(PRIORITY_LABEL.get(priority, priority), style=PRIORITY_STYLE.get(priority, "")),
            due_text(row["due_by"], now),
            plain(row["org"]),
            plain(row["item"]),
            quantity(row["quantity"]),
            status_text(row["status"]),
            plain(row["assignee"] or "—", "" if row["assignee"] else "dim"),
            Text(ago(row["received_at"], now), style="dim"),
        )


def due_text(due_by: str | None, now: datetime) -> Text:
    """'in 5h', or a loud 'LATE 2h' once past due."""
    if not due_by:
        return Text("")
    if from_iso(due_by) < now:
        return Text(f"LATE {ago(due_by, now)}", style="bold red")
    return Text(ago(due_by, now))
