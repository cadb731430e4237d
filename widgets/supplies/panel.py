"""The supplies panel: tallies per category, funds per currency, requests and deliveries
per day for the last 14 days.

Each category shows what came in, what went out, what is in stock and what open requests
still ask for (in the category's base unit: masks in pieces, gloves in pairs). Keys:
``r`` record goods received, ``d`` goods distributed (against a request: it moves to
partially fulfilled / fulfilled), ``F`` funds received, ``x`` export the ledger. A
leader has no ``r``/``d``/``F`` at all. Data is read in a thread worker and rendered as
``rich.text.Text`` — never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from dutyboard.domain import values
from dutyboard.domain.supplies import (
    RECEIVED_KINDS,
    SuppliesConfigError,
    SupplyCatalog,
    Tally,
    category_label,
    format_money,
    format_quantity,
    load_catalog,
    unit_label,
)
from dutyboard.i18n import _
from dutyboard.store import ValidationError
from dutyboard.store import supplies as ledger
from widgets.common import forms
from widgets.common.dialogs import Field, FormDialog
from widgets.common.export_dialog import export_panel_view
from widgets.common.writes import StoreWriter

DAYS = 14


def _kind(text: str) -> str:
    word = text.strip().lower()
    for kind in RECEIVED_KINDS:
        if word in (kind, _(kind)):
            return kind
    raise ValueError(_("is one of {choices}").format(choices=", ".join(RECEIVED_KINDS)))


def _record_id(text: str) -> int:
    try:
        number = int(text.strip().lstrip("#"))
    except ValueError:
        raise ValueError(_("is not a record number")) from None
    if number <= 0:
        raise ValueError(_("is not a record number"))
    return number


def _currency(text: str) -> str:
    return values.parse_currency(text)


class SuppliesPanel(Vertical, StoreWriter, can_focus=True):
    DEFAULT_CSS = """
    SuppliesPanel {
        border: round $panel-lighten-2;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        height: 1fr;
        padding: 0 1;
        overflow-y: auto;
    }
    SuppliesPanel:focus, SuppliesPanel:focus-within {
        border: round $accent;
    }
    SuppliesPanel > #supplies-tallies { height: auto; }
    SuppliesPanel > #supplies-money { height: auto; margin-top: 1; }
    SuppliesPanel > .supplies--label { height: 1; margin-top: 1; color: $text-muted; }
    SuppliesPanel > Sparkline { height: 1; }
    SuppliesPanel > #spark-deliveries > .sparkline--max-color { color: $success; }
    SuppliesPanel > #spark-deliveries > .sparkline--min-color { color: $success 30%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "receive", _("Goods in"), id="supplies.receive"),
        Binding("d", "distribute", _("Goods out"), id="supplies.distribute"),
        Binding("F", "funds", _("Funds"), id="supplies.funds"),
        Binding("x", "export", _("Export"), id="supplies.export"),
    ]
    # Actions that change data: absent for a leader and on a read-only store.
    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset({"receive", "distribute", "funds"})

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = _("6 Supplies")
        self.snapshot: ledger.SuppliesSnapshot | None = None
        self.lines: list[Text] = []
        self.money_lines: list[Text] = []
        self._catalog: SupplyCatalog | None = None
        self._day: date | None = None  # the desk's date the tallies were read on

    def compose(self) -> ComposeResult:
        yield Static(Text(_("loading…"), style="dim"), id="supplies-tallies")
        yield Static("", id="label-requests", classes="supplies--label")
        yield Sparkline([], id="spark-requests")
        yield Static("", id="label-deliveries", classes="supplies--label")
        yield Sparkline([], id="spark-deliveries")
        yield Static("", id="supplies-money")

    def on_mount(self) -> None:
        # In the dashboard this panel sits on a tab that is usually hidden; the app
        # re-queries it when the tab is shown. Standing alone, it loads now.
        self.call_after_refresh(self._first_load)

    def _first_load(self) -> None:
        if all(n.display for n in self.ancestors_with_self if isinstance(n, Widget)):
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITE_ACTIONS:
            return self.desk.can_write
        if action == "export":  # writes a file: absent in a leader's session
            return self.desk.can_write_files
        return True

    # -- reading ----------------------------------------------------------------------

    def catalog(self) -> SupplyCatalog:
        """The unit table and categories from the config file (read once, off the loop)."""
        if self._catalog is None:
            path = self.desk.config.source_path
            try:
                self._catalog = load_catalog(path) if path else SupplyCatalog()
            except SuppliesConfigError as exc:
                self.app.call_from_thread(
                    self.notify, str(exc), severity="error", timeout=10, markup=False
                )
                self._catalog = SupplyCatalog()
        return self._catalog

    @work(thread=True, exclusive=True, exit_on_error=False, group="supplies-load")
    def reload(self) -> None:
        """Re-read the tallies (the app calls this on every change to the database)."""
        desk = self.desk
        now = desk.clock()
        snapshot = ledger.supplies_snapshot(
            desk.store, now, desk.zone, days=DAYS, catalog=self.catalog()
        )
        self.app.call_from_thread(self._show, snapshot, now.astimezone(desk.zone).date())

    def refresh_times(self) -> None:
        """A new minute. Nothing here reads the clock but "today" and the 14 days of the
        series: those are re-read once the desk's date has moved on."""
        desk = self.desk
        if self._day is not None and desk.clock().astimezone(desk.zone).date() != self._day:
            self.reload()

    def _show(self, snapshot: ledger.SuppliesSnapshot, day: date | None = None) -> None:
        self.snapshot = snapshot
        self._day = day
        self.lines = tally_lines(snapshot.tallies)
        self.money_lines = money_lines(snapshot)
        table = Text("\n").join(self.lines)
        table.no_wrap = True
        table.overflow = "ellipsis"
        self.query_one("#supplies-tallies", Static).update(table)
        self.query_one("#supplies-money", Static).update(Text("\n").join(self.money_lines))
        series = snapshot.series
        self.query_one("#label-requests", Static).update(
            series_label(_("Requests per day"), series.requests)
        )
        self.query_one("#label-deliveries", Static).update(
            series_label(_("Deliveries per day"), series.deliveries)
        )
        self.query_one("#spark-requests", Sparkline).data = [float(n) for n in series.requests]
        self.query_one("#spark-deliveries", Sparkline).data = [float(n) for n in series.deliveries]
        self.border_subtitle = _("{n} ledger entries").format(n=f"{snapshot.entries:,}")

    # -- writing ----------------------------------------------------------------------

    def _when(self) -> Field:
        zone = self.desk.config.timezone
        return Field(
            "at",
            _("When ({zone}); empty: now").format(zone=zone),
            placeholder="2020-02-05 01:00",
            check=forms.when(zone),
        )

    def action_receive(self) -> None:
        fields = [
            Field("item", _("Item (empty with a lead: the lead's)"), placeholder=_("KN95 masks")),
            Field("quantity", _("Quantity"), placeholder=_("1,200 or 5万"), check=forms.quantity),
            Field("unit", _("Unit"), placeholder=_("pcs, boxes, pairs")),
            Field("counterparty", _("From (donor or supplier)")),
            Field(
                "kind",
                _("Kind"),
                value="donation",
                placeholder=_("donation / purchase / transfer"),
                check=_kind,
            ),
            Field("lead_id", _("Lead # (its goods arrived)"), check=_record_id),
            Field("amount", _("Value or cost"), check=forms.price),
            Field("currency", _("Currency"), placeholder="CNY, USD, EUR", check=_currency),
            self._when(),
            Field("notes", _("Notes")),
        ]

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                self.write(lambda: self._receive(values))

        self.app.push_screen(FormDialog(_("Goods received"), fields), done)

    def _receive(self, v: dict[str, Any]) -> str:
        store = self.store
        if v.get("lead_id"):
            receipt = ledger.receive_lead(
                store,
                v["lead_id"],
                v.get("quantity"),
                v.get("unit"),
                kind=v.get("kind") or "purchase",
                amount=v.get("amount"),
                currency=v.get("currency"),
                at=v.get("at"),
                notes=v.get("notes"),
                catalog=self.catalog(),
            )
            return _("supply #{id} recorded; lead #{lead} is {status}").format(
                id=receipt.entry_id,
                lead=v["lead_id"],
                status=_(receipt.lead_status.replace("_", " ")),
            )
        if not v.get("item") or not v.get("quantity"):
            raise ValidationError(_("say what and how many (or give a lead #)"))
        entry = ledger.record_received(
            store,
            v["item"],
            v["quantity"],
            v.get("unit"),
            kind=v.get("kind") or "donation",
            counterparty=v.get("counterparty"),
            amount=v.get("amount"),
            currency=v.get("currency"),
            at=v.get("at"),
            notes=v.get("notes"),
            catalog=self.catalog(),
        )
        return _("supply #{id} recorded").format(id=entry)

    def action_distribute(self) -> None:
        fields = [
            Field("request_id", _("Request # (delivered against it)"), check=_record_id),
            Field("item", _("Item (empty with a request: the request's)")),
            Field(
                "quantity",
                _("Quantity"),
                required=True,
                placeholder=_("1,200 or 5万"),
                check=forms.quantity,
            ),
            Field("unit", _("Unit (empty with a request: the request's)")),
            Field("counterparty", _("To (unit)")),
            self._when(),
            Field("notes", _("Notes")),
        ]

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                self.write(lambda: self._distribute(values))

        self.app.push_screen(FormDialog(_("Goods distributed"), fields), done)

    def _distribute(self, v: dict[str, Any]) -> str:
        store = self.store
        if v.get("request_id"):
            result = ledger.fulfil_request(
                store,
                v["request_id"],
                v["quantity"],
                v.get("unit"),
                item=v.get("item"),
                counterparty=v.get("counterparty"),
                at=v.get("at"),
                notes=v.get("notes"),
                catalog=self.catalog(),
            )
            return _("supply #{id} recorded; request #{request} is {status}").format(
                id=result.entry_id,
                request=v["request_id"],
                status=_(result.status.replace("_", " ")),
            )
        if not v.get("item") or not v.get("counterparty"):
            raise ValidationError(_("say what went out and to whom (or give a request #)"))
        entry = ledger.record_distributed(
            store,
            v["item"],
            v["quantity"],
            v.get("unit"),
            counterparty=v.get("counterparty"),
            at=v.get("at"),
            notes=v.get("notes"),
            catalog=self.catalog(),
        )
        return _("supply #{id} recorded").format(id=entry)

    def action_funds(self) -> None:
        fields = [
            Field("amount", _("Amount"), required=True, check=forms.price),
            Field("currency", _("Currency"), required=True, placeholder="CNY", check=_currency),
            Field("counterparty", _("From")),
            self._when(),
            Field("notes", _("Notes")),
        ]

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                self.write(lambda: self._funds(values))

        self.app.push_screen(FormDialog(_("Funds received"), fields), done)

    def _funds(self, v: dict[str, Any]) -> str:
        entry = ledger.record_funds(
            self.store,
            v["amount"],
            v["currency"],
            v.get("counterparty"),
            at=v.get("at"),
            notes=v.get("notes"),
        )
        return _("supply #{id} recorded").format(id=entry)

    def action_export(self) -> None:
        export_panel_view(self, None, table="supplies")


# -- rendering (pure: easy to test, never markup) ------------------------------------------


def _cell(text: str, width: int, *, right: bool = False, style: str = "") -> Text:
    """``text`` fitted to ``width`` terminal cells (CJK characters take two)."""
    if cell_len(text) > width:
        text = set_cell_size(text, max(0, width - 1)) + "…"
    padding = " " * max(0, width - cell_len(text))
    return Text(padding + text if right else text + padding, style=style)


LABEL_MAX = 22  # cells for "category (unit)"; longer labels end in "…"


def tally_lines(tallies: Sequence[Tally]) -> list[Text]:
    """Category · in · out · stock · still needed, aligned whatever the language.

    Each number column is as wide as its widest figure (or header), so the table fits a
    quarter of a 160-column screen; lines never wrap.
    """
    if not tallies:
        return [Text(_("No supplies recorded yet · r records goods received"), style="dim")]
    labels = []
    for tally in tallies:
        unit = unit_label(tally.unit)
        label = category_label(tally.category)
        labels.append(f"{label} ({unit})" if unit else label)
    headers = [_("In"), _("Out"), _("Stock"), _("Needed")]
    rows = [
        [
            (format_quantity(t.received), ""),
            (format_quantity(t.distributed), ""),
            (format_quantity(t.in_stock), "bold red" if t.in_stock < 0 else ""),
            (format_quantity(t.unmet), "yellow" if t.unmet > 0 else "dim"),
        ]
        for t in tallies
    ]
    widths = [
        max(cell_len(headers[i]), *(cell_len(row[i][0]) for row in rows))
        for i in range(len(headers))
    ]
    first = min(LABEL_MAX, max(cell_len(x) for x in [_("Category"), *labels]))
    line = _cell(_("Category"), first, style="bold")
    for header, width in zip(headers, widths, strict=True):
        line.append("  ")
        line.append_text(_cell(header, width, right=True, style="bold"))
    lines = [line]
    for label, row in zip(labels, rows, strict=True):
        text = _cell(label, first)
        for (figure, style), width in zip(row, widths, strict=True):
            text.append("  ")
            text.append_text(_cell(figure, width, right=True, style=style))
        lines.append(text)
    for text in lines:
        text.no_wrap = True
        text.overflow = "ellipsis"
    return lines


def money_lines(snapshot: ledger.SuppliesSnapshot) -> list[Text]:
    funds = " · ".join(format_money(m) for m in snapshot.funds.items()) or "—"
    spent = " · ".join(format_money(m) for m in snapshot.purchases.items()) or "—"
    return [
        Text.assemble((_("Funds received") + ": ", "bold"), funds),
        Text.assemble((_("Spent on purchases") + ": ", "bold"), spent),
    ]


def series_label(title: str, counts: Sequence[int]) -> Text:
    today = counts[-1] if counts else 0
    peak = max(counts) if counts else 0
    return Text(
        _("{title}, last {days} days: today {today}, peak {peak}").format(
            title=title, days=len(counts), today=today, peak=peak
        )
    )
