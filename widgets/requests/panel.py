"""The incoming request queue."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from dutyboard.domain.clock import from_iso
from dutyboard.store import Row, Store
from widgets.common.fmt import PRIORITY_LABEL, PRIORITY_STYLE, ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel


class RequestsPanel(TablePanel):
    title = "1 Requests"
    columns = (
        ("Pri", 4, False),
        ("Due", 8, False),
        ("Unit", 14, True),
        ("Item", 12, True),
        ("Qty", 7, False),
        ("Status", 12, False),
        ("Owner", 8, False),
        ("Age", 4, False),
    )

    def fetch(self, store: Store) -> tuple[list[Row], int]:
        return store.open_requests(limit=300), store.count_requests()

    def cells(self, row: Row) -> tuple[Text, ...]:
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
