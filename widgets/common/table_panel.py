"""A panel holding one store-backed virtual table, with sort and live refresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from dutyboard.store import Row
from dutyboard.store import views as v
from widgets.common.virtual_table import ColumnSpec, VirtualTable

if TYPE_CHECKING:
    from dutyboard.app import DutyboardApp


class TablePanel(Vertical):
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
    }
    """

    title: ClassVar[str] = ""
    table_name: ClassVar[v.Table]
    columns: ClassVar[Sequence[ColumnSpec]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = self.title

    @property
    def dutyboard(self) -> DutyboardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield VirtualTable(
            self.dutyboard.store,
            self.initial_spec(),
            self.columns,
            self.cells,
        )

    def initial_spec(self) -> v.ViewSpec:
        return v.ViewSpec(self.table_name)

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.table.reset(keep_position=False)

    def cells(self, row: Row) -> Sequence[Text]:
        raise NotImplementedError

    def reload(self) -> None:
        """Another process (or this one) changed the data: re-query what is visible."""
        self.table.reset()

    def selected_id(self) -> int | None:
        row = self.table.cursor_row
        return int(row["id"]) if row is not None else None

    def on_virtual_table_loaded(self, event: VirtualTable.Loaded) -> None:
        self._update_subtitle()

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        event.stop()
        spec = self.table.spec
        sort = event.column.sort or spec.sort
        descending = not spec.descending if sort == spec.sort else False
        self.table.set_spec(spec.with_(sort=sort, descending=descending))

    def _update_subtitle(self) -> None:
        spec = self.table.spec
        self.border_subtitle = f"{self.table.total:,} · by {spec.sort_label}"
