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
from widgets.common.fmt import pgettext, weekday

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
    # The database server went away at this moment (UTC); None while it answers.
    unreachable_since: reactive[datetime | None] = reactive(None)

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
        first.truncate(width, overflow="ellipsis")
        return first, self.attention_with_clocks(width)

    def render(self) -> Text:
        """Both lines as one Text (what the header says, for tests and tools)."""
        return Text("\n").join(self.lines(self.size.width or 200))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            line = self.status_line(width)
            line.truncate(width, overflow="ellipsis")
        elif y == 1:
            line = self.attention_with_clocks(width)
        else:
            return Strip.blank(width, self.rich_style)
        strip = Strip(list(line.render(self.app.console)))
        return strip.adjust_cell_length(width, self.rich_style).apply_style(self.rich_style)

    def status_line(self, width: int) -> Text:
        local = self.now.astimezone(self.zone)
        # Below 100 columns the name of the program gives its room to the desk's.
        text = Text.assemble((" dutyboard ", "bold reverse"), " ") if width >= 100 else Text()
        if self.unreachable_since is not None:
            # First of all: what is on screen is no longer live.
            since = self.unreachable_since.astimezone(self.zone)
            text.append(
                " "
                + _("database unreachable since {time}: retrying").format(time=f"{since:%H:%M}")
                + " ",
                style="bold reverse red",
            )
            text.append(" ")
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

    def attention_with_clocks(self, width: int) -> Text:
        """The second line in ``width`` cells: every count whole (in short words when the
        long ones do not fit), then as many world clocks as fit, each whole."""
        second = self.attention_line()
        if second.cell_len > width:
            second = self.attention_line(short=True)
        if self.clocks and second.cell_len + 4 < width:
            clocks = self.clock_strip()
            clocks.rstrip()
            room = width - second.cell_len - 4
            if clocks.cell_len > room:
                # Whole clocks only: cut at the last separator that fits.
                cut = clocks.plain.rfind("  ", 0, room + 1)
                clocks = clocks[:cut] if cut > 0 else Text()
                clocks.rstrip()
            if clocks.plain:
                second.append("  │ ", style="dim")
                second.append_text(clocks)
        second.truncate(width, overflow="ellipsis")
        return second

    def attention_line(self, *, short: bool = False) -> Text:
        a = self.attention
        if a is None:
            return Text(" " + _("counting…"), style="dim")
        text = Text(" ")
        # A count is a count: zero is shown as 0, dimmed, never hidden or "all clear".
        # Short words (an 80-column terminal) keep every count whole rather than cut one.
        counts = [
            (_("NEW"), pgettext("header, short", "NEW"), a.new, "bold cyan"),
            (_("URGENT"), pgettext("header, short", "URG"), a.urgent, "bold white on red"),
            (_("LATE"), pgettext("header, short", "LATE"), a.overdue, "bold red"),
            (_("leads waiting"), pgettext("header, short", "leads"), a.leads_waiting,
             "bold yellow"),
            (_("feeds failing"), pgettext("header, short", "failing"), a.sources_failing,
             "bold white on red"),
        ]  # fmt: skip
        if (d := self.desk_counts) is not None:
            counts += [
                (_("landing in 3h"), pgettext("header, short", "landing"), d.arrivals_soon,
                 "bold cyan"),
                (_("units missing"), pgettext("header, short", "missing"), d.units_missing,
                 "bold red"),
            ]  # fmt: skip
        gap = " " if short else "  "
        for long_label, short_label, count, style in counts:
            label = short_label if short else long_label
            text.append(f"{label} {count:,}", style=style if count else "dim")
            text.append(gap)
        text.rstrip()
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
