"""Tonight's arrivals and the unit roll-call, in one panel.

Top: what lands in the next hours (default 24), by ETA in the officer's time, each ETA
also on the origin's clock; overdue arrivals say ``LATE`` in words (readable without
colour). Bottom: each reporting unit's state in its current period, missing first.

Both lists are small by nature, so each is one bounded query in a thread worker
(capped, with "N more"), rendered into a ``DataTable`` as ``rich.text.Text`` — never
markup. Their columns share the width the way every table's do
(``widgets.common.columns``: references and times never cut, names cut in the middle,
the least important columns giving way whole). ``/`` filters the arrivals; ``N`` and
``e`` open the arrival form (``widgets.arrivals.form``). Write keys do not exist in a
leader session or on a read-only store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from dutyboard.domain.arrivals import (
    OPEN_ARRIVAL_STATES,
    ArrivalKind,
    ArrivalState,
    arrival_targets,
    done_state,
    holdups,
    is_overdue,
    origin_time,
    zone_guess,
)
from dutyboard.domain.clock import from_iso
from dutyboard.domain.rollcall import RollCallState
from dutyboard.i18n import _
from dutyboard.store import Row, StoreError, engine
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from widgets.arrivals.detail import ArrivalDetail, UnitHistoryScreen
from widgets.arrivals.form import ArrivalForm, Submitted, arrival_fields, prefill, store_fields
from widgets.common import forms
from widgets.common.columns import ColumnSpec, fitted, layout, words_width
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, Field, FormDialog, text_dialog
from widgets.common.fmt import local_hm, pgettext
from widgets.common.writes import StoreWriter

DEFAULT_HOURS = 24.0
DEFAULT_REMIND_MINUTES = 60
MAX_ROWS = 100  # the next-hours list is small; beyond this the subtitle says "N more"

STATE_STYLE = {
    "expected": "",
    "delayed": "yellow",
    "landed": "bold green",
    "received": "dim green",
    "met": "dim green",
    "cancelled": "dim",
}
ROLL_STYLE = {
    RollCallState.REPORTED: "green",
    RollCallState.LATE: "yellow",
    RollCallState.DUE: "",
    RollCallState.MISSING: "bold red",
}
KIND_LABEL = {"shipment": _("goods"), "traveller": _("person")}
# A hold-up's mark before "What" where the panel is too narrow for its column.
SHORT_HOLDUP = {"permit pending": _("permit?"), "customs pending": _("customs?")}
# Roll-call states as words ("due" has its own key: elsewhere it is a deadline).
ROLL_LABEL = {
    RollCallState.REPORTED: _("reported"),
    RollCallState.LATE: _("late"),
    RollCallState.DUE: pgettext("roll-call", "due"),
    RollCallState.MISSING: _("missing"),
}

# Columns by importance: at 80 columns (one panel at a time) and in the dashboard's
# bottom-right corner (~64 wide) the last ones give way whole, highest ``drop`` first.
# Times and references are ``fit``: never cut (a Chinese "周二 19:30" is 10 cells).
ARRIVAL_COLUMNS: tuple[tuple[str, ColumnSpec], ...] = (
    ("eta", ColumnSpec(_("ETA"), 5, fit=True)),
    ("in", ColumnSpec(pgettext("time until arrival", "In"), 5, fit=True)),  # not goods in
    ("state", ColumnSpec(_("State"), words_width((_(s.value) for s in ArrivalState), 10))),
    ("ref", ColumnSpec(pgettext("arrival", "Ref"), 6, fit=True)),
    # Contents lead with their quantity ("1,900,000 pcs medical masks"): cut at the end.
    ("what", ColumnSpec(pgettext("arrival", "What"), 20, flex=True)),
    # Narrower panels show the hold-ups before "What" (short_holdups) instead.
    ("holdups", ColumnSpec(_("Hold-ups"), 14, drop=1)),
    ("origin", ColumnSpec(_("Origin time"), 13, fit=True, drop=2)),
    ("from", ColumnSpec(pgettext("arrival", "From"), 10, flex=True, cut="middle", drop=3)),
    ("kind", ColumnSpec(pgettext("arrival", "Kind"), words_width(KIND_LABEL.values(), 8), drop=4)),
)
ROLL_COLUMNS: tuple[tuple[str, ColumnSpec], ...] = (
    ("state", ColumnSpec(_("State"), words_width([*ROLL_LABEL.values(), _("missing").upper()], 8))),
    ("unit", ColumnSpec(_("Unit"), 14, flex=True, cut="middle")),
    ("deadline", ColumnSpec(_("Deadline"), 5, fit=True)),
    ("reported", ColumnSpec(_("Reported"), 20, flex=True, drop=1)),
)
CELL_PADDING = 1  # the DataTable's, each side of a cell
# Of the panel's content width (inside its border): the tables' one-cell scrollbar.
CHROME = 1
# The movement keys of every panel (VirtualTable's): j k g G besides the arrows, Home/End.
MOVE_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", _("Down"), show=False, id="list.down"),
    Binding("k", "cursor_up", _("Up"), show=False, id="list.up"),
    Binding("home,g", "scroll_top", _("Top"), show=False, id="list.top"),
    Binding("end,G", "scroll_bottom", _("Bottom"), show=False, id="list.bottom"),
]


def _cell(value: object, style: str = "") -> Text:
    """Untrusted value → Text; brackets stay brackets, nothing is parsed as markup."""
    if value is None:
        return Text("")
    return Text(str(value).replace("\n", " ⏎ "), style=style, no_wrap=True, overflow="ellipsis")


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours}h{rest:02d}" if rest and hours < 10 else f"{hours}h"
    return f"{minutes // 1440}d"


def contents(row: Row) -> str:
    """What an arrival is, without its reference (a column of its own): '1,900,000 pcs
    medical masks' / '李明'."""
    if row["kind"] == ArrivalKind.TRAVELLER:
        return str(row.get("traveller") or "?")
    goods = arr.describe(dict(row, reference=None))
    return "" if goods == "shipment" else goods


def _shown_cells(cells: dict[str, Text], columns: Sequence[str]) -> list[Text]:
    """The cells of the columns shown, in their order."""
    if "short_holdups" in cells and "holdups" not in columns:
        # Too narrow for the column: the hold-ups lead the description instead.
        short = cells["short_holdups"]
        if short.plain:
            what = Text.assemble(short, " ", cells["what"], no_wrap=True, overflow="ellipsis")
            cells = dict(cells, what=what)
    return [cells[column] for column in columns]


def _fit(cell: Text, spec: ColumnSpec, width: int) -> Text:
    """The cell cut to its column the column's way (``fitted``); the padding is the
    table's own."""
    fit = fitted(cell, spec, width)
    if spec.justify != "right":
        fit.rstrip()
    return fit


def _same(old: object, new: Text) -> bool:
    return (
        isinstance(old, Text)
        and old.plain == new.plain
        and old.style == new.style
        and old.spans == new.spans
    )


def filter_words(text: str) -> list[list[str]]:
    """The ``/`` filter's words for the store: each word as typed, and the state or kind
    it names in the interface's words ("延误" is delayed, "goods" shipments)."""
    words = []
    for word in text.split():
        folded = word.casefold()
        spellings = [word]
        for state in ArrivalState:
            if folded in _(state.value).casefold():
                spellings.append(state.value)
        for kind, label in KIND_LABEL.items():
            if folded in label.casefold():
                spellings.append(kind)
        words.append(spellings)
    return words


def roll_state(day: rc.UnitDay, now: datetime) -> RollCallState:
    """The unit's state seen at ``now``: a report still due turns missing the moment its
    deadline passes, whenever the list was last read."""
    if day.state is RollCallState.DUE and now >= day.deadline:
        return RollCallState.MISSING
    return day.state


class _WriteGuard:
    """check_action for both tables: write actions exist only for an officer on a
    writable store (absent, not greyed, for a leader)."""

    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset()

    def _panel(self) -> ArrivalsPanel:
        for node in self.ancestors:  # type: ignore[attr-defined]
            if isinstance(node, ArrivalsPanel):
                return node
        raise LookupError("not inside an ArrivalsPanel")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITE_ACTIONS:
            return self._panel().can_write
        if action == "clear_filter":  # esc: only while a filter is set
            return bool(self._panel().filter_text)
        return True

    def blur(self) -> Self:
        """Hidden with its panel (another panel chosen at 80×24, another tab), a table lets
        the focus go instead of handing it on: Textual would give it to the other list,
        hidden too, whose focus brought this panel back to the front and left no panel
        focused, so ``1``–``6`` and the footer did nothing (issue 18 #3)."""
        widget: Any = self
        if not all(n.display for n in widget.ancestors_with_self if isinstance(n, Widget)):
            if widget.screen.focused is widget:
                widget.screen.set_focus(None)
            return self
        blurred: Self = super().blur()  # type: ignore[misc]
        return blurred

    def action_filter(self) -> None:
        self._panel().open_filter()

    def action_clear_filter(self) -> None:
        self._panel().clear_filter()


class ArrivalsTable(_WriteGuard, DataTable[Text]):
    DEFAULT_CSS = "ArrivalsTable { scrollbar-size-vertical: 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        *MOVE_KEYS,
        Binding("l", "landed", _("Landed"), id="arrival.landed"),
        Binding("r", "done", _("Received/met"), id="arrival.done"),
        Binding("d", "delay", _("Delayed…"), id="arrival.delay"),
        Binding("s", "state", _("State"), id="arrival.state"),
        Binding("h", "holdup", _("Hold-up"), id="arrival.holdup"),
        Binding("n", "note", _("Note"), id="arrival.note"),
        Binding("N", "new_arrival", _("New arrival"), id="arrival.new"),
        Binding("e", "edit", _("Edit"), id="arrival.edit"),
        Binding("slash", "filter", _("Filter"), id="arrival.filter"),
        Binding("escape", "clear_filter", _("Clear filter"), show=False, id="arrival.clear_filter"),
    ]
    WRITE_ACTIONS = frozenset(
        {"landed", "done", "delay", "state", "holdup", "note", "new_arrival", "edit"}
    )

    def action_new_arrival(self) -> None:
        self._panel().ask_new()

    def action_edit(self) -> None:
        self._panel().ask_edit()

    def action_landed(self) -> None:
        self._panel().ask_landed()

    def action_done(self) -> None:
        self._panel().mark_done()

    def action_delay(self) -> None:
        self._panel().ask_delay()

    def action_state(self) -> None:
        self._panel().ask_state()

    def action_holdup(self) -> None:
        self._panel().ask_holdup()

    def action_note(self) -> None:
        self._panel().ask_note()


class RollCallTable(_WriteGuard, DataTable[Text]):
    DEFAULT_CSS = "RollCallTable { scrollbar-size-vertical: 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        *MOVE_KEYS,
        Binding("r", "reported", _("Reported"), id="rollcall.reported"),
        Binding("R", "reported_note", _("Reported…"), id="rollcall.reported_note"),
    ]
    WRITE_ACTIONS = frozenset({"reported", "reported_note"})

    def action_reported(self) -> None:
        self._panel().mark_reported(None)

    def action_reported_note(self) -> None:
        self._panel().ask_reported_note()


def reminder_text(row: Row, now: datetime, zone: ZoneInfo) -> str:
    """A due arrival reminder as a toast: 'CZ8421 · 1,900,000 pcs medical masks lands 16:50
    (in 20m)' (which are due: :class:`dutyboard.store.arrivals.Reminders`)."""
    eta = from_iso(row["eta"])
    if eta >= now:
        when = _("in {span}").format(span=_span(eta - now))
    else:
        when = _("{span} ago — LATE").format(span=_span(now - eta))
    text = (
        _("{what} arrives {time} ({when})")
        if row["kind"] == ArrivalKind.TRAVELLER
        else _("{what} lands {time} ({when})")
    )
    return text.format(what=arr.describe(row), time=local_hm(eta, zone, now), when=when)


class ArrivalsPanel(StoreWriter, Vertical):
    """What lands in the next hours, and who has reported today."""

    DEFAULT_CSS = """
    ArrivalsPanel {
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        height: 1fr;
    }
    ArrivalsPanel:focus-within { border: round $accent; border-subtitle-color: $text; }
    ArrivalsPanel > ArrivalsTable { height: 3fr; }
    ArrivalsPanel > #rollcall-title {
        height: 1;
        background: $panel;
        text-style: bold;
        padding: 0 1;
    }
    ArrivalsPanel > RollCallTable { height: 2fr; }
    ArrivalsPanel > Input.filter {
        dock: bottom;
        display: none;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    """
    title: ClassVar[str] = _("4 Arrivals")

    def __init__(
        self,
        *,
        hours: float | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = self.title
        self._hours = hours
        self.rows: list[Row] = []  # the arrivals shown, in table order
        self.days: list[rc.UnitDay] = []  # the roll-call shown, in table order
        self.more = 0
        self.loaded = False
        self._last: tuple[datetime, arr.ArrivalsWindow, list[rc.UnitDay]] | None = None
        self._clock_stale = False  # a minute's re-read was skipped while hidden
        self.filter_text = ""  # the arrivals' "/" filter
        # Each table's columns as laid out: (key, spec, width) of those shown.
        self._columns: dict[str, list[tuple[str, ColumnSpec, int]]] = {}

    # -- the desk ------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self.desk.zone

    @property
    def desk_zone(self) -> str:
        return self.desk.zone.key

    @property
    def hours(self) -> float:
        if self._hours is not None:
            return self._hours
        return float(self.desk.config.arrivals_hours)

    @property
    def can_write(self) -> bool:
        return self.desk.can_write

    def now(self) -> datetime:
        return self.desk.now()

    # -- layout ---------------------------------------------------------------------------

    @property
    def arrivals_table(self) -> ArrivalsTable:
        return self.query_one(ArrivalsTable)

    @property
    def rollcall_table(self) -> RollCallTable:
        return self.query_one(RollCallTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#arrivals-filter", Input)

    def compose(self) -> ComposeResult:
        yield ArrivalsTable(id="arrivals-table", cursor_type="row", zebra_stripes=False)
        yield Static(Text(_("Roll-call")), id="rollcall-title")
        yield RollCallTable(id="rollcall-table", cursor_type="row", zebra_stripes=False)
        yield Input(
            placeholder=_("filter arrivals: reference, contents, origin, state · esc clear"),
            id="arrivals-filter",
            classes="filter",
        )

    def on_mount(self) -> None:
        self._layout(self.size.width or 120, [], [])
        self.reload()
        # "LATE", countdowns and due → missing are redrawn each minute from the rows here
        # (refresh_times); what only a query finds with time (an arrival entering the
        # window, a new day's roll-call) is looked for once a minute, while on screen.
        self.set_interval(60, self._clock_reload)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the panel (keys 1–6, tab) focuses its arrivals list."""
        self.arrivals_table.focus(scroll_visible)
        return self

    def on_resize(self) -> None:
        if self._last is None:
            return
        arrival, unit = self.selected_arrival(), self.selected_unit()  # before the redraw
        before = dict(self._columns)
        self._show(*self._last)
        if self._columns != before:
            if arrival is not None:
                self._move_to(self.arrivals_table, str(arrival["id"]))
            if unit is not None:
                self._move_to(self.rollcall_table, str(unit.unit_id))

    @staticmethod
    def _move_to(table: DataTable[Text], key: str) -> None:
        with contextlib.suppress(LookupError):
            table.move_cursor(row=table.get_row_index(key), animate=False)

    def _layout(
        self,
        width: int,
        arrivals: Sequence[dict[str, Text]],
        units: Sequence[dict[str, Text]],
    ) -> bool:
        """Columns for this width and these rows (``widgets.common.columns.layout``); True
        when they changed (the rows are then added again)."""
        inner = max(20, width - CHROME)
        changed = False
        for table, spec, rows in (
            (self.arrivals_table, ARRIVAL_COLUMNS, arrivals),
            (self.rollcall_table, ROLL_COLUMNS, units),
        ):
            natural = [
                max([Text(column.label).cell_len, *(r[key].cell_len for r in rows if key in r)])
                for key, column in spec
            ]
            widths = layout([c for _k, c in spec], inner, natural, gap=2 * CELL_PADDING)
            shown = [(k, c, w) for (k, c), w in zip(spec, widths, strict=True) if w is not None]
            key = str(table.id)
            if self._columns.get(key) == shown and len(table.columns) == len(shown):
                continue
            self._columns[key] = shown
            table.clear(columns=True)
            for name, column, column_width in shown:
                table.add_column(Text(column.label), width=column_width, key=name)
            changed = True
        return changed

    # -- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """The data or the clock moved on: re-query both lists (off the event loop)."""
        self._load()

    def _clock_reload(self) -> None:
        if all(n.display for n in self.ancestors_with_self if isinstance(n, Widget)):
            self.reload()
        else:
            self._clock_stale = True  # on a hidden tab: re-read when shown

    def refresh_times(self) -> None:
        """A new minute: redraw both lists from the rows already here (countdowns, LATE,
        due → missing), without a query; the panel re-reads once a minute anyway."""
        if self._clock_stale:
            self._clock_stale = False
            self.reload()
            return
        if self._last is not None:
            _then, window, days = self._last
            self._show(self.now(), window, days)  # same rows: the cells change in place

    @work(thread=True, exclusive=True, group="arrivals-load", exit_on_error=False)
    def _load(self) -> None:
        store, now, zone = self.store, self.now(), self.desk_zone
        window = arr.upcoming(
            store, now, hours=self.hours, limit=MAX_ROWS, words=filter_words(self.filter_text)
        )
        if self.can_write:
            # Record what requests/files settled. If that fails (another writer, a lock),
            # the states read below are right anyway: they do not depend on it.
            with contextlib.suppress(StoreError, engine.DatabaseError):
                rc.auto_settle(store, now, zone)
        days = rc.roll_call(store, now, zone)
        self.app.call_from_thread(self._show, now, window, days)

    def _show(self, now: datetime, window: arr.ArrivalsWindow, days: list[rc.UnitDay]) -> None:
        self._last = (now, window, days)
        # The records under the cursors, before a new layout empties the tables.
        keep_arrival, keep_unit = self.selected_arrival(), self.selected_unit()
        arrival_rows = [self.arrival_cells(r, now) for r in window.rows]
        unit_rows = [self.unit_cells(d, now) for d in days]
        self._layout(self.size.width or 120, arrival_rows, unit_rows)
        first_look = not self.loaded
        self.rows, self.more = window.rows, window.more
        self.days = days
        self._fill(
            self.arrivals_table,
            arrival_rows,
            [str(r["id"]) for r in self.rows],
            # First look: the cursor on the first arrival still to come, not a done one.
            next((i for i, r in enumerate(self.rows) if r["state"] in OPEN_ARRIVAL_STATES), 0)
            if first_look
            else 0,
            keep=str(keep_arrival["id"]) if keep_arrival is not None else None,
        )
        self._fill(
            self.rollcall_table,
            unit_rows,
            [str(d.unit_id) for d in days],
            keep=str(keep_unit.unit_id) if keep_unit is not None else None,
        )
        late = sum(1 for r in self.rows if is_overdue(r["state"], from_iso(r["eta"]), now))
        if self.filter_text:
            first = _("“{text}”, any ETA").format(text=self.filter_text)
        else:
            first = _("next {hours}h").format(hours=f"{self.hours:g}")
        parts = [first, f"{len(self.rows)}"]
        if late:
            parts.append(f"{late} {_('LATE')}")
        if self.more:
            parts.append(_("{count} more").format(count=self.more))
        self.border_subtitle = " · ".join(parts)
        counts = {s: sum(1 for d in days if roll_state(d, now) is s) for s in RollCallState}
        title = Text(_("Roll-call") + " — ")
        for index, state in enumerate(RollCallState):
            if index:
                title.append(" · ")
            label = ROLL_LABEL[state]
            label = label.upper() if state is RollCallState.MISSING else label
            title.append(
                f"{counts[state]} {label}", style=ROLL_STYLE[state] if counts[state] else "dim"
            )
        # One line high whatever it says: no layout pass for it.
        self.query_one("#rollcall-title", Static).update(title, layout=False)
        self.loaded = True

    def _fill(
        self,
        table: DataTable[Text],
        rows: Sequence[dict[str, Text]],
        keys: list[str],
        first: int = 0,
        *,
        keep: str | None = None,
    ) -> None:
        """Replace the rows, keeping the cursor on the same record (``keep``) when it is
        still there (on a first fill: on row ``first``). The same records in the same
        order (a new minute, a reload that found nothing new) are updated cell by cell
        instead: no re-layout, nothing redrawn but what changed."""
        columns = self._columns.get(str(table.id), [])
        names = [name for name, _spec, _width in columns]
        shown = [
            [
                _fit(cell, spec, width)
                for cell, (_name, spec, width) in zip(
                    _shown_cells(cells, names), columns, strict=True
                )
            ]
            for cells in rows
        ]
        if keys and [str(k.value) for k in table.rows] == keys:
            for key, cells in zip(keys, shown, strict=True):
                for column, cell in zip(names, cells, strict=True):
                    if not _same(table.get_cell(key, column), cell):
                        table.update_cell(key, column, cell)
            return
        old_row = table.cursor_row if table.row_count else first
        table.clear()
        for key, cells in zip(keys, shown, strict=True):
            table.add_row(*cells, key=key)
        if not keys:
            return
        target = keys.index(keep) if keep in keys else min(old_row, len(keys) - 1)
        table.move_cursor(row=max(0, target), animate=False)

    # -- the filter -------------------------------------------------------------------------

    def open_filter(self) -> None:
        field = self.filter_input
        field.display = True
        # Focus now, not on the next message: keys typed right after "/" (or a paste)
        # must land in the filter, not run as commands on the table.
        self.screen.set_focus(field)

    @on(Input.Changed, "#arrivals-filter")
    def _filter_changed(self) -> None:
        text = self.filter_input.value.strip()
        if text != self.filter_text:
            self.filter_text = text
            self.reload()

    @on(Input.Submitted, "#arrivals-filter")
    def _filter_submitted(self) -> None:
        self._filter_changed()
        if not self.filter_text:
            self.filter_input.display = False
        self.screen.set_focus(self.arrivals_table)

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.filter_input.has_focus:
            event.stop()
            self.clear_filter()

    def clear_filter(self) -> None:
        self.filter_input.value = ""
        self.filter_input.display = False
        if self.filter_text:
            self.filter_text = ""
            self.reload()
        self.arrivals_table.focus()

    # -- rendering ------------------------------------------------------------------------

    def arrival_cells(self, row: Row, now: datetime) -> dict[str, Text]:
        """Every column's cell for one arrival (the layout picks the ones shown)."""
        eta = from_iso(row["eta"])
        state = str(row["state"])
        final = state in (ArrivalState.RECEIVED, ArrivalState.MET, ArrivalState.CANCELLED)
        dim = "dim" if final else ""
        if is_overdue(state, eta, now):
            due = Text(f"{_('LATE')} {_span(now - eta)}", style="bold red")
        elif final or state == ArrivalState.LANDED:
            due = Text("")
        else:
            due = Text(_("in {span}").format(span=_span(eta - now)), style=dim)
        where = ", ".join(str(p) for p in (row["origin_city"], row["origin_country"]) if p)
        held = holdups(row["permit"], row["customs"])
        held = [_("permit, customs pending")] if len(held) == 2 else [_(w) for w in held]
        cleared = [
            word
            for word, value in ((_("permit ok"), row["permit"]), (_("customs ok"), row["customs"]))
            if value in ("granted", "cleared")
        ]
        holdup_text = Text(", ".join(held), style="bold yellow") if held else Text("")
        if cleared and not held:
            holdup_text = Text(", ".join(cleared), style="dim green")
        return {
            "eta": _cell(self.local_hm_dt(eta, now), "bold" if not final else "dim"),
            "in": due,
            "state": _cell(_(state), STATE_STYLE.get(state, "")),
            "ref": _cell(row.get("reference") or "", dim),
            "what": _cell(contents(row) or "—", dim),
            "holdups": holdup_text,
            "origin": _cell(origin_time(eta, row["origin_tz"], tr=_) or "—", "dim"),
            "from": _cell(where, dim),
            "kind": _cell(KIND_LABEL.get(row["kind"], row["kind"]), dim),
            "short_holdups": Text(
                " ".join(SHORT_HOLDUP[word] for word in holdups(row["permit"], row["customs"])),
                style="bold yellow",
            ),
        }

    def unit_cells(self, day: rc.UnitDay, now: datetime) -> dict[str, Text]:
        state = roll_state(day, now)
        label = ROLL_LABEL[state]
        label = label.upper() if state is RollCallState.MISSING else label
        reported = ""
        if day.at is not None:
            reported = self.local_hm_dt(day.at, now) + (f" {day.by}" if day.by else "")
            if day.note:
                reported += f" — {day.note}"
        deadline = self.local_hm_dt(day.deadline, now)
        if state is RollCallState.DUE:
            deadline += " (" + _("in {span}").format(span=_span(day.deadline - now)) + ")"
        return {
            "state": _cell(label, ROLL_STYLE[state]),
            "unit": _cell(day.name),
            "deadline": _cell(deadline, "dim" if state is RollCallState.REPORTED else ""),
            "reported": _cell(reported, "dim"),
        }

    # -- selection ------------------------------------------------------------------------

    def selected_arrival(self) -> Row | None:
        table = self.arrivals_table
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def selected_unit(self) -> rc.UnitDay | None:
        table = self.rollcall_table
        if not self.days or not 0 <= table.cursor_row < len(self.days):
            return None
        return self.days[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table is self.arrivals_table:
            row = self.selected_arrival()
            if row is not None:
                self.app.push_screen(ArrivalDetail(self.store, int(row["id"]), self._local))
        else:
            day = self.selected_unit()
            if day is not None:
                self.app.push_screen(
                    UnitHistoryScreen(
                        self.store, day.unit_id, self.now(), self.desk_zone, self._local
                    )
                )

    def _local(self, iso: str) -> str:
        moment = from_iso(iso)
        return f"{moment.astimezone(self.zone):%a %d %b %H:%M} ({moment:%H:%M} UTC)"

    # -- actions --------------------------------------------------------------------------

    def _on_arrival(self, change: Callable[[Row], object], done: Callable[[Row], str]) -> None:
        row = self.selected_arrival()
        if row is not None:
            self.write(lambda: change(row), done(row))

    def ask_landed(self) -> None:
        """``l``: landed, once the officer says yes (a landing cannot be taken back)."""
        row = self.selected_arrival()
        if row is None:
            return
        if ArrivalState.LANDED not in arrival_targets(row["kind"], row["state"]):
            self.notify(
                _("#{id} is {status}: it cannot be marked landed").format(
                    id=row["id"], status=_(row["state"])
                ),
                severity="warning",
                markup=False,
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: arr.set_arrival_state(
                        self.store, row["id"], "landed", expected_version=row["version"]
                    ),
                    _("#{id} landed").format(id=row["id"]),
                )

        self.app.push_screen(
            ConfirmDialog(
                _("Landed?"),
                _("#{id} {what} has landed (now)?").format(id=row["id"], what=arr.describe(row)),
            ),
            answered,
        )

    # -- the arrival form ---------------------------------------------------------------

    def ask_new(self) -> None:
        """``N`` (and the palette's "New arrival"): the form for a shipment or traveller."""
        if self.can_write:
            self._open_form(None, {}, None)

    def ask_edit(self) -> None:
        """``e``: the form holding the selected arrival; only what was changed is saved,
        against the version shown (an arrival changed meanwhile is refused)."""
        row = self.selected_arrival()
        if row is not None:
            self._open_form(row, {}, None)

    def _open_form(
        self, row: Row | None, texts: dict[str, str], error: tuple[str, str] | None
    ) -> None:
        zone = self.desk_zone
        fields = arrival_fields(zone, self.now, row)
        if texts:  # opened again after a problem: what was typed
            fields = [replace(f, value=texts.get(f.name, f.value)) for f in fields]
        title = (
            _("Edit arrival #{id}").format(id=row["id"]) if row is not None else _("New arrival")
        )
        form = ArrivalForm(title, fields, row=row, error=error)
        before = prefill(row, zone) if row is not None else {}

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                self._prepare(Submitted(values, form.texts, row, before))

        self.app.push_screen(form, done)

    @work(thread=True, exit_on_error=False, group="arrival-form")
    def _prepare(self, form: Submitted) -> None:
        """Off the event loop: the lead the form names and the origin zone it implies.
        A lead not found (or several) comes back as a question or an error in the form."""
        try:
            fields = store_fields(form)
            typed_lead = form.texts.get("lead", "").strip()
            if form.row is None or form.changed("lead"):
                if not typed_lead:
                    if form.row is not None:
                        fields["lead_id"] = None
                else:
                    leads = arr.find_leads(self.store, typed_lead, limit=8)
                    if len(leads) != 1:
                        self.app.call_from_thread(self._lead_problem, form, leads)
                        return
                    fields["lead_id"] = int(leads[0]["id"])
            self._guess_zone(form, fields)
        except (StoreError, engine.DatabaseError) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", timeout=8, markup=False
            )
            return
        self.app.call_from_thread(self._save, form, fields)

    @staticmethod
    def _guess_zone(form: Submitted, fields: dict[str, Any]) -> None:
        """No zone typed (or the origin moved under an unchanged one): tzdata's guess."""
        row = form.row
        country = fields.get("origin_country", row.get("origin_country") if row else None)
        city = fields.get("origin_city", row.get("origin_city") if row else None)
        typed = form.texts.get("origin_tz", "").strip()
        moved = row is not None and (form.changed("origin_country") or form.changed("origin_city"))
        if typed and not (moved and not form.changed("origin_tz")):
            return
        if not (country or city):
            if row is not None and form.changed("origin_tz"):
                fields["origin_tz"] = None
            return
        guessed, _why = zone_guess(country, city)
        if row is None:
            if guessed:
                fields["origin_tz"] = guessed
        elif guessed != row.get("origin_tz"):
            fields["origin_tz"] = guessed

    def _lead_problem(self, form: Submitted, leads: list[Row]) -> None:
        typed = form.texts.get("lead", "")
        if not leads:
            message = _("no lead has the number or supplier “{text}”").format(text=typed)
            self._open_form(form.row, form.texts, ("lead", message))
            return

        def chosen(value: str | None) -> None:
            if value is None:
                self._open_form(form.row, form.texts, ("lead", _("choose one of the leads")))
                return
            texts = dict(form.texts, lead=value)
            self._prepare(Submitted(form.values, texts, form.row, form.before))

        self.app.push_screen(
            ChoiceDialog(
                _("Which lead is “{text}”?").format(text=typed),
                [
                    (
                        str(lead["id"]),
                        f"#{lead['id']} {lead['supplier']} — {lead['item']} ({_(lead['status'])})",
                    )
                    for lead in leads
                ],
            ),
            chosen,
        )

    def _save(self, form: Submitted, fields: dict[str, Any]) -> None:
        row = form.row
        if row is None:
            what = arr.describe(fields)
            zone_note = (
                ""
                if fields.get("origin_tz")
                or not (fields.get("origin_country") or fields.get("origin_city"))
                else " · " + _("no origin zone: give one to see its local time")
            )
            self.write(
                lambda: arr.add_arrival(self.store, fields),
                _("arrival added: {what}").format(what=what) + zone_note,
            )
            return
        if not fields:
            self.notify(_("#{id}: nothing changed").format(id=row["id"]), timeout=3, markup=False)
            return
        self.write(
            lambda: arr.update_arrival(
                self.store, row["id"], fields, expected_version=row["version"]
            ),
            _("#{id} updated").format(id=row["id"]),
        )

    def mark_done(self) -> None:
        self._on_arrival(
            lambda row: arr.mark_done(self.store, row["id"], expected_version=row["version"]),
            lambda row: f"#{row['id']} {_(done_state(row['kind']).value)}",
        )

    def ask_delay(self) -> None:
        row = self.selected_arrival()
        if row is None:
            return
        zone = self.desk_zone

        def given(values: dict[str, object] | None) -> None:
            if values is None:
                return
            new_eta, note = str(values["eta"]), values.get("note")
            self.write(
                lambda: arr.delay(
                    self.store,
                    row["id"],
                    new_eta,
                    note=str(note) if note else None,
                    expected_version=row["version"],
                ),
                _("#{id} delayed to {time}").format(
                    id=row["id"], time=self.local_hm_dt(from_iso(new_eta), self.now())
                ),
            )

        self.app.push_screen(
            FormDialog(
                _("#{id} {what}: delayed to").format(id=row["id"], what=arr.describe(row)),
                [
                    Field(
                        "eta",
                        _("New ETA ({zone})").format(zone=zone),
                        required=True,
                        placeholder="2020-02-05 06:30",
                        check=forms.when(zone),
                    ),
                    Field("note", _("Why (optional)"), placeholder=_("permit not yet granted")),
                ],
            ),
            given,
        )

    def ask_state(self) -> None:
        row = self.selected_arrival()
        if row is None:
            return
        targets = arrival_targets(row["kind"], row["state"])
        if not targets:
            self.notify(
                _("#{id} is {status}: a final state").format(id=row["id"], status=_(row["state"])),
                markup=False,
            )
            return

        def chosen(target: str | None) -> None:
            if target is None:
                return
            if target == ArrivalState.DELAYED:
                self.ask_delay()
                return
            self.write(
                lambda: arr.set_arrival_state(
                    self.store, row["id"], target, expected_version=row["version"]
                ),
                f"#{row['id']} → {_(target)}",
            )

        self.app.push_screen(
            ChoiceDialog(
                _("#{id} {what} is {status}; move to").format(
                    id=row["id"], what=arr.describe(row), status=_(row["state"])
                ),
                [
                    (t.value, _(t.value) + ("…" if t is ArrivalState.DELAYED else ""))
                    for t in targets
                ],
            ),
            chosen,
        )

    def ask_holdup(self) -> None:
        row = self.selected_arrival()
        if row is None:
            return
        choices = [
            ("permit:pending", _("flight permit pending")),
            ("permit:granted", _("flight permit granted")),
            ("permit:", _("no permit needed")),
            ("customs:pending", _("customs pending")),
            ("customs:cleared", _("customs cleared")),
            ("customs:", _("no customs hold")),
        ]

        def chosen(value: str | None) -> None:
            if not value:
                return
            name, _sep, setting = value.partition(":")
            kwargs = {name: setting or None}
            self.write(
                lambda: arr.set_holdup(
                    self.store, row["id"], expected_version=row["version"], **kwargs
                ),
                _("#{id} hold-ups updated").format(id=row["id"]),
            )

        self.app.push_screen(
            ChoiceDialog(_("Hold-ups of #{id}").format(id=row["id"]), choices), chosen
        )

    def ask_note(self) -> None:
        row = self.selected_arrival()
        if row is None:
            return

        def given(values: dict[str, object] | None) -> None:
            if values is not None:
                text = str(values["text"])
                self.write(
                    lambda: arr.add_arrival_note(
                        self.store, row["id"], text, expected_version=row["version"]
                    ),
                    _("note added to #{id}").format(id=row["id"]),
                )

        self.app.push_screen(text_dialog(_("Note on #{id}").format(id=row["id"]), _("Note")), given)

    def mark_reported(self, note: str | None) -> None:
        day = self.selected_unit()
        if day is None:
            return
        zone = self.desk_zone
        self.write(
            lambda: rc.mark_reported(
                self.store,
                day.unit_id,
                zone,
                note=note or "marked on the dashboard",  # stored in the log: English
                day=day.day,
            ),
            _("{unit}: reported").format(unit=day.name),
        )

    def ask_reported_note(self) -> None:
        day = self.selected_unit()
        if day is None:
            return

        def given(values: dict[str, object] | None) -> None:
            if values is not None:
                self.mark_reported(str(values["text"]))

        self.app.push_screen(
            text_dialog(
                _("{unit} has reported").format(unit=day.name),
                _("How (note)"),
                placeholder=_("by phone"),
            ),
            given,
        )

    # -- the app's minute hook --------------------------------------------------------------
