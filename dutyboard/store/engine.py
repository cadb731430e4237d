"""What is SQLite's own in the store, named in one place (DESIGN: engines behind the door).

A second engine (PostgreSQL, issue 21) implements each of these; everything else in the
store is one code path, and nothing outside ``dutyboard.store`` imports a driver:

============================  ===========================================================
change detection              :data:`DATA_VERSION_SQL` (``PRAGMA data_version``), read by
                              ``Store.data_version`` and polled by the dashboard
write lock                    :data:`BEGIN_WRITE` (``BEGIN IMMEDIATE``), ``Store.transaction``
read snapshot                 :data:`BEGIN_READ`, ``Store.reading``
read-only open                ``connection.connect(readonly=True)``: ``mode=ro`` +
                              ``PRAGMA query_only``
cancelling a read             ``Store.interrupt`` (``sqlite3.Connection.interrupt``);
                              :func:`is_interrupted` recognises the error it causes
backup                        ``backup.backup`` (the SQLite backup API, verified copy)
integrity check               ``backup.integrity`` (``PRAGMA integrity_check``)
page cache of a big write     ``intake.bulk_cache`` (``PRAGMA cache_size``)
JSON functions                ``json_extract`` / ``json_each`` / ``json_valid`` in
                              ``views`` and ``handovers``
query hints                   ``INDEXED BY`` in ``views`` (no PostgreSQL twin: plans are
                              checked with ``EXPLAIN`` in the tests)
driver errors                 :data:`DatabaseError`, what callers outside the store catch
============================  ===========================================================

The PostgreSQL twins are in :mod:`dutyboard.store.pg_engine`; a statement that cannot be
written alike for both asks :func:`is_postgres` of the connection it runs on.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol


class Connection(Protocol):
    """What the store asks of a connection: the part of :class:`sqlite3.Connection` it
    uses, which :class:`~dutyboard.store.pg_engine.PgConnection` speaks too."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


# Callers outside the store catch this, never the driver's module.
DatabaseError = sqlite3.Error

# Every desk carries this in its header (``PRAGMA application_id``): 0x44555459, the ASCII
# of "DUTY". Set by migration m080 on new desks and on desks made before it; ``file(1)``
# and other tools can tell a desk from other SQLite files by it.
APPLICATION_ID = int.from_bytes(b"DUTY", "big")

DATA_VERSION_SQL = "PRAGMA data_version"
BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN"


def is_postgres(conn: object) -> bool:
    """Is ``conn`` a PostgreSQL session (:class:`~dutyboard.store.pg_engine.PgConnection`)
    rather than a :class:`sqlite3.Connection`? Imports no driver."""
    return getattr(conn, "dialect", None) == "postgresql"


def is_interrupted(exc: BaseException) -> bool:
    """Did this query end because :meth:`Store.interrupt` cancelled it?"""
    return isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc)
