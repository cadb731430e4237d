"""The procurement leads pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import ClosureReason, LeadStatus, lead_targets
from dutyboard.store import Row
from widgets.common import forms
from widgets.common.dialogs import ChoiceDialog, Field, FormDialog
from widgets.common.fmt import ago, plain, quantity, status_text
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


def _request_id(text: str) -> int:
    number = int(text.lstrip("#").strip())
    if number <= 0:
        raise ValueError("is not a request number")
    return number


class LeadsPanel(TablePanel):
    title = "2 Leads"
    table_name = "leads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", "Link request", id="lead.link"),
    ]
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
        closed = row["status"] in ("received", "dropped")
        if next_at and not closed and from_iso(next_at) < now:
            # Awaiting a reply past the agreed time: the officer should chase it.
            next_cell = Text(f"LATE {ago(next_at, now)}", style="bold yellow")
        else:
            next_cell = Text("" if closed else ago(next_at, now))
        return (
            next_cell,
            plain(row["supplier"]),
            plain(row["country"]),
            plain(row["item"]),
            quantity(row["quantity"]),
            plain(price),
            status_text(row["status"]),
        )

    def action_status(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return
        targets = lead_targets(row["status"])
        if not targets:
            self.notify(
                f"lead #{row['id']} is {row['status']}: a final stage",
                severity="warning",
                markup=False,
            )
            return

        def chosen(target: str | None) -> None:
            if target is None:
                return
            if target == LeadStatus.DROPPED:

                def reason_given(reason: str | None) -> None:
                    if reason is not None:
                        self._set(row, target, reason)

                self.app.push_screen(
                    ChoiceDialog(
                        f"Why drop lead #{row['id']}?",
                        [(r.value, r.value.replace("_", " ")) for r in ClosureReason],
                    ),
                    reason_given,
                )
            else:
                self._set(row, target, None)

        self.app.push_screen(
            ChoiceDialog(
                f"Lead #{row['id']} is {row['status']}; move to",
                [(t.value, t.value.replace("_", " ")) for t in targets],
            ),
            chosen,
        )

    def _set(self, row: Row, target: str, reason: str | None) -> None:
        self.write(
            lambda: self.store.set_lead_status(
                row["id"], target, reason=reason, expected_version=row["version"]
            ),
            f"lead #{row['id']} → {target}",
        )

    def action_link(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            request_id = int(values["request"])  # type: ignore[call-overload]
            amount = values.get("quantity")
            self.write(
                lambda: self.store.link_lead_request(
                    row["id"],
                    request_id,
                    float(amount) if amount is not None else None,  # type: ignore[arg-type]
                ),
                f"lead #{row['id']} linked to request #{request_id}",
            )

        self.app.push_screen(
            FormDialog(
                f"Link lead #{row['id']} ({row['supplier']}, {row['item']}) to a request",
                [
                    Field("request", "Request #", required=True, check=_request_id),
                    Field(
                        "quantity",
                        "Quantity for that request (part of the lead)",
                        check=forms.quantity,
                    ),
                ],
            ),
            done,
        )

    def form_fields(self) -> list[Field]:
        zone = self.dutyboard.config.timezone
        return [
            Field("supplier", "Supplier", required=True),
            Field("country", "Country", placeholder="LK or Sri Lanka", check=forms.country),
            Field("item", "Item", required=True),
            Field("quantity", "Quantity", check=forms.quantity),
            Field("unit", "Unit"),
            Field("unit_price", "Unit price", check=forms.price),
            Field("currency", "Currency", placeholder="USD"),
            Field("certification", "Certification", placeholder="CE, FDA, EN 149"),
            Field("contact_name", "Contact"),
            Field("next_action_at", f"Next action at ({zone})", check=forms.when(zone)),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_lead(fields)
