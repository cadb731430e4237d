"""The session's log on screen: the last lines, newest at the bottom (palette: "Log").

A leader's session keeps its log in memory only; this is where it can be read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Footer, Log

from dutyboard.i18n import _


class LogScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LogScreen { align: center middle; }
    LogScreen > Log { width: 95%; height: 85%; border: round $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", _("Close"), id="log.close"),
    ]

    def __init__(self, lines: Iterable[str], where: str) -> None:
        super().__init__()
        self.lines = list(lines)
        self.where = where

    def compose(self) -> ComposeResult:
        yield Log(highlight=False, auto_scroll=True)
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.border_title = _("Log: {where}").format(where=self.where)
        # The lines were cleaned when logged (dutyboard.applog); Log draws plain text.
        log.write_lines(self.lines or [_("nothing logged in this session")])
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
