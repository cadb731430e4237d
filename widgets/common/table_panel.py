"""A panel holding one store-backed virtual table: sort, filter, actions, live refresh.

Every action is a binding (shown in the footer while the panel has focus, and in the
command palette). Write actions do not exist in a leader session: ``check_action``
hides and disables them. Writes run in thread workers and carry the version of the row
the officer was looking at, so an edit to a row that changed meanwhile is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from dutyboard.i18n import _
from dutyboard.store import Row
from dutyboard.store import views as v
from widgets.common.columns import ColumnSpec
from widgets.common.detail import DetailScreen
from widgets.common.dialogs import ChoiceDialog, Field, FormDialog, text_dialog
from widgets.common.fmt import status_label
from widgets.common.virtual_table import VirtualTable
from widgets.common.writes import StoreWriter

# Quick filters: name → ViewSpec changes (from the panel's default spec).
QUICK_FILTERS: dict[str, dict[str, Any]] = {
    "open": {},
    "mine": {"assignee": "<me>"},
    "urgent": {"urgent": True},
    "overdue": {"overdue": True},
    "new": {"statuses": frozenset({"new"})},
    "all": {"open_only": False},
}


class PasteAsked(Message):
    """``p`` on a panel: open the paste box for it (the app does: widgets.paste)."""

    def __init__(self, panel: TablePanel) -> None:
        super().__init__()
        self.panel = panel


class TablePanel(StoreWriter, Vertical):
    """Base class: subclasses name the table, its columns and how a row looks."""

    DEFAULT_CSS = """
    TablePanel {
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        height: 1fr;
    }
    TablePanel:focus-within {
        border: round $accent;
        border-subtitle-color: $text;
    }
    TablePanel > Input.filter {
        dock: bottom;
        display: none;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "detail", _("Detail"), id="row.detail"),
        Binding("slash", "filter", _("Filter"), id="panel.filter"),
        Binding("f", "quick_filter", _("Quick filter"), id="panel.quick_filter"),
        Binding("o", "cycle_sort", _("Sort"), show=False, id="panel.sort"),
        Binding("escape", "clear_filter", _("Clear filter"), show=False, id="panel.clear_filter"),
        Binding("m", "assign_me", _("Mine"), id="row.assign_me"),
        Binding("A", "assign_other", _("Assign"), id="row.assign"),
        Binding("s", "status", _("Status"), id="row.status"),
        Binding("n", "note", _("Note"), id="row.note"),
        Binding("N", "new", _("New"), id="panel.new"),
        Binding("p", "paste", _("Paste"), id="panel.paste"),
        Binding("x", "export", _("Export"), id="panel.export"),
    ]
    # Actions that change data: absent for a leader.
    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"assign_me", "assign_other", "status", "note", "new", "paste", "acknowledge", "link"}
    )
    # Actions a table does not support at all (e.g. no assignee on contacts).
    UNSUPPORTED: ClassVar[frozenset[str]] = frozenset()

    title: ClassVar[str] = ""
    table_name: ClassVar[v.Table]
    columns: ClassVar[Sequence[ColumnSpec]] = ()
    quick_filters: ClassVar[tuple[str, ...]] = ("open", "mine", "overdue", "new", "all")
    # "{n} picked · …": a panel whose rows can be picked with space (contacts, leads) says
    # in its subtitle how many are and what to do with them.
    pick_hint: ClassVar[str] = ""
    # What an empty panel says to do: for the officer, and for a leader (read-only).
    empty_hint: ClassVar[str] = ""
    empty_hint_leader: ClassVar[str] = ""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = self.title
        self.quick = self.quick_filters[0]
        # Rows picked with space: id → the row as it was when picked (its version is the
        # one an edit of all of them expects, so one changed meanwhile is refused).
        self.picked: dict[int, Row] = {}

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.store, self.make_spec(), self.columns, self.cells)
        yield Input(
            placeholder=_("filter: type words (Chinese works) · enter keep · esc clear"),
            classes="filter",
        )

    def make_spec(self, text: str = "") -> v.ViewSpec:
        changes = dict(QUICK_FILTERS[self.quick])
        if changes.get("assignee") == "<me>":
            changes["assignee"] = self.store.actor
        spec = v.ViewSpec(self.table_name, text=text)
        current = self.query(VirtualTable)
        if current:
            # Filters change; the sort (and a contacts ranking) stay as the user left them.
            old = current.first().spec
            spec = spec.with_(sort=old.sort, descending=old.descending, ranking=old.ranking)
        return spec.with_(**changes)

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("Input.filter", Input)

    def on_mount(self) -> None:
        self.table.reset(keep_position=False)

    def cells(self, row: Row) -> Sequence[Text]:
        raise NotImplementedError

    def reload(self) -> None:
        """Another process (or this one) changed the data: re-query what is visible."""
        self.table.reset()

    def refresh_times(self) -> None:
        """A new minute: redraw the visible rows (their ages, countdowns, local times)
        from the rows already here, without a query."""
        self.table.invalidate_lines()

    def selected_id(self) -> int | None:
        row = self.table.cursor_row
        return int(row["id"]) if row is not None else None

    # -- header, subtitle, sort and filter ------------------------------------------

    def on_virtual_table_loaded(self, event: VirtualTable.Loaded) -> None:
        self._update_subtitle()
        self.table.set_empty_text(self.empty_text())

    def empty_text(self) -> str:
        """Why the view is empty and what to do: the filter's doing, or nothing yet."""
        spec = self.table.spec
        if spec.text:
            return _("Nothing matches “{text}” · esc clears the filter").format(text=spec.text)
        if self.quick != self.quick_filters[0]:
            return _("Nothing in “{filter}” · f for the next quick filter").format(
                filter=_(self.quick)
            )
        return self.empty_hint if self.desk.can_write else self.empty_hint_leader

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_detail()

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        event.stop()
        self.sort_by(event.column.sort or self.table.spec.sort)

    def sort_by(self, sort: str) -> None:
        spec = self.table.spec
        descending = not spec.descending if sort == spec.sort else False
        self.table.set_spec(spec.with_(sort=sort, descending=descending))

    def action_cycle_sort(self) -> None:
        sorts = [c.sort for c in self.columns if c.sort]
        current = self.table.spec.sort
        following = sorts[(sorts.index(current) + 1) % len(sorts)] if current in sorts else sorts[0]
        self.table.set_spec(self.table.spec.with_(sort=following, descending=False))

    def _update_subtitle(self) -> None:
        spec = self.table.spec
        # While a large view is still being counted, the rows found so far and a "+".
        parts = [f"{self.table.total:,}" + ("" if self.table.counted else "+")]
        if self.quick != self.quick_filters[0]:
            parts.append(_(self.quick))
        if spec.text:
            parts.append(f"“{spec.text}”")
        parts.append(_("by {sort}").format(sort=_(spec.sort_label)))
        if self.picked and self.pick_hint:
            parts.insert(0, self.pick_hint.format(n=len(self.picked)))
        self.border_subtitle = " · ".join(parts)

    def action_pick(self) -> None:
        """Pick (or unpick) the row under the cursor, then move down."""
        row = self.table.cursor_row
        if row is None:
            return
        if row["id"] in self.picked:
            del self.picked[row["id"]]
        else:
            self.picked[row["id"]] = row
        self.table.invalidate_lines()
        self.table.move_cursor(self.table.cursor + 1)
        self._update_subtitle()

    def action_filter(self) -> None:
        field = self.filter_input
        field.display = True
        # Focus now, not on the next message: keys typed right after "/" (or a paste)
        # must land in the filter, not run as commands on the table.
        self.screen.set_focus(field)

    @on(Input.Changed, "Input.filter")
    def _apply_filter(self) -> None:
        # Every keystroke, no debounce: the table's first page of a filter is one index
        # walk, and a newer filter interrupts the older one's query, so keys never queue.
        text = self.filter_input.value.strip()
        if text != self.table.spec.text:
            self.table.set_spec(self.make_spec(text))

    @on(Input.Submitted, "Input.filter")
    def _filter_submitted(self) -> None:
        self._apply_filter()
        if not self.filter_input.value.strip():
            self.filter_input.display = False
        self.screen.set_focus(self.table)

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.filter_input.has_focus:
            event.stop()
            self.action_clear_filter()

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self.filter_input.display = False
        if self.table.spec.text:
            self.table.set_spec(self.make_spec(""))
        self.table.focus()

    def action_quick_filter(self) -> None:
        filters = self.quick_filters
        self.quick = filters[(filters.index(self.quick) + 1) % len(filters)]
        self.table.set_spec(self.make_spec(self.table.spec.text))
        self.notify(f"{self.title[2:]}: {_(self.quick)}", timeout=2, markup=False)

    # -- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.UNSUPPORTED:
            return False
        if action in self.WRITE_ACTIONS:
            return self.desk.can_write
        if action == "export":  # writes a file: absent in a leader's session
            return self.desk.can_write_files
        return True

    def action_export(self) -> None:
        """This panel's current (filtered, sorted) view to a CSV/xlsx file."""
        from widgets.common.export_dialog import export_panel_view

        export_panel_view(self, self.table.spec)

    def ask_status(
        self,
        title: str,
        targets: Sequence[str],
        chosen: Callable[[str], None],
        *,
        none_legal: str,
        hint: str = "",
    ) -> None:
        """The status picker of every panel: the legal ``targets`` (from the domain's
        status machine), or ``none_legal`` as a warning when there are none."""
        if not targets:
            self.notify(none_legal, severity="warning", markup=False)
            return

        def picked(target: str | None) -> None:
            if target is not None:
                chosen(target)

        self.app.push_screen(
            ChoiceDialog(title, [(str(t), status_label(str(t))) for t in targets], hint=hint),
            picked,
        )

    def action_detail(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.app.push_screen(
                DetailScreen(self.store, self.table_name, record_id, self.local_time)
            )

    def action_assign_me(self) -> None:
        self.on_row(
            lambda row: self.store.assign(
                self.table_name, row["id"], self.store.actor, expected_version=row["version"]
            ),
            _("assigned to you"),
        )

    def action_assign_other(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                name = str(values["text"])
                self.write(
                    lambda: self.store.assign(
                        self.table_name, row["id"], name, expected_version=row["version"]
                    ),
                    _("#{id} assigned to {name}").format(id=row["id"], name=name),
                )

        self.app.push_screen(
            text_dialog(
                _("Assign #{id} to").format(id=row["id"]),
                _("Name"),
                value=row.get("assignee") or "",
            ),
            done,
        )

    def action_note(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return

        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                text = str(values["text"])
                self.write(
                    lambda: self.store.add_note(
                        self.table_name, row["id"], text, expected_version=row["version"]
                    ),
                    _("note added to #{id}").format(id=row["id"]),
                )

        self.app.push_screen(text_dialog(_("Note on #{id}").format(id=row["id"]), _("Note")), done)

    def action_status(self) -> None:
        """Subclasses offer the legal targets of their status machine."""

    def action_new(self) -> None:
        def done(values: dict[str, object] | None) -> None:
            if values is not None:
                self.write(lambda: self.create(values), _("created"))

        self.app.push_screen(FormDialog(self.new_title, self.form_fields()), done)

    def action_paste(self) -> None:
        """A pasted chat message, its records proposed in this panel's form: the app
        opens the paste box (widgets.paste, which drives ingest's rules)."""
        self.post_message(PasteAsked(self))

    new_title: ClassVar[str] = ""

    def form_fields(self) -> list[Field]:
        raise NotImplementedError

    def create(self, values: dict[str, object]) -> object:
        raise NotImplementedError

    def on_row(self, change: Callable[[Row], object], done: str) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.write(lambda: change(row), f"#{row['id']} {done}")
