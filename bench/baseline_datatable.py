"""The baseline: the same open requests in Textual's built-in ``DataTable``.

    python bench/baseline_datatable.py --db DB

What a generic table viewer does: read every open request (the dashboard's own query and
order, most pressing first) in a thread, format each row with the dashboard's own cell
helpers, hand them all to ``DataTable.add_rows`` on the UI thread. ``/`` filters like the
dashboard (same words, same SQL) by clearing the table and adding the matching rows,
after a 40 ms debounce (bench/run.py BASELINE_DEBOUNCE_MS; the dashboard needs none).
``home``/``end`` go to the first/last row, as on the dashboard.

A line above the table says how many rows are shown and the filter in “quotes”, so a
benchmark can tell when a filter has landed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from dutyboard.domain.clock import utcnow
from dutyboard.store import Row, Store
from dutyboard.store import views as v
from widgets.common.fmt import PRIORITY_LABEL, PRIORITY_STYLE, ago, plain, quantity, status_text
from widgets.requests.panel import OPEN, due_text

COLUMNS = ("Pri", "Due", "Unit", "Item", "Qty", "Status", "Owner", "Age")


def cells(row: Row, now: datetime) -> tuple[Text, ...]:
    """The dashboard's request cells, without the stale mark (no config here)."""
    priority = str(row["priority"])
    return (
        Text(PRIORITY_LABEL.get(priority, priority), style=PRIORITY_STYLE.get(priority, "")),
        due_text(row["due_by"], now) if row["status"] in OPEN else Text(""),
        plain(row["org"]),
        plain(row["item"]),
        quantity(row["quantity"]),
        status_text(row["status"]),
        plain(row["assignee"] or "—", "" if row["assignee"] else "dim"),
        Text(ago(row["received_at"], now), style="dim"),
    )


def load(store: Store, text: str) -> list[tuple[Text, ...]]:
    """Every open request matching ``text``, in the dashboard's order, formatted."""
    spec = v.ViewSpec("requests", text=text)
    rows = v.page(store, spec, None, max(1, v.count(store, spec)))
    now = utcnow()
    return [cells(row, now) for row in rows]


class BaselineTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]


class BaselineApp(App[None]):
    CSS = """
    #summary { height: 1; background: $panel; }
    BaselineTable { height: 1fr; }
    Input { dock: bottom; height: 1; border: none; padding: 0 1; display: none; }
    Input.-shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._timer: Timer | None = None
        self._text = ""  # the filter the table shows (or is loading)

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="summary")
        yield BaselineTable(cursor_type="row", zebra_stripes=False)
        yield Input(placeholder="filter")

    def on_mount(self) -> None:
        table = self.query_one(BaselineTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self._load("")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, text: str) -> None:
        rows = load(self.store, text)
        if not get_current_worker().is_cancelled:  # a newer filter has been typed
            self.call_from_thread(self._show, text, rows)

    def _show(self, text: str, rows: Sequence[tuple[Text, ...]]) -> None:
        table = self.query_one(BaselineTable)
        table.clear()
        table.add_rows(rows)
        shown = f"{len(rows):,} open requests" + (f" · “{text}”" if text else "")
        self.query_one("#summary", Static).update(Text(shown))

    def action_filter(self) -> None:
        field = self.query_one(Input)
        field.add_class("-shown")
        field.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.04, lambda: self._apply(event.value.strip()))

    def _apply(self, text: str) -> None:
        # Like the dashboard: the same words again (a space, a cleared field retyped
        # within the debounce) do not reload the table.
        if text != self._text:
            self._text = text
            self._load(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    store = Store.open(args.db, readonly=True, actor="bench")
    try:
        BaselineApp(store).run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
