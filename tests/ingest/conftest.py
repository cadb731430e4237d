"""Shared paths for the ingest tests.

The interop corpus sits beside the repository (``../shared/interop``), both on the
desk machine and in CI, which clones the repo next to a copy of ``shared/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"


@pytest.fixture(scope="session")
def interop() -> Path:
    assert INTEROP.is_dir(), f"interop corpus not found at {INTEROP}"
    return INTEROP
