"""The desk header: desk name, the officer's clock and UTC, who is on duty, the role."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class DeskHeader(Widget):
    DEFAULT_CSS = """
    DeskHeader {
        height: 1;
        background: $primary-background;
        color: $text;
    }
    """

    on_duty: reactive[str] = reactive("")

    def __init__(self, desk: str, zone: ZoneInfo, role: str, now: datetime) -> None:
        super().__init__()
        self.desk = desk
        self.zone = zone
        self.role = role
        self.now = now

    def tick(self, now: datetime) -> None:
        self.now = now
        self.refresh()

    def render(self) -> Text:
        local = self.now.astimezone(self.zone)
        utc = self.now.astimezone(ZoneInfo("UTC"))
        width = self.size.width or 200
        text = Text.assemble((" dutyboard ", "bold reverse"), " ")
        # What matters most comes first, so a narrow terminal cuts the least useful part.
        if self.role == "leader":
            text.append(" READ-ONLY ", style="bold reverse yellow")
            text.append(" ")
        text.append(local.strftime("%a %H:%M:%S"), style="bold")
        if width >= 100:
            text.append(f" {self.zone.key}", style="dim")
        text.append("  ")
        text.append(utc.strftime("%H:%M UTC"), style="dim")
        text.append("  ")
        if self.on_duty:
            text.append("on duty: ")
            text.append(self.on_duty, style="bold green")
        else:
            text.append("nobody on duty", style="bold red")
        text.append("  ")
        text.append(self.desk, style="bold")
        text.truncate(width, overflow="ellipsis")
        return text
