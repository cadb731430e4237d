"""The procurement leads pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import ClosureReason, LeadStatus, lead_targets
from dutyboard.i18n import _
from dutyboard.store import Row
from widgets.common import forms
from widgets.common.dialogs import ChoiceDialog, Field, FormDialog
from widgets.common.fmt import ago, plain, quantity, status_label, status_text
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


def _request_id(text: str) -> int:
    number = int(text.lstrip("#").strip())
    if number <= 0:
        raise ValueError(_("is not a request number"))
    return number


class LeadsPanel(TablePanel):
    title = _("2 Leads")
    new_title = _("New lead")
    table_name = "leads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", _("Link request"), id="lead.link"),
    ]
    columns = (
        ColumnSpec(_("Next"), 8, sort="next"),
        ColumnSpec(_("Supplier"), 14, flex=True, sort="supplier"),
        ColumnSpec(_("Ctry"), 4, sort="country"),
        ColumnSpec(_("Item"), 10, flex=True, sort="item"),
        ColumnSpec(_("Qty"), 9, justify="right", sort="quantity"),
        ColumnSpec(_("Price"), 10, justify="right"),
        ColumnSpec(_("Stage"), 11, sort="status"),
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
            next_cell = Text(f"{_('LATE')} {ago(next_at, now)}", style="bold yellow")
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
                _("lead #{id} is {status}: a final stage").format(
                    id=row["id"], status=status_label(row["status"])
                ),
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
                        _("Why drop lead #{id}?").format(id=row["id"]),
                        [(r.value, _(r.value.replace("_", " "))) for r in ClosureReason],
                    ),
                    reason_given,
                )
            else:
                self._set(row, target, None)

        self.app.push_screen(
            ChoiceDialog(
                _("Lead #{id} is {status}; move to").format(
                    id=row["id"], status=status_label(row["status"])
                ),
                [(t.value, status_label(t.value)) for t in targets],
            ),
            chosen,
        )

    def _set(self, row: Row, target: str, reason: str | None) -> None:
        self.write(
            lambda: self.store.set_lead_status(
                row["id"], target, reason=reason, expected_version=row["version"]
            ),
            f"#{row['id']} → {status_label(target)}",
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
                _("lead #{lead} linked to request #{request}").format(
                    lead=row["id"], request=request_id
                ),
            )

        self.app.push_screen(
            FormDialog(
                _("Link lead #{id} ({supplier}, {item}) to a request").format(
                    id=row["id"], supplier=row["supplier"], item=row["item"]
                ),
                [
                    Field("request", _("Request #"), required=True, check=_request_id),
                    Field(
                        "quantity",
                        _("Quantity for that request (part of the lead)"),
                        check=forms.quantity,
                    ),
                ],
            ),
            done,
        )

    def form_fields(self) -> list[Field]:
        zone = self.dutyboard.config.timezone
        return [
            Field("supplier", _("Supplier"), required=True),
            Field("country", _("Country"), placeholder=_("LK or Sri Lanka"), check=forms.country),
            Field("item", _("Item"), required=True),
            Field("quantity", _("Quantity"), check=forms.quantity),
            Field("unit", _("Unit")),
            Field("unit_price", _("Unit price"), check=forms.price),
            Field("currency", _("Currency"), placeholder="USD"),
            Field("certification", _("Certification"), placeholder="CE, FDA, EN 149"),
            Field("contact_name", _("Contact")),
            Field(
                "next_action_at",
                _("Next action at ({zone})").format(zone=zone),
                check=forms.when(zone),
            ),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_lead(fields)
