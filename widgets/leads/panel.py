"""The procurement leads pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import ClosureReason, LeadStatus, lead_targets
from dutyboard.i18n import _
from dutyboard.store import Row, StaleEdit, StoreError
from dutyboard.store import supplies as ledger
from widgets.common import forms
from widgets.common.columns import ColumnSpec, words_width
from widgets.common.dialogs import ChoiceDialog, Field, FormDialog
from widgets.common.fmt import ago, plain, quantity, status_label, status_text
from widgets.common.table_panel import TablePanel
from widgets.leads.when import when_check


def _request_id(text: str) -> int:
    number = int(text.lstrip("#").strip())
    if number <= 0:
        raise ValueError(_("is not a request number"))
    return number


class LeadsPanel(TablePanel):
    title = _("2 Leads")
    empty_hint = _(
        "No open leads. Press N to add a supplier's offer, or import a list with "
        "`dutyboard ingest FILE --kind leads`. Closed ones: press f until “all”."
    )
    empty_hint_leader = _("No open leads on this desk. Closed ones: press f until “all”.")
    pick_hint = _("{n} picked · s move all")
    new_title = _("New lead")
    table_name = "leads"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", _("Link request"), id="lead.link"),
        Binding("t", "next_action", _("Next action"), id="lead.next_action"),
        Binding("space", "pick", _("Pick"), id="lead.pick"),
    ]
    WRITE_ACTIONS = TablePanel.WRITE_ACTIONS | {"next_action"}
    columns = (
        # Supplier and item first; in a narrow panel the country, then the price give way.
        ColumnSpec(_("Next"), 8, sort="next", fit=True),
        ColumnSpec(_("Supplier"), 14, flex=True, sort="supplier", cut="middle"),
        ColumnSpec(_("Ctry"), 4, sort="country", drop=3, fit=True),
        ColumnSpec(_("Item"), 14, flex=True, sort="item"),
        ColumnSpec(_("Qty"), 7, justify="right", sort="quantity", fit=True),
        ColumnSpec(_("Price"), 8, justify="right", drop=2, fit=True),
        ColumnSpec(_("Stage"), words_width(map(status_label, LeadStatus), 11), sort="status"),
        # What the next action is (t sets it): the first to give way; enter shows it whole.
        ColumnSpec(_("To do"), 14, drop=4),
    )

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.desk.clock()
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
        if row["id"] in self.picked:
            next_cell = Text("+", style="bold reverse") + Text(" ") + next_cell
        return (
            next_cell,
            plain(row["supplier"]),
            plain(row["country"]),
            plain(row["item"]),
            quantity(row["quantity"]),
            plain(price),
            status_text(row["status"]),
            plain("" if closed else row.get("next_action")),
        )

    # -- status -------------------------------------------------------------------------

    def action_status(self) -> None:
        if self.picked:
            self._status_many(list(self.picked.values()))
            return
        row = self.table.cursor_row
        if row is None:
            return

        def chosen(target: str) -> None:
            if target == LeadStatus.DROPPED:
                self._ask_reason(_("Why drop lead #{id}?").format(id=row["id"]), [row])
            elif target == LeadStatus.RECEIVED:
                self._ask_received(row)
            else:
                self._set(row, target, None)

        status = status_label(row["status"])
        self.ask_status(
            _("Lead #{id} is {status}; move to").format(id=row["id"], status=status),
            lead_targets(row["status"]),
            chosen,
            none_legal=_("lead #{id} is {status}: a final stage").format(
                id=row["id"], status=status
            ),
        )

    def _ask_reason(self, title: str, rows: list[Row]) -> None:
        def reason_given(reason: str | None) -> None:
            if reason is not None:
                self.move_many(rows, LeadStatus.DROPPED.value, reason)

        self.app.push_screen(
            ChoiceDialog(title, [(r.value, _(r.value.replace("_", " "))) for r in ClosureReason]),
            reason_given,
        )

    def _set(self, row: Row, target: str, reason: str | None) -> None:
        # A status change means the lead was acted on: its next action is reset to none
        # (the officer sets a new one with t), so "LATE" never outlives the action.
        self.write(
            lambda: self.store.move_lead(
                row["id"], target, reason=reason, expected_version=row["version"]
            ),
            f"#{row['id']} → {status_label(target)} · " + _("next action cleared (t sets one)"),
        )

    def _ask_received(self, row: Row) -> None:
        """Goods in: how many (default: the lead's quantity), booked into the ledger."""
        unit = row["unit"] or ""

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            amount = values.get("quantity")
            self._receive(row, amount if isinstance(amount, int | float) else None)

        self.app.push_screen(
            FormDialog(
                _("Lead #{id} ({supplier}, {item}) received").format(
                    id=row["id"], supplier=row["supplier"], item=row["item"]
                ),
                [
                    Field(
                        "quantity",
                        _("Quantity received ({unit})").format(unit=unit),
                        required=True,
                        value=_plain_number(row["quantity"]),
                        check=forms.quantity,
                    )
                ],
            ),
            done,
        )

    @work(thread=True, exit_on_error=False, group="write")
    def _receive(self, row: Row, amount: float | int | None) -> None:
        try:
            receipt = ledger.receive_lead(
                self.store, row["id"], amount, expected_version=row["version"]
            )
        except (StoreError, ValueError) as exc:
            self.app.call_from_thread(
                self.notify,
                _("lead #{id} not received, nothing booked: {error}").format(
                    id=row["id"], error=exc
                ),
                severity="warning" if isinstance(exc, StaleEdit) else "error",
                timeout=8,
                markup=False,
            )
            return
        cleared = ""
        try:
            self.store.set_next_action(row["id"], None)
        except StoreError as exc:
            cleared = " · " + str(exc)
        self.app.call_from_thread(
            self.notify,
            _("lead #{id} received; supply #{entry} booked in the ledger").format(
                id=row["id"], entry=receipt.entry_id
            )
            + cleared,
            timeout=4,
            markup=False,
        )
        self._refresh_after_write()

    def _refresh_after_write(self) -> None:
        self.desk.changed()

    def _status_many(self, rows: list[Row]) -> None:
        """Offer only the stages every picked lead may move to, then move them all."""
        common: set[LeadStatus] | None = None
        for row in rows:
            legal = set(lead_targets(row["status"]))
            common = legal if common is None else common & legal
        targets = [s for s in LeadStatus if common and s in common]

        def chosen(target: str) -> None:
            if target == LeadStatus.DROPPED:
                self._ask_reason(_("Why drop {n} leads?").format(n=len(rows)), rows)
            else:
                self.move_many(rows, target, None)

        self.ask_status(
            _("Move {n} picked leads to").format(n=len(rows)),
            targets,
            chosen,
            none_legal=_("no stage is legal for all {n} picked leads").format(n=len(rows)),
            hint=_("received books each lead's own quantity · esc cancel"),
        )

    @work(thread=True, exit_on_error=False, group="write")
    def move_many(self, rows: list[Row], target: str, reason: str | None) -> None:
        """Move each lead with the version it had when picked; report moved and refused."""
        moved: list[int] = []
        stale: list[int] = []
        failed: list[str] = []
        for row in rows:
            try:
                if target == LeadStatus.RECEIVED:
                    ledger.receive_lead(self.store, row["id"], expected_version=row["version"])
                    self.store.set_next_action(row["id"], None)
                else:
                    self.store.move_lead(
                        row["id"], target, reason=reason, expected_version=row["version"]
                    )
            except StaleEdit:
                stale.append(row["id"])
            except (StoreError, ValueError) as exc:
                failed.append(f"#{row['id']}: {exc}")
            else:
                moved.append(row["id"])
        parts = [
            _("{moved} of {n} leads → {status}").format(
                moved=len(moved), n=len(rows), status=status_label(target)
            )
        ]
        if stale:
            parts.append(
                _("refused as stale (changed meanwhile): {ids}").format(
                    ids=", ".join(f"#{i}" for i in stale)
                )
            )
        parts.extend(failed)
        self.app.call_from_thread(
            self.notify,
            " · ".join(parts),
            severity="warning" if stale or failed else "information",
            timeout=10 if stale or failed else 4,
            markup=False,
        )
        self.app.call_from_thread(self._clear_picks)
        self._refresh_after_write()

    def _clear_picks(self) -> None:
        self.picked.clear()
        self.table.invalidate_lines()
        self._update_subtitle()

    # -- next action --------------------------------------------------------------------

    def action_next_action(self) -> None:
        """Set when the lead is next chased and what is to be done (empty when: none)."""
        row = self.table.cursor_row
        if row is None:
            return
        zone = self.desk.config.timezone
        current = row["next_action_at"]

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            when = values.get("when")
            what = values.get("what")
            self.write(
                lambda: self.store.set_next_action(
                    row["id"],
                    str(when) if when else None,
                    str(what) if what else None,
                    expected_version=row["version"],
                ),
                _("lead #{id}: next action set").format(id=row["id"])
                if when or what
                else _("lead #{id}: next action cleared").format(id=row["id"]),
            )

        self.app.push_screen(
            FormDialog(
                _("Next action for lead #{id} ({supplier}, {item})").format(
                    id=row["id"], supplier=row["supplier"], item=row["item"]
                ),
                [
                    Field(
                        "when",
                        _("When ({zone}; empty: none)").format(zone=zone),
                        value=f"{from_iso(current).astimezone(self.desk.zone):%Y-%m-%d %H:%M}"
                        if current
                        else "",
                        placeholder=_("tomorrow 09:00, +2h or 2020-02-05 14:00"),
                        check=when_check(self.desk.clock, zone),
                    ),
                    Field(
                        "what",
                        _("What to do (empty: nothing)"),
                        value=row.get("next_action") or "",
                        placeholder=_("call back about the price"),
                    ),
                ],
            ),
            done,
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
        zone = self.desk.config.timezone
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
            Field(
                "next_action",
                _("Next action: what to do"),
                placeholder=_("call back about the price"),
            ),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_lead(fields)


def _plain_number(value: object) -> str:
    """A quantity as a form's default value: no thousands separators."""
    if value is None:
        return ""
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:g}"
