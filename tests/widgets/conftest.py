from pathlib import Path

import pytest

from dutyboard.demo import build_demo
from dutyboard.store.dburl import PostgresLocation
from tests.conftest import FIXED_NOW


@pytest.fixture
def demo_desk(desk_location: Path | PostgresLocation) -> Path | PostgresLocation:
    """The demo desk on this run's engine (tests/conftest.py runs a test asking for it on
    SQLite and on PostgreSQL)."""
    build_demo(desk_location, now=FIXED_NOW, officer="Zhang Wei")
    return desk_location


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path
