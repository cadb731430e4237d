"""Store errors. Each message is one line a person can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for store problems shown to users."""


class ReadOnlyError(StoreError):
    """A write was attempted on a read-only (leader) connection."""


class StaleEdit(StoreError):
    """The row changed under the user since they loaded it; the edit was not applied."""


class NotFound(StoreError):
    """No such record."""


class SchemaTooOld(StoreError):
    """A read-only process found a database that needs migrating first."""


class SchemaTooNew(StoreError):
    """The database was written by a newer dutyboard."""


class ValidationError(StoreError):
    """A value a person entered is not acceptable; the message names the field."""


class StorageError(StoreError):
    """The disk or the file failed (full, read-only, I/O error, damaged, locked too long).

    Raised instead of the raw ``sqlite3`` error so that it reaches a person as one line;
    whatever transaction met it was rolled back.
    """


class NotADesk(StoreError):
    """The file is an SQLite database of another program, not a dutyboard desk; it was
    left untouched."""
