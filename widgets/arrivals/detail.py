"""Detail of one arrival (fields, notes, original declaration, every ETA it had) and the
history of one reporting unit (its streak and gaps)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dutyboard.domain.arrivals import origin_time
from dutyboard.domain.clock import from_iso
from dutyboard.domain.rollcall import RollCallState
from dutyboard.i18n import _
from dutyboard.store import Row, Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc
from dutyboard.store.jsontext import json_object
from widgets.common.desk import ReportsFailures
from widgets.common.detail import pretty_json

_HIDDEN = {"raw", "extra", "notes", "content_hash"}
_TIMES = ("eta", "first_eta", "landed_at", "done_at", "reminded_at", "created_at", "updated_at")


class _Modal(ModalScreen[None], ReportsFailures):
    DEFAULT_CSS = """
    _Modal { align: center middle; background: $background 60%; }
    _Modal > VerticalScroll {
        width: 110; max-width: 100%; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", _("Close"), id="detail.close")
    ]

    def __init__(self) -> None:
        super().__init__()
        self.body = Static(Text(_("loading…")))
        self.content: RenderableType = Text(_("loading…"))

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.body

    def show(self, content: RenderableType) -> None:
        self.content = content
        self.body.update(content)

    def plain(self, width: int = 110) -> str:
        """What the screen shows, as plain text (for tests and copying)."""
        buffer = io.StringIO()
        Console(width=width, file=buffer, color_system=None).print(self.content)
        return buffer.getvalue()

    def action_close(self) -> None:
        self.dismiss(None)


class ArrivalDetail(_Modal):
    def __init__(self, store: Store, arrival_id: int, local: Callable[[str], str]) -> None:
        super().__init__()
        self.store = store
        self.arrival_id = arrival_id
        self.local = local  # UTC ISO → the officer's time, as text

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = _("arrival #{id}").format(id=self.arrival_id)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        row = arr.get_arrival(self.store, self.arrival_id)
        history = arr.arrival_history(self.store, self.arrival_id, limit=100)
        self.app.call_from_thread(self._present, row, history)

    def _time(self, value: object) -> str:
        try:
            return self.local(str(value))
        except (TypeError, ValueError):
            return str(value)

    def _present(self, row: Row, history: list[Row]) -> None:
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="bold", no_wrap=True)
        fields.add_column()
        for name, value in row.items():
            if name in _HIDDEN or value in (None, ""):
                continue
            shown = self._time(value) if name in _TIMES else str(value)
            if name == "eta" and row.get("origin_tz"):
                shown += " — " + _("at origin {time}").format(
                    time=origin_time(from_iso(str(value)), row["origin_tz"], tr=_)
                )
            fields.add_row(Text(name), Text(shown))
        parts: list[RenderableType] = [fields]
        if row.get("notes"):
            parts += [Text("\n" + _("Notes"), style="bold underline"), Text(str(row["notes"]))]
        if row.get("extra"):
            parts += [Text("\n" + _("Other fields from the source"), style="bold underline")]
            parts.append(Text(pretty_json(str(row["extra"]))))
        if row.get("raw"):
            parts += [Text("\n" + _("Original record (as received)"), style="bold underline")]
            parts.append(Text(str(row["raw"])))
        parts.append(Text("\n" + _("History ({n})").format(n=len(history)), style="bold underline"))
        for event in history:
            parts.append(self._event(event))
        self.show(Group(*parts))

    def _event(self, event: Row) -> Text:
        line = Text.assemble(
            (self._time(event["at"]), "dim"),
            " ",
            (str(event["actor"]), "bold"),
            " ",
            (str(event["action"]), "cyan"),
        )
        before, after = json_object(event["before"]), json_object(event["after"])
        for key in sorted(set(before) | set(after)):
            if key in ("notes", "raw", "content_hash", "extra"):
                continue
            old, new = before.get(key), after.get(key)
            if key in _TIMES:
                old = self._time(old) if old else old
                new = self._time(new) if new else new
            line.append(f"\n    {key}: " + (f"{old} → {new}" if key in before else f"{new}"))
        return line


class UnitHistoryScreen(_Modal):
    def __init__(
        self,
        store: Store,
        unit_id: int,
        now: datetime,
        desk_zone: str,
        local: Callable[[str], str],
        periods: int = 14,
    ) -> None:
        super().__init__()
        self.store = store
        self.unit_id = unit_id
        self.now = now
        self.desk_zone = desk_zone
        self.local = local
        self.periods = periods

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        history = rc.unit_history(self.store, self.unit_id, self.now, self.desk_zone, self.periods)
        self.app.call_from_thread(self._present, history)

    def _present(self, history: rc.UnitHistory) -> None:
        self.query_one(VerticalScroll).border_title = history.unit.name
        s = history.streak
        head = Text.assemble(
            (history.unit.name, "bold"),
            f" — {history.unit.rule.text}",
            f" ({history.unit.zone or self.desk_zone})\n",
            (_("streak {n}").format(n=s.current), "bold"),
            " · " + _("{n} on time").format(n=s.reported),
            " · " + _("{n} late").format(n=s.late) + " · ",
            (_("{n} missing").format(n=s.missing), "bold red" if s.missing else ""),
        )
        if s.gaps:
            head.append("\n" + _("gaps: ") + ", ".join(d.isoformat() for d in s.gaps))
        table = Table.grid(padding=(0, 2))
        for _column in range(4):
            table.add_column(no_wrap=True)
        for p in reversed(history.periods):
            state = p.state.value.upper() if p.state is RollCallState.MISSING else p.state.value
            when = self.local(p.at.isoformat()) if p.at else ""
            by = p.by + (f" — {p.note}" if p.note else "")
            table.add_row(Text(p.day.isoformat()), Text(state), Text(when), Text(by))
        self.show(Group(head, Text(""), table))
