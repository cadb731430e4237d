"""Detail of one record: every field, the original payload, links and history."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import ClassVar

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dutyboard.domain.phones import read_phone
from dutyboard.i18n import _
from dutyboard.store import Row, Store
from dutyboard.store.base import ENTITY
from dutyboard.store.jsontext import json_object
from widgets.common.desk import ReportsFailures
from widgets.common.fmt import audit_view, shown

HIDDEN = {"raw", "extra", "notes", "priority_rank", "phone_e164"}


class DetailScreen(ModalScreen[None], ReportsFailures):
    DEFAULT_CSS = """
    DetailScreen { align: center middle; background: $background 60%; }
    DetailScreen > VerticalScroll {
        width: 110; max-width: 100%; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", _("Close"), id="detail.close"),
    ]

    def __init__(
        self, store: Store, table: str, record_id: int, local: Callable[[str], str]
    ) -> None:
        super().__init__()
        self.store = store
        self.table = table
        self.record_id = record_id
        self.local = local  # ISO UTC → the officer's local time, as text
        self.body = Static(Text(_("loading…")), id="detail-body")
        self.content: Group = Group(Text(_("loading…")))

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.body

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = f"{ENTITY[self.table]} #{self.record_id}"
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        row = self.store.get(self.table, self.record_id)
        links = self.store.links(self.table, self.record_id)
        history = self.store.history(ENTITY[self.table], self.record_id, limit=100)
        self.app.call_from_thread(self._show, row, links, history)

    def _show(self, row: Row, links: list[Row], history: list[Row]) -> None:
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="bold", no_wrap=True)
        fields.add_column()
        for name, value in row.items():
            if name in HIDDEN or name.startswith("_k") or value in (None, ""):
                continue
            if name == "phone" and "phone_e164" in row:
                fields.add_row(Text(name), phone_text(str(value), row["phone_e164"]))
                continue
            text = self._time(value) if name.endswith(("_at", "_by")) else shown(value)
            fields.add_row(Text(name), Text(text))
        parts: list[object] = [fields]
        if row.get("notes"):
            parts += [Text("\n" + _("Notes"), style="bold underline"), Text(shown(row["notes"]))]
        if links:
            parts.append(Text("\n" + _("Linked"), style="bold underline"))
            for link in links:
                qty = f" × {link['quantity']:g}" if link["quantity"] is not None else ""
                parts.append(
                    Text(
                        shown(
                            f"#{link['id']} {link['name']} — {link['item']} ({link['status']}){qty}"
                        )
                    )
                )
        if row.get("extra"):
            parts += [
                Text("\n" + _("Other fields from the source"), style="bold underline"),
                Text(shown(pretty_json(str(row["extra"])))),
            ]
        if row.get("raw"):
            parts += [
                Text("\n" + _("Original payload (as received)"), style="bold underline"),
                Text(audit_view(str(row["raw"]))),
            ]
        parts.append(Text("\n" + _("History ({n})").format(n=len(history)), style="bold underline"))
        for event in history:
            parts.append(self._event_line(event))
        self.content = Group(*parts)  # type: ignore[arg-type]
        self.body.update(self.content)

    def plain(self, width: int = 110) -> str:
        """The detail as plain text (what the screen shows, without styles)."""
        buffer = io.StringIO()
        Console(width=width, file=buffer, color_system=None).print(self.content)
        return buffer.getvalue()

    def _time(self, iso: object) -> str:
        try:
            return self.local(str(iso))
        except (TypeError, ValueError):
            return str(iso)

    def _event_line(self, event: Row) -> Text:
        line = Text.assemble(
            (self._time(event["at"]), "dim"),
            " ",
            (str(event["actor"]), "bold"),
            " ",
            (str(event["action"]), "cyan"),
        )
        before = json_object(event["before"])
        after = json_object(event["after"])
        for key in sorted(set(before) | set(after)):
            if key in ("raw", "notes") and event["action"] != "note":
                continue
            old, new = before.get(key), after.get(key)
            change = f"{old} → {new}" if key in before else f"{new}"
            line.append(f"\n    {shown(key)}: {shown(change)}")
        return line

    def action_close(self) -> None:
        self.dismiss(None)


def phone_text(typed: str, number: object) -> Text:
    """A stored number: in international format when it was read ("+94 77 123 4567",
    with the number as typed beside it when that was written otherwise), else as typed,
    marked, so nobody dials a number the desk could not read."""
    if isinstance(number, str) and number:
        international = read_phone(number).shown
        text = Text(shown(international))
        if "".join(filter(str.isdigit, typed)) != "".join(filter(str.isdigit, international)):
            text.append("  " + _("typed: {typed}").format(typed=shown(typed)), style="dim")
        return text
    text = Text(shown(typed))
    text.append("  " + _("not a number I can read"), style="bold yellow")
    return text


def pretty_json(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text
