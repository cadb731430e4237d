"""What SQLite plans for the statements a piece of store code sends."""

from __future__ import annotations

from collections.abc import Callable

from dutyboard.store import Store


def plans(store: Store, run: Callable[[], object]) -> list[tuple[str, str]]:
    """(statement, its query plan) for every SELECT ``run()`` sends through ``store``."""
    sent: list[str] = []
    store.conn.set_trace_callback(sent.append)
    try:
        run()
    finally:
        store.conn.set_trace_callback(None)
    return [
        (sql, " ".join(str(r[3]) for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")))
        for sql in sent
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]
