"""Online backup: a consistent copy of a live database, verified before it is kept."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dutyboard.i18n import _
from dutyboard.store.connection import (
    applied_migrations,
    check_desk,
    disk_full,
    no_space_left,
    regular_file_exists,
    sqlite_uri,
    storage_error,
)
from dutyboard.store.errors import StoreError

if TYPE_CHECKING:
    from dutyboard.store.store import Store


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    bytes: int


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Every table of the schema (SQLite's own excepted), in schema order."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    ]


def _counts(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    quoted = {t: '"' + t.replace('"', '""') + '"' for t in tables}
    return {t: int(conn.execute(f"SELECT count(*) FROM {quoted[t]}").fetchone()[0])
            for t in tables}  # fmt: skip


def backup(source: Path, dest: Path) -> BackupResult:
    """Copy ``source`` to ``dest`` with SQLite's online backup, while others keep writing.

    The copy is taken inside one read transaction, so it matches the row counts read in
    that same transaction; it is checked (``integrity_check``, the application id and the
    row count of every table, compared with the source's) in a
    temporary file and only then renamed to ``dest``. A failed backup leaves ``dest``
    untouched, and so does a mismatch: it is an error, never a smaller backup.
    """
    if not regular_file_exists(source):
        raise StoreError(_("database {path} does not exist; check the path").format(path=source))
    if dest.is_dir():
        raise StoreError(_("{path} is a folder; give a file name for the backup").format(path=dest))
    if not dest.parent.is_dir():
        raise StoreError(
            _("cannot write backup: folder {folder} does not exist").format(folder=dest.parent)
        )
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(sqlite_uri(source, mode="ro"), uri=True, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        check_desk(src, source)
        src.execute("BEGIN")  # one snapshot for the counts and the copy
        if not applied_migrations(src):
            raise StoreError(
                _("{path} holds no desk yet (no dutyboard tables): nothing to copy").format(
                    path=source
                )
            )
        counts = _counts(src, _tables(src))
        app_id = int(src.execute("PRAGMA application_id").fetchone()[0])
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        out = sqlite3.connect(sqlite_uri(tmp), uri=True)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            result = " ".join(str(r[0]) for r in out.execute("PRAGMA integrity_check"))
            present = set(_tables(out))
            copied = _counts(out, [t for t in counts if t in present]) if result == "ok" else {}
            copied_id = int(out.execute("PRAGMA application_id").fetchone()[0])
        finally:
            out.close()
        src.execute("COMMIT")
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        text = " ".join(str(exc).split())[:300]
        if no_space_left(tmp.parent):
            raise disk_full(dest, text) from None
        problem = storage_error(exc, source)
        if problem is not None:
            raise StoreError(_("backup failed: {error}").format(error=problem)) from None
        raise StoreError(
            _("backup of {path} failed: {error}").format(path=source, error=text)
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    if result != "ok":
        tmp.unlink(missing_ok=True)
        detail = " ".join(result.split())[:300]
        raise StoreError(
            _(
                "backup of {path} failed verification ({detail}); {dest} was left as it was; "
                "the database may be damaged: run 'dutyboard check'"
            ).format(path=source, detail=detail, dest=dest)
        )
    differences = [
        (
            _("{table}: {count} rows in the database, {copied} in the copy").format(
                table=table, count=f"{count:,}", copied=f"{copied[table]:,}"
            )
            if table in copied
            else _("{table}: {count} rows in the database, no such table in the copy").format(
                table=table, count=f"{count:,}"
            )
        )
        for table, count in counts.items()
        if copied.get(table) != count
    ]
    if copied_id != app_id:
        differences.append(
            _("application id {ours} in the database, {theirs}").format(
                ours=f"{app_id:#010x}", theirs=f"{copied_id:#010x}"
            )
        )
    if differences:
        tmp.unlink(missing_ok=True)
        raise StoreError(
            _(
                "backup copy of {path} does not match it ({differences}); {dest} was left as "
                "it was: run 'dutyboard check'"
            ).format(path=source, differences=_("; ").join(differences)[:300], dest=dest)
        )
    os.replace(tmp, dest)
    return BackupResult(dest, counts, dest.stat().st_size)


def integrity(store: Store) -> str:
    """``PRAGMA integrity_check`` of an open desk, as one line (at most 300 characters):
    ``ok`` on a sound file, else what is wrong, or ``failed: …`` when the check itself
    could not run."""
    if store.postgres:
        # The server owns its pages (checksums, pg_amcheck); what dutyboard can check is
        # that the desk's schema is whole, which opening it has done.
        return "ok"
    try:
        with store._lock:
            rows = store.conn.execute("PRAGMA integrity_check").fetchall()
        return " ".join(" ".join(str(r[0]) for r in rows).split())[:300]
    except sqlite3.DatabaseError as exc:
        return f"failed: {exc} (the database may be damaged: see dutyboard backup --help)"
