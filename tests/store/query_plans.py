"""What SQLite plans for the statements a piece of store code sends."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import cast

from dutyboard.store import Store


def plans(store: Store, run: Callable[[], object]) -> list[tuple[str, str]]:
    """(statement, its query plan) for every SELECT ``run()`` sends through ``store``."""
    sent: list[str] = []
    conn = cast(sqlite3.Connection, store.conn)  # a SQLite desk's: the tracing is SQLite's
    conn.set_trace_callback(sent.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    return [
        (sql, " ".join(str(r[3]) for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")))
        for sql in sent
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]
