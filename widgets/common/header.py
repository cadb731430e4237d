"""The desk header.

Line 1: the officer's clock and UTC, who is on duty, the role, the desk.
Line 2: what needs attention (new, urgent, overdue, leads awaiting a reply, failing
feeds) and the world clocks of the configured offices.
What matters most comes first on each line, so a narrow terminal cuts the least useful.

The clock ticks every second all night, so the header draws its lines itself (Textual's
Line API) and a tick redraws only the clock's own cells; the rest of the header is redrawn
when its data or the minute changes. An idle dashboard stays well under 1% of a core.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from dutyboard.i18n import _
from dutyboard.store.arrivals import DeskCounts
from dutyboard.store.attention import Attention
from widgets.common.fmt import weekday

UTC = ZoneInfo("UTC")


class DeskHeader(Widget):
    DEFAULT_CSS = """
    DeskHeader {
        height: 2;
        background: $primary-background;
        color: $text;
    }
    """

    on_duty: reactive[str] = reactive("")
    attention: reactive[Attention | None] = reactive(None)
    desk_counts: reactive[DeskCounts | None] = reactive(None)

    def __init__(
        self, desk: str, zone: ZoneInfo, role: str, now: datetime, clocks: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.desk = desk
        self.zone = zone
        self.role = role
        self.now = now
        self.clocks = [ZoneInfo(name) for name in clocks if name != zone.key]
        # Where the ticking clock sits on the first line (set as the line is drawn).
        self._clock_x, self._clock_width = 0, 0

    def tick(self, now: datetime) -> None:
        """A new second: the first line; a new minute: the world clocks below too."""
        same_minute = (now.replace(second=0, microsecond=0)) == (
            self.now.replace(second=0, microsecond=0)
        )
        self.now = now
        if same_minute and self._clock_width:
            # Only the seconds moved: redraw the clock's own cells, nothing else.
            self.refresh(Region(self._clock_x, 0, self._clock_width, 1))
        else:
            self.refresh()

    def lines(self, width: int) -> tuple[Text, Text]:
        first = self.status_line(width)
        second = self.attention_line()
        if self.clocks:
            second.append("  │ ", style="dim")
            second.append_text(self.clock_strip())
        first.truncate(width, overflow="ellipsis")
        second.truncate(width, overflow="ellipsis")
        return first, second

    def render(self) -> Text:
        """Both lines as one Text (what the header says, for tests and tools)."""
        return Text("\n").join(self.lines(self.size.width or 200))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            line = self.status_line(width)
            line.truncate(width, overflow="ellipsis")
        elif y == 1:
            line = self.lines(width)[1]
        else:
            return Strip.blank(width, self.rich_style)
        strip = Strip(list(line.render(self.app.console)))
        return strip.adjust_cell_length(width, self.rich_style).apply_style(self.rich_style)

    def status_line(self, width: int) -> Text:
        local = self.now.astimezone(self.zone)
        text = Text.assemble((" dutyboard ", "bold reverse"), " ")
        if self.role == "leader":
            text.append(" " + _("READ-ONLY") + " ", style="bold reverse yellow")
            text.append(" ")
        clock = f"{weekday(local)} {local:%H:%M:%S}"
        self._clock_x, self._clock_width = text.cell_len, cell_len(clock)
        text.append(clock, style="bold")
        if width >= 100:
            text.append(f" {self.zone.key}", style="dim")
        text.append("  ")
        text.append(self.now.astimezone(UTC).strftime("%H:%M UTC"), style="dim")
        text.append("  ")
        if self.on_duty:
            text.append(_("on duty: "))
            text.append(self.on_duty, style="bold green")
        else:
            text.append(_("nobody on duty"), style="bold red")
        text.append("  ")
        text.append(self.desk, style="bold")
        return text

    def attention_line(self) -> Text:
        a = self.attention
        if a is None:
            return Text(" " + _("counting…"), style="dim")
        text = Text(" ")
        # A count is a count: zero is shown as 0, dimmed, never hidden or "all clear".
        for label, count, style in (
            (_("NEW"), a.new, "bold cyan"),
            (_("URGENT"), a.urgent, "bold white on red"),
            (_("LATE"), a.overdue, "bold red"),
            (_("leads waiting"), a.leads_waiting, "bold yellow"),
            (_("feeds failing"), a.sources_failing, "bold white on red"),
        ):
            text.append(f"{label} {count:,}", style=style if count else "dim")
            text.append("  ")
        if (d := self.desk_counts) is not None:
            for label, count, style in (
                (_("landing in 3h"), d.arrivals_soon, "bold cyan"),
                (_("units missing"), d.units_missing, "bold red"),
            ):
                text.append(f"{label} {count:,}", style=style if count else "dim")
                text.append("  ")
        return text

    def clock_strip(self) -> Text:
        text = Text()
        for zone in self.clocks:
            here = self.now.astimezone(zone)
            city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
            day = 7 <= here.hour < 19
            text.append(f"{city} ", style="" if day else "dim")
            text.append(here.strftime("%H:%M"), style="bold" if day else "dim")
            text.append(" ☀  " if day else " ☾  ", style="dim")
        return text
