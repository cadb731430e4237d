"""A view larger than a screenful: its first rows come before its count, and a newer view
interrupts the older one's query instead of queueing behind it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import pytest
from textual.message import Message
from textual.pilot import Pilot

from dutyboard.app import DutyboardApp
from dutyboard.store import views as v
from dutyboard.store.engine import Connection
from tests.widgets.pilot import make_app, panel, settle
from widgets.common import virtual_table
from widgets.common.virtual_table import FIRST_EXTRA, PAGE, VirtualTable

EXTRA = 1500  # open requests added to the demo: several times what one screen fetches


def insert_open_requests(conn: Connection, n: int = EXTRA, first: int = 0) -> None:
    conn.executemany(
        "INSERT INTO requests (received_at, org, item, quantity, unit, priority, status, "
        "source, external_id, created_at, updated_at) "
        "VALUES (?, ?, 'KN95 masks', 100, 'pcs', 'normal', 'new', 'bulk', ?, ?, ?)",
        [
            (stamp, f"Bulk unit {i}", f"X-{i}", stamp, stamp)
            for i in range(first, first + n)
            for stamp in [f"2020-02-0{1 + i % 3}T0{i % 10}:00:00Z"]
        ],
    )


def add_open_requests(db: Path, n: int = EXTRA, first: int = 0) -> None:
    conn = sqlite3.connect(db)
    with conn:
        insert_open_requests(conn, n, first)
    conn.close()


@asynccontextmanager
async def large_desk(db: Path) -> AsyncIterator[tuple[DutyboardApp, Pilot[None], VirtualTable]]:
    """The demo desk with EXTRA more open requests, its dashboard settled."""
    add_open_requests(db)
    app = make_app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        yield app, pilot, panel(app, "requests").table


async def test_first_rows_land_before_the_count_and_the_count_follows(demo_db: Path) -> None:
    add_open_requests(demo_db)
    app = make_app(demo_db)
    seen: list[tuple[int, bool]] = []
    subtitles: list[str] = []
    hooked: list[Message] = []  # kept alive, so no two are ever the same object

    def hook(message: Message) -> None:
        # The hook sees a message again at each node it bubbles through: count it once.
        if (
            isinstance(message, VirtualTable.Loaded)
            and all(m is not message for m in hooked)
            and message.table is app.query_one("#requests VirtualTable")
        ):
            hooked.append(message)
            seen.append((message.total, message.exact))

    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        table = requests.table
        update_subtitle = requests._update_subtitle

        def recording() -> None:
            update_subtitle()
            subtitles.append(str(requests.border_subtitle))

        requests._update_subtitle = recording  # type: ignore[method-assign]
        store = app.store
        open_count = v.count(store, table.spec)
        assert open_count > EXTRA
        assert table.counted and table.total == open_count
        seen.clear()
        subtitles.clear()

        spec = table.spec.with_(text="Bulk")
        table.set_spec(spec)
        await settle(app, pilot)
        # First a screenful and a few rows more, the total marked as "at least" (+);
        # then the exact count, and the subtitle says it without the "+".
        first = table.body_height + FIRST_EXTRA
        assert seen == [(first, False), (EXTRA, True)]
        assert subtitles[0].startswith(f"{first:,}+ · “Bulk”")
        assert subtitles[-1].startswith(f"{EXTRA:,} · “Bulk”")
        assert table.total == EXTRA and table.counted
        # Every row the cursor can reach is a real row of the view once counted.
        await pilot.press("G")
        await settle(app, pilot)
        assert table.cursor == EXTRA - 1 and table.cursor_row is not None
        assert table.cursor_row["org"].startswith("Bulk unit")

        # A view that fits on one screen is exact at once: no second query.
        seen.clear()
        table.set_spec(table.spec.with_(text="Bulk unit 1499"))
        await settle(app, pilot)
        assert seen == [(1, True)]


async def test_a_newer_view_interrupts_the_tables_running_query(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        table = panel(app, "requests").table
        reader = table._reading()
        assert reader is not app.store  # its own connection: the app's is never interrupted
        outcome: list[str] = []
        started = threading.Event()

        def endless() -> None:
            started.set()
            try:
                with reader._lock:
                    reader.conn.execute(
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                        "SELECT count(*) FROM n"
                    ).fetchone()
                outcome.append("finished")
            except sqlite3.OperationalError as exc:
                outcome.append(str(exc))

        worker = threading.Thread(target=endless)
        worker.start()
        started.wait(5)
        await pilot.pause(0.1)
        table.set_spec(table.spec.with_(text="Jilin"))  # what typing in the filter does
        worker.join(10)
        assert not worker.is_alive() and outcome == ["interrupted"]
        await settle(app, pilot)
        assert table.counted and table.total == v.count(app.store, table.spec) > 0
        # The app's own connection was not touched.
        assert app.store.conn.execute("SELECT count(*) FROM requests").fetchone()[0] > 0


async def test_a_new_filter_keeps_the_old_rows_until_its_own_land(demo_db: Path) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        before = table.render_line(1).text
        table.set_spec(table.spec.with_(text="Bulk"))
        # Nothing has come back yet (the UI thread has not yielded): the old rows stay
        # on screen rather than a screenful of placeholders per keystroke.
        assert table.render_line(1).text == before and before.strip() != "…"
        await settle(app, pilot)
        assert "Bulk unit" in table.render_line(1).text


async def test_paging_finds_the_next_screen_already_loaded(demo_db: Path) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        table.focus()
        height = table.body_height
        for _ in range(12):  # well past the first fetch's rows
            await pilot.press("pagedown")
            await settle(app, pilot)
            first = table.first_visible
            ahead = range(first, min(table.total, first + 2 * height))
            assert all(table.row_at(i) is not None for i in ahead), first
        assert table.first_visible > PAGE + height


async def test_a_refresh_while_a_new_view_is_pending_still_starts_it_at_the_top(
    demo_db: Path,
) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        table.focus()
        for _ in range(3):
            await pilot.press("pagedown")
        await settle(app, pilot)
        assert table.cursor > 0
        table.set_spec(table.spec.with_(text="Bulk"))
        table.reset()  # another process wrote: the live refresh, before the view landed
        await settle(app, pilot)
        assert (table.cursor, table.first_visible) == (0, 0)
        row = table.row_at(0)
        assert row is not None and row["org"].startswith("Bulk unit")


async def test_a_running_count_never_holds_up_the_next_rows(demo_db: Path) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        counter = table._reading("count")
        assert counter is not table._reading() and counter is not app.store
        with counter._lock:  # a long count holds the count connection meanwhile
            table.set_spec(table.spec.with_(text="Bulk"))
            for _ in range(1000):  # up to 10 s on a loaded machine; milliseconds here
                await pilot.pause(0.01)
                if not table._awaiting_view:
                    break
            row = table.row_at(0)
            assert row is not None and row["org"].startswith("Bulk unit")
            assert not table.counted
        await settle(app, pilot)
        assert table.counted and table.total == EXTRA


@pytest.mark.parametrize("text", ["Bulk", ""], ids=["filtered", "all-open"])
async def test_a_refresh_shows_rows_before_its_count(demo_db: Path, text: str) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        table.set_spec(table.spec.with_(text=text))
        await settle(app, pilot)
        assert table.counted and table.total >= EXTRA
        before = table.total
        totals: list[tuple[int, bool]] = []
        apply_reload = table._apply_reload

        def recording(*args: Any) -> None:
            apply_reload(*args)
            totals.append((table.total, table.counted))

        table._apply_reload = cast(Any, recording)  # type: ignore[method-assign]
        # A matching request is added, and the table refreshed as the live poll would
        # on another process's write. Written through the app's own connection so that
        # the poll (which sees only other connections' writes) does not refresh it too.
        with app.store.transaction() as conn:
            insert_open_requests(conn, 1, first=EXTRA)
        table.reset()
        await settle(app, pilot)
        # The refreshed rows came first, with the last count kept on screen as it was (not
        # flickering to "N+"); the new count after.
        assert totals == [(before, True)]
        assert table.counted and table.total == before + 1


async def test_the_last_row_leaving_the_view_leaves_the_rows_in_their_places(
    demo_db: Path,
) -> None:
    async with large_desk(demo_db) as (app, pilot, table):
        table.set_spec(table.spec.with_(text="Bulk"))
        await settle(app, pilot)
        table.focus()
        await pilot.press("G")
        await settle(app, pilot)
        last = table.cursor_row
        assert last is not None and table.cursor == EXTRA - 1
        with app.store.transaction() as conn:  # closed: it leaves the open view
            conn.execute("UPDATE requests SET status = 'closed' WHERE id = ?", (last["id"],))
        table.reset()  # the refresh (the poll sees only other connections' writes)
        await settle(app, pilot)
        assert table.total == EXTRA - 1 and table.cursor == EXTRA - 2
        ends = v.page(app.store, table.spec, None, 2, backward=True)
        assert [table.row_at(EXTRA - 3), table.row_at(EXTRA - 2)] == ends


async def test_a_filter_being_typed_is_counted_once_the_letters_stop(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each letter's rows come at once; the count (a scan of every open record) waits
    until no letter has come for a moment, so it runs once, for the filter as typed, not
    once per letter only to be cancelled by the next."""
    monkeypatch.setattr(virtual_table, "COUNT_AFTER_S", 1.0)  # letters come well inside it
    counted: list[str] = []
    count = v.count

    def recording(store: Any, spec: v.ViewSpec) -> int:
        counted.append(spec.text)
        return count(store, spec)

    monkeypatch.setattr(v, "count", recording)
    async with large_desk(demo_db) as (app, pilot, table):
        counted.clear()
        for typed in ("B", "Bu", "Bul", "Bulk"):
            table.set_spec(table.spec.with_(text=typed))
            for _ in range(500):  # this letter's rows on screen, as a person sees them
                await pilot.pause(0.01)
                if not table._awaiting_view:
                    break
            assert not table._awaiting_view and table.spec.text == typed
        assert counted == []
        for _ in range(500):
            await pilot.pause(0.01)
            if table.counted:
                break
        await settle(app, pilot)
        assert counted == ["Bulk"]
        assert table.counted and table.total == EXTRA
