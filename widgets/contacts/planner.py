"""Planner: the next windows in the coming week when everyone picked is at work; when
there is none, the best partial window (who it leaves out, and their time then) and two
calls that together reach everyone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dutyboard.domain.contact_groups import ContactProfile
from dutyboard.domain.reachability import (
    CallPlan,
    PartialWindow,
    Party,
    UnknownZone,
    best_partial,
    common_windows,
)
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.store import Row
from widgets.common.fmt import day_hm


def parties(rows: Sequence[Row]) -> list[Party]:
    return [party for _row, party in zoned(rows)]


def zoned(rows: Sequence[Row]) -> list[tuple[Row, Party]]:
    """The contacts whose zone is known, each with its side of the call."""
    out = []
    for row in rows:
        profile = ContactProfile.of(row)
        if profile.tz:
            party = Party(profile.tz, profile.pattern(), profile.country, profile.subdivision)
            out.append((row, party))
    return out


class PlannerScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PlannerScreen { align: center middle; background: $background 60%; }
    PlannerScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", _("Close"), id="planner.close")
    ]

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
        self.plan: CallPlan | None = None  # only when no window fits everyone
        self.names: list[str] = []  # the parties' names, in their order
        self.error = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._content())

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = _("Common working windows, next 7 days")

    def _content(self) -> Group:
        known = zoned(self.rows)
        who = [party for _row, party in known]
        # Names in the parties' order; "you" last, the officer being on every call.
        self.names = [clean_line(row["name"], limit=80) for row, _party in known]
        if self.officer is not None:
            who.append(self.officer)
            self.names.append(_("you"))
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
            required = [len(who) - 1] if self.officer is not None else []
            self.plan = best_partial(who, self.now, days=7, required=required)
            lines += self._partial(self.plan, who)
        for start, end in self.windows:
            hours = (end - start) / timedelta(hours=1)
            lines.append(Text(f"  {self.local(start)} – {self.local(end)}   ({hours:.1f} h)"))
        unzoned = [
            clean_line(r["name"], limit=80) for r in self.rows if not ContactProfile.of(r).tz
        ]
        if unzoned:
            lines.append(
                Text(
                    _("No time zone known, not planned: {names}").format(names=", ".join(unzoned)),
                    style="yellow",
                )
            )
        lines.append(Text(_("Times are yours (desk time zone)."), style="dim"))
        return Group(*lines)

    def _span(self, w: PartialWindow) -> str:
        hours = w.length / timedelta(hours=1)
        return f"{self.local(w.start)} – {self.local(w.end)}   ({hours:.1f} h)"

    def _names(self, indices: Sequence[int]) -> str:
        return ", ".join(self.names[i] for i in indices)

    def _partial(self, plan: CallPlan, who: Sequence[Party]) -> list[Text]:
        """The best partial window and the two-call plan, as lines."""
        if plan.best is None:
            return []
        best = plan.best
        lines = [
            Text(
                _("Best partial window, reaching {count} of {total}:").format(
                    count=len(best.reached), total=len(who)
                ),
                style="bold",
            ),
            Text(f"  {self._span(best)}"),
            Text("  " + _("with {names}").format(names=self._names(best.reached))),
        ]
        left_out = [
            _("{name} ({time} there)").format(
                name=self.names[i], time=day_hm(best.start.astimezone(ZoneInfo(who[i].zone)))
            )
            for i in best.left_out
        ]
        lines.append(
            Text("  " + _("left out: {names}").format(names=", ".join(left_out)), style="yellow")
        )
        if plan.pair is not None:
            lines.append(Text(_("Or two calls that together reach everyone:"), style="bold"))
            for number, call in enumerate(plan.pair, 1):
                lines.append(Text(f"  {number}. {self._span(call)}  {self._names(call.reached)}"))
        return lines

    def action_close(self) -> None:
        self.dismiss(None)
