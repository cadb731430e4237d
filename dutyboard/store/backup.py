"""Online backup: a consistent copy of a live database, verified before it is kept."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dutyboard.store.errors import StoreError

# Tables whose row counts are compared between the source snapshot and the copy.
COUNTED = (
    "requests", "leads", "contacts", "supplies", "shifts", "handovers", "handover_items",
    "events", "sources", "ingest_runs", "quarantine",
)  # fmt: skip


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    bytes: int


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in COUNTED if t in existing}  # fmt: skip


def backup(source: Path, dest: Path) -> BackupResult:
    """Copy ``source`` to ``dest`` with SQLite's online backup, while others keep writing.

    The copy is taken inside one read transaction, so it matches the row counts read in
    that same transaction; it is checked (``integrity_check`` and counts) in a temporary
    file and only then renamed to ``dest``. A failed backup leaves ``dest`` untouched.
    """
    if not source.exists():
        raise StoreError(f"database {source} does not exist")
    if dest.is_dir():
        raise StoreError(f"{dest} is a folder; give a file name for the backup")
    if not dest.parent.is_dir():
        raise StoreError(f"cannot write backup: folder {dest.parent} does not exist")
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        src.execute("BEGIN")  # one snapshot for the counts and the copy
        counts = _counts(src)
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            result = out.execute("PRAGMA integrity_check").fetchone()[0]
            copied = _counts(out)
        finally:
            out.close()
        src.execute("COMMIT")
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"backup of {source} failed: {exc}") from None
    finally:
        src.close()
    if result != "ok" or copied != counts:
        tmp.unlink(missing_ok=True)
        detail = " ".join(str(result).split())[:300]
        raise StoreError(
            f"backup copy failed verification ({detail}); the database may be damaged: "
            "run 'dutyboard check'"
        )
    os.replace(tmp, dest)
    return BackupResult(dest, counts, dest.stat().st_size)
