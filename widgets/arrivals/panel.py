"""Tonight's arrivals and the unit roll-call, in one panel.

Top: what lands in the next hours (default 24), by ETA in the officer's time, each ETA
also on the origin's clock; overdue arrivals say ``LATE`` in words (readable without
colour). Bottom: each reporting unit's state in its current period, missing first.

Both lists are small by nature, so each is one bounded query in a thread worker
(capped, with "N more"), rendered into a ``DataTable`` as ``rich.text.Text`` — never
markup. Write keys do not exist in a leader session or on a read-only store.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Static

from dutyboard.domain.arrivals import (
    OPEN_ARRIVAL_STATES,
    ArrivalKind,
    ArrivalState,
    arrival_targets,
    done_state,
    holdups,
    is_overdue,
    origin_time,
)
from dutyboard.domain.clock import from_iso
from dutyboard.domain.rollcall import RollCallState
from dutyboard.i18n import _
from dutyboard.store import Row, Store, StoreError
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from widgets.arrivals.detail import ArrivalDetail, UnitHistoryScreen
from widgets.common import forms
from widgets.common.dialogs import ChoiceDialog, Field, FormDialog, text_dialog
from widgets.common.fmt import day_hm, pgettext
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
# Roll-call states as words ("due" has its own key: elsewhere it is a deadline).
ROLL_LABEL = {
    RollCallState.REPORTED: _("reported"),
    RollCallState.LATE: _("late"),
    RollCallState.DUE: pgettext("roll-call", "due"),
    RollCallState.MISSING: _("missing"),
}

# (label, width; 0 = shares the spare width, at least MIN_FLEX) and from which panel
# width a column is shown: the bottom-right corner of a 160-column screen is ~64 wide,
# a phone narrower still, so what matters most comes first and the rest drops off.
ARRIVAL_COLUMNS: tuple[tuple[str, str, int, int], ...] = (
    ("eta", _("ETA"), 9, 0),
    ("in", pgettext("time until arrival", "In"), 9, 0),  # "In" alone is goods in
    ("state", _("State"), 9, 0),
    ("what", _("What"), 0, 0),
    ("holdups", _("Hold-ups"), 23, 80),  # narrower panels show the hold-ups before "What"
    ("origin", _("Origin time"), 18, 100),
    ("from", _("From"), 14, 120),
    ("kind", _("Kind"), 6, 135),
)
ROLL_COLUMNS: tuple[tuple[str, str, int, int], ...] = (
    ("state", _("State"), 8, 0),
    ("unit", _("Unit"), 0, 0),
    ("deadline", _("Deadline"), 15, 0),
    ("reported", _("Reported"), 0, 70),
)
MIN_FLEX = 18


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


def _shown_cells(cells: dict[str, Text], columns: Sequence[str]) -> list[Text]:
    """The cells of the columns shown, in their order."""
    if "short_holdups" in cells and "holdups" not in columns:
        # Too narrow for the column: the hold-ups lead the description instead.
        short = cells["short_holdups"]
        if short.plain:
            what = Text.assemble(short, " ", cells["what"], no_wrap=True, overflow="ellipsis")
            cells = dict(cells, what=what)
    return [cells[column] for column in columns]


def _same(old: object, new: Text) -> bool:
    return (
        isinstance(old, Text)
        and old.plain == new.plain
        and old.style == new.style
        and old.spans == new.spans
    )


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
        return True


class ArrivalsTable(_WriteGuard, DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "landed", _("Landed"), id="arrival.landed"),
        Binding("r", "done", _("Received/met"), id="arrival.done"),
        Binding("d", "delay", _("Delayed…"), id="arrival.delay"),
        Binding("s", "state", _("State"), id="arrival.state"),
        Binding("h", "holdup", _("Hold-up"), id="arrival.holdup"),
        Binding("n", "note", _("Note"), id="arrival.note"),
    ]
    WRITE_ACTIONS = frozenset({"landed", "done", "delay", "state", "holdup", "note"})

    def action_landed(self) -> None:
        self._panel().mark_landed()

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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reported", _("Reported"), id="rollcall.reported"),
        Binding("R", "reported_note", _("Reported…"), id="rollcall.reported_note"),
    ]
    WRITE_ACTIONS = frozenset({"reported", "reported_note"})

    def action_reported(self) -> None:
        self._panel().mark_reported(None)

    def action_reported_note(self) -> None:
        self._panel().ask_reported_note()


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
        self._fired: set[tuple[int, str]] = set()  # reminders shown (read-only sessions)
        self._last: tuple[datetime, arr.ArrivalsWindow, list[rc.UnitDay]] | None = None
        self._clock_stale = False  # a minute's re-read was skipped while hidden

    # -- the host app -------------------------------------------------------------------

    @property
    def host(self) -> Any:
        """The app: ``store``, ``role``, ``clock``, ``config`` (and ``zone``) are used."""
        return self.app

    @property
    def store(self) -> Store:
        store: Store = self.host.store
        return store

    @property
    def zone(self) -> ZoneInfo:
        zone = getattr(self.host, "zone", None)
        return zone if isinstance(zone, ZoneInfo) else ZoneInfo(self.host.config.timezone)

    @property
    def desk_zone(self) -> str:
        return self.zone.key

    @property
    def hours(self) -> float:
        if self._hours is not None:
            return self._hours
        return float(getattr(self.host.config, "arrivals_hours", DEFAULT_HOURS))

    @property
    def remind_before(self) -> timedelta:
        minutes = getattr(self.host.config, "arrivals_remind_minutes", DEFAULT_REMIND_MINUTES)
        return timedelta(minutes=float(minutes))

    @property
    def can_write(self) -> bool:
        return self.host.role == "officer" and not self.store.readonly

    def now(self) -> datetime:
        moment: datetime = self.host.clock()
        return moment

    # -- layout ---------------------------------------------------------------------------

    @property
    def arrivals_table(self) -> ArrivalsTable:
        return self.query_one(ArrivalsTable)

    @property
    def rollcall_table(self) -> RollCallTable:
        return self.query_one(RollCallTable)

    def compose(self) -> ComposeResult:
        yield ArrivalsTable(id="arrivals-table", cursor_type="row", zebra_stripes=False)
        yield Static(Text(_("Roll-call")), id="rollcall-title")
        yield RollCallTable(id="rollcall-table", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        self._layout(self.size.width or 120)
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
        arrival, unit = self.selected_arrival(), self.selected_unit()  # before the redraw
        if self._layout(self.size.width) and self._last is not None:
            self._show(*self._last)
            if arrival is not None:
                self._move_to(self.arrivals_table, str(arrival["id"]))
            if unit is not None:
                self._move_to(self.rollcall_table, str(unit.unit_id))

    @staticmethod
    def _move_to(table: DataTable[Text], key: str) -> None:
        with contextlib.suppress(LookupError):
            table.move_cursor(row=table.get_row_index(key), animate=False)

    def _layout(self, width: int) -> bool:
        """Columns for this width; True when they changed (the rows are then redrawn)."""
        inner = max(20, width - 4)  # border, scrollbar
        changed = False
        for table, spec in (
            (self.arrivals_table, ARRIVAL_COLUMNS),
            (self.rollcall_table, ROLL_COLUMNS),
        ):
            shown = [(key, label, w) for key, label, w, from_width in spec if inner >= from_width]
            fixed = sum(w for _key, _label, w in shown) + 2 * len(shown)  # cell padding
            flex = [key for key, _label, w in shown if w == 0]
            share = max(MIN_FLEX, (inner - fixed) // max(1, len(flex)))
            widths = [(key, w or share) for key, _label, w in shown]
            current = [(str(key.value), c.width) for key, c in table.columns.items()]
            if current == widths:
                continue
            table.clear(columns=True)
            for key, label, w in shown:
                table.add_column(label, width=w or share, key=key)
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
        window = arr.upcoming(store, now, hours=self.hours, limit=MAX_ROWS)
        if self.can_write:
            # Record what requests/files settled. If that fails (another writer, a lock),
            # the states read below are right anyway: they do not depend on it.
            with contextlib.suppress(StoreError, sqlite3.Error):
                rc.auto_settle(store, now, zone)
        days = rc.roll_call(store, now, zone)
        self.app.call_from_thread(self._show, now, window, days)

    def _show(self, now: datetime, window: arr.ArrivalsWindow, days: list[rc.UnitDay]) -> None:
        self._last = (now, window, days)
        self.rows, self.more = window.rows, window.more
        self.days = days
        self._fill(
            self.arrivals_table,
            [self.arrival_cells(r, now) for r in self.rows],
            [str(r["id"]) for r in self.rows],
            # First look: the cursor on the first arrival still to come, not a done one.
            next((i for i, r in enumerate(self.rows) if r["state"] in OPEN_ARRIVAL_STATES), 0),
        )
        self._fill(
            self.rollcall_table,
            [self.unit_cells(d, now) for d in days],
            [str(d.unit_id) for d in days],
        )
        late = sum(1 for r in self.rows if is_overdue(r["state"], from_iso(r["eta"]), now))
        parts = [_("next {hours}h").format(hours=f"{self.hours:g}"), f"{len(self.rows)}"]
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

    @staticmethod
    def _fill(
        table: DataTable[Text], rows: Sequence[dict[str, Text]], keys: list[str], first: int = 0
    ) -> None:
        """Replace the rows, keeping the cursor on the same record when it is still there
        (on a first fill: on row ``first``). The same records in the same order (a new
        minute, a reload that found nothing new) are updated cell by cell instead: no
        re-layout, nothing redrawn but what changed."""
        columns = [str(key.value) for key in table.columns]
        shown = [_shown_cells(cells, columns) for cells in rows]
        if keys and [str(k.value) for k in table.rows] == keys:
            for key, cells in zip(keys, shown, strict=True):
                for column, cell in zip(columns, cells, strict=True):
                    if not _same(table.get_cell(key, column), cell):
                        table.update_cell(key, column, cell)
            return
        current: str | None = None
        if table.row_count and 0 <= table.cursor_row < table.row_count:
            current = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        old_row = table.cursor_row if table.row_count else first
        table.clear()
        for key, cells in zip(keys, shown, strict=True):
            table.add_row(*cells, key=key)
        if not keys:
            return
        target = keys.index(current) if current in keys else min(old_row, len(keys) - 1)
        table.move_cursor(row=max(0, target), animate=False)

    # -- rendering ------------------------------------------------------------------------

    def desk_time(self, moment: datetime, now: datetime) -> str:
        local = moment.astimezone(self.zone)
        today = now.astimezone(self.zone).date()
        return f"{local:%H:%M}" if local.date() == today else day_hm(local)

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
            "eta": _cell(self.desk_time(eta, now), "bold" if not final else "dim"),
            "in": due,
            "state": _cell(_(state), STATE_STYLE.get(state, "")),
            "what": _cell(arr.describe(row), dim),
            "holdups": holdup_text,
            "origin": _cell(origin_time(eta, row["origin_tz"]) or "—", "dim"),
            "from": _cell(where, dim),
            "kind": _cell(KIND_LABEL.get(row["kind"], row["kind"]), dim),
            "short_holdups": Text(
                " ".join(f"{word.split()[0]}?" for word in holdups(row["permit"], row["customs"])),
                style="bold yellow",
            ),
        }

    def unit_cells(self, day: rc.UnitDay, now: datetime) -> dict[str, Text]:
        state = roll_state(day, now)
        label = ROLL_LABEL[state]
        label = label.upper() if state is RollCallState.MISSING else label
        reported = ""
        if day.at is not None:
            reported = self.desk_time(day.at, now) + (f" {day.by}" if day.by else "")
            if day.note:
                reported += f" — {day.note}"
        deadline = self.desk_time(day.deadline, now)
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

    def mark_landed(self) -> None:
        self._on_arrival(
            lambda row: arr.set_arrival_state(
                self.store, row["id"], "landed", expected_version=row["version"]
            ),
            lambda row: _("#{id} landed").format(id=row["id"]),
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
                    id=row["id"], time=self.desk_time(from_iso(new_eta), self.now())
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

    def reminders_due(self, now: datetime | None = None) -> list[str]:
        """Reminders to toast now, each once. Safe to call from a thread worker.

        An officer's session records each reminder in the database (``reminded_at``), so
        two dashboards do not both toast it; a read-only session remembers what it showed.
        """
        moment = now or self.now()
        if self.can_write:
            rows = arr.take_due_reminders(self.store, moment, self.remind_before)
        else:
            rows = [
                r
                for r in arr.reminders_pending(self.store, moment, self.remind_before)
                if (int(r["id"]), r["eta"]) not in self._fired
            ]
            self._fired.update((int(r["id"]), r["eta"]) for r in rows)
        return [self.reminder_text(r, moment) for r in rows]

    def reminder_text(self, row: Row, now: datetime) -> str:
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
        return text.format(what=arr.describe(row), time=self.desk_time(eta, now), when=when)
