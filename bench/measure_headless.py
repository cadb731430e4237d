"""Headless figures, driven through Textual's Pilot, for the dashboard or the baseline.

    python bench/measure_headless.py --app dashboard|baseline --db DB [--reps N]
                                     [--presses N] --out FILE.json

Run by ``bench/run.py`` in a subprocess per app (so one app's memory and caches never
colour the other's). Writes raw samples in seconds, keyed by figure name:

* ``load:<what>`` — dashboard: ``VirtualTable.set_spec`` until its first ``Loaded``
  message (the first page in a thread, applied on the UI thread); ``count:<what>`` until
  the exact total lands too (the count runs after the first page, on the table's own
  connection; a small view is exact at once); baseline: the same words
  until the ``DataTable`` holds the rows (query all, format, ``clear`` + ``add_rows``).
  Neither includes the baseline's debounce nor the terminal. The baseline's "all open" load is its
  ``mount`` (reloading every row would only repeat it).
* ``render_line:cold`` / ``render_line:warm`` — one ``render_line`` call for a visible
  row, with the widget's line caches cleared first (cold) or just filled (warm).
* ``pilot:<key>`` — ``pilot.press(key)`` then ``pilot.pause()`` until the rows under the
  viewport are loaded. Pilot's own overhead dominates (tens of ms whatever the widget
  does); the tmux figures are the real key-to-screen latency.
* ``mount`` — ``run_test`` start until the first rows are in the widget.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable

from dutyboard.config import Config
from dutyboard.store import Store

SIZE = (160, 48)
WORDS = ("Jilin", "口罩")
Samples = dict[str, list[float]]


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f}s")
        await asyncio.sleep(0.0005)


def _grew(items: list[float], before: int) -> bool:
    return len(items) > before


def _add(samples: Samples, name: str, value: float) -> None:
    samples.setdefault(name, []).append(value)


async def _press(pilot: Pilot[Any], key: str, settled: Callable[[], bool]) -> float:
    started = time.perf_counter()
    await pilot.press(key)
    await until(settled, 30, f"rows after {key}")
    await pilot.pause()
    return time.perf_counter() - started


async def dashboard(db: Path, reps: int, presses: int) -> Samples:
    from dutyboard.app import DutyboardApp
    from dutyboard.store import views as v
    from widgets.common.virtual_table import ANCHOR_EVERY, VirtualTable

    samples: Samples = {}
    loads: list[float] = []
    counts: list[float] = []
    watched: list[VirtualTable] = []

    def hook(message: Message) -> None:
        if isinstance(message, VirtualTable.Loaded) and message.table in watched:
            loads.append(time.perf_counter())
            if message.exact:
                counts.append(time.perf_counter())

    store = Store.open(db, actor="bench")
    app = DutyboardApp(store, Config(user="bench"))
    started = time.perf_counter()
    try:
        async with app.run_test(size=SIZE, message_hook=hook) as pilot:
            table = app.query_one("#requests VirtualTable", VirtualTable)
            watched.append(table)
            await until(lambda: table.row_at(0) is not None, 120, "first rows")
            _add(samples, "mount", time.perf_counter() - started)
            # The first data_version poll reloads every panel once: let it land first.
            await asyncio.sleep(2)
            await pilot.pause()

            def visible_loaded() -> bool:
                first = table.first_visible
                last = min(table.total, first + table.body_height)
                return all(table.row_at(i) is not None for i in range(first, last))

            base = table.spec
            specs = [("all open", base)] + [(w, base.with_(text=w)) for w in WORDS]
            for _ in range(reps):
                for label, spec in specs:
                    before, counted = len(loads), len(counts)
                    began = time.perf_counter()
                    table.set_spec(spec)
                    await until(partial(_grew, loads, before), 60, f"load {label}")
                    _add(samples, f"load:{label}", loads[before] - began)
                    await until(partial(_grew, counts, counted), 60, f"count {label}")
                    _add(samples, f"count:{label}", counts[counted] - began)
                    await pilot.pause()
            table.set_spec(base)
            await until(visible_loaded, 60, "reset")
            await pilot.pause()

            _render_lines(samples, table, clear=table._line_cache.clear, moves=10)

            # A long jump in the contacts panel ("reachable first") first builds its
            # anchor keys: one ordered walk of every contact, per profile group.
            contacts = app.query_one("#contacts VirtualTable", VirtualTable)
            await until(lambda: contacts.row_at(0) is not None, 60, "contacts")
            for _ in range(reps):
                began = time.perf_counter()
                await asyncio.to_thread(v.anchors, store, contacts.spec, ANCHOR_EVERY)
                _add(samples, "anchors:contacts", time.perf_counter() - began)

            table.focus()
            for key in ("down", "pagedown"):
                for _ in range(presses):
                    _add(samples, f"pilot:{key}", await _press(pilot, key, visible_loaded))
            for i in range(max(2, presses // 4)):
                key = "end" if i % 2 == 0 else "home"
                _add(samples, "pilot:end/home", await _press(pilot, key, visible_loaded))
    finally:
        store.close()
    return samples


def _render_lines(samples: Samples, table: Any, *, clear: Callable[[], None], moves: int) -> None:
    """Time render_line for every visible row at ``moves`` scroll positions."""
    height = table.size.height
    for move in range(moves):
        table.scroll_to(y=move * 7, animate=False, immediate=True)
        for phase in ("cold", "warm"):
            if phase == "cold":
                clear()
            for y in range(1, height):
                began = time.perf_counter()
                table.render_line(y)
                _add(samples, f"render_line:{phase}", time.perf_counter() - began)
    table.scroll_to(y=0, animate=False, immediate=True)


async def baseline(db: Path, reps: int, presses: int) -> Samples:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from baseline_datatable import BaselineApp

    samples: Samples = {}
    store = Store.open(db, readonly=True, actor="bench")
    app: App[None] = BaselineApp(store)
    shown: list[float] = []
    original = app._show  # type: ignore[attr-defined]

    def show(text: str, rows: Sequence[Any]) -> None:
        original(text, rows)
        shown.append(time.perf_counter())

    app._show = show  # type: ignore[attr-defined]
    started = time.perf_counter()
    try:
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(DataTable)
            await until(lambda: table.row_count > 0, 600, "baseline rows")
            _add(samples, "mount", time.perf_counter() - started)
            await pilot.pause()
            # Keys and render_line on the full table first: reloading every open row costs
            # as much as the first load (the mount above), so it is not repeated.
            _render_lines(samples, table, clear=table._clear_caches, moves=10)
            table.focus()
            for key in ("down", "pagedown"):
                for _ in range(presses):
                    _add(samples, f"pilot:{key}", await _press(pilot, key, lambda: True))
            for i in range(max(2, presses // 4)):
                key = "end" if i % 2 == 0 else "home"
                _add(samples, "pilot:end/home", await _press(pilot, key, lambda: True))
            for _ in range(reps):
                for word in WORDS:
                    before = len(shown)
                    began = time.perf_counter()
                    app._load(word)  # type: ignore[attr-defined]
                    await until(partial(_grew, shown, before), 600, f"load {word}")
                    _add(samples, f"load:{word}", shown[-1] - began)
                    await pilot.pause()
    finally:
        store.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", choices=("dashboard", "baseline"), required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    run = dashboard if args.app == "dashboard" else baseline
    samples = asyncio.run(run(args.db, args.reps, args.presses))
    args.out.write_text(json.dumps(samples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
