"""The incoming request queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import REASON_REQUIRED, RequestStatus, request_targets
from dutyboard.i18n import _
from dutyboard.store import Row
from widgets.common import forms
from widgets.common.columns import ColumnSpec, words_width
from widgets.common.dialogs import Field, text_dialog
from widgets.common.fmt import (
    PRIORITY_STYLE,
    ago,
    plain,
    priority_label,
    quantity,
    status_label,
    status_text,
)
from widgets.common.table_panel import TablePanel


class RequestsPanel(TablePanel):
    title = _("1 Requests")
    empty_hint = _(
        "No open requests. Press N to add one, p to paste a chat message, or bring in a "
        "unit's file with `dutyboard ingest FILE`; drop folders that fill the desk by themselves: "
        "docs/ingest.md. Closed ones: press f until “all”."
    )
    empty_hint_leader = _("No open requests on this desk. Closed ones: press f until “all”.")
    new_title = _("New request")
    table_name = "requests"
    quick_filters = ("open", "mine", "urgent", "overdue", "new", "all")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", _("Ack"), id="request.acknowledge"),
    ]
    columns = (
        # Unit and item first; at 80 columns the age, then the owner, give way.
        ColumnSpec(_("Pri"), 4, sort="pressing"),
        ColumnSpec(_("Due"), 8, sort="due"),
        ColumnSpec(_("Unit"), 16, flex=True, sort="org", cut="middle"),
        ColumnSpec(_("Item"), 14, flex=True, sort="item"),
        ColumnSpec(_("Qty"), 5, justify="right", sort="quantity", fit=True),
        ColumnSpec(_("Status"), words_width(map(status_label, RequestStatus), 12), sort="status"),
        ColumnSpec(_("Owner"), 9, sort="assignee", drop=1, cut="middle"),
        ColumnSpec(_("Age"), 4, sort="received", drop=2, fit=True),
    )

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.desk.clock()
        priority = str(row["priority"])
        stale = is_stale(row, now, self.desk.config.stale_after_hours)
        cells = (
            Text(priority_label(priority), style=PRIORITY_STYLE.get(priority, "")),
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
            _("acknowledged"),
        )

    def action_status(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return

        def chosen(target: str) -> None:
            if RequestStatus(target) in REASON_REQUIRED:

                def reason_given(values: dict[str, object] | None) -> None:
                    if values is not None:
                        self._set(row, target, str(values["text"]))

                self.app.push_screen(
                    text_dialog(
                        _("#{id} → {status}: why?").format(
                            id=row["id"], status=status_label(target)
                        ),
                        _("Reason"),
                    ),
                    reason_given,
                )
            else:
                self._set(row, target, None)

        status = status_label(row["status"])
        self.ask_status(
            _("Request #{id} is {status}; move to").format(id=row["id"], status=status),
            request_targets(row["status"]),
            chosen,
            none_legal=_("#{id} is {status}: a final state").format(id=row["id"], status=status),
        )

    def _set(self, row: Row, target: str, reason: str | None) -> None:
        self.write(
            lambda: self.store.set_request_status(
                row["id"], target, reason=reason, expected_version=row["version"]
            ),
            f"#{row['id']} → {status_label(target)}",
        )

    def form_fields(self) -> list[Field]:
        zone = self.desk.config.timezone
        return [
            Field("org", _("Requesting unit"), required=True, placeholder=_("Jilin University")),
            Field("item", _("Item"), required=True, placeholder=_("KN95 masks")),
            Field("quantity", _("Quantity"), placeholder=_("1,200 or 5万"), check=forms.quantity),
            Field("unit", _("Unit"), placeholder=_("pcs, boxes, pairs")),
            Field(
                "priority",
                _("Priority"),
                value="normal",
                check=forms.priority,
                placeholder=_("urgent / high / normal / low"),
            ),
            Field(
                "due_by",
                _("Due by ({zone})").format(zone=zone),
                placeholder="2020-02-05 18:00",
                check=forms.when(zone),
            ),
            Field("requester", _("Contact person")),
            Field("phone", _("Phone")),
            Field("notes", _("Notes")),
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
        return Text(f"{_('LATE')} {ago(due_by, now)}", style="bold red")
    return Text(ago(due_by, now))
