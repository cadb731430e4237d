"""Export what a panel shows (its current filter and sort) to CSV or xlsx.

:func:`export_panel_view` asks for a file name (the format follows the extension: ``.xlsx``
is a workbook, anything else CSV), then writes the file in a thread worker — rows stream
out a keyset page at a time — and says how many rows went where. Times are written in the
desk's zone. A panel binds it like this::

    Binding("x", "export", _("Export"), id="panel.export")

    def action_export(self) -> None:
        export_panel_view(self, self.table.spec)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from dutyboard.i18n import _
from dutyboard.store import views as v
from widgets.common.dialogs import DIALOG_CSS


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    fmt: str  # "csv" or "xlsx"


def format_for(path: Path) -> str:
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Where to write the export; ``enter`` writes, ``esc`` cancels."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExportDialog")
        + """
    ExportDialog Input { margin-top: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]

    def __init__(self, title: str, default_path: Path) -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog--title")
            yield Label(Text(_("File (.csv or .xlsx)")))
            yield Input(value=str(self.default_path), id="export-path")
            yield Static("", classes="dialog--error", id="export-error")
            yield Label(
                _("enter write · esc cancel · times in the desk's zone"), classes="dialog--hint"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self._error(_("give a file name"))
            return
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            self._error(_("folder {folder} does not exist").format(folder=path.parent))
            return
        if path.is_dir():
            self._error(_("{path} is a folder").format(path=path))
            return
        self.dismiss(ExportChoice(path, format_for(path)))

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


def default_export_path(table: str, now: datetime, folder: Path | None = None) -> Path:
    return (folder or Path.cwd()) / f"{table}-{now:%Y%m%d-%H%M}.csv"


def export_panel_view(panel: Widget, spec: v.ViewSpec | None, *, table: str | None = None) -> None:
    """Ask where, then export ``spec`` (a panel's view) — or, with ``spec=None`` and
    ``table="supplies"``, the whole supplies ledger — off the event loop."""
    from dutyboard.reports import export

    app: Any = panel.app
    name = spec.table if spec is not None else (table or "supplies")
    zone = getattr(app, "zone", None)
    now = app.clock() if hasattr(app, "clock") else datetime.now()
    title = _("Export {what} ({n})").format(
        what=_(name), n=_("current view") if spec is not None else _("all")
    )

    def write(choice: ExportChoice) -> Callable[[], None]:
        def job() -> None:
            try:
                if spec is not None:
                    count = export.export_view(app.store, spec, choice.path, choice.fmt, zone=zone)
                else:
                    count = export.export_supplies(app.store, choice.path, choice.fmt, zone=zone)
            except Exception as exc:  # a full disk, a permission: one clear notice
                app.call_from_thread(
                    app.notify,
                    _("export failed: {error}").format(error=exc),
                    severity="error",
                    timeout=8,
                    markup=False,
                )
                return
            app.call_from_thread(
                app.notify,
                _("{count} rows written to {path}").format(count=f"{count:,}", path=choice.path),
                timeout=5,
                markup=False,
            )

        return job

    def chosen(choice: ExportChoice | None) -> None:
        if choice is not None:
            panel.run_worker(write(choice), thread=True, exit_on_error=False, group="export")

    app.push_screen(ExportDialog(title, default_export_path(name, now.astimezone(zone))), chosen)
