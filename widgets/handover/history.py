"""Past handovers: browse newest first, search (officers, notes, items, questions).

Pages of 50 by id (keyset), never the whole table; ``enter`` opens one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from dutyboard.domain.clock import from_iso
from dutyboard.i18n import _
from dutyboard.store import Row
from dutyboard.store import handovers as ho
from widgets.common.desk import OnDesk
from widgets.common.fmt import status_label, weekday

PAGE = 50


def day_date_time(moment: datetime) -> str:
    """'Wed 04 Feb 03:00' / '周三 2月04日 03:00' (strftime's %a and %b are the C locale's)."""
    months = (
        _("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"),
        _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec"),
    )  # fmt: skip
    return _("{weekday} {day} {month} {time}").format(
        weekday=weekday(moment),
        day=f"{moment:%d}",
        month=months[moment.month - 1],
        time=f"{moment:%H:%M}",
    )


class HandoverHistoryScreen(Screen[None], OnDesk):
    DEFAULT_CSS = """
    HandoverHistoryScreen { layout: vertical; }
    HandoverHistoryScreen #hh-search { margin: 0 1; }
    HandoverHistoryScreen #hh-list { height: 1fr; border: round $panel-lighten-2; }
    HandoverHistoryScreen #hh-list:focus { border: round $accent; }
    HandoverHistoryScreen #hh-count { padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), id="history.back"),
        Binding("slash", "search", _("Search"), id="history.search"),
        Binding("m", "more", _("Older"), id="history.more"),
    ]

    def __init__(self, opener: Callable[[int], Screen[None]]) -> None:
        """``opener``: the screen for one handover (the handover screen; passed in, so
        the two screens do not import each other)."""
        super().__init__()
        self.opener = opener
        self.rows: list[Row] = []
        self.exhausted = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("search handovers: a name, a unit, a word"), id="hh-search")
        yield Label("", id="hh-count")
        yield OptionList(id="hh-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#hh-list").focus()
        self.load(reset=True)

    @property
    def text(self) -> str:
        return self.query_one("#hh-search", Input).value.strip()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-load")
    def load(self, reset: bool = False) -> None:
        before = None if reset or not self.rows else int(self.rows[-1]["id"])
        rows = ho.handover_history(self.store, text=self.text, limit=PAGE, before_id=before)
        self.app.call_from_thread(self._show, rows, reset)

    def _show(self, rows: list[Row], reset: bool) -> None:
        self.rows = rows if reset else self.rows + rows
        self.exhausted = len(rows) < PAGE
        listing = self.query_one("#hh-list", OptionList)
        if reset:
            listing.clear_options()
        listing.add_options([Option(self._prompt(r), id=str(r["id"])) for r in rows])
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0
        shown = _("{n} handover(s)").format(n=len(self.rows))
        if self.text:
            shown += _(" matching “{text}”").format(text=self.text)
        if not self.exhausted:
            shown += " · " + _("m shows older")
        self.query_one("#hh-count", Label).update(Text(shown))

    def _prompt(self, row: Row) -> Text:
        def local(iso: object) -> str:
            if not iso:
                return "—"
            return day_date_time(from_iso(str(iso)).astimezone(self.desk.zone))

        text = Text(f"#{row['id']} ", style="bold")
        text.append(str(row["from_officer"]))
        text.append(" → ")
        text.append(str(row["to_officer"] or "?"))
        text.append(f"  {status_label(str(row['state']))}", style="bold")
        text.append(
            "  "
            + _("{done}/{count} items acknowledged").format(
                done=row["acknowledged_items"], count=row["items"]
            ),
            "dim",
        )
        signed = (
            _("signed {time}").format(time=local(row["signed_at"]))
            if row["signed_at"]
            else _("not signed yet")
        )
        text.append(f"\n   {signed}", style="dim")
        if row["acknowledged_at"]:
            text.append(
                " · "
                + _("acknowledged {time} by {name}").format(
                    time=local(row["acknowledged_at"]), name=row["acknowledged_by"]
                ),
                style="dim",
            )
        notes = " ".join(str(row["notes"] or "").split())
        if notes:
            text.append("\n   ")
            text.append(notes[:150] + ("…" if len(notes) > 150 else ""), style="italic")
        return text

    @on(Input.Changed, "#hh-search")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.2, lambda: self.load(reset=True))

    @on(Input.Submitted, "#hh-search")
    def _submitted(self) -> None:
        self.load(reset=True)
        self.query_one("#hh-list").focus()

    def action_search(self) -> None:
        self.query_one("#hh-search").focus()

    def action_more(self) -> None:
        if not self.exhausted:
            self.load()

    def action_back(self) -> None:
        if self.query_one("#hh-search", Input).has_focus and self.text:
            self.query_one("#hh-search", Input).value = ""
            self.query_one("#hh-list").focus()
            return
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#hh-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(self.opener(int(event.option.id)))
