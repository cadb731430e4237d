"""Smoke test of bench/ingest.py at a tiny size (the real run is 100,000 rows)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ingest", REPO / "bench" / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_runs_at_tiny_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_bench().main(["--rows", "300"]) == 0
    out = capsys.readouterr().out
    assert "Ingest of 300 request rows" in out
    assert "| baseline: csv.reader + executemany |" in out
    assert "| dutyboard ingest (parse + store) |" in out
    assert "| … SQLite alone (the stored rows and events, executemany) |" in out
    assert out.count("\n| ") == 7  # the header and six rows


def test_the_baseline_and_the_floor_store_what_dutyboard_stores(tmp_path: Path) -> None:
    """The baseline keeps every column of the file; the floor re-inserts all rows and
    their create events: otherwise their figures compare lighter work."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert load_bench().main(["--rows", "200", "--keep", str(tmp_path)]) == 0

    def read(name: str, sql: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(tmp_path / name)
        try:
            return [tuple(row) for row in conn.execute(sql)]
        finally:
            conn.close()

    stored = "SELECT external_id, org, item, quantity, priority FROM requests ORDER BY id"
    assert read("baseline.db", stored) == read("dutyboard.db", stored)
    # The time as written (the importer reads it in the source's zone): one per row.
    assert read("baseline.db", "SELECT count(*) FROM requests WHERE due_by IS NULL") == [(0,)]
    whole = "SELECT * FROM requests ORDER BY id"
    assert read("sqlite-alone.db", whole) == read("dutyboard.db", whole)
    events = "SELECT entity_id, after FROM events WHERE action = 'create' ORDER BY id"
    assert read("sqlite-alone.db", events) == read("dutyboard.db", events)
