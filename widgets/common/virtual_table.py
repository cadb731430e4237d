"""A store-backed table that renders only what is on screen (Textual's Line API).

Rows are fetched by key through :mod:`dutyboard.store.views` in a thread worker and kept
in a bounded window around the viewport; ``render_line`` never touches SQLite: a row not
fetched yet is drawn as a placeholder and filled in when its page arrives. Changes made
by other processes re-query only the visible window, anchored on the record under the
cursor, so selection and scroll position stay put and nothing flickers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import get_current_worker

from dutyboard.i18n import _
from dutyboard.store import Row, Store, engine
from dutyboard.store import views as v
from dutyboard.store.errors import Unreachable
from widgets.common.columns import ColumnSpec, fitted, layout
from widgets.common.desk import ReportsFailures

PAGE = 200  # rows fetched around the viewport in one query
ANCHOR_EVERY = 500  # one anchor key per this many rows, computed only when a jump needs it
MAX_CACHED = 4000  # rows kept in memory per table, whatever the table's size
FIRST_EXTRA = 10  # rows beyond the screen in a new view's first query
RETRY_WHEN_AWAY_S = 1.0  # a query that found the server away is asked again this much later
COUNT_AFTER_S = 0.15  # a new filter's count starts after this long without another letter


CellRenderer = Callable[[Row], Sequence[Text]]


@contextmanager
def quiet_if_interrupted(unreachable: Callable[[], object] | None = None) -> Iterator[None]:
    """A table's query interrupted because a newer view replaced it ends quietly, and so
    does one whose PostgreSQL server went away (the rows shown stay, the header says
    "database unreachable"; ``unreachable`` is called, to ask again later: the
    table's own sessions come back one query after the server does); any other error is
    real and propagates."""
    try:
        yield
    except Unreachable:
        if unreachable is not None:
            unreachable()
        return
    except engine.DatabaseError as exc:
        if not engine.is_interrupted(exc):
            raise


@dataclass(frozen=True)
class Walk:
    """One keyset query: ``limit`` rows from ``key`` (None: from an end of the view).

    Forward walks fill indexes ``index, index+1, …``; backward walks fill the indexes
    just before ``index``.
    """

    index: int
    key: v.Key | None
    limit: int
    backward: bool = False
    inclusive: bool = False


class VirtualTable(ScrollView, ReportsFailures, can_focus=True):
    """Keyset-paged table over one :class:`~dutyboard.store.views.ViewSpec`."""

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; }
    VirtualTable > .virtual-table--cursor { background: $block-cursor-blurred-background; }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    VirtualTable > .virtual-table--placeholder { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--placeholder",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor(1)", _("Down"), show=False, id="table.down"),
        Binding("up,k", "cursor(-1)", _("Up"), show=False, id="table.up"),
        Binding("pagedown", "page(1)", _("Page down"), show=False, id="table.page_down"),
        Binding("pageup", "page(-1)", _("Page up"), show=False, id="table.page_up"),
        Binding("home,g", "jump(0)", _("Top"), show=False, id="table.top"),
        Binding("end,G", "jump(-1)", _("Bottom"), show=False, id="table.bottom"),
        Binding("enter", "select", _("Detail"), show=False, id="table.select"),
    ]

    class Highlighted(Message):
        """The cursor moved to another record (or to a row still loading: None)."""

        def __init__(self, table: VirtualTable, row: Row | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class Selected(Message):
        """Enter or a double-click on a record."""

        def __init__(self, table: VirtualTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column: ColumnSpec) -> None:
            super().__init__()
            self.table = table
            self.column = column

    class Loaded(Message):
        """A fetch landed: the total may have changed (``exact`` is False while a large
        view's count is still running: ``total`` is then the rows found so far)."""

        def __init__(self, table: VirtualTable, total: int, exact: bool = True) -> None:
            super().__init__()
            self.table = table
            self.total = total
            self.exact = exact

    def __init__(
        self,
        store: Store,
        spec: v.ViewSpec,
        columns: Sequence[ColumnSpec],
        render_cells: CellRenderer,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.spec = spec
        self.columns = list(columns)
        self.render_cells = render_cells
        self.total = 0
        self.counted = False  # False while a large view's count runs: total is a floor
        self.cursor = 0
        self.loaded = False  # True once the first rows (or the count) have landed
        self._readers: dict[str, Store] = {}
        self._awaiting_view = False  # a new sort/filter was asked for; its rows not here yet
        self._readers_lock = threading.Lock()
        self._count_timer: Timer | None = None
        self._rows: OrderedDict[int, Row] = OrderedDict()  # index → row, LRU-bounded
        self._anchors: list[v.Key] | None = None
        self._generation = 0  # bumped on every reset; late results of older ones are dropped
        self._widths: list[int | None] = [c.width for c in columns]
        # Each column's widest value among the rows loaded so far (cells): what a number
        # needs so it is never cut, and what a name could use of the spare width.
        self._natural: list[int] = [cell_len(str(c.label)) for c in columns]
        self._line_cache: dict[tuple[int, int, int], Text] = {}
        self._last_highlight: int | None = None
        # Shown where the rows would be while the view is empty (once loaded): what to do
        # next, never a blank that reads like a quiet night. Set by the panel.
        self.empty_text = ""
        self._empty_wrapped: tuple[tuple[str, int], list[Text]] = (("", 0), [])

    # -- geometry -------------------------------------------------------------------

    @property
    def body_height(self) -> int:
        return max(0, self.size.height - 1)

    @property
    def first_visible(self) -> int:
        return int(self.scroll_y)

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._widths = self.column_widths(event.size.width)
        self._line_cache.clear()
        self._update_virtual_size()
        self._ensure_visible_loaded()

    def column_widths(self, width: int) -> list[int | None]:
        """Each column's width (``None``: left out at this width); see widgets.common.columns."""
        return layout(self.columns, width - 1, self._natural)

    def _measure(self, rows: Iterable[Row]) -> None:
        """Widen the layout when loaded rows hold longer values than seen so far."""
        natural = list(self._natural)
        for row in rows:
            for i, cell in enumerate(self.render_cells(row)):
                if cell.cell_len > natural[i]:
                    natural[i] = cell.cell_len
        if natural == self._natural:
            return
        self._natural = natural
        if not self.size.width:
            return  # not laid out yet: on_resize uses what was measured
        widths = self.column_widths(self.size.width)
        if widths != self._widths:
            self._widths = widths
            self._line_cache.clear()
            self.refresh()

    # -- rendering ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._header_strip(width)
        index = self.first_visible + y - 1
        if index >= self.total:
            if self.total == 0 and self.loaded and self.empty_text:
                return self._empty_strip(y - 1, width)
            return Strip.blank(width, self.rich_style)
        row = self._rows.get(index)
        if row is None:
            style = self.get_component_rich_style("virtual-table--placeholder")
            return Strip([Segment(" …".ljust(width), style)], width)
        line = self._row_text(row)
        if index == self.cursor:
            line = line.copy()
            line.stylize(self.get_component_rich_style("virtual-table--cursor"))
        return self._strip(line, width)

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            self.refresh()

    def _empty_strip(self, y: int, width: int) -> Strip:
        """Line ``y`` of the empty view's hint, wrapped to the width, one cell in (wrapped
        once per text and width, not once per line drawn)."""
        key = (self.empty_text, width)
        if self._empty_wrapped[0] != key:
            wrapped = Text(self.empty_text, style="dim").wrap(self.app.console, max(1, width - 2))
            self._empty_wrapped = (key, list(wrapped))
        lines = self._empty_wrapped[1]
        if y >= len(lines):
            return Strip.blank(width, self.rich_style)
        return self._strip(Text(" ") + lines[y], width)

    def _strip(self, line: Text, width: int) -> Strip:
        segments = list(line.render(self.app.console))
        return (
            Strip(segments).adjust_cell_length(width, self.rich_style).apply_style(self.rich_style)
        )

    def _header_strip(self, width: int) -> Strip:
        labels = []
        for column, column_width in zip(self.columns, self._widths, strict=False):
            label = column.label
            if column_width is None:
                labels.append(Text(label))
                continue
            if column.sort is not None and column.sort == self.spec.sort:
                marked = label + (" ▼" if self.spec.descending else " ▲")
                # In a narrow column the label matters more than the arrow.
                label = marked if cell_len(marked) <= column_width else label
            labels.append(Text(label))
        line = self._join(labels)
        line.stylize(self.get_component_rich_style("virtual-table--header"))
        return self._strip(line, width)

    def _row_text(self, row: Row) -> Text:
        key = (int(row["id"]), int(row.get("version") or 0), self.size.width)
        cached = self._line_cache.get(key)
        if cached is None:
            if len(self._line_cache) > 2 * MAX_CACHED:
                self._line_cache.clear()
            cached = self._line_cache[key] = self._join(self.render_cells(row))
        return cached

    def _join(self, cells: Sequence[Text]) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for column, width, cell in zip(self.columns, self._widths, cells, strict=False):
            if width is not None:
                line.append(" ")
                line.append_text(fitted(cell, column, width))
        return line

    # -- cursor and keys ------------------------------------------------------------

    @property
    def cursor_row(self) -> Row | None:
        return self._rows.get(self.cursor)

    def row_at(self, index: int) -> Row | None:
        """The record at ``index`` if it is loaded (only rows near the viewport are)."""
        return self._rows.get(index)

    def move_cursor(self, index: int) -> None:
        if self.total == 0:
            self.cursor = 0
            self.refresh()
            return
        old = self.cursor
        self.cursor = max(0, min(self.total - 1, index))
        top = self.first_visible
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self.body_height:
            self.scroll_to(y=self.cursor - self.body_height + 1, animate=False)
        self._refresh_rows(old, self.cursor)
        self._ensure_visible_loaded()
        self._announce()

    def invalidate_lines(self) -> None:
        """Re-render rows whose look changed without their data changing: a mark, or the
        clock (ages, countdowns and local times are drawn from the row and the time, so a
        new minute redraws what is on screen; nothing is re-queried)."""
        self._line_cache.clear()
        self.refresh()

    def _refresh_rows(self, *indexes: int) -> None:
        for index in indexes:
            # refresh_line takes a virtual line: row i sits below the header, on line i+1.
            self.refresh_line(index + 1)

    def _announce(self) -> None:
        row = self.cursor_row
        row_id = int(row["id"]) if row else None
        if row_id != self._last_highlight:
            self._last_highlight = row_id
            self.post_message(self.Highlighted(self, row))

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.body_height - 1)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)
        self.move_cursor(self.cursor + direction * step)

    def action_jump(self, where: int) -> None:
        self.move_cursor(0 if where == 0 else self.total - 1)

    def action_select(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None and column.sort is not None:
                self.post_message(self.HeaderClicked(self, column))
            return
        self.move_cursor(self.first_visible + offset.y - 1)
        if event.chain == 2:
            self.action_select()

    def _column_at(self, x: int) -> ColumnSpec | None:
        position = 0
        for column, width in zip(self.columns, self._widths, strict=False):
            if width is None:
                continue
            position += 1 + width
            if x < position:
                return column
        return None

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_visible_loaded()

    # -- data -----------------------------------------------------------------------

    def _reading(self, purpose: str = "rows") -> Store:
        """This table's own read-only connections, one for its rows and one for its
        counts. A long query (a filter's count over a year of requests) never holds up
        another panel, a write, or this table's next page, and a newer view interrupts it
        instead of queueing behind it."""
        with self._readers_lock:
            reader = self._readers.get(purpose)
            if reader is None:
                reader = self._readers[purpose] = self.store.reader()
            return reader

    def on_unmount(self) -> None:
        with self._readers_lock:
            for reader in self._readers.values():
                if reader is not self.store:
                    reader.interrupt()
                    reader.close()
            self._readers.clear()

    def _interrupt(self) -> None:
        """Stop this table's running queries: their results would be thrown away."""
        for reader in list(self._readers.values()):
            if reader is not self.store:
                reader.interrupt()

    def set_spec(self, spec: v.ViewSpec) -> None:
        """Show another sort or filter: start again from the top."""
        self.spec = spec
        self.reset(keep_position=False)

    def reset(self, *, keep_position: bool = True) -> None:
        """Re-query after a change. With ``keep_position`` the record under the cursor
        stays under the cursor, on the same screen line."""
        # A view still waiting for its first rows has no position of its own to keep: the
        # rows on screen are the old view's.
        keep_position = keep_position and not self._awaiting_view
        self._generation += 1
        self._interrupt()
        if self._count_timer is not None:  # the count of a view no longer asked for
            self._count_timer.stop()
            self._count_timer = None
        self._anchors = None
        self._line_cache.clear()
        cursor_row = self.cursor_row if keep_position else None
        top_row = self._rows.get(self.first_visible) if keep_position else None
        # A new view keeps the old rows on screen until its own land (milliseconds; a
        # blank table per keystroke of a filter would flicker); no page is fetched for
        # them meanwhile, since their keys belong to the old view.
        self._awaiting_view = not keep_position
        self._reload(
            self._generation,
            self.spec,
            cursor_row,
            top_row,
            self.cursor - self.first_visible,
            # Read geometry here: in a worker thread it could trigger a layout pass.
            max(self.body_height, 10),
            # The count on screen (and whether it is exact), kept until the new one lands.
            self.total,
            self.counted and keep_position,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload")
    def _reload(
        self,
        generation: int,
        spec: v.ViewSpec,
        cursor_row: Row | None,
        top_row: Row | None,
        cursor_line: int,
        height: int,
        known: int = 0,
        counted: bool = False,
    ) -> None:
        with quiet_if_interrupted(partial(self._when_back, generation, self.reset)):
            store = self._reading()
            if cursor_row is None and top_row is None:
                # A new view (first load, sort, filter): its first screen goes up at once
                # (the page around it follows, as a scroll fetches it); on a large table
                # the count is what takes time, so it follows on its own. A screen and a
                # page at once cost a filter's letter 10-13 ms more than a screen alone,
                # on either engine (1M requests).
                want = height + FIRST_EXTRA
                first = dict(enumerate(v.page(store, spec, None, want)))
                exact = len(first) < want
                if not get_current_worker().is_cancelled:
                    self.app.call_from_thread(
                        self._apply_reload, generation, len(first), first, 0, 0, exact
                    )
                return
            # A refresh: the record under the cursor (or the top row) stays where it was.
            # The rows go on screen first; the count follows on the count connection (on a
            # million requests it is most of a refresh: 15 ms of 40 on PostgreSQL, more
            # while the other panels reload), and until it lands the subtitle keeps the
            # last count rather than flickering to "N+".
            found = None
            if cursor_row is not None:
                found = v.find(store, spec, int(cursor_row["id"]))
                anchor_key = found or v.key_of(spec, cursor_row)
            else:
                assert top_row is not None
                anchor_key = v.key_of(spec, top_row)
            position = v.position(store, spec, anchor_key)  # rows before the anchor
            # The screen around the anchor, and a few rows either way; the page beyond
            # follows as a scroll fetches it (450 rows at once were half of a refresh).
            above = (max(0, cursor_line) if cursor_row is not None else 0) + FIRST_EXTRA
            want = height + FIRST_EXTRA
            rows: dict[int, Row] = {}
            before = v.page(store, spec, anchor_key, above, backward=True)
            for i, row in enumerate(reversed(before)):
                rows[position - 1 - i] = row
            after = v.page(store, spec, anchor_key, want, inclusive=True)
            for i, row in enumerate(after):
                rows[position + i] = row
            exact = len(after) < want  # short: the view's end is here
            total = position + len(after) if exact else max(known, position + want)
            cursor = position
            if cursor_row is not None and found is None:  # it left the view: stay put
                cursor = min(cursor, max(0, total - 1))
            top = max(0, cursor - max(0, cursor_line))
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(
                    self._apply_reload, generation, total, rows, cursor, top, exact, counted
                )

    def _apply_reload(
        self,
        generation: int,
        total: int,
        rows: dict[int, Row],
        cursor: int,
        top: int,
        exact: bool = True,
        recounting: bool = False,
    ) -> None:
        """``exact``: ``total`` is the view's count; else a floor, the count follows.
        ``recounting``: a refresh of a view that was counted, whose new count follows:
        shown as counted meanwhile."""
        if generation != self._generation:
            return
        self.loaded = True
        self._awaiting_view = False
        self.total = total
        self.counted = exact or recounting
        self._rows = OrderedDict(sorted(rows.items()))
        self._measure(rows.values())
        self.cursor = max(0, min(cursor, total - 1))
        self._update_virtual_size()
        self.scroll_to(y=top, animate=False, immediate=True)
        self.refresh()
        self._ensure_visible_loaded()
        self._last_highlight = None
        self._announce()
        self.post_message(self.Loaded(self, total, exact))
        if exact:
            return
        if self.spec.text and not recounting:
            # A filter being typed: its count (a scan of every open record) starts once the
            # letters have stopped for a moment, not for each one only to be cancelled by
            # the next, while the rows of each letter still come at once (a million
            # requests: every count started and cancelled kept both cores busy and cost
            # the next letter's rows 20-50 ms on PostgreSQL).
            self._count_timer = self.set_timer(
                COUNT_AFTER_S, partial(self._count_later, generation, self.spec)
            )
        else:
            self._count(generation, self.spec)

    @property
    def count_pending(self) -> bool:
        """A filter's count is waiting for the letters to stop (see _apply_reload)."""
        return self._count_timer is not None

    def _count_later(self, generation: int, spec: v.ViewSpec) -> None:
        self._count_timer = None
        self._count(generation, spec)

    @work(thread=True, exclusive=True, exit_on_error=False, group="count")
    def _count(self, generation: int, spec: v.ViewSpec) -> None:
        if generation != self._generation:
            return  # a newer view came before this count could start
        again = partial(self._count, generation, spec)
        with quiet_if_interrupted(partial(self._when_back, generation, again)):
            total = v.count(self._reading("count"), spec)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._apply_count, generation, total)

    def _when_back(self, generation: int, again: Callable[[], object]) -> None:
        """From a worker whose query found the server away: ``again`` in a while, unless
        a newer view has come meanwhile (it asks for itself). Without it, a refresh or a
        count that met the outage left the table as it was until the next change: a
        count kept on screen as exact that no longer was."""

        def retry() -> None:
            if generation == self._generation:
                again()

        self.app.call_from_thread(self.set_timer, RETRY_WHEN_AWAY_S, retry)

    def _apply_count(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self.total = total
        self.counted = True
        self.cursor = min(self.cursor, max(0, self.total - 1))
        self._update_virtual_size()
        self.refresh()
        self._ensure_visible_loaded()
        self.post_message(self.Loaded(self, self.total))

    def _ensure_visible_loaded(self) -> None:
        """Fetch what is on screen, and a screen ahead either way before it is needed: a
        PageDown then finds its rows already here instead of drawing placeholders."""
        if not self.loaded or self.total == 0 or self._awaiting_view:
            return
        first = self.first_visible
        last = min(self.total, first + self.body_height + 1)
        ahead = self.body_height
        if all(
            i in self._rows for i in range(max(0, first - ahead), min(self.total, last + ahead))
        ):
            return
        self._fetch(self._generation, self.spec, first, last)

    @work(thread=True, exclusive=True, exit_on_error=False, group="fetch")
    def _fetch(self, generation: int, spec: v.ViewSpec, first: int, last: int) -> None:
        start = max(0, first - PAGE // 2)
        end = min(self.total, last + PAGE // 2)
        known = dict(self._rows)  # a snapshot: the UI thread may trim the cache meanwhile
        walk = self._plan(spec, known, start, end, self.total)
        with quiet_if_interrupted():
            fetched = v.page(
                self._reading(),
                spec,
                walk.key,
                walk.limit,
                backward=walk.backward,
                inclusive=walk.inclusive,
            )
            if walk.backward:
                rows = {walk.index - len(fetched) + i: row for i, row in enumerate(fetched)}
            else:
                rows = {walk.index + i: row for i, row in enumerate(fetched)}
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._apply_fetch, generation, rows)

    def _plan(
        self, spec: v.ViewSpec, known: dict[int, Row], start: int, end: int, total: int
    ) -> Walk:
        """Pick the nearest known key to walk from: a cached row, an anchor, or an end."""
        below = max((i for i in known if i < start), default=None)
        above = min((i for i in known if i >= end), default=None)
        forward = (
            Walk(below + 1, v.key_of(spec, known[below]), end - below - 1)
            if below is not None
            else Walk(0, None, end)
        )
        backward = (
            Walk(above, v.key_of(spec, known[above]), above - start, backward=True)
            if above is not None
            else Walk(total, None, total - start, backward=True)
        )
        best = forward if forward.limit <= backward.limit else backward
        if best.limit > 2 * ANCHOR_EVERY:
            # A long jump (scrollbar drag, a far search hit): walk from the nearest anchor.
            if self._anchors is None:
                self._anchors = v.anchors(self._reading(), spec, ANCHOR_EVERY)
            slot = min(start // ANCHOR_EVERY, len(self._anchors) - 1)
            if slot >= 0:
                index = slot * ANCHOR_EVERY
                anchored = Walk(index, self._anchors[slot], end - index, inclusive=True)
                if anchored.limit < best.limit:
                    return anchored
        return best

    def _apply_fetch(self, generation: int, rows: dict[int, Row]) -> None:
        if generation != self._generation:
            return
        self._rows.update(rows)
        self._measure(rows.values())
        for index in rows:
            self._rows.move_to_end(index)
        while len(self._rows) > MAX_CACHED:
            self._rows.popitem(last=False)
        self.refresh()
        self._announce()
