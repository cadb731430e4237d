"""A panel holding one store-backed table, refreshed in a thread worker."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from dutyboard.store import Row, Store

if TYPE_CHECKING:
    from dutyboard.app import DutyboardApp


class TablePanel(Vertical):
    """Base class: subclasses say which rows to fetch and how each row looks."""

    DEFAULT_CSS = """
    TablePanel {
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        height: 1fr;
    }
    TablePanel:focus-within {
        border: round $accent;
    }
    TablePanel > DataTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    title: ClassVar[str] = ""
    # (label, minimum width, flex): flex columns share the width left over, so the
    # table fills the panel at any terminal size without a horizontal scrollbar.
    columns: ClassVar[tuple[tuple[str, int, bool], ...]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.total = 0
        self._widths: list[int] = [w for _, w, _ in self.columns]
        self.border_title = self.title

    @property
    def dutyboard(self) -> DutyboardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=False)

    def column_widths(self, width: int) -> list[int]:
        """Fixed columns keep their width; flex columns share what is left.

        On a narrow terminal the flex columns give way first (down to 6 cells), so
        priority, due time and status stay readable at 80 columns.
        """
        fixed = sum(w for _, w, flex in self.columns if not flex)
        flex_mins = [w for _, w, flex in self.columns if flex]
        # border (2) + vertical scrollbar (1) + cell padding (2 per column)
        spare = width - 3 - 2 * len(self.columns) - fixed - sum(flex_mins)
        count = max(1, len(flex_mins))
        share = spare // count
        return [max(6, w + share) if flex else w for _, w, flex in self.columns]

    def on_resize(self) -> None:
        widths = self.column_widths(self.size.width)
        if widths != self._widths:
            self._widths = widths
            self._rebuild()

    def _rebuild(self) -> None:
        table = self.table
        selected = self.selected_id()
        table.clear(columns=True)
        for (label, _, _), width in zip(self.columns, self._widths, strict=True):
            table.add_column(label, width=width, key=label)
        for row in self.rows:
            table.add_row(*self.cells(row), key=str(row["id"]))
        self._restore(selected)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        self.reload()

    def fetch(self, store: Store) -> tuple[list[Row], int]:
        """Return (rows to show, total count). Runs in a worker thread."""
        raise NotImplementedError

    def cells(self, row: Row) -> tuple[Text, ...]:
        raise NotImplementedError

    def subtitle(self) -> str:
        shown = len(self.rows)
        if self.total > shown:
            return f"{shown} of {self.total:,} shown"
        return f"{self.total:,}"

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-load")
    def reload(self) -> None:
        rows, total = self.fetch(self.dutyboard.store)
        self.app.call_from_thread(self._show, rows, total)

    def _show(self, rows: list[Row], total: int) -> None:
        table = self.table
        selected = self.selected_id()
        scroll_y = table.scroll_y
        self.rows, self.total = rows, total
        if not table.columns:
            self._rebuild()
        else:
            table.clear()
            for row in rows:
                table.add_row(*self.cells(row), key=str(row["id"]))
            self._restore(selected)
        table.scroll_to(y=scroll_y, animate=False)
        self.border_subtitle = self.subtitle()

    def _restore(self, selected: int | None) -> None:
        if selected is not None:
            # The row may have left this view (e.g. closed elsewhere): then stay put.
            with suppress(RowDoesNotExist):
                self.table.move_cursor(row=self.table.get_row_index(str(selected)), scroll=False)

    def selected_id(self) -> int | None:
        table = self.table
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return int(key) if key is not None else None
