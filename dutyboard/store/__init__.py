"""SQLite store: connection, migrations, queries and commands. Never imports Textual."""

from dutyboard.store.errors import (
    NotFound,
    ReadOnlyError,
    SchemaTooNew,
    SchemaTooOld,
    StaleEdit,
    StoreError,
    ValidationError,
)
from dutyboard.store.store import Row, Shift, Store

__all__ = [
    "NotFound",
    "ReadOnlyError",
    "Row",
    "SchemaTooNew",
    "SchemaTooOld",
    "Shift",
    "StaleEdit",
    "Store",
    "StoreError",
    "ValidationError",
]
