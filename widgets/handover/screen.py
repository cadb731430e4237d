"""One handover on its own screen: draft, sign off, acknowledge, question, amend.

The outgoing officer edits the notes (a TextArea) and the items (add, remove, restore)
of a draft, then signs off after a confirmation. The incoming officer acknowledges each
item or all at once and may attach a question to an item. Everyone sees who signed and
who acknowledged, when, and each item's history across shifts (``enter``).

Store calls run in thread workers; results come back with ``call_from_thread``. Another
terminal's sign-off or acknowledgement shows within a second: the screen polls
``PRAGMA data_version`` like the dashboard does. A leader has no write key here at all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from dutyboard.domain.clock import from_iso
from dutyboard.domain.handover import (
    HandoverState,
    HandoverView,
    PassTo,
    carried_words,
    item_step,
    item_summary,
    item_words,
    ref_words,
    render,
    section_title,
)
from dutyboard.domain.handover import brief_text as domain_brief_text
from dutyboard.domain.handover import status_words as domain_status_words
from dutyboard.domain.status import IllegalTransition
from dutyboard.i18n import _
from dutyboard.store import Row, StaleEdit, StoreError
from dutyboard.store import handovers as ho
from dutyboard.store.handover_items import RECORD_TABLES
from widgets.common.desk import OnDesk
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, Field, FormDialog, text_dialog
from widgets.common.fmt import day_hm, pgettext, status_label
from widgets.common.typing_guard import QuietTextArea, typing_in

# Actions that write: absent (not greyed) in a leader's session.
WRITE_ACTIONS = frozenset(
    {
        "save_notes",
        "add_item",
        "toggle_item",
        "refresh_draft",
        "sign",
        "acknowledge",
        "acknowledge_all",
        "question",
        "amend",
    }
)
DRAFT_ACTIONS = frozenset({"save_notes", "add_item", "toggle_item", "refresh_draft", "sign"})
ACK_ACTIONS = frozenset({"acknowledge", "acknowledge_all"})

STATE_STYLE = {"draft": "bold yellow", "signed": "bold magenta", "acknowledged": "bold green"}
# The dashboard's panel keys, as in the app: here they go back to the dashboard, there.
PANEL_KEYS = ("requests", "leads", "contacts", "arrivals", "handover", "supplies")
# Single-key actions: never run while a text field has the focus (a note is typed, not
# obeyed). ctrl+s and esc stay: they are not text.
LETTER_ACTIONS = frozenset(
    {
        "panel",
        "quit_checked",
        "add_item",
        "toggle_item",
        "refresh_draft",
        "sign",
        "acknowledge",
        "acknowledge_all",
        "question",
        "amend",
        "export",
        "history",
    }
)
# How the store stamps a question: "19:00 UTC Zhang Wei: text" (a time of day, in UTC).
_QUESTION_STAMP = re.compile(r"(\d{2}):(\d{2}) UTC (.*)", re.DOTALL)


def desk_question(line: str, signed_at: object, local: Callable[[str], str]) -> str:
    """One line of an item's questions with its stamp in desk time, like every other time
    on screen: '19:00 UTC Zhang Wei: Contact?' → 'Wed 03:00 Zhang Wei: Contact?'.

    The stamp carries no date. Questions are asked after the sign-off, so it is the first
    such time of day at or after ``signed_at`` (the zone's offset on that day applies).
    """
    match = _QUESTION_STAMP.fullmatch(line)
    if match is None or not signed_at:
        return line
    try:
        signed = from_iso(str(signed_at))
    except ValueError:
        return line
    moment = signed.replace(
        hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0
    )
    if moment < signed.replace(second=0, microsecond=0):
        moment += timedelta(days=1)
    return f"{local(moment.isoformat())} {match.group(3)}"


def desk_questions(text: object, signed_at: object, local: Callable[[str], str]) -> list[str]:
    return [desk_question(line, signed_at, local) for line in str(text or "").splitlines()]


def status_words(text: str) -> str:
    """'now in_progress' → 'now in progress' (in the interface language)."""
    return domain_status_words(text, word=status_label)


def brief_text(section_key: str, text: str) -> str:
    """One line of the brief as people read it (dutyboard.domain.handover's reading of
    the store's words, statuses as the dashboard says them: "in progress")."""
    return domain_brief_text(section_key, text, word=status_label)


def fill(template: str, style: str = "", **values: str | tuple[str, str]) -> Text:
    """A translated template as Text, its ``{fields}`` filled with values (each plain or a
    (text, style) pair): the order of the words is the language's, the data stays data
    (never parsed as markup)."""
    out = Text(style=style)
    for index, part in enumerate(re.split(r"\{(\w+)\}", template)):
        if index % 2 == 0:
            out.append(part)
            continue
        value = values[part]
        if isinstance(value, tuple):
            out.append(value[0], style=value[1])
        else:
            out.append(value)
    return out


def for_people(view: HandoverView, local: Callable[[str], str]) -> HandoverView:
    """The handover as it is shown: questions in desk time, statuses as words (what
    the Markdown copy says too)."""
    signed_at = view.handover.get("signed_at")
    items = [
        {**i, "question": "\n".join(desk_questions(i.get("question"), signed_at, local))}
        for i in view.items
    ]
    brief = view.brief
    if brief is not None:
        sections = tuple(
            dataclasses.replace(
                section,
                lines=tuple(
                    dataclasses.replace(line, text=status_words(line.text))
                    for line in section.lines
                ),
            )
            for section in brief.sections
        )
        brief = dataclasses.replace(brief, sections=sections)
    return dataclasses.replace(view, items=items, brief=brief)


def parse_ref(text: str) -> tuple[str, int]:
    """'request 12', 'r12', 'lead #5', 'L5', '需求 12', '线索5' → (entity, id); a
    ValueError for people otherwise."""
    cleaned = text.strip().lower().replace("#", " ")
    prefixes = (
        ("request", "request"),
        ("lead", "lead"),
        ("需求", "request"),
        ("线索", "lead"),
        ("r", "request"),
        ("l", "lead"),
    )
    for prefix, entity in prefixes:
        if cleaned.startswith(prefix):
            number = cleaned[len(prefix) :].strip()
            if number.isdecimal():  # full-width digits (an IME) too: int() reads them
                return entity, int(number)
    raise ValueError(_("write it as 'request 12' or 'lead 5' (or r12, l5)"))


class ItemList(OptionList):
    """The handover's items: ``j``/``k`` move like in every list of the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", _("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="list.up"),
    ]


class HandoverScreen(Screen[None], OnDesk):
    DEFAULT_CSS = """
    HandoverScreen { layout: vertical; }
    HandoverScreen #ho-head { height: auto; padding: 0 1; background: $boost; }
    HandoverScreen #ho-body { height: 1fr; }
    HandoverScreen #ho-brief-scroll {
        width: 1fr; border: round $panel-lighten-2; padding: 0 1;
    }
    HandoverScreen #ho-right { width: 1fr; }
    HandoverScreen #ho-notes { height: 9; border: round $panel-lighten-2; }
    HandoverScreen #ho-items { height: 1fr; border: round $panel-lighten-2; }
    /* Where the keys go must be plain to see: a heavy accent frame, and its label lit. */
    HandoverScreen #ho-brief-scroll:focus,
    HandoverScreen #ho-notes:focus,
    HandoverScreen #ho-items:focus {
        border: heavy $accent;
        border-title-color: $accent;
        border-title-style: bold;
    }
    HandoverScreen .ho-label { padding: 0 1; text-style: bold; }
    HandoverScreen .ho-label.-focused { background: $accent; color: $text; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back"), id="handover.back"),
        Binding("q", "quit_checked", _("Quit"), show=False, id="handover.quit"),
        Binding("ctrl+s", "save_notes", _("Save notes"), id="handover.save_notes"),
        Binding("N", "add_item", _("Add item"), id="handover.add_item"),
        Binding("d", "toggle_item", _("Remove/restore"), id="handover.remove_item"),
        Binding("r", "refresh_draft", _("Refresh"), id="handover.refresh"),
        Binding("S", "sign", _("Sign off"), id="handover.sign"),
        Binding("a", "acknowledge", _("Acknowledge"), id="handover.acknowledge"),
        Binding("A", "acknowledge_all", _("Acknowledge all"), id="handover.acknowledge_all"),
        Binding("n", "question", _("Question"), id="handover.question"),
        Binding("M", "amend", _("Amend"), id="handover.amend"),
        Binding("e", "export", _("Copy Markdown"), id="handover.export"),
        Binding("h", "history", _("History"), id="handover.history"),
        # The dashboard's panel keys: back to the dashboard, on that panel.
        *[
            Binding(str(n), f"panel('{name}')", show=False, id=f"handover.panel.{name}")
            for n, name in enumerate(PANEL_KEYS, start=1)
        ],
    ]

    def __init__(self, handover_id: int) -> None:
        super().__init__()
        self.handover_id = handover_id
        self.view: HandoverView | None = None
        self.markdown = ""  # the last export, as copied to the clipboard
        self._notes_loaded = ""
        self._items: list[Mapping[str, Any]] = []
        self._land_on: str | None = None  # an item just added: the cursor goes to it
        self.head_text = Text("")  # what the header shows (plain for tests and snapshots)

    # -- plumbing -------------------------------------------------------------------

    @property
    def can_write(self) -> bool:
        return self.desk.can_write

    def local(self, iso: str) -> str:
        """Desk time, 'Wed 03:00' / '周三 03:00' (strftime's %a would be the C locale's)."""
        try:
            return day_hm(from_iso(iso).astimezone(self.desk.zone))
        except (TypeError, ValueError):
            return str(iso)

    @property
    def stale_hours(self) -> float:
        return float(self.desk.config.stale_after_hours)

    @property
    def state(self) -> str:
        return self.view.state if self.view else ""

    @property
    def is_mine(self) -> bool:
        """This officer wrote (and signs) the handover."""
        return bool(self.view and self.view.handover["from_officer"] == self.store.actor)

    @property
    def notes_area(self) -> QuietTextArea:
        return self.query_one("#ho-notes", QuietTextArea)

    @property
    def item_list(self) -> ItemList:
        return self.query_one("#ho-items", ItemList)

    @property
    def notes_dirty(self) -> bool:
        return self.state == HandoverState.DRAFT and self.notes_area.text != self._notes_loaded

    def compose(self) -> ComposeResult:
        yield Static(Text(_("loading…")), id="ho-head")
        with Horizontal(id="ho-body"):
            with VerticalScroll(id="ho-brief-scroll"):
                yield Static(Text(""), id="ho-brief")
            with Vertical(id="ho-right"):
                yield Label(_("Notes"), classes="ho-label", id="ho-notes-label")
                yield QuietTextArea("", id="ho-notes", read_only=True, soft_wrap=True)
                yield Label(_("Items"), classes="ho-label", id="ho-items-label")
                yield ItemList(id="ho-items")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ho-brief-scroll").border_title = _("From the record")
        self.item_list.focus()
        self.load()

    @property
    def focus_chain(self) -> list[Widget]:
        """Tab goes items → notes → the brief: one Tab from the list lands in the notes
        (by position the brief on the left would come first)."""
        order = {"ho-items": 0, "ho-notes": 1, "ho-brief-scroll": 2}
        chain = super().focus_chain
        return sorted(chain, key=lambda w: order.get(w.id or "", len(order)))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._light_labels()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._light_labels()

    def _light_labels(self) -> None:
        """The label above the focused notes or item list is lit too."""
        focused_id = self.focused.id if self.focused is not None else None
        for label in self.query(".ho-label"):
            label.set_class(label.id == f"{focused_id}-label", "-focused")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LETTER_ACTIONS and typing_in(self):
            return False
        if action in WRITE_ACTIONS and not self.can_write:
            return False
        if self.view is None:
            return action not in WRITE_ACTIONS
        if action in DRAFT_ACTIONS:
            return self.state == HandoverState.DRAFT and self.is_mine
        if action in ACK_ACTIONS:
            return self.state == HandoverState.SIGNED and not self.is_mine
        if action == "question":
            return self.state == HandoverState.SIGNED
        if action == "amend":
            return self.state != HandoverState.DRAFT
        return True

    # -- loading and live refresh ---------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="handover-load")
    def load(self) -> None:
        view = ho.handover_view(self.store, self.handover_id, stale_after_hours=self.stale_hours)
        self.app.call_from_thread(self._show, view)

    def desk_changed(self) -> None:
        """The one bus: anyone wrote (here or elsewhere): show the handover as it is now."""
        self.load()

    def _show(self, view: HandoverView) -> None:
        self.view = view
        h = view.handover
        self.head_text = self._head(view)
        self.query_one("#ho-head", Static).update(self.head_text)
        self.query_one("#ho-brief", Static).update(self._brief(view))
        notes = str(h["notes"] or "")
        area = self.notes_area
        editable = view.state == HandoverState.DRAFT and self.is_mine and self.can_write
        typed = area.text
        # Never overwrite what the officer is typing; take other changes otherwise.
        if (typed == self._notes_loaded or not editable) and typed != notes:
            if not area.read_only and typed != self._notes_loaded:
                # Signed meanwhile (in another terminal): the typed text cannot go in any
                # more, and it is not thrown away either.
                self.app.copy_to_clipboard(typed)
                self.notify(
                    _(
                        "handover #{id} was signed meanwhile: your unsaved notes were not "
                        "added; they are on the clipboard"
                    ).format(id=h["id"]),
                    severity="warning",
                    timeout=15,
                )
            area.load_text(notes)
        self._notes_loaded = notes
        area.read_only = not editable
        self.query_one("#ho-notes-label", Label).update(
            Text(_("Notes") + (_("  (ctrl+s saves)") if editable else ""))
        )
        self._show_items(view)
        self.refresh_bindings()

    def _head(self, view: HandoverView) -> Text:
        h = view.handover
        text = Text.assemble(
            (_("Handover #{id} ").format(id=h["id"]), "bold"),
            (str(h["from_officer"]), "bold"),
            " → ",
            (str(h["to_officer"] or "?"), "bold"),
            "  ",
            (status_label(view.state), STATE_STYLE.get(view.state, "")),
            "  "
            + _("{done}/{count} items acknowledged").format(
                done=view.acknowledged_items, count=len(view.active_items)
            ),
        )
        text.append("\n")
        text.append(_("drafted {time}").format(time=self.local(str(h["created_at"]))), "dim")
        if h["signed_at"]:
            signer = str(h.get("signed_by") or h["from_officer"])
            text.append(" · ")
            text.append_text(
                fill(
                    _("signed {time} by {name}"),
                    time=self.local(str(h["signed_at"])),
                    name=(signer, "bold"),
                )
            )
        if h["acknowledged_at"]:
            text.append(" · ")
            text.append_text(
                fill(
                    _("acknowledged {time} by {name}"),
                    time=self.local(str(h["acknowledged_at"])),
                    name=(str(h["acknowledged_by"]), "bold"),
                )
            )
        if view.state == HandoverState.SIGNED:
            text.append("\n")
            text.append(_("waiting for the incoming officer to acknowledge"), style="italic")
        elif view.state == HandoverState.DRAFT:
            text.append("\n")
            text.append_text(
                fill(
                    _("draft: only {name} can edit and sign it"),
                    "italic",
                    name=(str(h["from_officer"]), "bold"),
                )
            )
        return text

    def _brief(self, view: HandoverView) -> Group:
        parts: list[Text] = []
        brief = view.brief
        if brief is None:
            parts.append(Text(_("No brief from the record (made before it was kept)."), "dim"))
        else:
            parts.append(
                Text(
                    _(
                        "{start} – {end} · {events} events · open now: {requests} requests, "
                        "{leads} leads"
                    ).format(
                        start=self.local(brief.covers_from),
                        end=self.local(brief.covers_to),
                        events=brief.events,
                        requests=brief.open_requests,
                        leads=brief.open_leads,
                    ),
                    style="dim",
                )
            )
            for section in brief.sections:
                parts.append(Text(""))
                parts.append(
                    Text(f"{section_title(section)} ({section.total})", style="bold underline")
                )
                for entry in section.lines:
                    line = Text("  ")
                    if entry.at:
                        line.append(self.local(entry.at), style="dim")
                        line.append(" ")
                    if entry.ref:
                        line.append(ref_words(entry.ref), style="cyan")
                        line.append(" ")
                    line.append(brief_text(section.key, entry.text))
                    if entry.actor:
                        line.append(f"  {entry.actor}", style="dim")
                    parts.append(line)
                if section.left_out:
                    more = _("… and {n} more").format(n=section.left_out)
                    parts.append(Text(f"  {more}", style="italic"))
        for title, entries in ((_("Passed on"), view.passes), (_("Amendments"), view.amendments)):
            if entries:
                parts.append(Text(""))
                parts.append(Text(title, style="bold underline"))
                for event in entries:
                    line = Text("  ")
                    line.append(self.local(str(event["at"])), style="dim")
                    line.append(f" {event['actor']}: ", style="bold")
                    line.append(str(event["text"]))
                    parts.append(line)
        return Group(*parts)

    def _show_items(self, view: HandoverView) -> None:
        items = list(view.active_items)
        if view.state == HandoverState.DRAFT:
            items += [i for i in view.items if i.get("removed")]
        options = [Option(self._item_prompt(i), id=str(i["id"])) for i in items]
        listing = self.item_list
        highlighted = listing.highlighted
        current = (
            listing.get_option_at_index(highlighted).id
            if highlighted is not None and highlighted < listing.option_count
            else None
        )
        listing.set_options(options)
        ids = [str(i["id"]) for i in items]
        if self._land_on in ids:  # an item just added: the cursor lands on it
            current, self._land_on = self._land_on, None
        if ids:
            listing.highlighted = (
                ids.index(current) if current in ids else min(highlighted or 0, len(ids) - 1)
            )
        self._items = items
        label = _("Items: {count}, {done} acknowledged").format(
            count=len(view.active_items), done=view.acknowledged_items
        )
        brief = view.brief
        if brief is not None:
            label += " · " + _(
                "listed {requests} of {open_requests} open requests, "
                "{leads} of {open_leads} open leads"
            ).format(
                requests=view.listed_requests,
                open_requests=brief.open_requests,
                leads=view.listed_leads,
                open_leads=brief.open_leads,
            )
        self.query_one("#ho-items-label", Label).update(Text(label))

    def _item_prompt(self, item: Mapping[str, Any]) -> Text:
        removed = bool(item.get("removed"))
        done = bool(item.get("acknowledged_at"))
        mark = "✗" if removed else "✓" if done else "•"
        text = Text(f"{mark} ", style="green" if done else "")
        text.append(item_words(item), style="cyan")
        text.append(" ")
        text.append(item_summary(item), style="strike dim" if removed else "")
        owner = item.get("owner") or _("unowned")
        text.append(f"  [{owner}]", style="dim")
        if item.get("status"):
            text.append(f" {status_label(str(item['status']))}", style="dim")
        carried = carried_words(int(item.get("carry_count") or 0))
        if carried:
            text.append(f"  ↻ {carried}", style="yellow")
        step = item_step(item, self.local)
        if step:
            text.append("\n" + _("    next: {step}").format(step=step), style="italic")
        if done:
            acknowledged = _("acknowledged {time} by {name}").format(
                time=self.local(str(item["acknowledged_at"])), name=item.get("acknowledged_by")
            )
            text.append(f"\n    {acknowledged}", style="dim green")
            if item.get("passed_to") is not None:
                target = item["passed_to"] or _("the unowned pool")
                text.append(" · " + _("passed to {name}").format(name=target), "dim")
        signed_at = self.view.handover.get("signed_at") if self.view else None
        for question in desk_questions(item.get("question"), signed_at, self.local):
            text.append("\n    ? ", style="bold yellow")
            text.append(question)
        if removed:
            text.append("  " + _("(removed: d restores)"), style="dim")
        return text

    def item_texts(self) -> list[str]:
        """The items as shown, one string each."""
        listing = self.item_list
        return [
            str(getattr(listing.get_option_at_index(i).prompt, "plain", ""))
            for i in range(listing.option_count)
        ]

    def selected_item(self) -> Mapping[str, Any] | None:
        index = self.item_list.highlighted
        if index is None or index >= len(self._items):
            return None
        return self._items[index]

    # -- writes ---------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="handover-write")
    def write(
        self,
        change: Callable[[], object],
        done: str | Callable[[Any], str],
        *,
        then: Callable[[Any], object] | None = None,
        failed: Callable[[], object] | None = None,
    ) -> None:
        """One store write off the event loop; an error becomes one clear notice.

        ``then(result)`` runs on the event loop after a success, before the reload;
        ``failed()`` after an error, before the reload a stale edit brings."""
        try:
            result = change()
        except StaleEdit as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="warning", timeout=8, markup=False
            )
            if failed is not None:
                self.app.call_from_thread(failed)
        except (StoreError, IllegalTransition) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", timeout=8, markup=False
            )
            if failed is not None:
                self.app.call_from_thread(failed)
            return
        else:
            message = done(result) if callable(done) else done
            self.app.call_from_thread(self.notify, message, timeout=4, markup=False)
            if then is not None:
                self.app.call_from_thread(then, result)
        self.app.call_from_thread(self._after_write)

    def _after_write(self) -> None:
        self.desk.changed()  # the bus reloads this screen too (desk_changed)

    def _version(self) -> int | None:
        return int(self.view.handover["version"]) if self.view else None

    def action_save_notes(self) -> None:
        text, version, loaded = self.notes_area.text, self._version(), self._notes_loaded
        self._notes_loaded = text  # what is saved now counts as loaded

        def failed() -> None:
            # Not saved (changed meanwhile, refused): the text stays as typed, unsaved, so
            # the reload keeps it and leaving still asks.
            if self._notes_loaded == text:
                self._notes_loaded = loaded

        self.write(
            lambda: ho.set_notes(self.store, self.handover_id, text, expected_version=version),
            _("notes saved"),
            failed=failed,
        )

    def action_add_item(self) -> None:
        """``N``: a request, a lead or a free-text item, put right after the item at the
        cursor (at the end when the cursor is on a removed one); the cursor lands on it."""
        at = self.selected_item()
        after = int(at["id"]) if at is not None and not at.get("removed") else None

        def land(item_id: object) -> None:
            self._land_on = str(item_id)

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            ref = values.get("ref")
            summary = str(values.get("summary") or "") or None
            step = str(values.get("next") or "") or None
            if isinstance(ref, tuple):
                entity, entity_id = ref
                label = item_words({"entity": entity, "entity_id": entity_id})
                self.write(
                    lambda: ho.add_item(
                        self.store,
                        self.handover_id,
                        entity,
                        entity_id,
                        next_step=step,
                        after_item_id=after,
                    ),
                    _("{item} added").format(item=label),
                    then=land,
                )
            else:
                self.write(
                    lambda: ho.add_item(
                        self.store,
                        self.handover_id,
                        "note",
                        summary=summary,
                        next_step=step,
                        after_item_id=after,
                    ),
                    _("item added"),
                    then=land,
                )

        title = (
            _("Add an item to handover #{id}, after {item}").format(
                id=self.handover_id, item=item_words(at)
            )
            if at is not None and after is not None
            else _("Add an item to handover #{id}").format(id=self.handover_id)
        )
        self.app.push_screen(
            FormDialog(
                title,
                [
                    Field(
                        "ref",
                        _("Request or lead (empty: a free-text item)"),
                        placeholder=_("request 12 · lead 5 · r12 · l5"),
                        check=parse_ref,
                    ),
                    Field("summary", _("Summary (a free-text item)")),
                    Field("next", _("Next step")),
                ],
            ),
            done,
        )

    def action_toggle_item(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        item_id, label = int(item["id"]), item_words(item)
        if item.get("removed"):
            self.write(
                lambda: ho.restore_item(self.store, item_id),
                _("{item} restored").format(item=label),
            )
        else:
            self.write(
                lambda: ho.remove_item(self.store, item_id),
                _("{item} removed").format(item=label),
            )

    def action_refresh_draft(self) -> None:
        self.write(
            lambda: ho.refresh_draft(self.store, self.handover_id),
            lambda added: _("draft refreshed: {n} new open items").format(n=added),
        )

    def action_sign(self) -> None:
        text, version, stale = self.notes_area.text, self._version(), self.stale_hours

        def chosen(choice: str | None) -> None:
            if choice == "sign":
                self._notes_loaded = text
                self.write(
                    lambda: ho.sign_handover(
                        self.store,
                        self.handover_id,
                        text,
                        expected_version=version,
                        stale_after_hours=stale,
                    ),
                    _("handover #{id} signed").format(id=self.handover_id),
                )

        view = self.view
        count = len(view.active_items) if view else 0
        self.app.push_screen(
            ChoiceDialog(
                _(
                    "Sign handover #{id} ({count} items)? "
                    "Once signed it is never edited; later additions are amendments."
                ).format(id=self.handover_id, count=count),
                [("sign", _("Sign off now")), ("cancel", _("Not yet"))],
            ),
            chosen,
        )

    def action_acknowledge(self) -> None:
        item = self.selected_item()
        if item is None or item.get("removed"):
            return
        label = item_words(item)
        if item.get("acknowledged_at"):
            self.notify(
                _("{item} is already acknowledged").format(item=label), timeout=3, markup=False
            )
            return
        item_id = int(item["id"])

        def done(result: ho.Acknowledgement) -> str:
            message = _("{item} acknowledged").format(item=label)
            if result.passed:
                message += _("; {n} record(s) passed to you").format(n=result.passed)
            if result.completed:
                message += _("; handover #{id} acknowledged: you are on duty").format(
                    id=result.handover_id
                )
            return message

        self.write(lambda: ho.acknowledge_item(self.store, item_id), done)
        # On to the next item at once: the officer walks the list pressing a, a, a…
        listing = self.item_list
        if listing.highlighted is not None and listing.highlighted + 1 < listing.option_count:
            listing.highlighted += 1

    def action_acknowledge_all(self) -> None:
        view = self.view
        if view is None:
            return
        outgoing = str(view.handover["from_officer"])
        left = len(view.active_items) - view.acknowledged_items

        def chosen(choice: str | None) -> None:
            if choice in (PassTo.INCOMING, PassTo.POOL):
                self.write(
                    lambda: ho.acknowledge_all(self.store, self.handover_id, pass_to=str(choice)),
                    lambda r: _(
                        "handover #{id} acknowledged ({items} items, {passed} records passed "
                        "on): you are on duty"
                    ).format(id=r.handover_id, items=r.acknowledged, passed=r.passed),
                )

        self.app.push_screen(
            ChoiceDialog(
                _("Acknowledge the {n} remaining items of handover #{id}?").format(
                    n=left, id=self.handover_id
                ),
                [
                    (
                        PassTo.INCOMING.value,
                        _("Yes: what {name} owns passes to me").format(name=outgoing),
                    ),
                    (
                        PassTo.POOL.value,
                        _("Yes: what {name} owns goes to the unowned pool").format(name=outgoing),
                    ),
                    ("cancel", _("Cancel")),
                ],
            ),
            chosen,
        )

    def action_question(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        item_id, label = int(item["id"]), item_words(item)

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                text = str(values["text"])
                self.write(
                    lambda: ho.ask_question(self.store, item_id, text),
                    _("question added to {item}").format(item=label),
                )

        self.app.push_screen(
            text_dialog(_("Question on {item}").format(item=label), _("Question")), done
        )

    def action_amend(self) -> None:
        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                text = str(values["text"])
                self.write(
                    lambda: ho.amend_handover(self.store, self.handover_id, text),
                    _("amendment added to handover #{id}").format(id=self.handover_id),
                )

        self.app.push_screen(
            text_dialog(_("Amend handover #{id}").format(id=self.handover_id), _("Amendment")),
            done,
        )

    @work(thread=True, exit_on_error=False, group="handover-export")
    def action_export(self) -> None:
        view = ho.handover_view(self.store, self.handover_id, stale_after_hours=self.stale_hours)
        text = render(for_people(view, self.local), self.local, markdown=True)
        self.app.call_from_thread(self._copied, text)

    def _copied(self, text: str) -> None:
        self.markdown = text
        self.app.copy_to_clipboard(text)
        self.notify(
            _("handover #{id} copied as Markdown ({n} lines)").format(
                id=self.handover_id, n=len(text.splitlines())
            ),
            timeout=4,
        )

    def action_history(self) -> None:
        from widgets.handover.history import HandoverHistoryScreen

        self.app.push_screen(HandoverHistoryScreen(HandoverScreen))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.selected_item()
        if item is not None:
            self.app.push_screen(ItemHistoryScreen(item, self.local))

    # -- leaving --------------------------------------------------------------------

    @property
    def has_unsaved_notes(self) -> bool:
        return self.notes_dirty and self.can_write

    def action_back(self) -> None:
        self.leave()

    def leave(self, then: Callable[[], object] | None = None) -> None:
        """Back to the dashboard (then ``then()``). Unsaved notes are never closed without
        asking: y saves them and leaves; n or esc stays here with the text as typed."""
        if not self.has_unsaved_notes:
            self._close(then)
            return

        def answered(save: bool | None) -> None:
            if save:
                self._save_then(lambda: self._close(then))

        self.app.push_screen(
            ConfirmDialog(
                _("The handover notes are not saved"),
                _("Save them and leave? (n: stay and keep editing)"),
            ),
            answered,
        )

    def _close(self, then: Callable[[], object] | None) -> None:
        self.dismiss(None)
        if then is not None:
            then()

    def _save_then(self, after: Callable[[], object]) -> Worker[None]:
        """Save the notes off the event loop, then ``after()`` (leave, quit). A refused
        save (changed meanwhile, no longer a draft) says why and stays here with the text
        as typed: the screen never closes over notes that did not go in."""
        app, store = self.app, self.store
        handover_id, text, version = self.handover_id, self.notes_area.text, self._version()

        def save() -> None:
            try:
                ho.set_notes(store, handover_id, text, expected_version=version)
            except (StoreError, IllegalTransition) as exc:
                message = _("{error}; the notes are not saved, still here as typed").format(
                    error=exc
                )
                app.call_from_thread(
                    app.notify, message, severity="error", timeout=10, markup=False
                )
                app.call_from_thread(self.load)
            else:
                app.call_from_thread(self._saved, text, after)

        return self.run_worker(save, thread=True, exit_on_error=False, group="handover-save")

    def _saved(self, text: str, after: Callable[[], object]) -> None:
        self._notes_loaded = text  # what was saved counts as loaded
        self.notify(_("handover notes saved"), timeout=3)
        self.desk.changed()
        after()

    def action_panel(self, name: str) -> None:
        # The app's own key action, by name: a screen never imports the App.
        self.leave(lambda: self.app.call_later(self.app.run_action, f"focus_panel({name!r})"))

    def action_quit_checked(self) -> None:
        """Quit (``q`` here, ``q``/``ctrl+q`` in the app): unsaved notes ask y/n first; y
        saves them, then quits; n or esc stays."""
        if not self.has_unsaved_notes:
            self.app.exit()
            return

        def answered(save: bool | None) -> None:
            if save:
                self._save_then(self.app.exit)

        self.app.push_screen(
            ConfirmDialog(
                _("The handover notes are not saved"),
                _("Save them and quit? (n: stay and keep editing)"),
            ),
            answered,
        )


class ItemHistoryScreen(ModalScreen[None], OnDesk):
    """One item across shifts: every handover it was in, who took it, what was asked."""

    DEFAULT_CSS = """
    ItemHistoryScreen { align: center middle; background: $background 60%; }
    ItemHistoryScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", _("Close"), id="history.close")
    ]

    def __init__(self, item: Mapping[str, Any], local: Callable[[str], str]) -> None:
        super().__init__()
        self.item = item
        self.local = local
        self.rows: list[Row] = []
        self.body = Static(Text(_("loading…")))

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.body

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).border_title = item_words(self.item)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        store = self.store
        entity, entity_id = self.item.get("entity"), self.item.get("entity_id")
        rows = (
            ho.item_history(store, str(entity), int(entity_id))
            if entity in RECORD_TABLES and entity_id is not None
            else []
        )
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[Row]) -> None:
        self.rows = rows
        parts: list[Text] = [Text(item_summary(self.item), style="bold")]
        signed = [r for r in rows if r["state"] != HandoverState.DRAFT and not r["removed"]]
        carried = carried_words(len(signed) - 1) or pgettext("first handover", "new")
        parts.append(
            Text(_("In {n} signed handover(s); {carried}").format(n=len(signed), carried=carried))
        )
        for row in rows:
            line = Text(f"\n#{row['handover_id']} ", style="bold")
            line.append(
                f"{row['from_officer']} → {row['to_officer'] or '?'}  "
                f"{status_label(str(row['state']))}"
            )
            if row["removed"]:
                line.append("  " + _("(removed from the draft)"), style="dim")
            if row["signed_at"]:
                signed_line = _("signed {time}").format(time=self.local(str(row["signed_at"])))
                line.append(f"\n  {signed_line}", style="dim")
            owner = _("owner {name}").format(name=row["owner"] or _("unowned"))
            line.append(f"\n  {owner}")
            if row["acknowledged_at"]:
                acknowledged = _("acknowledged {time} by {name}").format(
                    time=self.local(str(row["acknowledged_at"])), name=row["acknowledged_by"]
                )
                line.append(f"\n  {acknowledged}")
            for question in desk_questions(row["question"], row["signed_at"], self.local):
                line.append(f"\n  ? {question}")
            parts.append(line)
        self.body.update(Group(*parts))

    def action_close(self) -> None:
        self.dismiss(None)
