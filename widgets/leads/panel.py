"""The procurement leads pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from dutyboard.domain.clock import from_iso
from dutyboard.store import Row
from widgets.common.fmt import ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


class LeadsPanel(TablePanel):
    title = "2 Leads"
    table_name = "leads"
    columns = (
        ColumnSpec("Next", 8, sort="next"),
        ColumnSpec("Supplier", 14, flex=True, sort="supplier"),
        ColumnSpec("Ctry", 4, sort="country"),
        ColumnSpec("Item", 10, flex=True, sort="item"),
        ColumnSpec("Qty", 9, justify="right", sort="quantity"),
        ColumnSpec("Price", 10, justify="right"),
        ColumnSpec("Stage", 11, sort="status"),
    )

    def cells(self, row: Row) -> Sequence[Text]:
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
