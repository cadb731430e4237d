"""The quarantine: rows and files ingest could not take, and what the officer does next.

A list of the open rows, newest first (reason, source, file, row, age), keyset-paged from
the store (``m`` or reaching the end loads the next page; never the whole table);
``enter`` shows a row's detail with its original text. ``r`` reads its file again with
the source's current settings (after a mapping or config change), ``e`` fixes the row's
fields in a form (stored as a proper record), ``d`` discards it with a reason; each is
logged. ``a`` shows resolved rows too. A leader, or a read-only store, has no ``r``,
``e`` or ``d`` at all.

Every store call runs in a thread worker; text from files is rendered as
``rich.text.Text``, never as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dutyboard.config import ConfigError
from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.store import Row, StoreError
from dutyboard.store import quarantine as q
from widgets.common import forms
from widgets.common.desk import OnDesk
from widgets.common.dialogs import Field, FormDialog, text_dialog

if TYPE_CHECKING:
    from dutyboard.ingest.retry import Proposal

PAGE = 100
ORIGINAL_LINES = 60  # of a row's original text in the detail
WRITE_ACTIONS = frozenset({"retry", "fix", "discard"})
TIME_FIELDS = frozenset({"due_by", "next_action_at", "last_contacted"})


def age(iso: str | None, now: datetime) -> str:
    """How long ago: "4m", "3h", "2d"."""
    if not iso:
        return ""
    seconds = max((now - from_iso(iso)).total_seconds(), 0)
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def _file(location: object) -> str:
    text = str(location or "")
    return text.rsplit("/", 1)[-1] or text


def _where(row: Row) -> str:
    if row.get("row_number") is None:
        return _("whole file")
    where = _("row {n}").format(n=row["row_number"])
    if row.get("column_name"):
        where += f" · {clean_line(row['column_name'], 60)}"
    return where


def _state(state: str) -> str:
    return {
        "open": _("open"),
        "retried": _("retried"),
        "fixed": _("fixed"),
        "discarded": _("discarded"),
    }.get(state, state)


def row_prompt(row: Row, now: datetime) -> Text:
    """Two lines: id, state, source, file, where, age; then the reason."""
    open_row = row["state"] == "open"
    text = Text(f"#{row['id']} ", style="bold")
    text.append(_state(str(row["state"])), style="bold red" if open_row else "dim")
    text.append("  ")
    text.append(clean_line(row["source"], 60), style="bold")
    text.append("  ")
    text.append(clean_line(_file(row["location"]), 80))
    text.append("  ")
    text.append(_where(row), style="cyan")
    text.append("  " + _("{age} ago").format(age=age(row["at"], now)), style="dim")
    text.append("\n   ")
    text.append(clean_line(row["reason"], 300), style="" if open_row else "dim")
    return text


class QuarantineScreen(Screen[None], OnDesk):
    """The open quarantine, to act on. Push it with the desk's store and config."""

    DEFAULT_CSS = """
    QuarantineScreen { layout: vertical; }
    QuarantineScreen #q-count { padding: 0 1; color: $text-muted; }
    QuarantineScreen #q-list { height: 1fr; border: round $panel-lighten-2; }
    QuarantineScreen #q-list:focus { border: round $accent; }
    QuarantineScreen #q-detail-box { height: 45%; border: round $panel-lighten-2; }
    QuarantineScreen #q-detail { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), id="quarantine.back"),
        Binding("r", "retry", _("Retry file"), id="quarantine.retry"),
        Binding("e", "fix", _("Fix row"), id="quarantine.fix"),
        Binding("d", "discard", _("Discard row"), id="quarantine.discard"),
        Binding("a", "toggle_resolved", _("Resolved too"), id="quarantine.resolved"),
        Binding("m", "more", _("Older rows"), id="quarantine.more"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.cursor: q.Cursor | None = None
        self.include_resolved = False
        self.open_total = 0
        self.detail_id: int | None = None

    @property
    def can_write(self) -> bool:
        return self.desk.can_write

    def compose(self) -> ComposeResult:
        yield Label(Text(_("Quarantine: loading…")), id="q-count")
        yield OptionList(id="q-list")
        with VerticalScroll(id="q-detail-box"):
            yield Static(Text(_("enter: the row's detail and original text")), id="q-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#q-detail-box").border_title = _("Detail")
        self.query_one("#q-list").focus()
        self.load(reset=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS:
            return self.can_write  # absent, not greyed, for a leader
        return True

    # -- loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="quarantine-load")
    def load(self, reset: bool = False) -> None:
        after = None if reset else self.cursor
        page = q.list_rows(
            self.store, include_resolved=self.include_resolved, after=after, limit=PAGE
        )
        total = q.open_count(self.store)
        if get_current_worker().is_cancelled:
            return  # a newer load replaces this one
        self.app.call_from_thread(self._show, page, total, reset, after)

    def _show(self, page: q.Page, total: int, reset: bool, after: q.Cursor | None = None) -> None:
        if not reset and after != self.cursor:
            return  # a page for a list that has moved on (or was appended already)
        listing = self.query_one("#q-list", OptionList)
        highlighted = listing.highlighted
        keep = None
        if reset and highlighted is not None and highlighted < len(self.rows):
            keep = self.rows[highlighted]["id"]
        self.rows = page.rows if reset else self.rows + page.rows
        self.cursor = page.next
        self.open_total = total
        now = self.desk.clock()
        if reset:
            listing.clear_options()
        listing.add_options([Option(row_prompt(r, now), id=str(r["id"])) for r in page.rows])
        if reset and listing.option_count:
            ids = [row["id"] for row in self.rows]
            listing.highlighted = ids.index(keep) if keep in ids else 0
        elif listing.highlighted is None and listing.option_count:
            listing.highlighted = 0
        shown = _("Quarantine: {n} open rows").format(n=f"{total:,}")
        if self.include_resolved:
            shown += " · " + _("resolved rows shown too (a)")
        if self.cursor is not None:
            shown += " · " + _("m shows older rows")
        if not self.rows:
            shown += " · " + _("nothing waiting: every import went in or was resolved")
        self.query_one("#q-count", Label).update(Text(shown))

    def desk_changed(self) -> None:
        """The one bus: a write here or elsewhere (the collector) may add or settle rows."""
        self.load(True)

    def current(self) -> Row | None:
        highlighted = self.query_one("#q-list", OptionList).highlighted
        if highlighted is None or highlighted >= len(self.rows):
            return None
        return self.rows[highlighted]

    @on(OptionList.OptionHighlighted, "#q-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The end of what is loaded: the next page, by key.
        if event.option_index >= len(self.rows) - 1 and self.cursor is not None:
            self.load()

    @on(OptionList.OptionSelected, "#q-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.show_detail(int(event.option.id))

    # -- detail ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="quarantine-detail")
    def show_detail(self, quarantine_id: int) -> None:
        row = q.get_row(self.store, quarantine_id)
        history = q.history(self.store, quarantine_id)
        self.app.call_from_thread(self._detail, row, history)

    def _local(self, iso: object) -> str:
        if not iso:
            return "—"
        return from_iso(str(iso)).astimezone(self.desk.zone).strftime("%Y-%m-%d %H:%M")

    def detail_text(self, row: Row, history: list[Row]) -> Text:
        """A row's detail; its original text as plain text (brackets stay brackets)."""
        text = Text()

        def line(label: str, value: str, style: str = "") -> None:
            text.append(f"{label}: ", style="bold")
            text.append(value + "\n", style=style)

        line(_("Row"), f"#{row['id']} · {_state(str(row['state']))}")
        line(
            _("Source"), f"{clean_line(row['source'], 100)} ({clean_line(row.get('kind') or '?')})"
        )
        line(_("File"), clean_line(row["location"], 300))
        line(_("Where"), _where(row))
        line(_("Arrived"), f"{self._local(row['at'])} · {_('run')} #{row['run_id']}")
        line(_("Reason"), clean_line(row["reason"], 1000), "bold red")
        if row.get("file_kept"):
            encoding = clean_line(row.get("file_encoding") or _("binary"))
            bytes_line = _("{size} bytes kept, {encoding}").format(
                size=f"{int(row['file_size'] or 0):,}", encoding=encoding
            )
            if row.get("file_lossy"):
                bytes_line += " · " + _("lossy decode: the original bytes are kept")
            line(_("File bytes"), bytes_line)
        else:
            line(_("File bytes"), _("not kept: a retry cannot read this file again"))
        if row["state"] != "open":
            resolved = f"{_state(str(row['state']))} · {clean_line(row['resolved_by'] or '?')}"
            resolved += f" · {self._local(row['resolved_at'])}"
            if row.get("resolution"):
                resolved += f" · {clean_line(row['resolution'], 500)}"
            line(_("Resolved"), resolved)
        for event in history:
            line(
                _("Logged"),
                f"{self._local(event['at'])} {clean_line(event['actor'])} "
                f"{clean_line(event['action'])}",
                "dim",
            )
        text.append("\n" + _("Original text") + "\n", style="bold underline")
        original = str(row.get("original") or "")
        if row.get("row_number") is None and row.get("file_kept") and not row.get("file_encoding"):
            text.append(_("binary file: its bytes are kept, not shown"), style="dim")
        else:
            shown = original.splitlines() or ["—"]
            for part in shown[:ORIGINAL_LINES]:
                text.append(clean_line(part, 500) + "\n")
            if len(shown) > ORIGINAL_LINES:
                more = _("… {n} more lines").format(n=f"{len(shown) - ORIGINAL_LINES:,}")
                text.append(more, style="dim")
        return text

    def _detail(self, row: Row, history: list[Row]) -> None:
        self.detail_id = int(row["id"])
        self.query_one("#q-detail", Static).update(self.detail_text(row, history))

    # -- actions -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_toggle_resolved(self) -> None:
        self.include_resolved = not self.include_resolved
        self.load(reset=True)

    def action_more(self) -> None:
        if self.cursor is not None:
            self.load()

    def _open_row(self) -> Row | None:
        row = self.current()
        if row is None:
            self.notify(_("no quarantine row here"), severity="warning", markup=False)
            return None
        if row["state"] != "open":
            self.notify(
                _("#{id} is {state} already").format(id=row["id"], state=_state(row["state"])),
                severity="warning",
                markup=False,
            )
            return None
        return row

    def action_retry(self) -> None:
        row = self._open_row()
        if row is not None:
            self.retry(int(row["id"]))

    @work(thread=True, exit_on_error=False, group="quarantine-write")
    def retry(self, quarantine_id: int) -> None:
        from dutyboard.config import reader_limits
        from dutyboard.ingest.retry import retry
        from dutyboard.ingest.sources import load_sources

        try:
            path = self.desk.config.source_path
            sources = load_sources(path, default_zone=self.desk.config.timezone) if path else []
            done = retry(
                self.store,
                quarantine_id=quarantine_id,
                sources=sources,
                default_zone=self.desk.config.timezone,
                limits=reader_limits(self.desk.config),
            )
        except (StoreError, ConfigError, OSError) as exc:  # one line, never markup
            self._failed(exc)
            return
        for item in done:
            clean = item.summary is not None and item.summary.clean
            self.app.call_from_thread(
                self.notify,
                clean_line(item.line()),
                severity="information" if clean else "warning",
                timeout=10,
                markup=False,
            )
        self._written(quarantine_id)

    def action_discard(self) -> None:
        row = self._open_row()
        if row is None:
            return
        quarantine_id = int(row["id"])

        def done(values: dict[str, object] | None) -> None:
            if values and values.get("text"):
                self.discard(quarantine_id, str(values["text"]))

        self.app.push_screen(
            text_dialog(
                _("Discard quarantine row #{id}").format(id=quarantine_id),
                _("Why (kept with the row and in the log)"),
            ),
            done,
        )

    @work(thread=True, exit_on_error=False, group="quarantine-write")
    def discard(self, quarantine_id: int, reason: str) -> None:
        try:
            q.discard(self.store, quarantine_id, reason)
        except StoreError as exc:
            self._failed(exc)
            return
        self.app.call_from_thread(
            self.notify,
            _("#{id} discarded").format(id=quarantine_id),
            timeout=4,
            markup=False,
        )
        self._written(quarantine_id)

    def action_fix(self) -> None:
        row = self._open_row()
        if row is not None:
            self.propose(int(row["id"]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="quarantine-propose")
    def propose(self, quarantine_id: int) -> None:
        from dutyboard.config import reader_limits
        from dutyboard.ingest.retry import proposed_fields
        from dutyboard.ingest.sources import load_sources

        try:
            path = self.desk.config.source_path
            sources = load_sources(path, default_zone=self.desk.config.timezone) if path else []
            proposal = proposed_fields(
                self.store,
                quarantine_id,
                sources=sources,
                default_zone=self.desk.config.timezone,
                limits=reader_limits(self.desk.config),
            )
            row = q.get_row(self.store, quarantine_id)
        except (StoreError, ConfigError, OSError) as exc:
            self._failed(exc)
            return
        self.app.call_from_thread(self._fix_form, row, proposal)

    def _fix_form(self, row: Row, proposal: Proposal) -> None:
        quarantine_id = int(row["id"])
        fields = self.form_fields(proposal.kind, proposal.fields)
        original = clean_line(row.get("original") or "", 300)
        title = _("Fix quarantined row #{id}: {reason}").format(
            id=quarantine_id, reason=clean_line(row["reason"], 200)
        )
        if original:
            title += "\n" + _("original: {text}").format(text=original)
        if proposal.note:
            title += "\n" + clean_line(proposal.note, 200)
        external_id = proposal.external_id

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            record = {k: v for k, v in values.items() if v is not None}
            if external_id:
                record["external_id"] = external_id
            self.fix(quarantine_id, record)

        self.app.push_screen(FormDialog(title, fields), done)

    @work(thread=True, exit_on_error=False, group="quarantine-write")
    def fix(self, quarantine_id: int, fields: dict[str, object]) -> None:
        try:
            record_id = q.fix_row(self.store, quarantine_id, fields)
        except StoreError as exc:
            self._failed(exc)
            return
        self.app.call_from_thread(
            self.notify,
            _("#{id} fixed: record #{record} stored").format(id=quarantine_id, record=record_id),
            timeout=5,
            markup=False,
        )
        self._written(quarantine_id)

    def _failed(self, exc: Exception) -> None:
        self.app.call_from_thread(
            self.notify, clean_line(str(exc), 300), severity="error", timeout=8, markup=False
        )

    def _written(self, quarantine_id: int) -> None:
        """After this session's write: the list (through the bus: :meth:`desk_changed`),
        the detail and the dashboard's header."""
        if self.detail_id == quarantine_id:
            self.app.call_from_thread(self.show_detail, quarantine_id)
        self.desk.changed()

    # -- the fix form ------------------------------------------------------------------

    def _value(self, name: str, value: object) -> str:
        if value is None:
            return ""
        if name in TIME_FIELDS and isinstance(value, str):
            try:
                return from_iso(value).astimezone(self.desk.zone).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return clean_line(value, 200)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return clean_line(value, 2000)

    def form_fields(self, kind: str, proposed: dict[str, Any]) -> list[Field]:
        """The record's fields for its kind, filled with what the row could be read as."""
        zone = self.desk.config.timezone
        specs: list[Field]
        if kind == "leads":
            specs = [
                Field("supplier", _("Supplier"), required=True),
                Field(
                    "country", _("Country"), placeholder=_("LK or Sri Lanka"), check=forms.country
                ),
                Field("item", _("Item"), required=True),
                Field("quantity", _("Quantity"), check=forms.quantity),
                Field("unit", _("Unit")),
                Field("unit_price", _("Unit price"), check=forms.price),
                Field("currency", _("Currency"), placeholder="USD"),
                Field("certification", _("Certification"), placeholder="CE, FDA, EN 149"),
                Field("contact_name", _("Contact")),
                Field(
                    "next_action_at",
                    _("Next action at ({zone})").format(zone=zone),
                    check=forms.when(zone),
                ),
                Field("notes", _("Notes")),
            ]
        elif kind == "contacts":
            specs = [
                Field("name", _("Name"), required=True),
                Field("org", _("Organisation")),
                Field("role", _("Role")),
                Field(
                    "country", _("Country"), placeholder=_("LK or Sri Lanka"), check=forms.country
                ),
                Field("city", _("City")),
                Field("tz", _("Time zone"), placeholder="Asia/Colombo", check=forms.zone),
                Field(
                    "work_hours",
                    _("Working hours"),
                    placeholder="09:00-18:00",
                    check=forms.work_hours,
                ),
                Field("phone", _("Phone")),
                Field("email", _("E-mail")),
                Field("wechat", _("WeChat")),
                Field("whatsapp", _("WhatsApp")),
                Field("languages", _("Languages"), placeholder="en, zh"),
                Field("notes", _("Notes")),
            ]
        else:
            specs = [
                Field("org", _("Requesting unit"), required=True),
                Field("item", _("Item"), required=True),
                Field(
                    "quantity", _("Quantity"), placeholder=_("1,200 or 5万"), check=forms.quantity
                ),
                Field("unit", _("Unit")),
                Field(
                    "priority",
                    _("Priority"),
                    check=forms.priority,
                    placeholder=_("urgent / high / normal / low"),
                ),
                Field(
                    "due_by",
                    _("Due by ({zone})").format(zone=zone),
                    placeholder="2020-02-05 18:00",
                    check=forms.when(zone),
                ),
                Field("requester", _("Contact person")),
                Field("phone", _("Phone")),
                Field("email", _("E-mail")),
                Field("notes", _("Notes")),
            ]
        return [
            Field(
                spec.name,
                spec.label,
                required=spec.required,
                placeholder=spec.placeholder,
                value=self._value(spec.name, proposed.get(spec.name)),
                check=spec.check,
            )
            for spec in specs
        ]
