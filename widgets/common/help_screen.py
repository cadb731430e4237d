"""``?``: the keys of the focused panel, the keys that work everywhere, and every mark.

The keys are read from the live bindings (``Screen.active_bindings``), so a key the user
remapped in ``[keys]`` shows as it now is, and a key a leader cannot use is shown dimmed
with why. The legends come from the panels' own tables (``widgets.legend``), so a mark
and its explanation cannot drift apart. One scrolling page: it fits 80×24 and scrolls
beyond.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from dutyboard.i18n import _

# Where the footer's word is too short to explain.
LONGER = {"app.palette": _("Command palette: every action by name")}


@dataclass(frozen=True)
class HelpSection:
    """A heading and its rows: (what you press or see, what it does or means)."""

    title: str
    rows: tuple[tuple[Text, str], ...]
    columns: int = 1  # keys are short: two side by side; meanings are sentences: one


def _panel_of(widget: Widget | None) -> Widget | None:
    """The panel (a widget with a border title) around the focused widget."""
    node = widget
    while isinstance(node, Widget):
        if node.border_title:
            return node
        node = node.parent if isinstance(node.parent, Widget) else None
    return None


def _plain(title: str) -> str:
    """A border title without its markup (titles are the panels' own words)."""
    try:
        return Text.from_markup(title).plain
    except Exception:  # not markup after all: as it is
        return title


def key_sections(screen: Screen[object]) -> list[HelpSection]:
    """The focused panel's keys, then the keys that work everywhere, as bound now."""
    app = screen.app
    panel = _panel_of(screen.focused)
    local: dict[tuple[int, str], tuple[list[str], Binding, bool]] = {}
    everywhere: dict[tuple[int, str], tuple[list[str], Binding, bool]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only the dashboard's own (they all have ids): Textual's scroll keys and the
        # like are not the desk's words, and are not in its language.
        if not binding.description or binding.system or not binding.id:
            continue
        target = everywhere if active.node in (app, screen) else local
        key = (id(active.node), binding.action)
        keys = target.setdefault(key, ([], binding, active.enabled))[0]
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    title = _plain(str(panel.border_title)) if panel is not None else _("This panel")
    # The panel's own actions first, the movement keys of the table inside it after.
    by_node: dict[int, list[tuple[list[str], Binding, bool]]] = {}
    for (node, _action), found in local.items():
        by_node.setdefault(node, []).append(found)
    ordered = [found for node in reversed(by_node) for found in by_node[node]]
    sections = [
        _section(_("Keys here: {panel}").format(panel=title), ordered),
        _section(_("Keys everywhere"), everywhere.values()),
    ]
    return [s for s in sections if s.rows]


def _section(title: str, found: Iterable[tuple[list[str], Binding, bool]]) -> HelpSection:
    rows = []
    for keys, binding, enabled in found:
        what = LONGER.get(str(binding.id), binding.description)
        meaning = what if enabled else _("{what} (not now)").format(what=what)
        rows.append((Text(" ".join(keys), style="bold" if enabled else "dim"), meaning))
    return HelpSection(title, tuple(rows), columns=2)


class HelpScreen(ModalScreen[None]):
    """Keys and marks, in the interface language."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", _("Close"), id="help.close"),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = tuple(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = _("Help")
            scroll.border_subtitle = _("↑↓ scroll · esc close")
            yield Static(render_sections(self.sections), id="help-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


def render_sections(sections: Iterable[HelpSection]) -> Group:
    parts: list[Table | Text] = []
    for section in sections:
        parts.append(Text(section.title, style="bold underline"))
        table = Table.grid(padding=(0, 1))
        for _column in range(section.columns):
            table.add_column(no_wrap=True)
            table.add_column(ratio=1)
        rows = section.rows
        tall = -(-len(rows) // section.columns)  # down the first column, then the next
        for index in range(tall):
            cells: list[Text] = []
            for column in range(section.columns):
                at = column * tall + index
                mark, meaning = rows[at] if at < len(rows) else (Text(""), "")
                cells += [mark, Text(meaning)]
            table.add_row(*cells)
        parts += [table, Text("")]
    return Group(*parts)
