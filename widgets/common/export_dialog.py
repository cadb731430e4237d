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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from dutyboard import files
from dutyboard.i18n import _
from dutyboard.store import views as v
from widgets.common.desk import desk_of
from widgets.common.dialogs import DIALOG_CSS, ConfirmDialog


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    fmt: str  # "csv" or "xlsx"
    replace: bool = False  # the officer confirmed writing over a file there


def format_for(path: Path) -> str:
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Where to write the export; ``enter`` writes, ``esc`` cancels.

    The file goes into the export folder unless the officer types another path; a path
    outside it, or a file that exists, is written only after a y/n question; the desk's
    database and config never (:func:`dutyboard.files.export_target` decides).
    """

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExportDialog")
        + """
    ExportDialog Input { margin-top: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="export.cancel")
    ]

    def __init__(
        self, title: str, default_path: Path, export_dir: Path, protected: Sequence[Path] = ()
    ) -> None:
        super().__init__()
        self.title_text = title
        self.default_path = default_path
        self.export_dir = export_dir
        self.protected = tuple(protected)

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
        self._choose(event.value.strip(), force=False)

    def _choose(self, text: str, *, force: bool) -> None:
        try:
            path = files.export_target(
                text, export_dir=self.export_dir, protected=self.protected, force=force
            )
        except files.WriteRefused as refused:
            why = str(refused)
            if not refused.confirmable:
                self._error(why)
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._choose(text, force=True)
                else:
                    self._error(why)

            self.app.push_screen(
                ConfirmDialog(self.title_text, _("{why}. Write there anyway?").format(why=why)),
                answered,
            )
            return
        self.dismiss(ExportChoice(path, format_for(path), replace=force))

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


def default_export_path(table: str, now: datetime, folder: Path) -> Path:
    return folder / f"{table}-{now:%Y%m%d-%H%M}.csv"


def export_panel_view(panel: Widget, spec: v.ViewSpec | None, *, table: str | None = None) -> None:
    """Ask where, then export ``spec`` (a panel's view) — or, with ``spec=None`` and
    ``table="supplies"``, the whole supplies ledger — off the event loop."""
    from dutyboard.reports import export

    app, desk = panel.app, desk_of(panel)
    refused = files.writes_forbidden()
    if refused is not None:  # a leader's session: the key is absent, this is the backstop
        app.notify(refused, severity="warning", timeout=5, markup=False)
        return
    name = spec.table if spec is not None else (table or "supplies")
    zone, now = desk.zone, desk.clock()
    title = _("Export {what} ({n})").format(
        what=_(name), n=_("current view") if spec is not None else _("all")
    )

    def write(choice: ExportChoice) -> Callable[[], None]:
        def job() -> None:
            try:
                if spec is not None:
                    count = export.export_view(
                        desk.store, spec, choice.path, choice.fmt, zone=zone, replace=choice.replace
                    )
                else:
                    count = export.export_supplies(
                        desk.store, choice.path, choice.fmt, zone=zone, replace=choice.replace
                    )
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

    folder = desk.config.export_dir
    app.push_screen(
        ExportDialog(
            title,
            default_export_path(name, now.astimezone(zone), folder),
            folder,
            files.desk_files(desk.store.path, desk.config.source_path),
        ),
        chosen,
    )
