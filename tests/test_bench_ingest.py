"""Smoke test of bench/ingest.py at a tiny size (the real run is 100,000 rows)."""

from __future__ import annotations

import importlib.util
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
    assert out.count("\n| ") == 6  # header, rule and five rows
