"""Planner: the next windows in the coming week when everyone picked is at work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dutyboard.domain.contact_groups import ContactProfile
from dutyboard.domain.reachability import Party, UnknownZone, common_windows
from dutyboard.i18n import _
from dutyboard.store import Row


def parties(rows: Sequence[Row]) -> list[Party]:
    out = []
    for row in rows:
        profile = ContactProfile.of(row)
        if profile.tz:
            out.append(Party(profile.tz, profile.pattern(), profile.country, profile.subdivision))
    return out


class PlannerScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PlannerScreen { align: center middle; background: $background 60%; }
    PlannerScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "close", _("Close"))]

    def __init__(
        self,
        rows: Sequence[Row],
        now: datetime,
        local: Callable[[datetime], str],
        officer: Party | None = None,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.now = now
        self.local = local
        self.officer = officer
        self.windows: list[tuple[datetime, datetime]] = []
        self.error = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._content())

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = _("Common working windows, next 7 days")

    def _content(self) -> Group:
        who = parties(self.rows)
        if self.officer is not None:
            who.append(self.officer)
        names = ", ".join(str(r["name"]) for r in self.rows)
        lines: list[Text] = [
            Text(
                (
                    _("Everyone at work: {names} and you")
                    if self.officer
                    else _("Everyone at work: {names}")
                ).format(names=names),
                style="bold",
            )
        ]
        try:
            self.windows = common_windows(who, self.now, days=7)
        except UnknownZone as exc:
            self.error = str(exc)
            return Group(*lines, Text(self.error, style="bold red"))
        if not self.windows:
            lines.append(Text(_("No common window in the next 7 days."), style="bold yellow"))
        for start, end in self.windows:
            hours = (end - start) / timedelta(hours=1)
            lines.append(Text(f"  {self.local(start)} – {self.local(end)}   ({hours:.1f} h)"))
        lines.append(Text(_("Times are yours (desk time zone)."), style="dim"))
        return Group(*lines)

    def action_close(self) -> None:
        self.dismiss(None)
