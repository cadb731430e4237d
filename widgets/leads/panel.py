"""The procurement leads pipeline."""

from __future__ import annotations

from rich.text import Text

from dutyboard.domain.clock import from_iso
from dutyboard.store import Row, Store
from widgets.common.fmt import ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel


class LeadsPanel(TablePanel):
    title = "2 Leads"
    columns = (
        ("Next", 8, False),
        ("Supplier", 14, True),
        ("Ctry", 4, False),
        ("Item", 10, True),
        ("Qty", 9, False),
        ("Price", 10, False),
        ("Stage", 11, False),
    )

    def fetch(self, store: Store) -> tuple[list[Row], int]:
        rows = store.open_leads(limit=300)
        counts = store.counts_by("leads", "status")
        total = sum(n for status, n in counts.items() if status not in ("received", "dropped"))
        return rows, total

    def cells(self, row: Row) -> tuple[Text, ...]:
        now = self.dutyboard.clock()
        price = ""
        if row["unit_price"] is not None:
            price = f"{row['unit_price']:g} {row['currency'] or ''}".strip()
        next_at = row["next_action_at"]
        if next_at and from_iso(next_at) < now:
            next_cell = Text(f"LATE {ago(next_at, now)}", style="bold yellow")
        else:
            next_cell = Text(ago(next_at, now))
        return (
            next_cell,
            plain(row["supplier"]),
            plain(row["country"]),
            plain(row["item"]),
            quantity(row["quantity"]),
            plain(price),
            status_text(row["status"]),
        )
