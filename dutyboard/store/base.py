"""What the store's rooms share: the row type, the record tables' entity names and
:class:`StoreCore`, the part of :class:`~dutyboard.store.store.Store` that the command
mixins (:mod:`~dutyboard.store.requests`, :mod:`~dutyboard.store.leads`,
:mod:`~dutyboard.store.contacts`) build on.

The mixins annotate ``self`` as :class:`StoreCore`, so they name only what they use and
never import :mod:`dutyboard.store.store` (which inherits from them).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from dutyboard.store.engine import Connection

Row = dict[str, Any]

# A record table's entity, as its events name it.
ENTITY = {"requests": "request", "leads": "lead", "contacts": "contact"}


class StoreCore(Protocol):
    """The connection, transactions and generic record writes of the store."""

    conn: Connection

    @property
    def actor(self) -> str: ...

    def now(self) -> str: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def log_event(
        self,
        conn: Connection,
        entity: str,
        entity_id: int | None,
        action: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        *,
        at: str | None = None,
    ) -> None: ...

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None: ...

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]: ...

    def insert_record(
        self,
        conn: Connection,
        table: str,
        fields: Mapping[str, Any],
        *,
        at: str | None = None,
    ) -> int: ...

    def update_record(
        self,
        conn: Connection,
        table: str,
        record_id: int,
        changes: Mapping[str, Any],
        *,
        action: str = "update",
        expected_version: int | None = None,
    ) -> Row: ...

    def check_fresh(
        self, conn: Connection, table: str, record_id: int, expected_version: int | None
    ) -> None: ...

    def _append_note(self, notes: str | None, text: str) -> str: ...


__all__ = ["ENTITY", "Row", "StoreCore"]
