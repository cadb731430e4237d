"""The incoming request queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import REASON_REQUIRED, RequestStatus, request_targets
from dutyboard.store import Row
from widgets.common import forms
from widgets.common.dialogs import ChoiceDialog, Field, text_dialog
from widgets.common.fmt import PRIORITY_LABEL, PRIORITY_STYLE, ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


class RequestsPanel(TablePanel):
    title = "1 Requests"
    table_name = "requests"
    quick_filters = ("open", "mine", "urgent", "overdue", "new", "all")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Ack", id="request.acknowledge"),
    ]
    columns = (
        ColumnSpec("Pri", 4, sort="pressing"),
        ColumnSpec("Due", 8, sort="due"),
        ColumnSpec("Unit", 14, flex=True, sort="org"),
        ColumnSpec("Item", 12, flex=True, sort="item"),
        ColumnSpec("Qty", 8, justify="right", sort="quantity"),
        ColumnSpec("Status", 12, sort="status"),
        ColumnSpec("Owner", 8, sort="assignee"),
        ColumnSpec("Age", 5, sort="received"),
    )

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.dutyboard.clock()
        priority = str(row["priority"])
        stale = is_stale(row, now, self.dutyboard.config.stale_after_hours)
        cells = (
            Text(PRIORITY_LABEL.get(priority, priority), style=PRIORITY_STYLE.get(priority, "")),
            due_text(row["due_by"], now) if row["status"] in OPEN else Text(""),
            plain(row["org"]),
            plain(row["item"]),
            quantity(row["quantity"]),
            status_text(row["status"]),
            plain(row["assignee"] or "—", "" if row["assignee"] else "dim"),
            # "!" marks a stale row, so the mark survives NO_COLOR.
            Text(ago(row["received_at"], now) + ("!" if stale else ""), style="dim"),
        )
        if stale:
            for cell in cells[2:6]:
                cell.stylize("dim")
        return cells

    def action_acknowledge(self) -> None:
        self.on_row(
            lambda row: self.store.acknowledge_request(row["id"], expected_version=row["version"]),
            "acknowledged",
        )

    def action_status(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return
        targets = request_targets(row["status"])
        if not targets:
            self.notify(
                f"#{row['id']} is {row['status']}: a final state", severity="warning", markup=False
            )
            return

        def chosen(target: str | None) -> None:
            if target is None:
                return
            if RequestStatus(target) in REASON_REQUIRED:

                def reason_given(values: dict[str, object] | None) -> None:
                    if values is not None:
                        self._set(row, target, str(values["text"]))

                self.app.push_screen(
                    text_dialog(f"#{row['id']} → {target}: why?", "Reason"), reason_given
                )
            else:
                self._set(row, target, None)

        self.app.push_screen(
            ChoiceDialog(
                f"Request #{row['id']} is {row['status']}; move to",
                [(t.value, t.value.replace("_", " ")) for t in targets],
            ),
            chosen,
        )

    def _set(self, row: Row, target: str, reason: str | None) -> None:
        self.write(
            lambda: self.store.set_request_status(
                row["id"], target, reason=reason, expected_version=row["version"]
            ),
            f"#{row['id']} → {target}",
        )

    def form_fields(self) -> list[Field]:
        zone = self.dutyboard.config.timezone
        return [
            Field("org", "Requesting unit", required=True, placeholder="Jilin University"),
            Field("item", "Item", required=True, placeholder="KN95 masks"),
            Field("quantity", "Quantity", placeholder="1,200 or 5万", check=forms.quantity),
            Field("unit", "Unit", placeholder="pcs, boxes, pairs"),
            Field(
                "priority",
                "Priority",
                value="normal",
                check=forms.priority,
                placeholder="urgent / high / normal / low",
            ),
            Field(
                "due_by", f"Due by ({zone})", placeholder="2020-02-05 18:00", check=forms.when(zone)
            ),
            Field("requester", "Contact person"),
            Field("phone", "Phone"),
            Field("notes", "Notes"),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_request(fields)


OPEN = frozenset({"new", "acknowledged", "in_progress", "partially_fulfilled"})


def is_stale(row: Row, now: datetime, hours: float) -> bool:
    """An open row nobody has touched for ``hours``."""
    if row["status"] not in OPEN:
        return False
    return from_iso(row["updated_at"]) < now - timedelta(hours=hours)


def due_text(due_by: str | None, now: datetime) -> Text:
    """'in 5h', or a loud 'LATE 2h' once past due."""
    if not due_by:
        return Text("")
    if from_iso(due_by) < now:
        return Text(f"LATE {ago(due_by, now)}", style="bold red")
    return Text(ago(due_by, now))
