"""Paste a message (key ``p`` on the requests, leads and contacts panels; issue 22).

The officer pastes a chat message — one record, or a numbered 接龙 list of many — into
:class:`PasteDialog`. The text is read off the event loop by the importer's rules
(:func:`dutyboard.ingest.pastefmt.propose`), and each record it finds opens, one after
the other, in the panel's own validated form (``FormDialog``), filled with what was read:

* a value the rules found but would not guess (an estimate, a date either way round, a
  currency with no one reading) is left empty and **marked** in its label with the text
  found and why, for the officer to settle;
* what the form has no field for but the record does (a lead's phone, a request's
  country) gets a field of its own, so nothing read is dropped;
* what no rule placed stays in the notes; the record's pasted text is kept as its
  original payload (``raw``), source ``paste``.

``esc`` on a form skips that record; the last notice says how many were saved and
skipped. Nothing is stored before the officer saves a form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.ingest.limits import LimitExceeded
from widgets.common.dialogs import DIALOG_CSS, ConfirmDialog, Field, FormDialog
from widgets.common.fmt import shown

if TYPE_CHECKING:
    from dutyboard.ingest.pastefmt import Proposal, ProposedRecord
    from widgets.common.table_panel import TablePanel

# Labels of the fields a form may lack that a pasted record can carry.
EXTRA_LABELS: dict[str, str] = {
    "phone": "Phone",
    "email": "E-mail",
    "notes": "Notes",
    "country": "Country",
    "city": "City",
    "tz": "Time zone",
    "wechat": "WeChat",
    "whatsapp": "WhatsApp",
    "requester": "Contact person",
    "contact_name": "Contact",
    "org": "Organisation",
    "unit": "Unit",
    "lead_time_days": "Lead time (days)",
    "certification": "Certification",
    "unit_price": "Unit price",
    "currency": "Currency",
    "priority": "Priority",
}
# Fields the form must never be offered (the store's own, or kept another way).
NOT_OFFERED = frozenset({"raw", "extra", "source", "external_id", "content_hash", "status"})
TIME_FIELDS = frozenset({"due_by", "next_action_at", "received_at"})
_PREDICATE = re.compile(r"^\w+ '.*' (.+)$", re.S)


class PasteDialog(ModalScreen[str | None]):
    """A box to paste a message into; ``ctrl+s`` reads it, ``esc`` closes."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="PasteDialog")
        + """
    PasteDialog > Vertical { width: 100; }
    PasteDialog TextArea { height: 12; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="paste.cancel"),
        Binding("ctrl+s", "read", _("Read"), id="paste.read"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog--title")
            yield TextArea("", id="paste-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", classes="dialog--error", id="paste-error")
            yield Label(
                _(
                    "paste one message (a 接龙 list or one record) · ctrl+s read it · "
                    "esc cancel · nothing is saved before you confirm each record"
                ),
                classes="dialog--hint",
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_read(self) -> None:
        if not self.text.strip():
            self.query_one("#paste-error", Static).update(Text(_("Paste a message first")))
            return
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if not self.text.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(self.title_text, _("Discard what you pasted?")), answered
        )


KIND_TITLES = {
    "requests": "Paste a message: requests",
    "leads": "Paste a message: procurement leads",
    "contacts": "Paste a message: contacts",
}


def paste_into(panel: TablePanel) -> None:
    """Open the paste box for ``panel``; its records follow in the panel's form."""
    kind = panel.table_name

    def pasted(text: str | None) -> None:
        if text is not None:
            panel.run_worker(
                lambda: _read(panel, text),
                thread=True,
                exit_on_error=False,
                group="paste",
                name="paste",
            )

    panel.app.push_screen(PasteDialog(_(KIND_TITLES[kind])), pasted)


def _read(panel: TablePanel, text: str) -> None:
    """In a thread: the rules over the text, then the first form on the event loop."""
    from dutyboard.config import reader_limits
    from dutyboard.ingest.pastefmt import propose

    desk = panel.desk
    try:
        proposal = propose(
            text,
            panel.table_name,
            zone=desk.config.timezone,
            now=desk.now(),
            limits=reader_limits(desk.config),
            region=desk.config.desk_phone_region,
        )
    except LimitExceeded as exc:
        panel.app.call_from_thread(
            panel.notify, _(str(exc)), severity="error", timeout=10, markup=False
        )
        return
    panel.app.call_from_thread(_Flow(panel, proposal).next)


class _Flow:
    """The proposed records, one form after another, then one notice of what was done."""

    def __init__(self, panel: TablePanel, proposal: Proposal) -> None:
        self.panel = panel
        self.records = [r for r in proposal.records if r.problem is None]
        self.unreadable = [r for r in proposal.records if r.problem is not None]
        self.index = 0
        self.saved = 0
        self.skipped = 0

    def next(self) -> None:
        panel = self.panel
        if self.index >= len(self.records):
            self.finish()
            return
        record = self.records[self.index]
        self.index += 1
        title = _("Pasted record {n} of {total} (line {line})").format(
            n=self.index, total=len(self.records), line=record.number
        )

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                self.skipped += 1
            else:
                self.saved += 1
                fields = {**values, "raw": record.raw, "source": "paste"}
                panel.write(
                    lambda: panel.create(fields),
                    _("pasted record {n} saved").format(n=self.index),
                )
            self.next()

        panel.app.push_screen(
            FormDialog(title, form_fields(panel, record), hint=_hint(record)), done
        )

    def finish(self) -> None:
        panel = self.panel
        if not self.records:
            reasons = "; ".join(
                f"{_('line')} {r.number}: {_(r.problem or '')}" for r in self.unreadable[:3]
            )
            message = _("No record found in the pasted text") + (f" ({reasons})" if reasons else "")
            panel.notify(clean_line(message, 500), severity="warning", timeout=10, markup=False)
            return
        message = _("Pasted: {saved} saved, {skipped} skipped").format(
            saved=self.saved, skipped=self.skipped
        )
        if self.unreadable:
            message += " · " + _("{n} could not be read").format(n=len(self.unreadable))
        panel.notify(message, timeout=6, markup=False)


def form_fields(panel: TablePanel, record: ProposedRecord) -> list[Field]:
    """The panel's form for a new record, filled with what ``record`` read; unsettled
    values left empty and marked; fields the form lacks added after it."""
    base = panel.form_fields()
    names = {f.name for f in base}
    out = [_filled(panel, f, record) for f in base]
    extra = [
        name
        for name in (*record.fields, *record.written, *record.unsettled)
        if name not in names and name not in NOT_OFFERED and name in EXTRA_LABELS
    ]
    for name in dict.fromkeys(extra):
        out.append(_filled(panel, Field(name, _(EXTRA_LABELS[name])), record))
    if "notes" not in names and "notes" not in extra:
        out.append(Field("notes", _("Notes")))
    return out


def _filled(panel: TablePanel, field: Field, record: ProposedRecord) -> Field:
    name = field.name
    if name in record.unsettled:
        found, reason = record.unsettled[name]
        # The normaliser says "quantity '几千套' is an estimate…": the label names the
        # field and the text already, so only the predicate (translated) follows.
        said = _PREDICATE.match(reason)
        label = f"{field.label} ⚠ " + _("unclear: “{text}” {reason}; settle it").format(
            text=shown(found), reason=_(said.group(1) if said else reason)
        )
        return Field(name, label, field.required, shown(found), "", field.check)
    value = _form_text(panel, name, record.fields[name]) if name in record.fields else ""
    if not value and name in record.written:
        value = shown(record.written[name])
    return Field(name, field.label, field.required, field.placeholder, value, field.check)


def _form_text(panel: TablePanel, name: str, value: Any) -> str:
    """A read value as the form's field would take it typed: a time in desk time, a
    number without separators."""
    if value is None:
        return ""
    if name in TIME_FIELDS and isinstance(value, str):
        try:
            return f"{from_iso(value).astimezone(panel.desk.zone):%Y-%m-%d %H:%M}"
        except ValueError:
            return shown(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shown(str(value))


def _hint(record: ProposedRecord) -> str:
    said: list[str] = []
    if record.unsettled:
        said.append(_("⚠ settle the marked fields"))
    if record.missing:
        said.append(_("not found: {fields}").format(fields=", ".join(record.missing)))
    said.append(_("ctrl+s save · esc skip this record"))
    return " · ".join(said)
